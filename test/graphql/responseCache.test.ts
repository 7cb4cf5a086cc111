import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { newApiKey } from '../../src/auth/apiKeys.js';
import { loadConfig } from '../../src/config.js';
import { createEmulator, type Emulator } from '../../src/emulator/index.js';
import { start, type Running } from '../../src/start.js';
import { startTestGateway, totalCalls, type TestGateway } from '../helpers/gateway.js';
import { writeApiKeysFile } from '../helpers/authRequests.js';
import { redisAvailable, startRedis, type RedisServer } from '../helpers/redis.js';

// The response cache (docs/contract.md, "Response cache") through the real wiring:
// what is answered again without running GraphQL, and everything that must not be.
// Whether GraphQL ran is read from the gateway's own metrics: a cached answer adds a
// response-layer hit and no read-cache event at all, since no resolver asked for data.

const LIST = '{ connections { connectionId connectionState lag { lagId numberOfConnections } } }';
const ONE = 'query One($id: ID!) { connection(connectionId: $id) { connectionId connectionState lagId } }';
const DRY_RUN =
  'mutation { disassociateConnectionFromLag(input: { connectionId: "dxcon-allow01a", lagId: "dxlag-allow001", dryRun: true }) { __typename } }';

type Events = Record<string, number>;

/** dxgraph_cache_events_total by "layer/event". */
async function cacheEvents(gw: TestGateway): Promise<Events> {
  const text = await (await fetch(new URL('/metrics', gw.url))).text();
  const events: Events = {};
  for (const [, event, layer, value] of text.matchAll(/^dxgraph_cache_events_total\{event="(\w+)",layer="(\w+)"\} (\d+)/gm)) {
    events[`${layer}/${event}`] = Number(value);
  }
  return events;
}

function delta(after: Events, before: Events): Events {
  const changed: Events = {};
  for (const [key, value] of Object.entries(after)) if (value !== (before[key] ?? 0)) changed[key] = value - (before[key] ?? 0);
  return changed;
}

async function post(gw: TestGateway, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(gw.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

async function control(gw: TestGateway, path: string, body: unknown) {
  const response = await fetch(`${gw.emulatorUrl}/_emulator/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status).toBe(200);
}

describe('with the read cache on (TTL 60 s)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ DX_CACHE_TTL_MS: '60000' });
  });
  afterAll(async () => {
    await gw.stop();
  });

  it('answers a repeated query from the response cache, byte for byte, without running GraphQL or calling AWS', async () => {
    const first = await post(gw, { query: LIST });
    expect(first.status).toBe(200);
    const calls = await gw.awsCalls();
    const before = await cacheEvents(gw);
    const again = await post(gw, { query: LIST });
    expect(again.status).toBe(200);
    expect(again.text).toBe(first.text);
    expect(again.headers.get('content-type')).toBe(first.headers.get('content-type'));
    expect(again.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));
    expect(delta(await cacheEvents(gw), before)).toEqual({ 'response/hit': 1 });
    expect(await gw.awsCalls()).toEqual(calls);
  });

  it('keys on the variables and the media type asked for', async () => {
    const a = await post(gw, { query: ONE, variables: { id: 'dxcon-allow01a' } });
    const b = await post(gw, { query: ONE, variables: { id: 'dxcon-allow01b' } });
    expect(JSON.parse(a.text).data.connection.connectionId).toBe('dxcon-allow01a');
    expect(JSON.parse(b.text).data.connection.connectionId).toBe('dxcon-allow01b');
    const graphqlResponse = await post(gw, { query: ONE, variables: { id: 'dxcon-allow01a' } }, { accept: 'application/graphql-response+json' });
    expect(graphqlResponse.headers.get('content-type')).toContain('application/graphql-response+json');
    const json = await post(gw, { query: ONE, variables: { id: 'dxcon-allow01a' } });
    expect(json.headers.get('content-type')).toContain('application/json');
    expect(json.text).toBe(a.text);
  });

  it('never keeps a mutation, even a dry run that changes nothing', async () => {
    await post(gw, { query: DRY_RUN });
    const before = await cacheEvents(gw);
    const again = await post(gw, { query: DRY_RUN });
    expect(JSON.parse(again.text).data.disassociateConnectionFromLag.__typename).toBe('DisassociateConnectionFromLagSuccess');
    const events = delta(await cacheEvents(gw), before);
    expect(events['response/hit']).toBeUndefined();
    // It ran: its resolver read the LAG (from the read cache).
    expect(events['memory/hit']).toBeGreaterThan(0);
  });

  it('never keeps an answer with an error, so the next request tries again', async () => {
    const query = '{ connections(region: "eu-west-1") { connectionId } }';
    await gw.fault({ type: 'server-error', operation: 'DescribeConnections' });
    const failed = await post(gw, { query });
    expect(JSON.parse(failed.text).errors?.[0]?.extensions?.code).toBe('AWS_SERVER_ERROR');
    await gw.clearFaults();
    const answered = await post(gw, { query });
    expect(JSON.parse(answered.text).errors).toBeUndefined();
    expect(JSON.parse(answered.text).data.connections.length).toBeGreaterThan(0);
  });

  it('serves a cached GET only to a request Apollo would accept (CSRF prevention)', async () => {
    const url = `${gw.url}?query=${encodeURIComponent(LIST)}`;
    const preflighted = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(preflighted.status).toBe(200);
    const text = await preflighted.text();
    expect((await fetch(url, { headers: { 'apollo-require-preflight': 'true' } }).then((r) => r.text()))).toBe(text);
    const simple = await fetch(url);
    expect(simple.status).toBe(400);
    expect(await simple.text()).toContain('Cross-Site Request Forgery');
  });

  it('shows a change made through the gateway to the very next query', async () => {
    const query = '{ lag(lagId: "dxlag-allow001") { numberOfConnections connections { connectionId } } }';
    const before = JSON.parse((await post(gw, { query })).text).data.lag;
    expect(JSON.parse((await post(gw, { query })).text).data.lag).toEqual(before);
    const cut = await gw.graphql(
      'mutation { disassociateConnectionFromLag(input: { connectionId: "dxcon-allow01a", lagId: "dxlag-allow001" }) { __typename } }',
    );
    expect(cut.body.data.disassociateConnectionFromLag.__typename).toBe('DisassociateConnectionFromLagSuccess');
    const after = JSON.parse((await post(gw, { query })).text).data.lag;
    expect(after.numberOfConnections).toBe(before.numberOfConnections - 1);
    expect(after.connections.map((c: { connectionId: string }) => c.connectionId)).not.toContain('dxcon-allow01a');
  });
});

describe('with a changed state behind the gateway (TTL 1 s)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ DX_CACHE_TTL_MS: '1000' });
  });
  afterAll(async () => {
    await gw.stop();
  });

  it('shows a change made elsewhere within the TTL plus one read', async () => {
    const query = '{ connection(connectionId: "dxcon-allow01b") { connectionState } }';
    expect(JSON.parse((await post(gw, { query })).text).data.connection.connectionState).toBe('AVAILABLE');
    await control(gw, 'connection-state', { region: 'us-east-1', connectionId: 'dxcon-allow01b', connectionState: 'down' });
    const changedAt = Date.now();
    let state = 'AVAILABLE';
    while (state === 'AVAILABLE' && Date.now() - changedAt < 5000) {
      state = JSON.parse((await post(gw, { query })).text).data.connection.connectionState;
      if (state === 'AVAILABLE') await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(state).toBe('DOWN');
    // One TTL, one refresh or read, and this loop's own step.
    expect(Date.now() - changedAt).toBeLessThan(1000 + 500);
  });
});

describe('with API keys', () => {
  const readerKey = newApiKey();
  const nobodyKey = newApiKey();
  let dir: string;
  let gw: TestGateway;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dxgraph-response-cache-'));
    const keysFile = await writeApiKeysFile(dir, { reader: { key: readerKey, roles: ['dx:read'] }, nobody: { key: nobodyKey, roles: ['billing:read'] } });
    gw = await startTestGateway({ DX_CACHE_TTL_MS: '60000', AUTH_MODE: 'apikey', API_KEYS_FILE: keysFile });
  });
  afterAll(async () => {
    await gw.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives a cached answer only to a caller who may run queries', async () => {
    const reader = await post(gw, { query: LIST }, { 'x-api-key': readerKey });
    expect(reader.status).toBe(200);
    const calls = totalCalls(await gw.awsCalls());
    const forbidden = await post(gw, { query: LIST }, { 'x-api-key': nobodyKey });
    expect(JSON.parse(forbidden.text).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(JSON.parse(forbidden.text).data ?? null).toBeNull();
    const anonymous = await post(gw, { query: LIST });
    expect(anonymous.status).toBe(401);
    expect((await post(gw, { query: LIST }, { 'x-api-key': readerKey })).text).toBe(reader.text);
    expect(totalCalls(await gw.awsCalls())).toBe(calls);
  });
});

describe.skipIf(!redisAvailable)('two replicas sharing Redis', () => {
  let emulator: Emulator;
  let redis: RedisServer;
  let replicas: Running[] = [];
  beforeAll(async () => {
    emulator = createEmulator({ seed: 'demo', transitionMs: 0 });
    const endpoint = await emulator.listen(0);
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
    redis = await startRedis();
    const config = loadConfig({
      DX_BACKEND: 'aws',
      // The log as the only audit record: accepted out loud, as DX_BACKEND=aws requires.
      AUDIT_SINK: 'log',
      DX_ENDPOINT: endpoint,
      AUTH_MODE: 'none',
      DX_REGIONS: 'us-east-1,eu-west-1',
      PORT: '0',
      NODE_ENV: 'production',
      REDIS_URL: redis.url,
      DX_CACHE_TTL_MS: '60000',
    });
    replicas = await Promise.all([0, 1].map(() => start(config, pino({ level: 'silent' }))));
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await redis?.stop();
    await emulator?.close();
  });

  it('shows a change made through one replica to the next query on the other, which had the old answer cached', async () => {
    const [a, b] = replicas as [Running, Running];
    const query = '{ lag(lagId: "dxlag-allow001") { numberOfConnections } }';
    const ask = async (replica: Running) => {
      const response = await fetch(replica.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
      return ((await response.json()) as { data: { lag: { numberOfConnections: number } } }).data.lag.numberOfConnections;
    };
    const before = await ask(b);
    const callsAfterFirst = totalCalls(emulator.stats());
    expect(await ask(b)).toBe(before);
    // Answered from B's response cache after one Redis check: no AWS call.
    expect(totalCalls(emulator.stats())).toBe(callsAfterFirst);
    const cut = await fetch(a.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { disassociateConnectionFromLag(input: { connectionId: "dxcon-allow01a", lagId: "dxlag-allow001" }) { __typename } }' }),
    });
    expect(((await cut.json()) as any).data.disassociateConnectionFromLag.__typename).toBe('DisassociateConnectionFromLagSuccess');
    expect(await ask(b)).toBe(before - 1);
  });
});
