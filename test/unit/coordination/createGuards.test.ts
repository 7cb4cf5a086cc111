import { describe, expect, it } from 'vitest';
import { createGuards } from '../../../src/coordination/createGuards.js';
import { CoordinationUnavailable, LockBusy } from '../../../src/coordination/guards.js';
import { redisAvailable, startRedis } from '../../helpers/redis.js';
import { deferred, spyLogger, timed, uniqueKey } from './contract.js';

// src/coordination/createGuards.ts: memory without REDIS_URL, Redis with it.

describe('Function: createGuards', () => {
  it('without a Redis URL, keeps records in this process only and applies the timings given', async () => {
    const { logger } = spyLogger();
    const one = await createGuards({}, logger, { lockWaitMs: 100 });
    const other = await createGuards({ redisUrl: undefined }, logger);
    const key = uniqueKey('associate caller-1 req');
    const claim = await one.idempotency.claim<string>(key, 'fp');
    if (claim.kind !== 'first') throw new Error(`expected first, got ${claim.kind}`);
    await claim.complete('done');
    expect(await one.idempotency.claim(key, 'fp')).toEqual({ kind: 'replay', outcome: 'done' });
    expect((await other.idempotency.claim(key, 'fp')).kind).toBe('first');

    const release = deferred();
    const lockKey = uniqueKey('lag us-east-1/dxlag-1');
    const holder = one.locks.withLock(lockKey, () => release.promise);
    const waited = await timed(one.locks.withLock(lockKey, async () => 'never'));
    expect(waited.error).toBeInstanceOf(LockBusy);
    expect(waited.ms).toBeLessThan(1000);
    release.resolve();
    await holder;
    await Promise.all([one.close(), other.close()]);
  });

  it.skipIf(!redisAvailable)('with a Redis URL, shares records between instances, and refuses to start without Redis', async () => {
    const redis = await startRedis();
    const { logger } = spyLogger();
    try {
      const a = await createGuards({ redisUrl: redis.url }, logger);
      const b = await createGuards({ redisUrl: redis.url }, logger);
      const key = uniqueKey('associate caller-1 req');
      const claim = await a.idempotency.claim<string>(key, 'fp');
      if (claim.kind !== 'first') throw new Error(`expected first, got ${claim.kind}`);
      await claim.complete('done');
      expect(await b.idempotency.claim(key, 'fp')).toEqual({ kind: 'replay', outcome: 'done' });
      await Promise.all([a.close(), b.close()]);
    } finally {
      await redis.stop();
    }
    await expect(createGuards({ redisUrl: redis.url }, logger, { connectTimeoutMs: 500 })).rejects.toBeInstanceOf(CoordinationUnavailable);
  });
});
