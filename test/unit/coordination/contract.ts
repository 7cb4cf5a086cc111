import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { GuardsOptions } from '../../../src/coordination/createGuards.js';
import { LockBusy, type Claim, type Guards } from '../../../src/coordination/guards.js';

// What both stores promise (src/coordination/guards.ts), run against each of them
// by memoryGuards.test.ts and redisGuards.test.ts. `a` and `b` are two replicas: the
// same instance for the memory store, two clients of one redis-server for Redis.

export interface Replicas {
  a: Guards;
  b: Guards;
}

export type MakeReplicas = (options: GuardsOptions, logger: Logger) => Promise<Replicas>;

export function spyLogger() {
  const warn = vi.fn();
  const logger = { warn, error: vi.fn(), info: vi.fn(), debug: vi.fn(), trace: vi.fn(), fatal: vi.fn() } as unknown as Logger;
  return { logger, warn };
}

export const uniqueKey = (label: string) => `${label} ${randomUUID()}`;

export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

export async function timed<T>(promise: Promise<T>): Promise<{ ms: number; value?: T; error?: unknown }> {
  const started = Date.now();
  try {
    const value = await promise;
    return { ms: Date.now() - started, value };
  } catch (error) {
    return { ms: Date.now() - started, error };
  }
}

interface Span {
  id: string;
  enter: number;
  exit: number;
}

/** Runs `ms` of work under the lock, recording when it entered and left. */
function work(spans: Span[], id: string, ms: number) {
  return async () => {
    const span = { id, enter: Date.now(), exit: 0 };
    await sleep(ms);
    span.exit = Date.now();
    spans.push(span);
    return id;
  };
}

export function expectNoOverlap(spans: Span[]) {
  const ordered = [...spans].sort((x, y) => x.enter - y.enter);
  for (let i = 1; i < ordered.length; i++) expect(ordered[i]!.enter, `${ordered[i]!.id} entered before ${ordered[i - 1]!.id} left`).toBeGreaterThanOrEqual(ordered[i - 1]!.exit);
}

type Outcome = { lagId: string; at: Date; members: { id: string }[] };
const outcome = (lagId: string): Outcome => ({ lagId, at: new Date('2024-05-06T07:08:09.123Z'), members: [{ id: 'dxcon-1' }] });

export function describeGuardsContract(name: string, make: MakeReplicas) {
  const opened: Guards[] = [];
  const replicas = async (options: GuardsOptions = {}, logger = spyLogger().logger) => {
    const made = await make(options, logger);
    opened.push(made.a);
    if (made.b !== made.a) opened.push(made.b);
    return made;
  };
  afterAll(async () => {
    await Promise.all(opened.map((guards) => guards.close()));
  });

  describe(`${name}: locks`, () => {
    it('lets one holder at a time run, each getting its own result', async () => {
      const { a, b } = await replicas({ lockWaitMs: 3000 });
      const key = uniqueKey('lag us-east-1/dxlag-one');
      const spans: Span[] = [];
      const results = await Promise.all([
        a.locks.withLock(key, work(spans, 'first', 80)),
        b.locks.withLock(key, work(spans, 'second', 80)),
        a.locks.withLock(key, work(spans, 'third', 80)),
      ]);
      expect(results).toEqual(['first', 'second', 'third']);
      expect(spans).toHaveLength(3);
      expectNoOverlap(spans);
    });

    it('runs holders of different keys at the same time', async () => {
      const { a, b } = await replicas({ lockWaitMs: 3000 });
      const spans: Span[] = [];
      await Promise.all([
        a.locks.withLock(uniqueKey('lag us-east-1/dxlag-x'), work(spans, 'x', 250)),
        b.locks.withLock(uniqueKey('lag us-east-1/dxlag-y'), work(spans, 'y', 250)),
      ]);
      const [x, y] = spans.sort((p, q) => p.id.localeCompare(q.id));
      expect(y!.enter).toBeLessThan(x!.exit);
      expect(x!.enter).toBeLessThan(y!.exit);
    });

    it('gives up with LockBusy after the wait, without running the waiter', async () => {
      const { a, b } = await replicas({ lockWaitMs: 150 });
      const key = uniqueKey('lag us-east-1/dxlag-busy');
      const entered = deferred();
      const holder = a.locks.withLock(key, async () => {
        entered.resolve();
        await sleep(700);
        return 'held';
      });
      await entered.promise;
      const waiterFn = vi.fn(async () => 'waiter');
      const waited = await timed(b.locks.withLock(key, waiterFn));
      expect(waited.error).toBeInstanceOf(LockBusy);
      expect((waited.error as LockBusy).key).toBe(key);
      expect((waited.error as LockBusy).waitedMs).toBeGreaterThanOrEqual(140);
      expect(waited.ms).toBeGreaterThanOrEqual(140);
      expect(waited.ms).toBeLessThan(600);
      expect(waiterFn).not.toHaveBeenCalled();
      expect(await holder).toBe('held');
    });

    it('releases the lock when the holder throws, passing its error through', async () => {
      const { a, b } = await replicas({ lockWaitMs: 3000 });
      const key = uniqueKey('lag us-east-1/dxlag-throws');
      const boom = new Error('AWS said no');
      const entered = deferred();
      const failing = a.locks.withLock(key, async () => {
        entered.resolve();
        await sleep(100);
        throw boom;
      });
      await entered.promise;
      const spans: Span[] = [];
      const next = b.locks.withLock(key, work(spans, 'next', 10));
      await expect(failing).rejects.toBe(boom);
      expect(await next).toBe('next');
      const after = await timed(a.locks.withLock(key, async () => 'free'));
      expect(after.value).toBe('free');
      expect(after.ms).toBeLessThan(100);
    });

    it('passes held(), true throughout a holder that outlives the lease, false once withLock has returned', async () => {
      const { a } = await replicas({ leaseMs: 300, lockWaitMs: 3000 });
      const key = uniqueKey('lag us-east-1/dxlag-held');
      const samples: boolean[] = [];
      let kept: (() => boolean) | undefined;
      const result = await a.locks.withLock(key, async (held) => {
        kept = held;
        for (const ends = Date.now() + 1000; Date.now() < ends; await sleep(50)) samples.push(held());
        return held();
      });
      expect(result).toBe(true);
      expect(samples.length).toBeGreaterThan(10);
      expect(samples.every(Boolean)).toBe(true);
      expect(kept!()).toBe(false);
    });
  });

  describe(`${name}: idempotency records`, () => {
    it('answers first, then replays the completed outcome as a copy with its Dates', async () => {
      const { a, b } = await replicas();
      const key = uniqueKey('associate caller-1 req');
      const first = await a.idempotency.claim<Outcome>(key, 'fp-1');
      expect(first.kind).toBe('first');
      if (first.kind !== 'first') return;
      await first.complete(outcome('dxlag-1'));
      for (const replica of [b, a]) {
        const again = await replica.idempotency.claim<Outcome>(key, 'fp-1');
        expect(again).toEqual({ kind: 'replay', outcome: outcome('dxlag-1') });
        if (again.kind !== 'replay') return;
        expect(again.outcome.at).toBeInstanceOf(Date);
        again.outcome.members.push({ id: 'dxcon-tampered' });
      }
      const third = (await b.idempotency.claim<Outcome>(key, 'fp-1')) as Extract<Claim<Outcome>, { kind: 'replay' }>;
      expect(third.outcome.members).toEqual([{ id: 'dxcon-1' }]);
    });

    it('answers conflict for another fingerprint, while pending (without waiting) and once done', async () => {
      const { a, b } = await replicas({ claimWaitMs: 2000 });
      const key = uniqueKey('associate caller-1 req');
      const first = await a.idempotency.claim<Outcome>(key, 'fp-1');
      if (first.kind !== 'first') throw new Error(`expected first, got ${first.kind}`);
      const whilePending = await timed(b.idempotency.claim<Outcome>(key, 'fp-2'));
      expect(whilePending.value).toEqual({ kind: 'conflict' });
      expect(whilePending.ms).toBeLessThan(500);
      await first.complete(outcome('dxlag-1'));
      expect(await b.idempotency.claim(key, 'fp-2')).toEqual({ kind: 'conflict' });
      expect((await a.idempotency.claim(key, 'fp-1')).kind).toBe('replay');
    });

    it('gives exactly one of ten concurrent claims the first run; the others wait and replay it', async () => {
      const { a, b } = await replicas({ claimWaitMs: 5000 });
      const key = uniqueKey('associate caller-1 req');
      const claims = await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const claim = await (i % 2 ? a : b).idempotency.claim<Outcome>(key, 'fp-1');
          if (claim.kind === 'first') {
            await sleep(150);
            await claim.complete(outcome('dxlag-once'));
          }
          return claim;
        }),
      );
      expect(claims.filter((claim) => claim.kind === 'first')).toHaveLength(1);
      const replays = claims.filter((claim) => claim.kind === 'replay');
      expect(replays).toHaveLength(9);
      for (const replay of replays) expect(replay).toEqual({ kind: 'replay', outcome: outcome('dxlag-once') });
    });

    it('after a release, lets the next attempt run (one waiter first, the rest replay it)', async () => {
      const { a, b } = await replicas({ claimWaitMs: 5000 });
      const key = uniqueKey('associate caller-1 req');
      const held = await a.idempotency.claim<Outcome>(key, 'fp-1');
      if (held.kind !== 'first') throw new Error(`expected first, got ${held.kind}`);
      const waiters = [a, b, b].map((replica) =>
        replica.idempotency.claim<Outcome>(key, 'fp-1').then(async (claim) => {
          if (claim.kind === 'first') {
            await sleep(100);
            await claim.complete(outcome('dxlag-retried'));
          }
          return claim.kind === 'replay' ? claim.outcome : claim.kind;
        }),
      );
      await sleep(150);
      await held.release();
      const answers = await Promise.all(waiters);
      expect(answers.filter((answer) => answer === 'first')).toHaveLength(1);
      expect(answers.filter((answer) => answer !== 'first')).toEqual([outcome('dxlag-retried'), outcome('dxlag-retried')]);

      const other = uniqueKey('associate caller-1 req');
      const once = await b.idempotency.claim(other, 'fp-1');
      if (once.kind !== 'first') throw new Error(`expected first, got ${once.kind}`);
      await once.release();
      expect((await a.idempotency.claim(other, 'fp-1')).kind).toBe('first');
    });

    it('ignores a second complete or release of the same claim', async () => {
      const { a, b } = await replicas();
      const completed = uniqueKey('associate caller-1 req');
      const first = await a.idempotency.claim<Outcome>(completed, 'fp-1');
      if (first.kind !== 'first') throw new Error(`expected first, got ${first.kind}`);
      await first.complete(outcome('dxlag-kept'));
      await first.release();
      await first.complete(outcome('dxlag-overwritten'));
      expect(await b.idempotency.claim(completed, 'fp-1')).toEqual({ kind: 'replay', outcome: outcome('dxlag-kept') });

      const released = uniqueKey('associate caller-1 req');
      const second = await a.idempotency.claim<Outcome>(released, 'fp-1');
      if (second.kind !== 'first') throw new Error(`expected first, got ${second.kind}`);
      await second.release();
      await second.complete(outcome('dxlag-late'));
      const next = await b.idempotency.claim<Outcome>(released, 'fp-1');
      expect(next.kind).toBe('first');
      // The released claim's late calls must not touch the new holder's claim either.
      await second.release();
      expect((await a.idempotency.claim(released, 'fp-2')).kind).toBe('conflict');
    });

    it('makes a duplicate give up with LockBusy after the claim wait', async () => {
      const { a, b } = await replicas({ claimWaitMs: 200 });
      const key = uniqueKey('associate caller-1 req');
      const held = await a.idempotency.claim(key, 'fp-1');
      expect(held.kind).toBe('first');
      const waited = await timed(b.idempotency.claim(key, 'fp-1'));
      expect(waited.error).toBeInstanceOf(LockBusy);
      expect((waited.error as LockBusy).key).toBe(key);
      expect(waited.ms).toBeGreaterThanOrEqual(190);
      expect(waited.ms).toBeLessThan(1000);
    });

    it('forgets a completed outcome after its TTL', async () => {
      const { a, b } = await replicas({ recordTtlMs: 150 });
      const key = uniqueKey('associate caller-1 req');
      const first = await a.idempotency.claim<Outcome>(key, 'fp-1');
      if (first.kind !== 'first') throw new Error(`expected first, got ${first.kind}`);
      await first.complete(outcome('dxlag-1'));
      expect((await b.idempotency.claim(key, 'fp-1')).kind).toBe('replay');
      await sleep(300);
      expect((await b.idempotency.claim(key, 'fp-2')).kind).toBe('first');
    });

    it('holds a first claim however long its attempt runs, past the pending lease: a duplicate waits and replays it', async () => {
      const { a, b } = await replicas({ pendingLeaseMs: 300, claimWaitMs: 3000 });
      const key = uniqueKey('associate caller-1 req');
      const slow = await a.idempotency.claim<Outcome>(key, 'fp-1');
      if (slow.kind !== 'first') throw new Error(`expected first, got ${slow.kind}`);
      let answered = false;
      const duplicate = timed(b.idempotency.claim<Outcome>(key, 'fp-1')).finally(() => {
        answered = true;
      });
      await sleep(1000);
      expect(answered, 'the duplicate took the key while the first attempt still ran').toBe(false);
      await slow.complete(outcome('dxlag-slow'));
      const waited = await duplicate;
      expect(waited.value).toEqual({ kind: 'replay', outcome: outcome('dxlag-slow') });
      expect(waited.ms).toBeGreaterThanOrEqual(950);
      expect(await a.idempotency.claim(key, 'fp-1')).toEqual({ kind: 'replay', outcome: outcome('dxlag-slow') });
    });
  });
}
