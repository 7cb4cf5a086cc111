import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRedisGuards, type RedisGuardsOptions } from '../../../src/coordination/redisGuards.js';
import { CoordinationUnavailable, type Guards } from '../../../src/coordination/guards.js';
import { redisAvailable, startRedis, type RedisServer } from '../../helpers/redis.js';
import { describeGuardsContract, expectNoOverlap, spyLogger, timed, uniqueKey } from './contract.js';

const outcome = (lagId: string) => ({ lagId, at: new Date('2024-05-06T07:08:09.123Z') });

// src/coordination/redisGuards.ts: the guards replicas share, as two "replicas" (two
// createRedisGuards instances) on one real redis-server (test/helpers/redis.ts). The
// shared contract is in ./contract.ts; below, what only the Redis store does: leases,
// renewal (and what `held()` says when it fails), the key layout, and failing closed
// when Redis does.

describe.skipIf(!redisAvailable)('Function: createRedisGuards', () => {
  let redis: RedisServer;
  let raw: Redis;
  const opened: Guards[] = [];
  const connect = async (options: RedisGuardsOptions = {}, logger = spyLogger().logger) => {
    const guards = await createRedisGuards(redis.url, options, logger);
    opened.push(guards);
    return guards;
  };
  beforeAll(async () => {
    redis = await startRedis();
    raw = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1, commandTimeout: 2000 });
    await raw.connect();
  });
  afterAll(async () => {
    await Promise.all(opened.map((guards) => guards.close()));
    raw?.disconnect();
    await redis?.stop();
  });

  describeGuardsContract('redis', async (options, logger) => ({ a: await connect(options, logger), b: await connect(options, logger) }));

  describe('locks', () => {
    it('keeps a random token under dxgraph:lock:<key> with the lease while held, and deletes it after', async () => {
      const guards = await connect({ leaseMs: 4000 });
      const key = uniqueKey('lag us-east-1/dxlag-layout');
      const seen = await guards.locks.withLock(key, async () => ({ token: await raw.get(`dxgraph:lock:${key}`), ttl: await raw.pttl(`dxgraph:lock:${key}`) }));
      expect(seen.token).toMatch(/^[0-9a-f-]{36}$/);
      expect(seen.ttl).toBeGreaterThan(3000);
      expect(seen.ttl).toBeLessThanOrEqual(4000);
      expect(await raw.exists(`dxgraph:lock:${key}`)).toBe(0);
    });

    it('takes over a crashed holder’s lock once its lease lapses', async () => {
      const guards = await connect({ lockWaitMs: 3000 });
      const key = uniqueKey('lag us-east-1/dxlag-crashed');
      await raw.set(`dxgraph:lock:${key}`, 'crashed-replica', 'PX', 400, 'NX');
      const fn = vi.fn(async () => 'ran');
      const taken = await timed(guards.locks.withLock(key, fn));
      expect(taken.value).toBe('ran');
      expect(fn).toHaveBeenCalledTimes(1);
      expect(taken.ms).toBeGreaterThanOrEqual(350);
      expect(taken.ms).toBeLessThan(1500);
    });

    it('keeps the lock past its lease while the holder runs, by renewing it', async () => {
      const a = await connect({ leaseMs: 300, lockWaitMs: 3000 });
      const b = await connect({ leaseMs: 300, lockWaitMs: 3000 });
      const key = uniqueKey('lag us-east-1/dxlag-long');
      const spans: { id: string; enter: number; exit: number }[] = [];
      let ttlLate = -3;
      const long = a.locks.withLock(key, async () => {
        const enter = Date.now();
        await sleep(700);
        ttlLate = await raw.pttl(`dxgraph:lock:${key}`);
        await sleep(400);
        spans.push({ id: 'long', enter, exit: Date.now() });
      });
      await sleep(50);
      await b.locks.withLock(key, async () => {
        spans.push({ id: 'next', enter: Date.now(), exit: Date.now() });
      });
      await long;
      expect(ttlLate).toBeGreaterThan(0);
      expect(spans.map((span) => span.id)).toEqual(['long', 'next']);
      expectNoOverlap(spans);
    });

    it('neither extends nor deletes a lock another holder took after its lease lapsed, and says so through held()', async () => {
      const { logger, warn } = spyLogger();
      const guards = await connect({ leaseMs: 300 }, logger);
      const key = uniqueKey('lag us-east-1/dxlag-takenover');
      const seen = await guards.locks.withLock(key, async (held) => {
        const before = held();
        // What another replica does once this holder's lease has lapsed (a long GC pause, say).
        await raw.set(`dxgraph:lock:${key}`, 'other-holder', 'PX', 5000);
        await sleep(250);
        return { before, after: held() };
      });
      expect(seen).toEqual({ before: true, after: false });
      expect(await raw.get(`dxgraph:lock:${key}`)).toBe('other-holder');
      expect(await raw.pttl(`dxgraph:lock:${key}`)).toBeGreaterThan(4000);
      expect(warn).toHaveBeenCalledWith(expect.objectContaining({ key }), expect.stringMatching(/lost a lock/));
    });

    it('turns held() false once a renewal finds the lock deleted behind the holder’s back, and stops renewing', async () => {
      const { logger, warn } = spyLogger();
      const guards = await connect({ leaseMs: 300 }, logger);
      const key = uniqueKey('lag us-east-1/dxlag-deleted');
      const seen = await guards.locks.withLock(key, async (held) => {
        await sleep(150);
        const before = held();
        const token = await raw.get(`dxgraph:lock:${key}`);
        await raw.del(`dxgraph:lock:${key}`);
        await sleep(200);
        const after = held();
        // Our token put back raw would be renewed by a holder still renewing; this one stopped.
        await raw.set(`dxgraph:lock:${key}`, token!, 'PX', 200);
        await sleep(400);
        return { before, after, later: held(), left: await raw.exists(`dxgraph:lock:${key}`) };
      });
      expect(seen).toEqual({ before: true, after: false, later: false, left: 0 });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn).toHaveBeenCalledWith(expect.objectContaining({ key }), expect.stringMatching(/lost a lock/));
    });

    it('turns held() false once no renewal has got through for a lease (Redis frozen), and it stays false after', async () => {
      const { logger, warn } = spyLogger();
      const guards = await connect({ leaseMs: 300, commandTimeoutMs: 1000 }, logger);
      const key = uniqueKey('lag us-east-1/dxlag-frozen-holder');
      const seen = await guards.locks.withLock(key, async (held) => {
        await sleep(150);
        const before = held();
        redis.pause();
        let frozen: boolean;
        try {
          await sleep(450);
          frozen = held();
        } finally {
          redis.resume();
        }
        // The renewal sent while Redis was frozen lands after its lease lapsed: the lock is gone.
        await sleep(300);
        return { before, frozen, after: held() };
      });
      expect(seen).toEqual({ before: true, frozen: false, after: false });
      expect(warn).toHaveBeenCalledWith(expect.objectContaining({ key }), expect.stringMatching(/lost a lock|could not renew a lock/));
    });
  });

  describe('idempotency records', () => {
    it('keeps a pending claim, then the done record, under dxgraph:idempotency:<key> with their TTLs', async () => {
      const guards = await connect({ pendingLeaseMs: 60_000 });
      const key = uniqueKey('associate caller-1 req');
      const recordKey = `dxgraph:idempotency:${key}`;
      const claim = await guards.idempotency.claim<{ at: Date }>(key, 'fp-1');
      if (claim.kind !== 'first') throw new Error(`expected first, got ${claim.kind}`);
      expect(JSON.parse((await raw.get(recordKey))!)).toEqual({ state: 'pending', fingerprint: 'fp-1', owner: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      expect(await raw.pttl(recordKey)).toBeGreaterThan(59_000);
      await claim.complete({ at: new Date('2024-05-06T07:08:09.123Z') });
      const done = JSON.parse((await raw.get(recordKey))!) as { state: string; fingerprint: string; outcome: string };
      expect(done).toEqual({ state: 'done', fingerprint: 'fp-1', outcome: '{"at":{"$date":"2024-05-06T07:08:09.123Z"}}' });
      expect(await raw.pttl(recordKey)).toBeGreaterThan(24 * 3600 * 1000 - 60_000);
    });

    it('renews a pending claim while its attempt runs, and stops once it completes or releases', async () => {
      const guards = await connect({ pendingLeaseMs: 300 });
      const check = async (settle: 'complete' | 'release') => {
        const key = uniqueKey('associate caller-1 req');
        const recordKey = `dxgraph:idempotency:${key}`;
        const claim = await guards.idempotency.claim<ReturnType<typeof outcome>>(key, 'fp-1');
        if (claim.kind !== 'first') throw new Error(`expected first, got ${claim.kind}`);
        const pendingText = (await raw.get(recordKey))!;
        await sleep(1000);
        expect(await raw.get(recordKey), settle).toBe(pendingText);
        const ttl = await raw.pttl(recordKey);
        expect(ttl, settle).toBeGreaterThan(0);
        expect(ttl, settle).toBeLessThanOrEqual(300);
        await (settle === 'complete' ? claim.complete(outcome('dxlag-1')) : claim.release());
        // The pending record put back raw would be kept alive by a claim still renewing.
        await raw.set(recordKey, pendingText, 'PX', 200);
        await sleep(400);
        expect(await raw.exists(recordKey), settle).toBe(0);
      };
      await Promise.all([check('complete'), check('release')]);
    });

    it('stops renewing, with a warning, a pending claim found gone or overwritten', async () => {
      const check = async (meddle: 'deleted' | 'overwritten') => {
        const { logger, warn } = spyLogger();
        const guards = await connect({ pendingLeaseMs: 300 }, logger);
        const key = uniqueKey('associate caller-1 req');
        const recordKey = `dxgraph:idempotency:${key}`;
        const claim = await guards.idempotency.claim(key, 'fp-1');
        if (claim.kind !== 'first') throw new Error(`expected first, got ${claim.kind}`);
        const pendingText = (await raw.get(recordKey))!;
        if (meddle === 'deleted') await raw.del(recordKey);
        else await raw.set(recordKey, JSON.stringify({ state: 'pending', fingerprint: 'fp-1', owner: 'another-replica' }), 'PX', 200);
        await sleep(250);
        expect(warn, meddle).toHaveBeenCalledWith(expect.objectContaining({ key }), expect.stringMatching(/lost an idempotency claim/));
        if (meddle === 'deleted') await raw.set(recordKey, pendingText, 'PX', 200);
        await sleep(400);
        expect(await raw.exists(recordKey), meddle).toBe(0);
        expect(warn, meddle).toHaveBeenCalledTimes(1);
        await claim.release();
      };
      await Promise.all([check('deleted'), check('overwritten')]);
    });

    it('frees the claim of an owner that died, once its lease lapses', async () => {
      const guards = await connect({ claimWaitMs: 3000 });
      const key = uniqueKey('associate caller-1 req');
      // A replica that died while its attempt ran: its record, and nobody renewing it.
      await raw.set(`dxgraph:idempotency:${key}`, JSON.stringify({ state: 'pending', fingerprint: 'fp-1', owner: 'dead-replica' }), 'PX', 400);
      const taken = await timed(guards.idempotency.claim(key, 'fp-1'));
      expect(taken.value?.kind).toBe('first');
      expect(taken.ms).toBeGreaterThanOrEqual(350);
      expect(taken.ms).toBeLessThan(1500);
    });

    it('does not let a claim that lapsed (Redis unreachable for its lease) displace the attempt that took the key since', async () => {
      const { logger, warn } = spyLogger();
      const a = await connect({}, logger);
      const b = await connect({}, logger);
      const key = uniqueKey('associate caller-1 req');
      const lapsed = await a.idempotency.claim(key, 'fp-1');
      if (lapsed.kind !== 'first') throw new Error(`expected first, got ${lapsed.kind}`);
      // What Redis does to a claim whose renewals could not reach it for a whole lease.
      await raw.del(`dxgraph:idempotency:${key}`);
      const retry = await b.idempotency.claim(key, 'fp-1');
      if (retry.kind !== 'first') throw new Error(`expected first, got ${retry.kind}`);
      await lapsed.complete(outcome('dxlag-stale'));
      expect(warn).toHaveBeenCalledWith(expect.objectContaining({ key }), expect.stringMatching(/lapsed/));
      await retry.complete(outcome('dxlag-fresh'));
      expect(await a.idempotency.claim(key, 'fp-1')).toEqual({ kind: 'replay', outcome: outcome('dxlag-fresh') });
    });

    it('still records a lapsed claim’s outcome when nobody has taken the key since', async () => {
      const a = await connect();
      const b = await connect();
      const key = uniqueKey('associate caller-1 req');
      const lapsed = await a.idempotency.claim(key, 'fp-1');
      if (lapsed.kind !== 'first') throw new Error(`expected first, got ${lapsed.kind}`);
      await raw.del(`dxgraph:idempotency:${key}`);
      await lapsed.complete(outcome('dxlag-lapsed'));
      expect(await b.idempotency.claim(key, 'fp-1')).toEqual({ kind: 'replay', outcome: outcome('dxlag-lapsed') });
    });

    it('refuses an unreadable record with CoordinationUnavailable naming the key', async () => {
      const guards = await connect();
      for (const junk of ['not json', '{"state":"pending"}', '{"state":"done","fingerprint":"fp-1","outcome":"{oops"}']) {
        const key = uniqueKey('associate caller-1 req');
        await raw.set(`dxgraph:idempotency:${key}`, junk, 'PX', 60_000);
        const error = await guards.idempotency.claim(key, 'fp-1').catch((caught: unknown) => caught);
        expect(error, junk).toBeInstanceOf(CoordinationUnavailable);
        expect((error as Error).message).toContain(key);
        expect((error as Error).message).toMatch(/unreadable/);
      }
    });
  });

  describe('when Redis stops answering', () => {
    it('refuses claims and locks promptly with CoordinationUnavailable, runs nothing, and recovers after', async () => {
      const guards = await connect({ commandTimeoutMs: 300, lockWaitMs: 1000, claimWaitMs: 1000 });
      const lockKey = uniqueKey('lag us-east-1/dxlag-frozen');
      const claimKey = uniqueKey('associate caller-1 req-frozen');
      const fn = vi.fn(async () => 'ran');
      redis.pause();
      let claim, lock;
      try {
        [claim, lock] = await Promise.all([timed(guards.idempotency.claim(claimKey, 'fp-1')), timed(guards.locks.withLock(lockKey, fn))]);
      } finally {
        redis.resume();
      }
      for (const attempt of [claim, lock]) {
        expect(attempt.error).toBeInstanceOf(CoordinationUnavailable);
        expect((attempt.error as Error).message).toMatch(/Redis failed while .*timed out/);
        expect(attempt.ms).toBeLessThan(5000);
      }
      expect(fn).not.toHaveBeenCalled();
      // The writes that timed out may land when Redis wakes; they are undone, so the
      // same key is free at once rather than after a lease.
      const again = await guards.idempotency.claim(claimKey, 'fp-1');
      expect(again.kind).toBe('first');
      expect(await guards.locks.withLock(lockKey, fn)).toBe('ran');
      expect(fn).toHaveBeenCalledTimes(1);
    });

    it('refuses to start when Redis cannot be reached, without showing the password', async () => {
      const port = await new Promise<number>((resolve) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const { port: free } = probe.address() as { port: number };
          probe.close(() => resolve(free));
        });
      });
      const error = await createRedisGuards(`redis://:s3cret-pw@127.0.0.1:${port}`, { connectTimeoutMs: 500 }, spyLogger().logger).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(CoordinationUnavailable);
      expect((error as Error).message).toMatch(/^REDIS_URL: cannot connect to Redis/);
      expect((error as Error).message).not.toContain('s3cret');
    });

    it('refuses work once closed', async () => {
      const guards = await createRedisGuards(redis.url, {}, spyLogger().logger);
      await guards.close();
      await expect(guards.idempotency.claim(uniqueKey('associate caller-1 req'), 'fp')).rejects.toBeInstanceOf(CoordinationUnavailable);
      await expect(guards.locks.withLock(uniqueKey('lag x'), async () => 1)).rejects.toBeInstanceOf(CoordinationUnavailable);
    });
  });
});
