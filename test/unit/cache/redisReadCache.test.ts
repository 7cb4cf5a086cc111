import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { RedisReadCache } from '../../../src/cache/redisReadCache.js';
import type { ReadKey } from '../../../src/cache/readCache.js';
import { createMetrics } from '../../../src/metrics.js';
import { redisAvailable, startRedis, type RedisServer } from '../../helpers/redis.js';

// src/cache/redisReadCache.ts: the shared cache itself, two "replicas" (two
// RedisReadCache instances) on one real redis-server (test/helpers/redis.ts).
// Through whole gateways sharing Redis: test/cache/.

const LAGS: ReadKey = { region: 'us-east-1', operation: 'DescribeLags' };
const silent = pino({ level: 'silent' });

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => {
    resolve = res;
  });
  return { promise, resolve };
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
