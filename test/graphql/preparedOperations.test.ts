import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newApiKey } from '../../src/auth/apiKeys.js';
import { writeApiKeysFile } from '../helpers/authRequests.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

// The prepared path (src/http/graphqlRoute.ts): an operation Apollo has validated and
// run once is run again without Apollo's per-request pipeline. Whatever path a
// request takes, its answer must be the one Apollo gives, byte for byte, and an
// operation must never run twice. Which path a request took is read from
// dxgraph_graphql_operations_total{path}.

const readerKey = newApiKey();
const operatorKey = newApiKey();
const strangerKey = newApiKey();
const as = (key: string) => ({ 'x-api-key': key });

const CONNECTION = 'query One($id: ID!) { connection(connectionId: $id) { connectionId connectionState lagId } }';
const DISASSOCIATE = `mutation Cut($input: DisassociateConnectionFromLagInput!) {
  disassociateConnectionFromLag(input: $input) {
    __typename
    ... on DirectConnectError { code message retryable }
    ... on DisassociateConnectionFromLagSuccess { dryRun planToken impact { warnings { code } operationalConnectionsAfter } }
  }
}`;

let dir: string;
let auditFile: string;
let gw: TestGateway;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dxgraph-prepared-'));
  auditFile = join(dir, 'audit.jsonl');
  const keysFile = await writeApiKeysFile(dir, {
    reader: { key: readerKey, roles: ['dx:read'] },
    operator: { key: operatorKey, roles: ['dx:operate'] },
    stranger: { key: strangerKey, roles: ['billing:read'] },
  });
  gw = await startTestGateway({ AUTH_MODE: 'apikey', API_KEYS_FILE: keysFile, AUDIT_LOG_FILE: auditFile });
});
afterAll(async () => {
  await gw?.stop();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await gw.reset();
});

async function post(body: unknown, headers: Record<string, string>) {
  const response = await fetch(gw.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

/** Operations answered so far, by path. */
async function paths(): Promise<Record<string, number>> {
  const text = await (await fetch(new URL('/metrics', gw.url))).text();
  const counts: Record<string, number> = {};
  for (const [, path, value] of text.matchAll(/^dxgraph_graphql_operations_total\{[^}]*path="(\w+)"\} (\d+)/gm)) {
    counts[path!] = (counts[path!] ?? 0) + Number(value);
  }
  return counts;
}

async function onPaths<T>(fn: () => Promise<T>): Promise<{ result: T; took: Record<string, number> }> {
  const before = await paths();
  const result = await fn();
  const after = await paths();
  const took: Record<string, number> = {};
  for (const [path, n] of Object.entries(after)) if (n !== (before[path] ?? 0)) took[path] = n - (before[path] ?? 0);
  return { result, took };
}

const auditRecords = async () => (await readFile(auditFile, 'utf8')).split('\n').filter(Boolean).map((line) => JSON.parse(line));

describe('the prepared path', () => {
  it('answers a query Apollo has run before exactly as Apollo did, for each media type asked for', async () => {
    const body = { query: CONNECTION, variables: { id: 'dxcon-allow01a' }, operationName: 'One' };
    for (const accept of ['application/json', 'application/graphql-response+json']) {
      const first = await onPaths(() => post(body, { ...as(readerKey), accept }));
      const again = await onPaths(() => post(body, { ...as(readerKey), accept }));
      expect(again.took).toEqual({ prepared: 1 });
      expect(again.result).toEqual(first.result);
      expect(JSON.parse(again.result.text).data.connection.connectionId).toBe('dxcon-allow01a');
    }
  });

  it('gives other variables their own answer', async () => {
    await post({ query: CONNECTION, variables: { id: 'dxcon-allow01a' } }, as(readerKey));
    const { result, took } = await onPaths(() => post({ query: CONNECTION, variables: { id: 'dxcon-allow01b' } }, as(readerKey)));
    expect(took).toEqual({ prepared: 1 });
    expect(JSON.parse(result.text).data.connection.connectionId).toBe('dxcon-allow01b');
  });

  it('answers a dry run as Apollo does, and audits each attempt once', async () => {
    const body = { query: DISASSOCIATE, variables: { input: { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001', dryRun: true } } };
    const first = await post(body, as(readerKey));
    const again = await onPaths(() => post(body, as(readerKey)));
    expect(again.took).toEqual({ prepared: 1 });
    const strip = (text: string) => {
      const answer = JSON.parse(text);
      expect(answer.data.disassociateConnectionFromLag.planToken).toMatch(/^p1\./);
      delete answer.data.disassociateConnectionFromLag.planToken;
      return answer;
    };
    expect(strip(again.result.text)).toEqual(strip(first.text));
    expect(again.result.contentType).toBe(first.contentType);
    const dryRuns = (await auditRecords()).filter((r) => r.operation === 'disassociateConnectionFromLag' && r.input?.dryRun === true);
    expect(dryRuns.length).toBe(2);
  });

  it('hands a result with an error to Apollo, which answers it without running the operation again', async () => {
    // A reader may not cut: the resolver refuses with FORBIDDEN (an error, not a typed member).
    const body = { query: DISASSOCIATE, variables: { input: { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001' } } };
    const first = await post(body, as(readerKey));
    expect(JSON.parse(first.text).errors[0].extensions.code).toBe('FORBIDDEN');
    await post({ query: CONNECTION, variables: { id: 'dxcon-allow01a' } }, as(readerKey));
    const attemptsBefore = (await auditRecords()).length;
    const again = await onPaths(() => post(body, as(readerKey)));
    expect(again.took).toEqual({ apollo: 1 });
    expect(again.result).toEqual(first);
    // One attempt record: the resolver ran once.
    expect((await auditRecords()).length).toBe(attemptsBefore + 1);
    expect(await gw.awsCalls()).not.toHaveProperty('DisassociateConnectionFromLag');
  });

  it('makes a real change once, and answers a refused one as Apollo does', async () => {
    // AWS itself refuses it: the connection is in another LAG.
    const cut = { query: DISASSOCIATE, variables: { input: { connectionId: 'dxcon-minlnk1a', lagId: 'dxlag-allow001' } } };
    const first = await post(cut, as(operatorKey));
    expect(JSON.parse(first.text).data.disassociateConnectionFromLag.code).toBe('CONNECTION_NOT_IN_LAG');
    const again = await onPaths(() => post(cut, as(operatorKey)));
    expect(again.took).toEqual({ prepared: 1 });
    expect(again.result).toEqual(first);
    // A real call always asks AWS, which refuses it: once per request, not twice.
    expect((await gw.awsCalls()).DisassociateConnectionFromLag).toBe(2);

    const allowed = { query: DISASSOCIATE, variables: { input: { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001' } } };
    const done = await onPaths(() => post(allowed, as(operatorKey)));
    expect(done.took).toEqual({ prepared: 1 });
    expect(JSON.parse(done.result.text).data.disassociateConnectionFromLag.__typename).toBe('DisassociateConnectionFromLagSuccess');
    expect((await gw.awsCalls()).DisassociateConnectionFromLag).toBe(3);
  });

  it('leaves variables that do not fit to Apollo, which refuses them as before', async () => {
    await post({ query: CONNECTION, variables: { id: 'dxcon-allow01a' } }, as(readerKey));
    const missing = await onPaths(() => post({ query: CONNECTION, variables: {} }, as(readerKey)));
    expect(missing.result.status).toBe(400);
    expect(JSON.parse(missing.result.text).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(missing.took).toEqual({ apollo: 1 });
  });

  it('sends a caller who may not run queries to Apollo, which refuses', async () => {
    await post({ query: CONNECTION, variables: { id: 'dxcon-allow01a' } }, as(readerKey));
    const refused = await onPaths(() => post({ query: CONNECTION, variables: { id: 'dxcon-allow01a' } }, as(strangerKey)));
    expect(JSON.parse(refused.result.text).errors[0].extensions.code).toBe('FORBIDDEN');
    expect(refused.took).toEqual({ apollo: 1 });
  });

  it('takes nothing unusual: extensions, unknown members, a GET', async () => {
    const body = { query: CONNECTION, variables: { id: 'dxcon-allow01a' } };
    await post(body, as(readerKey));
    for (const odd of [{ ...body, extensions: {} }, { ...body, id: 'x' }]) {
      const { took } = await onPaths(() => post(odd, as(readerKey)));
      expect(took).toEqual({ apollo: 1 });
    }
    const url = `${gw.url}?query=${encodeURIComponent(CONNECTION)}&variables=${encodeURIComponent(JSON.stringify(body.variables))}`;
    const { took } = await onPaths(() => fetch(url, { headers: { ...as(readerKey), 'apollo-require-preflight': 'true' } }).then((r) => r.text()));
    expect(took).toEqual({ apollo: 1 });
  });
});
