import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { decodeOutcome, encodeOutcome } from './encoding.js';
import { CoordinationUnavailable, LockBusy, type Claim, type Guards, type LockHeld } from './guards.js';
import { withoutUndefined } from './options.js';

// One replica's guards (docs/contract.md, "Exactly once, one at a time"): without
// REDIS_URL there is nobody to coordinate with but this process, so a queue per lock
// and a bounded map of outcomes do. Across replicas they guard nothing: redisGuards.ts.
// A pending claim has no lease here: only this process could settle it, so it is held
// until its attempt completes or releases it (or the store closes); when the process
// dies, the claim dies with it.

export interface MemoryGuardsOptions {
  /** How long `withLock` waits for another holder before LockBusy. */
  lockWaitMs?: number;
  /** How long a duplicate `claim` waits for the attempt holding the key before LockBusy. */
  claimWaitMs?: number;
  /** How long a completed outcome is replayed. */
  recordTtlMs?: number;
  /** Completed outcomes kept; past it the least recently used are forgotten (and would run again). */
  maxRecords?: number;
  /** Where a claim settled after the store closed is reported. */
  logger?: Logger;
}

export const MEMORY_DEFAULTS = {
  lockWaitMs: 5000,
  claimWaitMs: 60_000,
  recordTtlMs: 24 * 60 * 60 * 1000,
  maxRecords: 10_000,
} as const;

interface Waiter {
  grant(): void;
  fail(error: Error): void;
}

interface Held {
  /** Waiters in arrival order: the lock is handed to the first of them, never left free in between. */
  queue: Waiter[];
}

interface Done {
  fingerprint: string;
  /** Encoded, so each replay decodes its own copy. */
  outcome: string;
}

interface Pending {
  fingerprint: string;
  owner: string;
  /** Settles when this claim ends (completed, released, or the store closed): duplicates waiting on it look again. */
  ended: Promise<void>;
  end(): void;
}

export function createMemoryGuards(options: MemoryGuardsOptions = {}): Guards {
  const { lockWaitMs, claimWaitMs, recordTtlMs, maxRecords } = { ...MEMORY_DEFAULTS, ...withoutUndefined(options) };
  const logger = options.logger;
  const held = new Map<string, Held>();
  const done = new LRUCache<string, Done>({ max: maxRecords, ttl: recordTtlMs });
  const pending = new Map<string, Pending>();
  let closed = false;

  const unavailable = () => new CoordinationUnavailable('the coordination store is closed');

  function acquire(key: string): Promise<void> {
    const lock = held.get(key);
    if (!lock) {
      held.set(key, { queue: [] });
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          clearTimeout(timer);
          resolve();
        },
        fail: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        const index = lock.queue.indexOf(waiter);
        if (index >= 0) lock.queue.splice(index, 1);
        reject(new LockBusy(key, lockWaitMs));
      }, lockWaitMs);
      lock.queue.push(waiter);
    });
  }

  function handOver(key: string): void {
    const lock = held.get(key);
    const next = lock?.queue.shift();
    if (next) next.grant();
    else held.delete(key);
  }

  async function withLock<T>(key: string, fn: (held: LockHeld) => Promise<T>): Promise<T> {
    if (closed) throw unavailable();
    await acquire(key);
    // Nobody else can take a lock of this process's memory while `fn` runs.
    let inside = true;
    try {
      return await fn(() => inside);
    } finally {
      inside = false;
      handOver(key);
    }
  }

  function endPending(key: string, claim: Pending): void {
    if (pending.get(key) === claim) pending.delete(key);
    claim.end();
  }

  function startClaim<T>(key: string, fingerprint: string): Claim<T> {
    const owner = randomUUID();
    let end!: () => void;
    const ended = new Promise<void>((resolve) => {
      end = resolve;
    });
    const claim: Pending = { fingerprint, owner, ended, end };
    pending.set(key, claim);
    let settled = false;
    return {
      kind: 'first',
      complete: async (outcome: T) => {
        if (settled) return;
        // Before settling: an outcome JSON cannot hold is the caller's bug, and the claim stays theirs to release.
        const encoded = encodeOutcome(outcome);
        settled = true;
        // The claim is ours until now unless the store closed meanwhile (which forgot every record).
        if (pending.get(key) !== claim) {
          logger?.warn({ key }, 'the coordination store closed before an idempotency claim completed; its outcome is not recorded');
          return;
        }
        done.set(key, { fingerprint, outcome: encoded });
        endPending(key, claim);
      },
      release: async () => {
        if (settled) return;
        settled = true;
        if (pending.get(key) === claim) endPending(key, claim);
      },
    };
  }

  async function claim<T>(key: string, fingerprint: string): Promise<Claim<T>> {
    const started = Date.now();
    const deadline = started + claimWaitMs;
    for (;;) {
      if (closed) throw unavailable();
      const record = done.get(key);
      if (record) return record.fingerprint === fingerprint ? { kind: 'replay', outcome: decodeOutcome<T>(record.outcome) } : { kind: 'conflict' };
      const current = pending.get(key);
      if (!current) return startClaim<T>(key, fingerprint);
      if (current.fingerprint !== fingerprint) return { kind: 'conflict' };
      // Every waiter looks again when the claim ends; the first to look after a
      // release takes the key, the others wait on its claim in turn.
      const remaining = deadline - Date.now();
      if (remaining <= 0 || !(await endsWithin(current.ended, remaining))) throw new LockBusy(key, Date.now() - started);
    }
  }

  return {
    locks: { withLock },
    idempotency: { claim },
    close: async () => {
      closed = true;
      for (const [key, lock] of held) {
        for (const waiter of lock.queue.splice(0)) waiter.fail(unavailable());
        held.delete(key);
      }
      for (const [key, claim] of pending) endPending(key, claim);
      done.clear();
    },
  };
}

async function endsWithin(ended: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([ended.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
