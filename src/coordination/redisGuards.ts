import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { decodeOutcome, encodeOutcome } from './encoding.js';
import { CoordinationUnavailable, LockBusy, type Claim, type Guards, type LockHeld } from './guards.js';
import { withoutUndefined } from './options.js';

// The guards every replica shares through Redis (docs/contract.md, "Exactly once,
// one at a time"). Unlike the read cache, which falls back to AWS when Redis fails,
// these fail closed: a change that cannot be guarded is not made
// (CoordinationUnavailable), because running it unguarded could run it twice.
//
// Keys:
//   dxgraph:lock:<key>         a random token of the holder, PX the lease, renewed while it runs
//   dxgraph:idempotency:<key>  JSON {state:'pending', fingerprint, owner} PX pendingLeaseMs, renewed
//                              while its attempt runs, then
//                              {state:'done', fingerprint, outcome: <encodeOutcome text>} PX recordTtlMs

export interface RedisGuardsOptions {
  /** How long `withLock` waits for another holder before LockBusy. */
  lockWaitMs?: number;
  /** A lock's lease: a holder that crashed lets go after this long; a live one renews every third of it. */
  leaseMs?: number;
  /** How often a waiting `withLock` tries again. */
  lockPollMs?: number;
  /** How long a duplicate `claim` waits for the attempt holding the key before LockBusy. */
  claimWaitMs?: number;
  /** How often a waiting duplicate looks at the record again. */
  claimPollMs?: number;
  /**
   * A pending claim's lease: renewed every third of it until its attempt completes or
   * releases it, so only a claim whose holder died (or could not reach Redis for this
   * long) frees itself, after this long.
   */
  pendingLeaseMs?: number;
  /** How long a completed outcome is replayed. */
  recordTtlMs?: number;
  /** Every Redis command answers or fails within this. */
  commandTimeoutMs?: number;
  /** How long start-up waits for a connection. */
  connectTimeoutMs?: number;
}

export const REDIS_DEFAULTS = {
  lockWaitMs: 5000,
  leaseMs: 15_000,
  lockPollMs: 50,
  claimWaitMs: 60_000,
  claimPollMs: 100,
  pendingLeaseMs: 120_000,
  recordTtlMs: 24 * 60 * 60 * 1000,
  commandTimeoutMs: 1000,
  connectTimeoutMs: 3000,
} as const;

const LOCK_PREFIX = 'dxgraph:lock:';
const RECORD_PREFIX = 'dxgraph:idempotency:';

// Each script acts only if the key still holds exactly what this holder wrote (its
// token, or its pending record with its random owner), so a holder whose lease lapsed
// can never extend, delete or overwrite what another holder has since written.
// RENEW_IF_OURS renews locks and pending claims alike.
const RENEW_IF_OURS = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const DELETE_IF_OURS = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const COMPLETE_IF_OURS_OR_ABSENT = `local current = redis.call('GET', KEYS[1])
if current == false or current == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 end
return 0`;

type StoredRecord = { state: 'pending'; fingerprint: string; owner: string } | { state: 'done'; fingerprint: string; outcome: string };

export async function createRedisGuards(url: string, options: RedisGuardsOptions, logger: Logger): Promise<Guards> {
  const settings = { ...REDIS_DEFAULTS, ...withoutUndefined(options) };
  const { lockWaitMs, lockPollMs, claimWaitMs, claimPollMs } = settings;
  const leaseMs = Math.ceil(settings.leaseMs);
  const pendingLeaseMs = Math.ceil(settings.pendingLeaseMs);
  const recordTtlMs = Math.ceil(settings.recordTtlMs);
  const redact = redactor(url);
  const describe = (error: unknown) => redact(error instanceof Error ? error.message : String(error));

  // Bounded like the read cache's client: no offline queue, one retry, a timeout on
  // every command, so a Redis that is down or frozen fails a change within about
  // commandTimeoutMs instead of holding it.
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: settings.connectTimeoutMs,
    commandTimeout: settings.commandTimeoutMs,
  });
  redis.on('error', (error: Error) => logger.warn({ error: describe(error) }, 'Redis connection problem; changes are refused meanwhile'));
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new CoordinationUnavailable(`REDIS_URL: cannot connect to Redis for coordination (${describe(error)})`);
  }

  // The Redis error goes into the message, redacted, not as `cause`: an error object
  // from ioredis can carry the command's arguments, and logs serialise causes.
  const unavailable = (what: string, error: unknown) => new CoordinationUnavailable(`Redis failed while ${what} (${describe(error)})`);

  /** Undoes a write whose answer was lost (a timeout): Redis may still apply it, and runs this after it. */
  const undo = (key: string, value: string) => {
    redis.eval(DELETE_IF_OURS, 1, key, value).catch(() => undefined);
  };

  // Every renewal loop running (a lock's or a pending claim's), so `close` can stop them.
  const renewals = new Set<() => void>();

  /**
   * Renews `key` while it still holds exactly `value`, every third of `ttlMs`, until
   * stopped. `confirmed` is when the latest renewal that got through was sent (its new
   * expiry is at least that plus `ttlMs`). A renewal that finds the key gone or not
   * ours calls `lost` and stops; one that fails (Redis unreachable) is logged, and the
   * next one tries again while the lease may still run.
   */
  function keepLease(key: string, value: string, ttlMs: number, sentAt: number, on: { lost(): void; failed(error: unknown): void }) {
    let running = true;
    let timer: NodeJS.Timeout | undefined;
    const state = { confirmed: sentAt, lost: false };
    const renew = async () => {
      const sent = performance.now();
      try {
        const renewed = await redis.eval(RENEW_IF_OURS, 1, key, value, String(ttlMs));
        if (!running) return;
        if (renewed !== 1) {
          state.lost = true;
          stop();
          on.lost();
          return;
        }
        state.confirmed = Math.max(state.confirmed, sent);
      } catch (error) {
        if (!running) return;
        on.failed(error);
      }
      if (running) schedule();
    };
    const schedule = () => {
      timer = setTimeout(renew, ttlMs / 3);
      timer.unref();
    };
    const stop = () => {
      running = false;
      clearTimeout(timer);
      renewals.delete(stop);
    };
    renewals.add(stop);
    schedule();
    return { state, stop };
  }

  async function withLock<T>(key: string, fn: (held: LockHeld) => Promise<T>): Promise<T> {
    const lockKey = LOCK_PREFIX + key;
    const token = randomUUID();
    const started = Date.now();
    const deadline = started + lockWaitMs;
    let sentAt: number;
    for (;;) {
      let taken: string | null;
      sentAt = performance.now();
      try {
        taken = await redis.set(lockKey, token, 'PX', leaseMs, 'NX');
      } catch (error) {
        undo(lockKey, token);
        throw unavailable(`taking the lock ${key}`, error);
      }
      if (taken === 'OK') break;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new LockBusy(key, Date.now() - started);
      await sleep(Math.min(lockPollMs, remaining));
    }

    const lease = keepLease(lockKey, token, leaseMs, sentAt, {
      lost: () => logger.warn({ key, leaseMs }, 'lost a lock while holding it (its lease lapsed); another change may run alongside'),
      // The lease still runs; the next renewal may get through.
      failed: (error) => logger.warn({ key, error: describe(error) }, 'could not renew a lock'),
    });
    let inside = true;
    // Certain only while the latest renewal that got through was sent less than a
    // lease ago: past that, Redis may have let the lock go without our hearing of it.
    const held: LockHeld = () => inside && !lease.state.lost && performance.now() - lease.state.confirmed < leaseMs;
    try {
      return await fn(held);
    } finally {
      inside = false;
      lease.stop();
      try {
        await redis.eval(DELETE_IF_OURS, 1, lockKey, token);
      } catch (error) {
        logger.warn({ key, error: describe(error), leaseMs }, 'could not release a lock; it frees itself when its lease lapses');
      }
    }
  }

  function firstClaim<T>(key: string, recordKey: string, fingerprint: string, pendingText: string, sentAt: number): Claim<T> {
    let settled = false;
    // However long the attempt runs, its claim stays pending (a duplicate waits, it does
    // not run the change again); the lease only frees the claim of a holder that died.
    const lease = keepLease(recordKey, pendingText, pendingLeaseMs, sentAt, {
      lost: () =>
        logger.warn({ key, pendingLeaseMs }, 'lost an idempotency claim while its attempt runs (its lease lapsed); a duplicate may run the change again'),
      failed: (error) => logger.warn({ key, error: describe(error) }, 'could not renew an idempotency claim'),
    });
    return {
      kind: 'first',
      complete: async (outcome: T) => {
        if (settled) return;
        // Before settling: an outcome JSON cannot hold is the caller's bug, and the claim stays theirs to release.
        const doneText = JSON.stringify({ state: 'done', fingerprint, outcome: encodeOutcome(outcome) } satisfies StoredRecord);
        settled = true;
        lease.stop();
        // If our claim lapsed (its renewals could not reach Redis for pendingLeaseMs) the
        // change has still happened: we record it when nobody has taken the key since,
        // so a retry replays rather than runs it again. If another attempt has claimed it
        // (it is running the change again) or recorded its outcome, that attempt's record
        // stands: overwriting a pending claim would answer its waiters with our outcome
        // while it still runs.
        let written: unknown;
        try {
          written = await redis.eval(COMPLETE_IF_OURS_OR_ABSENT, 1, recordKey, pendingText, doneText, String(recordTtlMs));
        } catch (error) {
          throw unavailable(`recording the outcome for ${key}`, error);
        }
        if (written !== 1) {
          logger.warn({ key, pendingLeaseMs }, 'an idempotency claim lapsed before completing and another attempt took the key; its outcome is not recorded');
        }
      },
      release: async () => {
        if (settled) return;
        settled = true;
        lease.stop();
        try {
          await redis.eval(DELETE_IF_OURS, 1, recordKey, pendingText);
        } catch (error) {
          throw unavailable(`releasing the claim on ${key}`, error);
        }
      },
    };
  }

  async function claim<T>(key: string, fingerprint: string): Promise<Claim<T>> {
    const recordKey = RECORD_PREFIX + key;
    const started = Date.now();
    const deadline = started + claimWaitMs;
    for (;;) {
      const pendingText = JSON.stringify({ state: 'pending', fingerprint, owner: randomUUID() } satisfies StoredRecord);
      let taken: string | null;
      const sentAt = performance.now();
      try {
        taken = await redis.set(recordKey, pendingText, 'PX', pendingLeaseMs, 'NX');
      } catch (error) {
        undo(recordKey, pendingText);
        throw unavailable(`claiming ${key}`, error);
      }
      if (taken === 'OK') return firstClaim<T>(key, recordKey, fingerprint, pendingText, sentAt);

      // Someone holds or has completed it: wait while an attempt with our input runs.
      for (;;) {
        let raw: string | null;
        try {
          raw = await redis.get(recordKey);
        } catch (error) {
          throw unavailable(`reading the record of ${key}`, error);
        }
        if (raw === null) break; // released, or its holder's lease lapsed: claim it again
        const record = parse(key, raw);
        if (record.fingerprint !== fingerprint) return { kind: 'conflict' };
        if (record.state === 'done') {
          try {
            return { kind: 'replay', outcome: decodeOutcome<T>(record.outcome) };
          } catch (error) {
            throw unreadable(key, error);
          }
        }
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new LockBusy(key, Date.now() - started);
        await sleep(Math.min(claimPollMs, remaining));
      }
    }
  }

  return {
    locks: { withLock },
    idempotency: { claim },
    close: async () => {
      for (const stop of [...renewals]) stop();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

function unreadable(key: string, error: unknown): CoordinationUnavailable {
  return new CoordinationUnavailable(`the idempotency record of ${key} in Redis is unreadable (${error instanceof Error ? error.message : String(error)})`);
}

function parse(key: string, raw: string): StoredRecord {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw unreadable(key, error);
  }
  const record = value as Partial<Record<'state' | 'fingerprint' | 'owner' | 'outcome', unknown>> | null;
  if (record && typeof record === 'object' && typeof record.fingerprint === 'string') {
    if (record.state === 'pending' && typeof record.owner === 'string') return record as StoredRecord;
    if (record.state === 'done' && typeof record.outcome === 'string') return record as StoredRecord;
  }
  throw unreadable(key, new Error('not a pending or done record'));
}

/** Keeps the password in REDIS_URL out of every message this store writes. */
export function redactor(url: string): (text: string) => string {
  const secrets: string[] = [];
  try {
    const { password } = new URL(url);
    if (password) secrets.push(password);
    if (password) secrets.push(decodeURIComponent(password));
  } catch {
    // config.ts has validated the URL; nothing to hide in one that does not parse.
  }
  return (text) => secrets.reduce((redacted, secret) => redacted.split(secret).join('***'), text);
}
