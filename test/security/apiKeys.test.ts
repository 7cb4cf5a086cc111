import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashApiKey, newApiKey } from '../../src/auth/apiKeys.js';
import { startTestGateway, totalCalls, type TestGateway } from '../helpers/gateway.js';
import { capturedLogger } from '../helpers/logger.js';
import { ALLOWED, DISASSOCIATE, LAGS, NOT_IN_LAG, post, UUID, attemptsIn, auditLines, oneAttempt, type Answer } from '../helpers/authRequests.js';

// AUTH_MODE=apikey over real HTTP against npm start's wiring. API_KEYS_FILE holds
// names, roles and SHA-256 hashes only; the keys themselves exist in this test alone.

const apiKey = (key: string) => ({ 'x-api-key': key });
const sha256 = (key: string) => hashApiKey(key).toString('hex');

const readerKey = newApiKey();
const operatorKey = newApiKey();
const log = capturedLogger();
let dir: string;
let keysFile: string;
let auditFile: string;
let gw: TestGateway;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dxgraph-apikeys-'));
  keysFile = join(dir, 'api-keys.json');
  auditFile = join(dir, 'audit.jsonl');
  await writeFile(
    keysFile,
    JSON.stringify({
      keys: [
        { name: 'reader', sha256: sha256(readerKey), roles: ['dx:read'] },
        { name: 'operator', sha256: sha256(operatorKey), roles: ['dx:operate'] },
      ],
    }),
  );
  gw = await startTestGateway({ AUTH_MODE: 'apikey', API_KEYS_FILE: keysFile, AUDIT_LOG_FILE: auditFile }, { logger: log.logger });
});
afterAll(async () => {
  await gw?.stop();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await gw.reset();
});

describe('AUTH_MODE=apikey', () => {
  it('makes keys that are long, random and recognisable', () => {
    expect(readerKey).toMatch(/^dxg_[\w-]{43}$/);
    expect(readerKey).not.toBe(operatorKey);
  });

  it('keeps only hashes in API_KEYS_FILE, never a key', async () => {
    const text = await readFile(keysFile, 'utf8');
    expect(text).not.toContain(readerKey);
    expect(text).not.toContain(operatorKey);
    expect(text).not.toContain(readerKey.slice(4));
    expect(text).toContain(sha256(readerKey));
  });

  it('lets the reader key run queries and a dry run', async () => {
    const query = await post(gw, LAGS, undefined, apiKey(readerKey));
    expect(query.status).toBe(200);
    expect(query.body.data.lags.map((l: { lagId: string }) => l.lagId)).toContain('dxlag-allow001');
    const dry = await post(gw, DISASSOCIATE, { input: { ...ALLOWED, dryRun: true } }, apiKey(readerKey));
    expect(dry.status).toBe(200);
    expect(dry.body.data.disassociateConnectionFromLag).toMatchObject({ __typename: 'DisassociateConnectionFromLagSuccess', dryRun: true });
    expect((await gw.awsCalls()).DisassociateConnectionFromLag ?? 0).toBe(0);
  });

  it('refuses the reader key a real disassociation with FORBIDDEN (403) before any AWS call', async () => {
    const real = await post(gw, DISASSOCIATE, { input: ALLOWED }, apiKey(readerKey));
    expect(real.status).toBe(403);
    expect(real.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(real.body.errors?.[0]?.message).toContain('reader');
    expect(totalCalls(await gw.awsCalls())).toBe(0);
  });

  it('lets the operator key run the real disassociation', async () => {
    const real = await post(gw, DISASSOCIATE, { input: ALLOWED }, apiKey(operatorKey));
    expect(real.status).toBe(200);
    expect(real.body.data.disassociateConnectionFromLag).toMatchObject({
      __typename: 'DisassociateConnectionFromLagSuccess',
      dryRun: false,
      connection: { connectionId: 'dxcon-allow01a', lagId: null },
    });
    expect((await gw.awsCalls()).DisassociateConnectionFromLag).toBe(1);
    expect((await post(gw, LAGS, undefined, apiKey(operatorKey))).status).toBe(200);
  });

  describe.each([
    ['associateConnectionWithLag', 'AssociateConnectionWithLagInput', { connectionId: 'dxcon-assoc01a', lagId: 'dxlag-allow001' }, 'AssociateConnectionWithLag'],
    ['updateLagMinimumLinks', 'UpdateLagMinimumLinksInput', { lagId: 'dxlag-allow001', minimumLinks: 2 }, 'UpdateLag'],
    ['startBgpFailoverTest', 'StartBgpFailoverTestInput', { virtualInterfaceId: 'dxvif-allow01pv', testDurationInMinutes: 30 }, 'StartBgpFailoverTest'],
  ] as const)('%s', (mutation, inputType, input, awsOperation) => {
    const query = `mutation($input: ${inputType}!) { ${mutation}(input: $input) { __typename ... on DirectConnectError { code } } }`;

    it('lets the reader key dry-run it, and refuses it the change with FORBIDDEN before any AWS call', async () => {
      const dry = await post(gw, query, { input: { ...input, dryRun: true } }, apiKey(readerKey));
      expect(dry.body.data[mutation].__typename).toMatch(/Success$/);
      await gw.reset();
      const real = await post(gw, query, { input }, apiKey(readerKey));
      expect(real.status).toBe(403);
      expect(real.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(totalCalls(await gw.awsCalls())).toBe(0);
    });

    it('lets the operator key make the change, and audits every attempt once, dry or real, allowed or not', async () => {
      const before = (await auditLines(auditFile)).length;
      await post(gw, query, { input: { ...input, dryRun: true } }, apiKey(readerKey));
      await post(gw, query, { input }, apiKey(readerKey));
      const real = await post(gw, query, { input: { ...input, clientRequestId: 'change-4711' } }, apiKey(operatorKey));
      expect(real.body.data[mutation].__typename).toMatch(/Success$/);
      expect((await gw.awsCalls())[awsOperation]).toBe(1);
      await post(gw, query, { input }, apiKey(newApiKey()));
      const lines = (await auditLines(auditFile)).slice(before);
      const records = attemptsIn(lines);
      expect(records.map((r) => [r.kind, r.operation, r.caller, r.outcome])).toEqual([
        ['attempt', mutation, 'reader', 'SUCCESS'],
        ['attempt', mutation, 'reader', 'FORBIDDEN'],
        ['outcome', mutation, 'operator', 'SUCCESS'],
        ['attempt', mutation, null, 'UNAUTHENTICATED'],
      ]);
      // Only the real call the caller may make has an intent, just before its outcome.
      expect(lines.map((r) => r.kind)).toEqual(['attempt', 'attempt', 'intent', 'outcome', 'attempt']);
      expect(lines[3]!.intentId).toEqual(lines[2]!.id);
      expect(records[2]!.input.clientRequestId).toBe('change-4711');
      expect(lines[2]).toMatchObject({ caller: 'operator', clientRequestId: 'change-4711' });
      expect(records[2]!.clientRequestId).toBe('change-4711');
      expect(records[2]!.awsRequestId).toMatch(UUID);
    });
  });

  it('authenticates a GET with a document however many parameters pad the URL', async () => {
    const padding = Array.from({ length: 1100 }, (_, i) => `p${i}=1`).join('&');
    const response = await fetch(`${gw.url}?${padding}&query=${encodeURIComponent(LAGS)}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(response.status).toBe(401);
    expect(totalCalls(await gw.awsCalls())).toBe(0);
  });

  const refusals: Array<[string, Record<string, string>]> = [
    ['no x-api-key header', {}],
    ['an empty x-api-key', apiKey('')],
    ['a wrong key', apiKey(newApiKey())],
    ['the operator key with one character changed', apiKey(`${operatorKey.slice(0, -1)}${operatorKey.endsWith('A') ? 'B' : 'A'}`)],
    ['the operator key with a character added', apiKey(`${operatorKey}x`)],
    ['the operator key without its prefix', apiKey(operatorKey.slice(4))],
    ['the stored hash presented as the key', apiKey(sha256(operatorKey))],
    ['the key as a bearer token', { authorization: `Bearer ${operatorKey}` }],
  ];

  it.each(refusals)('refuses %s with 401 UNAUTHENTICATED and no AWS call at all', async (_name, headers) => {
    const query = await post(gw, LAGS, undefined, headers);
    expect(query.status).toBe(401);
    expect(query.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(query.body.data).toBeUndefined();
    const real = await post(gw, DISASSOCIATE, { input: ALLOWED }, headers);
    expect(real.status).toBe(401);
    expect(real.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(real.text).not.toContain(operatorKey);
    expect(totalCalls(await gw.awsCalls())).toBe(0);
  });
});

describe('the audit trail with API keys (AUDIT_LOG_FILE)', () => {
  async function recordsOf(send: () => Promise<Answer>): Promise<{ answer: Answer; records: Array<Record<string, any>> }> {
    const before = (await auditLines(auditFile)).length;
    const answer = await send();
    return { answer, records: (await auditLines(auditFile)).slice(before) };
  }

  /** The record that ended the request's one attempt: alone for a dry run or a refusal, after its intent for a real call. */
  function expectOneRecord({ answer, records }: { answer: Answer; records: Array<Record<string, any>> }): Record<string, any> {
    const record = oneAttempt(records);
    expect(record.operation).toBe('disassociateConnectionFromLag');
    expect(record.requestId).toBe(answer.requestId);
    expect(Number.isNaN(Date.parse(record.time))).toBe(false);
    expect(typeof record.durationMs).toBe('number');
    return record;
  }

  it('records an attempt with a wrong key as UNAUTHENTICATED', async () => {
    const sent = await recordsOf(() => post(gw, DISASSOCIATE, { input: ALLOWED }, apiKey(newApiKey())));
    expect(sent.answer.status).toBe(401);
    expect(expectOneRecord(sent)).toMatchObject({ kind: 'attempt', caller: null, roles: [], outcome: 'UNAUTHENTICATED', awsRequestId: null, input: ALLOWED });
  });

  it('records an attempt with no key as UNAUTHENTICATED', async () => {
    const sent = await recordsOf(() => post(gw, DISASSOCIATE, { input: ALLOWED }));
    expect(sent.answer.status).toBe(401);
    expect(expectOneRecord(sent)).toMatchObject({ kind: 'attempt', caller: null, outcome: 'UNAUTHENTICATED', awsRequestId: null });
  });

  it('records a forbidden attempt under the key’s name', async () => {
    const sent = await recordsOf(() => post(gw, DISASSOCIATE, { input: ALLOWED }, apiKey(readerKey)));
    expect(sent.answer.status).toBe(403);
    expect(expectOneRecord(sent)).toMatchObject({ kind: 'attempt', caller: 'reader', roles: ['dx:read'], outcome: 'FORBIDDEN', awsRequestId: null });
  });

  it('records a dry run as SUCCESS with no AWS request ID', async () => {
    const sent = await recordsOf(() => post(gw, DISASSOCIATE, { input: { ...ALLOWED, dryRun: true } }, apiKey(readerKey)));
    expect(expectOneRecord(sent)).toMatchObject({ kind: 'attempt', caller: 'reader', outcome: 'SUCCESS', awsRequestId: null, input: { ...ALLOWED, dryRun: true } });
  });

  it('records a real disassociation as SUCCESS with the AWS request ID', async () => {
    const sent = await recordsOf(() => post(gw, DISASSOCIATE, { input: ALLOWED }, apiKey(operatorKey)));
    expect(sent.answer.body.data.disassociateConnectionFromLag.__typename).toBe('DisassociateConnectionFromLagSuccess');
    const record = expectOneRecord(sent);
    expect(record).toMatchObject({ kind: 'outcome', caller: 'operator', roles: ['dx:operate'], outcome: 'SUCCESS' });
    expect(record.awsRequestId).toMatch(UUID);
  });

  it('records a typed failure with its code and the AWS request ID', async () => {
    const sent = await recordsOf(() => post(gw, DISASSOCIATE, { input: NOT_IN_LAG }, apiKey(operatorKey)));
    expect(sent.answer.body.data.disassociateConnectionFromLag.__typename).toBe('ConnectionNotInLag');
    const record = expectOneRecord(sent);
    expect(record).toMatchObject({ kind: 'outcome', caller: 'operator', outcome: 'CONNECTION_NOT_IN_LAG', input: NOT_IN_LAG });
    expect(record.awsRequestId).toMatch(UUID);
  });

  it('honours a caller-supplied x-request-id', async () => {
    const sent = await recordsOf(() => post(gw, DISASSOCIATE, { input: { ...ALLOWED, dryRun: true } }, { ...apiKey(operatorKey), 'x-request-id': 'chg-0042' }));
    expect(sent.answer.requestId).toBe('chg-0042');
    expect(expectOneRecord(sent).requestId).toBe('chg-0042');
  });

  it('writes no record for queries', async () => {
    const sent = await recordsOf(async () => {
      await post(gw, LAGS, undefined, apiKey(readerKey));
      return post(gw, LAGS, undefined, apiKey('wrong'));
    });
    expect(sent.records).toEqual([]);
  });

  // Runs after every key above has been presented.
  it('never writes a key to the log or the audit file', async () => {
    expect(log.lines.length).toBeGreaterThan(20);
    const logText = log.text();
    const auditText = await readFile(auditFile, 'utf8');
    for (const key of [readerKey, operatorKey]) {
      expect(logText).not.toContain(key);
      expect(auditText).not.toContain(key);
      expect(logText).not.toContain(key.slice(4));
      // Nor its hash: a leaked hash would let an attacker test guesses offline.
      expect(logText).not.toContain(sha256(key));
      expect(auditText).not.toContain(sha256(key));
    }
  });
});

describe('API_KEYS_FILE problems stop the gateway at start-up', () => {
  const startWith = async (contents: string | undefined) => {
    const file = join(dir, `keys-${Math.random().toString(36).slice(2)}.json`);
    if (contents !== undefined) await writeFile(file, contents);
    return startTestGateway({ AUTH_MODE: 'apikey', API_KEYS_FILE: file });
  };
  const key = newApiKey();

  it.each([
    ['a missing file', undefined],
    ['a file that is not JSON', '{"keys": ['],
    ['an empty key list', JSON.stringify({ keys: [] })],
    ['an entry with no roles', JSON.stringify({ keys: [{ name: 'x', sha256: sha256(key), roles: [] }] })],
    ['a hash in upper case', JSON.stringify({ keys: [{ name: 'x', sha256: sha256(key).toUpperCase(), roles: ['dx:read'] }] })],
    ['a plaintext key in place of the hash', JSON.stringify({ keys: [{ name: 'x', sha256: key, roles: ['dx:read'] }] })],
    ['a plaintext key field and no hash', JSON.stringify({ keys: [{ name: 'x', key, roles: ['dx:read'] }] })],
  ])('refuses %s, naming API_KEYS_FILE', async (_name, contents) => {
    const failure = startWith(contents);
    await expect(failure).rejects.toThrow(/API_KEYS_FILE/);
    // The reason never echoes a key the file wrongly holds.
    await expect(failure.catch((error: Error) => error.message)).resolves.not.toContain(key);
  });

  it('refuses AUTH_MODE=apikey without API_KEYS_FILE', async () => {
    await expect(startTestGateway({ AUTH_MODE: 'apikey' })).rejects.toThrow(/API_KEYS_FILE/);
  });
});
