import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import type { Redis } from 'ioredis';
import { RedisReadCache } from '../../../src/cache/redisReadCache.js';
import type { ReadKey, ReadStamp } from '../../../src/cache/readCache.js';
import { createMetrics } from '../../../src/metrics.js';
import { redisAvailable, startRedis, type RedisServer } from '../../helpers/redis.js';

// src/cache/redisReadCache.ts: the shared cache itself, two "replicas" (two
// RedisReadCache instances) on one real redis-server (test/helpers/redis.ts).
// Through whole gateways sharing Redis: test/cache/.

const LAGS: ReadKey = { region: 'us-east-1', operation: 'DescribeLags' };
const silent = pino({ level: 'silent' });

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe.skipIf(!redisAvailable)('Class: RedisReadCache', () => {
  let redis: RedisServer;
  let a: RedisReadCache;
  let b: RedisReadCache;
  beforeAll(async () => {
    redis = await startRedis();
    a = await RedisReadCache.connect(redis.url, 60_000, createMetrics(), silent);
    b = await RedisReadCache.connect(redis.url, 60_000, createMetrics(), silent);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await redis.stop();
  });

  it('shares what one replica read with the other', async () => {
    const key = { ...LAGS, id: 'dxlag-shared01' };
    expect(await a.read(key, async () => ['from A'])).toEqual(['from A']);
    expect(await b.read(key, async () => ['from B'])).toEqual(['from A']);
  });

  it('never lets a read begun before another replica’s invalidation answer a read begun after it', async () => {
    const key = { ...LAGS, id: 'dxlag-racing01' };
    const old = deferred<string>();
    const early = a.read(key, () => old.promise);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await b.invalidateRegion('us-east-1');
    const late = a.read(key, async () => 'after');
    old.resolve('before');
    expect(await early).toBe('before');
    expect(await late).toBe('after');
  });

  it('answers from AWS, promptly, while Redis is frozen, and invalidation does not hang', async () => {
    const key = { ...LAGS, id: 'dxlag-frozen01' };
    redis.pause();
    try {
      const started = Date.now();
      expect(await a.read(key, async () => 'straight from AWS')).toBe('straight from AWS');
      await b.invalidateRegion('us-east-1');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      redis.resume();
    }
  });
});

// Refresh-ahead and stamps across three "replicas" on one redis-server, on a clock the
// tests move (Redis itself keeps the entries for the TTL in real time, far longer than
// a test). TTL 60 s, so the refresh point (80 %) is 48 s after an entry is stored.
describe.skipIf(!redisAvailable)('Class: RedisReadCache, refresh-ahead and stamps', () => {
  const TTL = 60_000;
  const clock = { now: 1_700_000_000_000 };
  let redis: RedisServer;
  let replicas: Array<{ cache: RedisReadCache; metrics: ReturnType<typeof createMetrics> }>;
  let a: RedisReadCache;
  let b: RedisReadCache;
  let c: RedisReadCache;
  beforeAll(async () => {
    redis = await startRedis();
    replicas = await Promise.all(
      [1, 2, 3].map(async () => {
        const metrics = createMetrics();
        return { metrics, cache: await RedisReadCache.connect(redis.url, TTL, metrics, silent, () => clock.now) };
      }),
    );
    [a, b, c] = replicas.map((r) => r.cache) as [RedisReadCache, RedisReadCache, RedisReadCache];
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.cache.close()));
    await redis.stop();
  });

  /** Every replica's cache events of one kind, summed. */
  async function count(event: string): Promise<number> {
    let total = 0;
    for (const { metrics } of replicas) {
      for (const value of (await metrics.cacheEvents.get()).values) if (value.labels.event === event) total += value.value;
    }
    return total;
  }

  /**
   * Lets whatever the replicas started in the background (electing a refresher,
   * storing its answer) finish: each connection answers in order, and each step of
   * that work is one command sent as the previous one is answered.
   */
  async function settle() {
    const probe: ReadStamp = { region: 'probe', generation: '0', expiresAt: Number.MAX_SAFE_INTEGER };
    for (let i = 0; i < 6; i++) await Promise.all(replicas.map((r) => r.cache.stillFresh([probe])));
  }

  /** A hit must not wait for AWS: a read still pending after this long has waited. */
  const atOnce = <T>(read: Promise<T>) =>
    Promise.race([read, new Promise<'waited for AWS'>((resolve) => setTimeout(() => resolve('waited for AWS'), 2000).unref())]);

  // Reads that must be served from the cache; a background refresh's failure would not
  // surface, so every test also checks that nothing called this.
  let unexpectedCalls = 0;
  const unused = async (): Promise<never> => {
    unexpectedCalls++;
    throw new Error('this read should have been served from the cache');
  };
  afterEach(async () => {
    await settle();
    const calls = unexpectedCalls;
    unexpectedCalls = 0;
    expect(calls).toBe(0);
  });

  function source<T>() {
    const answer = deferred<T>();
    let calls = 0;
    return {
      answer,
      fetch: () => {
        calls++;
        return answer.promise;
      },
      get calls() {
        return calls;
      },
    };
  }

  /** Stores 'old' through replica A, then reads it past the refresh point: A's refresh is asking AWS, held. */
  async function refreshStartedOnA(key: ReadKey) {
    const start = clock.now;
    expect(await a.read(key, async () => 'old')).toBe('old');
    clock.now = start + 50_000;
    const aws = source<string>();
    expect(await a.read(key, aws.fetch)).toBe('old');
    await settle();
    expect(aws.calls).toBe(1);
    return { start, aws };
  }

  it('refreshes a hot key once across three replicas, serving every hit at once meanwhile, then the new value on all of them', async () => {
    const key = { ...LAGS, id: 'dxlag-refresh01' };
    const start = clock.now;
    expect(await a.read(key, async () => 'old')).toBe('old');
    const refreshesBefore = await count('refresh');
    clock.now = start + 47_999;
    for (const replica of [a, b, c]) expect(await replica.read(key, unused)).toBe('old');
    await settle();
    expect(await count('refresh')).toBe(refreshesBefore);

    clock.now = start + 48_000;
    const aws = source<string>();
    const reads = Array.from({ length: 30 }, (_, i) => atOnce([a, b, c][i % 3]!.read(key, aws.fetch)));
    expect(await Promise.all(reads)).toEqual(Array.from({ length: 30 }, () => 'old'));
    await settle();
    expect(aws.calls).toBe(1);
    expect(await count('refresh')).toBe(refreshesBefore + 1);

    clock.now = start + 48_500;
    aws.answer.resolve('new');
    await settle();
    for (const replica of [a, b, c]) expect(await replica.read(key, unused)).toBe('new');
    // Past the old entry's expiry, within the new one's (stored at start + 48.5 s), before its refresh point.
    clock.now = start + 90_000;
    for (const replica of [a, b, c]) expect(await replica.read(key, unused)).toBe('new');
    clock.now = start + 108_500;
    expect(await c.read(key, async () => 'newer')).toBe('newer');
    await settle();
    expect(aws.calls).toBe(1);
  });

  it('costs a key read continuously by three replicas one AWS call per refresh interval', async () => {
    const key = { ...LAGS, id: 'dxlag-hot00001' };
    const start = clock.now;
    const missesBefore = await count('miss');
    let calls = 0;
    const source = async () => `answer ${++calls}`;
    for (let at = 0, i = 0; at <= 240_000; at += 4000, i++) {
      clock.now = start + at;
      await [a, b, c][i % 3]!.read(key, source);
      await settle();
    }
    // Stored at 0, then refreshed at 48 s, 96 s, … 240 s.
    expect(calls).toBe(6);
    expect(await count('miss')).toBe(missesBefore + 1);
  });

  it('does not refresh again on a replica that takes the lock only after another replica’s refresh has landed', async () => {
    const key = { ...LAGS, id: 'dxlag-refresh04' };
    const { start, aws } = await refreshStartedOnA(key);
    // B sees the old entry too, but (held here) asks for the lock only once A's
    // refresh has stored its answer and let go: the race a slow network makes.
    const bRedis = (b as unknown as { redis: Redis }).redis;
    const set = bRedis.set;
    const gate = deferred<void>();
    bRedis.set = (async (...args: unknown[]) => {
      if (args.includes('NX')) await gate.promise;
      return (set as (...args: unknown[]) => Promise<unknown>).apply(bRedis, args);
    }) as typeof set;
    try {
      let bCalls = 0;
      expect(await b.read(key, async () => `B's refresh ${++bCalls}`)).toBe('old');
      clock.now = start + 50_100;
      aws.answer.resolve('new');
      await settle();
      gate.resolve();
      await settle();
      expect(bCalls).toBe(0);
      expect(await b.read(key, unused)).toBe('new');
    } finally {
      bRedis.set = set;
    }
  });

  it('keeps a failed refresh from being tried again on any replica, and lets the entry expire', async () => {
    const key = { ...LAGS, id: 'dxlag-refresh02' };
    const start = clock.now;
    expect(await a.read(key, async () => 'old')).toBe('old');
    // 100 ms before expiry: a failed refresh's lock is kept that long, in real time.
    clock.now = start + 59_900;
    let calls = 0;
    const throttled = async () => {
      calls++;
      throw new Error('throttled');
    };
    expect(await a.read(key, throttled)).toBe('old');
    await settle();
    for (const replica of [b, c, a, b, c]) expect(await replica.read(key, throttled)).toBe('old');
    await settle();
    expect(calls).toBe(1);
    clock.now = start + 60_000;
    expect(await b.read(key, async () => 'new')).toBe('new');
    expect(await c.read(key, unused)).toBe('new');
  });

  it('discards a refresh overtaken by another replica’s invalidation, leaving what was read since in place', async () => {
    const key = { ...LAGS, id: 'dxlag-refresh03' };
    const { aws } = await refreshStartedOnA(key);
    await b.invalidateRegion('us-east-1');
    expect(await c.read(key, async () => 'after')).toBe('after');
    aws.answer.resolve('read before the change');
    await settle();
    for (const replica of [a, b, c]) expect(await replica.read(key, unused)).toBe('after');
  });

  it('stamps misses, reads that joined them on this replica and on another, and hits, with the stored time plus the TTL', async () => {
    const key = { ...LAGS, id: 'dxlag-stamps01' };
    const stamps: ReadStamp[] = [];
    const observe = (stamp: ReadStamp) => stamps.push(stamp);
    const aws = source<string>();
    const miss = a.read(key, aws.fetch, { observe });
    await vi.waitFor(() => expect(aws.calls).toBe(1));
    const joinedHere = a.read(key, unused, { observe });
    const joinedThere = b.read(key, unused, { observe });
    clock.now += 100;
    const storedAt = clock.now;
    aws.answer.resolve('lags');
    expect(await Promise.all([miss, joinedHere, joinedThere])).toEqual(['lags', 'lags', 'lags']);
    clock.now += 1000;
    expect(await c.read(key, unused, { observe })).toBe('lags');
    const generation = stamps[0]!.generation;
    expect(typeof generation).toBe('string');
    expect(stamps).toEqual(Array.from({ length: 4 }, () => ({ region: 'us-east-1', generation, expiresAt: storedAt + TTL })));
  });

  it('is still fresh until a stamp expires or another replica invalidates its region', async () => {
    const stamps: ReadStamp[] = [];
    const start = clock.now;
    await a.read({ ...LAGS, id: 'dxlag-stamps02' }, async () => 'us', { observe: (stamp) => stamps.push(stamp) });
    await b.read({ region: 'eu-west-1', operation: 'DescribeLags' }, async () => 'eu', { observe: (stamp) => stamps.push(stamp) });
    const [us, eu] = stamps as [ReadStamp, ReadStamp];
    expect(await c.stillFresh([us, eu])).toBe(true);
    expect(await c.stillFresh([])).toBe(true);
    clock.now = start + TTL - 1;
    expect(await a.stillFresh([us, eu])).toBe(true);
    await b.invalidateRegion('us-east-1');
    expect(await a.stillFresh([us, eu])).toBe(false);
    expect(await c.stillFresh([us])).toBe(false);
    expect(await a.stillFresh([eu])).toBe(true);
    clock.now = start + TTL;
    expect(await a.stillFresh([eu])).toBe(false);
  });

  it('stamps a read overtaken by an invalidation with the generation it was read under, so it is never fresh', async () => {
    const key = { ...LAGS, id: 'dxlag-stamps03' };
    const aws = source<string>();
    let stamp: ReadStamp | undefined;
    const early = a.read(key, aws.fetch, { observe: (s) => (stamp = s) });
    await vi.waitFor(() => expect(aws.calls).toBe(1));
    await b.invalidateRegion('us-east-1');
    aws.answer.resolve('before');
    expect(await early).toBe('before');
    expect(await a.stillFresh([stamp!])).toBe(false);
    expect(await c.read(key, async () => 'after')).toBe('after');
  });
});
