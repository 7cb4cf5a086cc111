import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey, newApiKey } from '../../src/auth/apiKeys.js';
import { buildGateway, launchGateway, until, type Build } from '../helpers/builtGateway.js';
import { startTestGateway, totalCalls, useTestGateway, type TestGateway } from '../helpers/gateway.js';
import { capturedLogger } from '../helpers/logger.js';

// Audit before the cut, fail-closed (docs/contract.md, "The mutations"): a real
// change's intent record is in the audit file before any mutating AWS call; when it
// cannot be written the change is refused as AuditUnavailable, nothing is called, the
// gateway keeps serving and /readyz says why.

const MUTATING = ['DisassociateConnectionFromLag', 'AssociateConnectionWithLag', 'UpdateLag', 'StartBgpFailoverTest', 'StopBgpFailoverTest'];

const CHANGES = [
  {
    mutation: 'disassociateConnectionFromLag',
    inputType: 'DisassociateConnectionFromLagInput',
    input: { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001' },
  },
  {
    mutation: 'associateConnectionWithLag',
    inputType: 'AssociateConnectionWithLagInput',
    input: { connectionId: 'dxcon-assoc01a', lagId: 'dxlag-allow001' },
  },
  {
    mutation: 'updateLagMinimumLinks',
    inputType: 'UpdateLagMinimumLinksInput',
    input: { lagId: 'dxlag-allow001', minimumLinks: 2 },
  },
  {
    mutation: 'startBgpFailoverTest',
    inputType: 'StartBgpFailoverTestInput',
    input: { virtualInterfaceId: 'dxvif-allow01pv', testDurationInMinutes: 30 },
  },
];
const document = (mutation: string, inputType: string) =>
  `mutation($input: ${inputType}!) { ${mutation}(input: $input) { __typename ... on DirectConnectError { code message retryable replayed } } }`;

describe('AUDIT_LOG_FILE=/dev/full: the file opens, every write fails', () => {
  const log = capturedLogger();
  const gw = useTestGateway({ AUDIT_LOG_FILE: '/dev/full', DX_EMULATOR_TRANSITION_MS: '0' }, { logger: log.logger, resetEachTest: false });

  it('starts, and is ready until a record fails to be written', async () => {
    const ready = await fetch(new URL('/readyz', gw.url));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { audit: { ok: true } } });
  });

  it.each(CHANGES)('refuses a real $mutation as AuditUnavailable without calling AWS', async ({ mutation, inputType, input }) => {
    await gw.reset();
    const { status, body } = await gw.graphql(document(mutation, inputType), { input: { ...input, clientRequestId: `full-${mutation}` } });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data[mutation]).toMatchObject({ __typename: 'AuditUnavailable', code: 'AUDIT_UNAVAILABLE', retryable: true, replayed: false });
    expect(body.data[mutation].message).toContain('ENOSPC');
    const calls = await gw.awsCalls();
    for (const operation of MUTATING) expect(calls[operation] ?? 0, operation).toBe(0);
    // Not even the reads before the change: nothing of it runs.
    expect(totalCalls(calls)).toBe(0);
  });

  it('keeps answering queries, and says on /readyz why it is not ready', async () => {
    const { body } = await gw.graphql('{ lag(lagId: "dxlag-allow001") { lagId numberOfConnections } }');
    expect(body).toEqual({ data: { lag: { lagId: 'dxlag-allow001', numberOfConnections: 3 } } });
    const ready = await fetch(new URL('/readyz', gw.url));
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({
      status: 'unready',
      checks: { audit: { ok: false, reason: 'ENOSPC: no space left on device (AUDIT_LOG_FILE /dev/full)' } },
    });
    expect((await fetch(new URL('/healthz', gw.url))).status).toBe(200);
  });

  it('counts the failed writes on /metrics and logs each refused change', async () => {
    const metrics = await (await fetch(new URL('/metrics', gw.url))).text();
    expect(metrics).toMatch(/^dxgraph_audit_write_failures_total\{kind="intent"\} 4$/m);
    const refused = log.lines.filter((line) => line.msg?.startsWith('audit intent not written'));
    expect(refused.map((line) => line.operation)).toEqual(CHANGES.map((c) => c.mutation));
    expect(refused.every((line) => line.reason === 'ENOSPC: no space left on device (AUDIT_LOG_FILE /dev/full)')).toBe(true);
  });

  // A dry run changes nothing, so it runs; the record it could not write is logged and counted.
  it.each(CHANGES)('still answers a dry run of $mutation, calling no mutating API', async ({ mutation, inputType, input }) => {
    await gw.reset();
    const { body } = await gw.graphql(document(mutation, inputType), { input: { ...input, dryRun: true } });
    expect(body.data[mutation].__typename).toMatch(/Success$/);
    const calls = await gw.awsCalls();
    for (const operation of MUTATING) expect(calls[operation] ?? 0, operation).toBe(0);
    expect(log.lines.filter((line) => line.audit?.kind === 'attempt' && line.audit.operation === mutation && line.level === 50)).toHaveLength(1);
  });
});

// The compiled entry point, built into a directory of its own (test/helpers/builtGateway.ts).
let build: Build;

const recordsIn = async (file: string) =>
  (await readFile(file, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, any>);

describe('AUDIT_LOG_FILE=/dev/full with a caller who may not change anything', () => {
  const reader = newApiKey();
  let keysDir: string;
  let gw: TestGateway;
  beforeAll(async () => {
    keysDir = await mkdtemp(join(tmpdir(), 'dxgraph-audit-roles-'));
    const keysFile = join(keysDir, 'api-keys.json');
    await writeFile(keysFile, JSON.stringify({ keys: [{ name: 'reader', sha256: hashApiKey(reader).toString('hex'), roles: ['dx:read'] }] }));
    gw = await startTestGateway({ AUTH_MODE: 'apikey', API_KEYS_FILE: keysFile, AUDIT_LOG_FILE: '/dev/full' });
  });
  afterAll(async () => {
    await gw?.stop();
    await rm(keysDir, { recursive: true, force: true });
  });

  it('answers FORBIDDEN, not AuditUnavailable: only a change the caller may make needs its intent first', async () => {
    const { mutation, inputType, input } = CHANGES[0]!;
    const response = await gw.graphql(document(mutation, inputType), { input }, { 'x-api-key': reader });
    expect(response.status).toBe(403);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(totalCalls(await gw.awsCalls())).toBe(0);
  });
});

describe('node dist/main.js killed with SIGKILL while a disassociation waits on AWS', () => {
  beforeAll(async () => {
    build = await buildGateway();
  }, 120_000);

  afterAll(async () => {
    await build?.remove();
  });

  it('leaves the intent record in the audit file, and no outcome for it', async () => {
    const auditFile = join(await mkdtemp(join(tmpdir(), 'dxgraph-cut-')), 'audit.jsonl');
    const gateway = await launchGateway(build, { AUDIT_LOG_FILE: auditFile, DX_EMULATOR_TRANSITION_MS: '0', DX_TIMEOUT_MS: '30000' });
    try {
      const fault = await fetch(`${gateway.emulatorUrl}/_emulator/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'latency', operation: 'DisassociateConnectionFromLag', latencyMs: 10_000 }),
      });
      expect(fault.status).toBe(200);

      const input = { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001', clientRequestId: 'cut-0001' };
      const answer = fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'chg-kill-0001' },
        body: JSON.stringify({ query: document('disassociateConnectionFromLag', 'DisassociateConnectionFromLagInput'), variables: { input } }),
      }).catch((error: unknown) => error);

      // AWS has the call and is slow to answer it: the cut is in flight, so its intent is already in the file.
      await until('the DisassociateConnectionFromLag call at the emulator', async () => {
        const stats = (await (await fetch(`${gateway.emulatorUrl}/_emulator/stats`)).json()) as { requests: Record<string, number> };
        return stats.requests.DisassociateConnectionFromLag === 1 ? true : undefined;
      });
      const intent = (await recordsIn(auditFile)).find((r) => r.kind === 'intent');
      expect(intent, 'the intent record, written before the mutating call').toBeDefined();
      gateway.child.kill('SIGKILL');
      expect(await gateway.exited).toBe('SIGKILL');
      expect(await answer).toBeInstanceOf(Error);

      const records = await recordsIn(auditFile);
      expect(records).toEqual([intent]);
      expect(records[0]).toEqual({
        kind: 'intent',
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        time: expect.any(String),
        requestId: 'chg-kill-0001',
        caller: 'anonymous',
        roles: ['dx:read', 'dx:operate'],
        operation: 'disassociateConnectionFromLag',
        input: { ...input, dryRun: false },
        clientRequestId: 'cut-0001',
        region: 'us-east-1',
        resourceIds: [input.connectionId, input.lagId],
        deadline: expect.any(String),
        fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect(records.filter((r) => r.intentId === intent!.id)).toEqual([]);
    } finally {
      gateway.child.kill('SIGKILL');
    }
  }, 60_000);
});
