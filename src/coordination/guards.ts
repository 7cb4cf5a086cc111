// What keeps a change exactly-once and one per LAG at a time (docs/contract.md,
// "Exactly once, one at a time"): the contracts both kinds of store keep (memory for
// one replica, Redis across replicas; createGuards.ts picks one). The stores know
// nothing of GraphQL or AWS: keys and outcomes are opaque to them.

/** The store could not be used (unreachable, too slow, an unreadable record): nothing was done. */
export class CoordinationUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CoordinationUnavailable';
  }
}

/** The lock stayed held by another change for longer than a caller waits. */
export class LockBusy extends Error {
  constructor(readonly key: string, readonly waitedMs: number) {
    super(`another change holds ${key}`);
    this.name = 'LockBusy';
  }
}

/** Whether the lock `withLock` took is still certainly this holder's (see `Locks.withLock`). */
export type LockHeld = () => boolean;

export interface Locks {
  /**
   * Runs `fn` while holding the lock named `key`, waiting up to the store's wait
   * time for it (then LockBusy). The lock is a lease, renewed while `fn` runs, so a
   * crashed holder's lock frees itself within the lease time. Store failures while
   * taking it are CoordinationUnavailable and `fn` does not run; a failure to renew
   * or release once `fn` runs is logged, never thrown over `fn`'s own result.
   *
   * `fn` gets `held`: true while the lock is certainly still this holder's; false
   * once a renewal found it gone or taken by another holder, or once no renewal has
   * succeeded for a whole lease (the store unreachable: the lease may have lapsed and
   * another change may hold the lock), and false after `fn` has settled. A renewal
   * that gets through later with the lock still ours makes it true again. The lock
   * cannot stop `fn` by itself: `fn` checks `held()` right before each irreversible
   * step and does not take it when false. In memory it is true throughout `fn`.
   */
  withLock<T>(key: string, fn: (held: LockHeld) => Promise<T>): Promise<T>;
}

/** What `claim` found for a key. */
export type Claim<T> =
  /** Nobody has run it: run it, then `complete` (the outcome is kept for 24 h) or `release` (let a later attempt run it). */
  | { kind: 'first'; complete(outcome: T): Promise<void>; release(): Promise<void> }
  /** It ran with the same fingerprint; this is its outcome. */
  | { kind: 'replay'; outcome: T }
  /** The key was used with another fingerprint. */
  | { kind: 'conflict' };

export interface IdempotencyRecords {
  /**
   * Claims `key` for an attempt whose input has `fingerprint`. While another attempt
   * holds the claim this waits for it (up to the store's wait time, then LockBusy),
   * and answers its outcome, or a first claim if it was released. Store failures are
   * CoordinationUnavailable. Outcomes are JSON values, but Date values come back as
   * Dates.
   *
   * A `first` claim is held for as long as its attempt runs, however long that is:
   * until `complete` or `release`, its store keeps it (Redis renews its lease; memory
   * keeps it while the process lives), so a duplicate waits rather than runs the
   * change again. Every `first` claim must therefore be settled. A claim frees
   * itself only when its holder process died: in Redis after a lease (or when its
   * renewals failed for a whole lease, Redis unreachable); in memory with the process.
   */
  claim<T>(key: string, fingerprint: string): Promise<Claim<T>>;
}

export interface Guards {
  locks: Locks;
  idempotency: IdempotencyRecords;
  close(): Promise<void>;
}
