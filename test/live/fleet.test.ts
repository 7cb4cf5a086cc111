import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { createEmulator, type Emulator } from '../../src/emulator/index.js';
import { sleep } from '../helpers/emulator.js';
import { redisAvailable, startRedis, type RedisServer } from '../helpers/redis.js';
import { metricValue, subscribe, subscriber, subscriptionsRunning, until } from '../helpers/subscriptions.js';

// Subscriptions across a fleet (docs/contract.md, "Live state"): two gateway
// processes sharing a real redis-server, in front of one emulator playing AWS. One
// watcher per region fleet-wide (a lease), every poll fanned out through Redis
// pub/sub, a change through either replica reaching subscribers on both, and, when the
// process holding the lease is killed outright, another taking over within two intervals.

const INTERVAL_MS = 5000;
const ONE_READ_MS = 500;

interface Replica {
  child: ChildProcess;
  url: string;
  exited: Promise<unknown>;
}

let redis: RedisServer;
let emulator: Emulator;
let endpoint: string;
const replicas: Replica[] = [];
const clients: Client[] = [];

/** A gateway process as production runs one: real AWS mode, the emulator as its endpoint. */
async function replica(): Promise<Replica> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DX_BACKEND: 'aws',
      // The log as the only audit record: accepted out loud, as DX_BACKEND=aws requires.
      AUDIT_SINK: 'log',
      DX_ENDPOINT: endpoint,
      AUTH_MODE: 'none',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      PORT: '0',
      REDIS_URL: redis.url,
      DX_WATCH_INTERVAL_MS: String(INTERVAL_MS),
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready within 30 s:\n${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /dxgraph ready at (http:\/\/\S+\/graphql)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
  const started = { child, url, exited };
  replicas.push(started);
  return started;
}

const connect = (target: Replica) => {
  const client = subscriber(target.url);
  clients.push(client);
  return client;
};
const polls = (target: Replica) => metricValue(target.url, 'dxgraph_watcher_polls_total', { outcome: 'success' });
const flip = async (connectionId: string, connectionState: string) => {
  const response = await fetch(`${endpoint}/_emulator/connection-state`, { method: 'POST', body: JSON.stringify({ region: 'us-east-1', connectionId, connectionState }) });
  expect(response.status).toBe(200);
};
const WATCH = 'subscription { lagChanged(lagId: "dxlag-allow001") { changes { field planned current } } }';

describe.skipIf(!redisAvailable)('two replicas sharing Redis', () => {
  let a: Replica;
  let b: Replica;
  beforeAll(async () => {
    redis = await startRedis();
    emulator = createEmulator({ seed: 'demo', transitionMs: 300 });
    endpoint = await emulator.listen(0);
    [a, b] = await Promise.all([replica(), replica()]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    for (const { child, exited } of replicas) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    }
    await emulator?.close();
    await redis?.stop();
  }, 60_000);

  it('poll once per interval fleet-wide, whatever the number of replicas watching, and tell both of a change made elsewhere', async () => {
    const onA = subscribe(connect(a), WATCH);
    const onB = subscribe(connect(b), WATCH);
    await Promise.all([subscriptionsRunning(a.url, 1), subscriptionsRunning(b.url, 1)]);
    await until(async () => (await polls(a)) + (await polls(b)) >= 1, 'the first poll', 10_000);
    const before = { a: await polls(a), b: await polls(b), calls: emulator.stats() };
    await sleep(INTERVAL_MS * 3);
    const after = { a: await polls(a), b: await polls(b), calls: emulator.stats() };
    const made = { a: after.a - before.a, b: after.b - before.b };
    // One replica holds the region; the other only advertises what its subscribers watch.
    expect(Math.min(made.a, made.b)).toBe(0);
    expect(Math.max(made.a, made.b)).toBeGreaterThanOrEqual(2);
    const delta = (operation: string) => (after.calls[operation] ?? 0) - (before.calls[operation] ?? 0);
    expect({ lags: delta('DescribeLags'), vifs: delta('DescribeVirtualInterfaces') }).toEqual({ lags: made.a + made.b, vifs: made.a + made.b });

    const flippedAt = Date.now();
    await flip('dxcon-allow01b', 'down');
    const moved = { field: 'connection(dxcon-allow01b).connectionState', planned: 'available', current: 'down' };
    const [[eventA], [eventB]] = await Promise.all([onA.waitFor(1, INTERVAL_MS + 2000), onB.waitFor(1, INTERVAL_MS + 2000)]);
    expect(Date.now() - flippedAt).toBeLessThanOrEqual(INTERVAL_MS + ONE_READ_MS);
    expect(eventA!.data.lagChanged.changes).toEqual([moved]);
    expect(eventB!.data.lagChanged.changes).toEqual([moved]);
  }, 60_000);

  it('bring a change through one replica to subscribers on the other within a second', async () => {
    const onB = subscribe(connect(b), 'subscription { lagChanged(lagId: "dxlag-allow001") { lag { numberOfConnections } changes { field planned current } } }');
    await subscriptionsRunning(b.url, 2);
    // Right after a regular poll: the next is a whole interval away.
    const seen = (await polls(a)) + (await polls(b));
    await until(async () => (await polls(a)) + (await polls(b)) > seen, 'a regular poll', INTERVAL_MS + 2000);
    const answer = await fetch(a.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { disassociateConnectionFromLag(input: { connectionId: "dxcon-allow01c", lagId: "dxlag-allow001" }) { __typename } }' }),
    });
    const answeredAt = Date.now();
    expect(((await answer.json()) as any).data.disassociateConnectionFromLag.__typename).toBe('DisassociateConnectionFromLagSuccess');
    const [event] = await onB.waitFor(1, 3000);
    expect(Date.now() - answeredAt).toBeLessThan(1000);
    expect(event!.data.lagChanged.lag.numberOfConnections).toBe(2);
    expect(event!.data.lagChanged.changes).toContainEqual({ field: 'lag.members', planned: 'dxcon-allow01a, dxcon-allow01b, dxcon-allow01c', current: 'dxcon-allow01a, dxcon-allow01b' });
  }, 30_000);

  it('keep the events coming from the other replica within two intervals once the lease holder is killed', async () => {
    const holder = (await polls(a)) > 0 && (await pollsGrow(a)) ? a : b;
    const survivor = holder === a ? b : a;
    const onSurvivor = subscribe(connect(survivor), WATCH);
    await subscriptionsRunning(survivor.url, 1);
    holder.child.kill('SIGKILL');
    await holder.exited;
    const killedAt = Date.now();
    await flip('dxcon-allow01a', 'down');
    const [event] = await onSurvivor.waitFor(1, 2 * INTERVAL_MS + 3000);
    expect(Date.now() - killedAt).toBeLessThanOrEqual(2 * INTERVAL_MS + ONE_READ_MS);
    expect(event!.data.lagChanged.changes).toContainEqual({ field: 'connection(dxcon-allow01a).connectionState', planned: 'available', current: 'down' });
    expect(await polls(survivor)).toBeGreaterThan(0);
  }, 60_000);
});

/** Whether the replica is polling now: its count grows within an interval and a half. */
async function pollsGrow(target: Replica): Promise<boolean> {
  const start = await polls(target);
  const deadline = Date.now() + INTERVAL_MS * 1.5;
  while (Date.now() < deadline) {
    if ((await polls(target)) > start) return true;
    await sleep(100);
  }
  return false;
}
