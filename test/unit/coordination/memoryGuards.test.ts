import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createMemoryGuards } from '../../../src/coordination/memoryGuards.js';
import { CoordinationUnavailable, LockBusy } from '../../../src/coordination/guards.js';
import { deferred, describeGuardsContract, timed, uniqueKey } from './contract.js';

// src/coordination/memoryGuards.ts: one replica's guards. The shared contract is in
// ./contract.ts; below, what only the memory store does.

describeGuardsContract('memory', async (options, logger) => {
  const guards = createMemoryGuards({ ...options, logger });
  return { a: guards, b: guards };
});

describe('Function: createMemoryGuards', () => {
  it('hands a lock to its waiters in arrival order', async () => {
    const guards = createMemoryGuards({ lockWaitMs: 3000 });
    const key = uniqueKey('lag us-east-1/dxlag-fifo');
    const order: number[] = [];
    await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        guards.locks.withLock(key, async () => {
          order.push(n);
          await sleep(5);
        }),
      ),
    );
    expect(order).toEqual([1, 2, 3, 4, 5]);
    await guards.close();
  });

  it('does not pass the lock to a waiter that already gave up', async () => {
    const guards = createMemoryGuards({ lockWaitMs: 100 });
    const key = uniqueKey('lag us-east-1/dxlag-gaveup');
    const release = deferred();
    const holder = guards.locks.withLock(key, () => release.promise);
    await expect(guards.locks.withLock(key, async () => 'too late')).rejects.toBeInstanceOf(LockBusy);
    release.resolve();
    await holder;
    const after = await timed(guards.locks.withLock(key, async () => 'free'));
    expect(after.value).toBe('free');
    expect(after.ms).toBeLessThan(50);
    await guards.close();
  });

  it('forgets the least recently used outcomes beyond maxRecords', async () => {
    const guards = createMemoryGuards({ maxRecords: 3 });
    const keys = [1, 2, 3, 4, 5].map((n) => `associate caller-1 req-${n}`);
    for (const key of keys) {
      const claim = await guards.idempotency.claim<string>(key, 'fp');
      if (claim.kind !== 'first') throw new Error(`expected first, got ${claim.kind}`);
      await claim.complete(`outcome of ${key}`);
    }
    const kinds = [];
    for (const key of keys.slice(2)) kinds.push(await guards.idempotency.claim<string>(key, 'fp'));
    expect(kinds).toEqual(keys.slice(2).map((key) => ({ kind: 'replay', outcome: `outcome of ${key}` })));
    expect((await guards.idempotency.claim(keys[0]!, 'fp')).kind).toBe('first');
    expect((await guards.idempotency.claim(keys[1]!, 'fp-other')).kind).toBe('first');
    await guards.close();
  });

  it('refuses an outcome JSON cannot hold, leaving the claim to be released', async () => {
    const guards = createMemoryGuards();
    const key = uniqueKey('associate caller-1 req');
    const claim = await guards.idempotency.claim<unknown>(key, 'fp');
    if (claim.kind !== 'first') throw new Error(`expected first, got ${claim.kind}`);
    await expect(claim.complete(undefined)).rejects.toBeInstanceOf(TypeError);
    await claim.release();
    expect((await guards.idempotency.claim(key, 'fp')).kind).toBe('first');
    await guards.close();
  });

  it('once closed, refuses new work and lets waiters go with CoordinationUnavailable', async () => {
    const guards = createMemoryGuards({ lockWaitMs: 5000, claimWaitMs: 5000 });
    const key = uniqueKey('lag us-east-1/dxlag-closing');
    const release = deferred();
    const holder = guards.locks.withLock(key, () => release.promise);
    const lockWaiter = timed(guards.locks.withLock(key, async () => 'never'));
    const claimed = await guards.idempotency.claim(key, 'fp');
    expect(claimed.kind).toBe('first');
    const claimWaiter = timed(guards.idempotency.claim(key, 'fp'));
    await sleep(20);
    await guards.close();
    const [lock, claim] = await Promise.all([lockWaiter, claimWaiter]);
    expect(lock.error).toBeInstanceOf(CoordinationUnavailable);
    expect(claim.error).toBeInstanceOf(CoordinationUnavailable);
    expect(Math.max(lock.ms, claim.ms)).toBeLessThan(1000);
    await expect(guards.idempotency.claim(key, 'fp')).rejects.toBeInstanceOf(CoordinationUnavailable);
    release.resolve();
    await holder;
  });
});
