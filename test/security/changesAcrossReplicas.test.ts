import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { createEmulator, type Emulator } from '../../src/emulator/index.js';
import { start, type Running } from '../../src/start.js';
import { redisAvailable, startRedis, type RedisServer } from '../helpers/redis.js';

// Exactly once per clientRequestId, and one change per LAG at a time, across three
// replicas sharing a real redis-server in front of one emulator playing AWS
// (docs/contract.md, "Exactly once, one at a time"). One replica alone, in memory:
// test/graphql/exactlyOnce.test.ts.

let emulator: Emulator;
let endpoint: string;
let redis: RedisServer;
let replicas: Running[] = [];

const SECRET = 'a-plan-token-secret-shared-by-the-replicas';

beforeAll(async () => {
  if (!redisAvailable) return;
  emulator = createEmulator({ seed: 'demo', transitionMs: 0 });
  endpoint = await emulator.listen(0);
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
    PLAN_TOKEN_SECRET: SECRET,
  });
  replicas = await Promise.all([0, 1, 2].map(() => start(config, pino({ level: 'silent' }))));
});
afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  await redis?.stop();
  await emulator?.close();
});
beforeEach(async () => {
  if (!redisAvailable) return;
  await fetch(`${endpoint}/_emulator/reset`, { method: 'POST' });
});

const DISASSOCIATE = `mutation($input: DisassociateConnectionFromLagInput!) { disassociateConnectionFromLag(input: $input) {
  __typename
  ... on DisassociateConnectionFromLagSuccess { dryRun replayed awsRequestId planToken connection { connectionId lagId } }
  ... on DirectConnectError { code message retryable replayed }
  ... on InvalidInput { field }
  ... on StateChanged { changes { field planned current } }
} }`;

async function disassociate(replica: Running, input: Record<string, unknown>) {
  const response = await fetch(replica.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: DISASSOCIATE, variables: { input } }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data.disassociateConnectionFromLag;
}

async function awsCalls(): Promise<Record<string, number>> {
  return ((await (await fetch(`${endpoint}/_emulator/stats`)).json()) as { requests: Record<string, number> }).requests;
}

describe.skipIf(!redisAvailable)('three replicas sharing Redis', () => {
  it('run ten concurrent identical requests with one clientRequestId once, and answer all ten alike', async () => {
    const input = { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001', clientRequestId: 'window-4711-step-3' };
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => disassociate(replicas[i % 3]!, input)));
    expect((await awsCalls()).DisassociateConnectionFromLag).toBe(1);
    const first = answers.find((a) => !a.replayed);
    expect(first).toMatchObject({ __typename: 'DisassociateConnectionFromLagSuccess', connection: { lagId: null } });
    expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
    for (const answer of answers) expect({ ...answer, replayed: false }).toEqual(first);

    const later = await disassociate(replicas[2]!, input);
    expect(later).toEqual({ ...first, replayed: true });
    expect((await awsCalls()).DisassociateConnectionFromLag).toBe(1);

    const other = await disassociate(replicas[1]!, { ...input, connectionId: 'dxcon-allow01b' });
    expect(other).toMatchObject({ __typename: 'InvalidInput', field: 'clientRequestId', replayed: false });
    expect((await awsCalls()).DisassociateConnectionFromLag).toBe(1);
  });

  it('let only one of two plans made on the same state apply, when both arrive at once on two replicas', async () => {
    const [a, b] = await Promise.all([
      disassociate(replicas[0]!, { connectionId: 'dxcon-macsec1a', lagId: 'dxlag-macsec01', dryRun: true }),
      disassociate(replicas[1]!, { connectionId: 'dxcon-macsec1b', lagId: 'dxlag-macsec01', dryRun: true }),
    ]);
    const results = await Promise.all([
      disassociate(replicas[0]!, { connectionId: 'dxcon-macsec1a', lagId: 'dxlag-macsec01', expectedPlanToken: a.planToken }),
      disassociate(replicas[1]!, { connectionId: 'dxcon-macsec1b', lagId: 'dxlag-macsec01', expectedPlanToken: b.planToken }),
    ]);
    expect(results.map((r) => r.__typename).sort()).toEqual(['DisassociateConnectionFromLagSuccess', 'StateChanged']);
    expect((await awsCalls()).DisassociateConnectionFromLag).toBe(1);
    const loser = results.find((r) => r.__typename === 'StateChanged');
    expect(loser.changes).toContainEqual(expect.objectContaining({ field: 'lag.members' }));
  });

  it('refuse a change, typed and within a bounded time, while Redis is frozen, change nothing, and stay alive', async () => {
    redis.pause();
    try {
      const began = Date.now();
      const result = await disassociate(replicas[0]!, { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001', clientRequestId: 'frozen-1' });
      expect(Date.now() - began).toBeLessThan(10_000);
      expect(result).toMatchObject({ __typename: 'CoordinationUnavailable', code: 'COORDINATION_UNAVAILABLE', retryable: true });
      const noId = await disassociate(replicas[1]!, { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001' });
      expect(noId.__typename).toBe('CoordinationUnavailable');
      expect((await awsCalls()).DisassociateConnectionFromLag ?? 0).toBe(0);
      const health = await fetch(replicas[0]!.url.replace('/graphql', '/healthz'));
      expect(health.status).toBe(200);
      // Reads carry on without Redis.
      const query = await fetch(replicas[2]!.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ lag(lagId: "dxlag-allow001") { numberOfConnections } }' }) });
      expect(await query.json()).toEqual({ data: { lag: { numberOfConnections: 3 } } });
    } finally {
      redis.resume();
    }
    const after = await disassociate(replicas[2]!, { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001', clientRequestId: 'frozen-1' });
    expect(after.__typename).toBe('DisassociateConnectionFromLagSuccess');
  });

  it('lock the LAG a connection leaves too: a move waits for a change holding that LAG, then says so', async () => {
    const client = new Redis(redis.url);
    try {
      await client.set('dxgraph:lock:lag us-east-1/dxlag-minlink01', 'another-change', 'PX', 20_000);
      const began = Date.now();
      const result = await fetch(replicas[0]!.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: `mutation { associateConnectionWithLag(input: { connectionId: "dxcon-minlnk1a", lagId: "dxlag-allow001" }) { __typename ... on DirectConnectError { code message retryable } } }`,
        }),
      }).then((r) => r.json() as Promise<{ data: any }>);
      expect(result.data.associateConnectionWithLag).toMatchObject({ __typename: 'ResourceBusy', retryable: true });
      expect(result.data.associateConnectionWithLag.message).toContain('dxlag-minlink01');
      expect(Date.now() - began).toBeLessThan(15_000);
      expect((await awsCalls()).AssociateConnectionWithLag ?? 0).toBe(0);
    } finally {
      await client.del('dxgraph:lock:lag us-east-1/dxlag-minlink01');
      client.disconnect();
    }
  });
});
