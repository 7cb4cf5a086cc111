import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { start, type Running } from '../../src/start.js';
import { createEmulator, type Emulator } from '../../src/emulator/index.js';
import { redisAvailable, startRedis, type RedisServer } from '../helpers/redis.js';

// The cross-request cache through the real wiring: gateways over real HTTP in
// front of one emulator playing AWS, on one replica and on three sharing Redis
// (docs/contract.md, "Data loading"). The caches alone: test/unit/cache/.

let emulator: Emulator;
let endpoint: string;

beforeAll(async () => {
  emulator = createEmulator({ seed: 'large', transitionMs: 0 });
  endpoint = await emulator.listen(0);
  // The gateways find AWS credentials through the SDK's default chain, as in production.
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
});
afterAll(async () => {
  await emulator.close();
});

async function replica(env: Record<string, string> = {}): Promise<Running> {
  return start(
    loadConfig({
      DX_BACKEND: 'aws',
      // The log as the only audit record: accepted out loud, as DX_BACKEND=aws requires.
      AUDIT_SINK: 'log',
      DX_ENDPOINT: endpoint,
      AUTH_MODE: 'none',
      DX_REGIONS: 'us-east-1,us-west-2,eu-west-1',
      PORT: '0',
      NODE_ENV: 'production',
      DX_CACHE_TTL_MS: '60000',
      ...env,
    }),
    pino({ level: 'silent' }),
  );
}

const post = async (url: string, query: string) => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return (await response.json()) as { data?: any; errors?: any[] };
};

const LIST = '{ connections { connectionId lag { lagId numberOfConnections } } }';
const pages = (items: number) => Math.ceil(items / 100);

/** 100 concurrent identical requests spread over the replicas; returns the answers. */
async function burst(replicas: Running[], query = LIST) {
  return Promise.all(Array.from({ length: 100 }, (_, i) => post(replicas[i % replicas.length]!.url, query)));
}

function expectIdentical(answers: Array<{ data?: any; errors?: any[] }>) {
  for (const answer of answers) {
    expect(answer.errors).toBeUndefined();
    expect(answer).toEqual(answers[0]);
  }
}

describe('one replica, in-memory cache', () => {
  let gateway: Running;
  beforeAll(async () => {
    emulator.reset();
    gateway = await replica();
  });
  afterAll(async () => {
    await gateway.stop();
  });

  it('serves 100 concurrent identical list requests with one DescribeLags and one paged DescribeConnections run', async () => {
    emulator.reset();
    const answers = await burst([gateway]);
    expectIdentical(answers);
    const connections = answers[0]!.data.connections.length;
    expect(emulator.stats()).toEqual({ DescribeLags: 1, DescribeConnections: pages(connections) });
    await burst([gateway]);
    expect(emulator.stats()).toEqual({ DescribeLags: 1, DescribeConnections: pages(connections) });
  });

  it('shows the state after a mutation through it on the very next query', async () => {
    const before = await post(gateway.url, LIST);
    const member = before.data.connections.find((c: { lag: unknown }) => c.lag);
    const { lagId, numberOfConnections } = member.lag;
    const result = await post(
      gateway.url,
      `mutation { disassociateConnectionFromLag(input: { connectionId: "${member.connectionId}", lagId: "${lagId}" }) { __typename ... on DirectConnectError { code message } } }`,
    );
    expect(result.data.disassociateConnectionFromLag.__typename).toBe('DisassociateConnectionFromLagSuccess');
    const after = await post(gateway.url, `{ connection(connectionId: "${member.connectionId}") { lagId } lag(lagId: "${lagId}") { numberOfConnections } }`);
    expect(after.data).toEqual({ connection: { lagId: null }, lag: { numberOfConnections: numberOfConnections - 1 } });
    const list = await post(gateway.url, LIST);
    expect(list.data.connections.find((c: { connectionId: string }) => c.connectionId === member.connectionId).lag).toBeNull();
  });

  it('reports AWS calls, cache events, loader batches and operations at /metrics', async () => {
    const text = await (await fetch(new URL('/metrics', gateway.url))).text();
    expect(text).toMatch(/dxgraph_aws_calls_total\{operation="DescribeLags",region="us-east-1",outcome="success"\} \d+/);
    expect(text).toMatch(/dxgraph_aws_call_duration_seconds_bucket\{le="0.1",operation="DescribeConnections",region="us-east-1"\} \d+/);
    for (const event of ['hit', 'miss', 'coalesced']) {
      expect(text).toMatch(new RegExp(`dxgraph_cache_events_total\\{event="${event}",layer="memory"\\} [1-9]`));
    }
    expect(text).toMatch(/dxgraph_loader_batch_size_count\{loader="lagById"\} [1-9]/);
    expect(text).toMatch(/dxgraph_graphql_operations_total\{operation_name="anonymous",outcome="success",path="\w+"\} [1-9]/);
    expect(text).toMatch(/process_resident_memory_bytes \d+/);
  });
});

describe.skipIf(!redisAvailable)('three replicas sharing Redis', () => {
  let redis: RedisServer;
  let replicas: Running[];
  beforeAll(async () => {
    redis = await startRedis();
    replicas = await Promise.all([1, 2, 3].map(() => replica({ REDIS_URL: redis.url })));
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await redis.stop();
  });

  it('costs one call per kind per region for 100 concurrent identical requests spread over the replicas', async () => {
    emulator.reset();
    const answers = await burst(replicas, '{ us: connections { connectionId lag { lagId } } eu: connections(region: "eu-west-1") { connectionId lag { lagId } } }');
    expectIdentical(answers);
    const expected = pages(answers[0]!.data.us.length) + pages(answers[0]!.data.eu.length);
    expect(emulator.stats()).toEqual({ DescribeLags: 2, DescribeConnections: expected });
  });

  it('invalidates for every replica when one of them disassociates', async () => {
    const first = replicas[0]!;
    const other = replicas[2]!;
    const before = await post(other.url, LIST);
    const member = before.data.connections.find((c: { lag: unknown }) => c.lag);
    const result = await post(
      first.url,
      `mutation { disassociateConnectionFromLag(input: { connectionId: "${member.connectionId}", lagId: "${member.lag.lagId}" }) { __typename } }`,
    );
    expect(result.data.disassociateConnectionFromLag.__typename).toBe('DisassociateConnectionFromLagSuccess');
    const after = await post(other.url, LIST);
    expect(after.data.connections.find((c: { connectionId: string }) => c.connectionId === member.connectionId).lag).toBeNull();
  });

  it('keeps serving, straight from AWS, when Redis goes away', async () => {
    await redis.stop();
    const answer = await post(replicas[1]!.url, '{ lags(region: "us-west-2") { lagId } }');
    expect(answer.errors).toBeUndefined();
    expect(answer.data.lags.length).toBeGreaterThan(0);
  });
});

describe.skipIf(!redisAvailable)('REDIS_URL that cannot be reached', () => {
  it('stops start-up with a message naming REDIS_URL', async () => {
    await expect(replica({ REDIS_URL: 'redis://127.0.0.1:1' })).rejects.toThrow(/REDIS_URL/);
  });
});
