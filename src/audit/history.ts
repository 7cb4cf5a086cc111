import type { AuditRecord, IntentRecord, OutcomeRecord } from './records.js';

// The change record as it is read (docs/change-record.md): a change is a real call's
// intent with how it ended. Dry runs and refusals before a real call are single
// `attempt` records, not changes; a clientRequestId answered again (a replay) is the
// same change once more and is left out. The history comes from the database
// (database.ts, every replica's) or from this replica's own records (here: the file
// it appends to, read at start-up, or the log's records since it started).

export const CHANGE_STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED', 'APPLIED_PER_AWS', 'NOT_APPLIED_PER_AWS'] as const;
export type ChangeStatus = (typeof CHANGE_STATUSES)[number];

/** How reconciliation settles an intent whose attempt never said how it ended. */
export type Settlement = 'APPLIED_PER_AWS' | 'NOT_APPLIED_PER_AWS';

export interface Change {
  /** The intent record's ID. */
  id: string;
  operation: string;
  caller: string | null;
  roles: readonly string[];
  requestId: string;
  region: string | null;
  resourceIds: readonly string[];
  clientRequestId: string | null;
  /** As recorded: a plan token kept by its digest, long lists cut. */
  input: unknown;
  status: ChangeStatus;
  /** SUCCESS, the error code the attempt ended with, or the settlement; null while pending. */
  outcome: string | null;
  awsRequestId: string | null;
  requestedAt: Date;
  completedAt: Date | null;
  /** By then the attempt has ended, one way or the other: reconciliation settles it after. */
  deadline: Date;
  warnings: readonly string[];
  /** True when the attempt answered an earlier outcome again (never listed). */
  replayed: boolean;
  /** True when reconciliation settled it. */
  settled: boolean;
}

export interface ChangeFilter {
  lagId?: string;
  connectionId?: string;
  virtualInterfaceId?: string;
  caller?: string;
  since?: Date;
  region?: string;
}

/** A change with its place in the record, which a cursor names. */
export interface Placed {
  position: number;
  change: Change;
}

export interface ChangePage {
  changes: Placed[];
  hasNextPage: boolean;
}

export interface ChangeHistory {
  /** Where the history comes from, for the docs and /readyz: "every replica's" or "this replica's". */
  readonly scope: 'fleet' | 'replica';
  /** Newest first: up to `first` changes matching `filter` that come before `before` (a position). Replays left out. */
  list(filter: ChangeFilter, first: number, before?: number): Promise<ChangePage>;
  /** The intents no outcome has settled (the recent ones: a week), oldest first. */
  unsettled(): Promise<Change[]>;
  /** The newest change (not a replay) this caller made with this operation and clientRequestId, in a request other than `exceptRequestId`. */
  lastFor(operation: string, caller: string | null, clientRequestId: string, exceptRequestId?: string): Promise<Change | undefined>;
}

/**
 * How long a real change may take: it must reach its mutating AWS call within
 * `sendWindowMs` of starting, or it is refused with nothing sent; its intent's
 * deadline (`deadlineMs` after it) is then past every step it can still take, so
 * reconciliation can trust what AWS shows (reconcile.ts).
 */
export interface ChangeTiming {
  sendWindowMs: number;
  deadlineMs: number;
}

/** The windows that follow from the AWS client's own bounds (DX_TIMEOUT_MS, DX_MAX_ATTEMPTS) and the audit sink's. */
export function changeTiming(aws: { timeoutMs: number; maxAttempts: number }, intentTimeoutMs: number): ChangeTiming {
  // A lock's wait (5 s) and the fresh reads, which run side by side, two at most one after the other.
  const sendWindowMs = 5000 + 2 * aws.timeoutMs;
  // Every attempt of the mutating call, with the SDK's backoff between them.
  const callMs = aws.timeoutMs * aws.maxAttempts + 1000 * (aws.maxAttempts - 1);
  return { sendWindowMs, deadlineMs: intentTimeoutMs + sendWindowMs + callMs + 3000 };
}

/** How long an unsettled intent is looked after: older ones are left to an operator (logged). */
export const SETTLE_WITHIN_MS = 7 * 24 * 3_600_000;

export function statusOf(outcome: string | null): ChangeStatus {
  if (outcome === null) return 'PENDING';
  if (outcome === 'SUCCESS') return 'SUCCEEDED';
  if (outcome === 'APPLIED_PER_AWS' || outcome === 'NOT_APPLIED_PER_AWS') return outcome;
  return 'FAILED';
}

const CURSOR_PREFIX = 'change:';

/** An opaque cursor for a change's position. */
export const encodeCursor = (position: number): string => Buffer.from(`${CURSOR_PREFIX}${position}`).toString('base64url');

/** The position a cursor names, or undefined when it is not one of ours. */
export function decodeCursor(cursor: string): number | undefined {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(CURSOR_PREFIX)) return undefined;
  const digits = text.slice(CURSOR_PREFIX.length);
  if (!/^[1-9][0-9]{0,15}$/.test(digits)) return undefined;
  const position = Number(digits);
  return Number.isSafeInteger(position) ? position : undefined;
}

export function matches(change: Change, filter: ChangeFilter): boolean {
  const { lagId, connectionId, virtualInterfaceId, caller, since, region } = filter;
  for (const id of [lagId, connectionId, virtualInterfaceId]) if (id !== undefined && !change.resourceIds.includes(id)) return false;
  if (caller !== undefined && change.caller !== caller) return false;
  if (region !== undefined && change.region !== region) return false;
  if (since !== undefined && change.requestedAt < since) return false;
  return true;
}

/** A change from its intent, pending until an outcome names it. */
export function changeOf(intent: IntentRecord): Change {
  return {
    id: intent.id,
    operation: intent.operation,
    caller: intent.caller,
    roles: intent.roles,
    requestId: intent.requestId,
    region: intent.region ?? null,
    resourceIds: intent.resourceIds ?? [],
    clientRequestId: intent.clientRequestId,
    input: intent.input,
    status: 'PENDING',
    outcome: null,
    awsRequestId: null,
    requestedAt: new Date(intent.time),
    completedAt: null,
    deadline: new Date(intent.deadline ?? intent.time),
    warnings: [],
    replayed: false,
    settled: false,
  };
}

/**
 * The change once `outcome` is known. The attempt's own outcome wins over a
 * settlement: should both exist (a paused replica that finished after all), what the
 * attempt saw AWS answer is the better word.
 */
export function settledBy(change: Change, outcome: OutcomeRecord): Change {
  const settlement = outcome.settledBy === 'reconciliation';
  if (change.outcome !== null && settlement) return change;
  return {
    ...change,
    status: statusOf(outcome.outcome),
    outcome: outcome.outcome,
    awsRequestId: outcome.awsRequestId,
    completedAt: new Date(outcome.time),
    warnings: outcome.warnings ?? [],
    replayed: outcome.replayed === true,
    settled: settlement,
  };
}

/**
 * This replica's changes, in memory, in the order they were written: fed every record
 * as it is written (and, with a file, every line of it at start-up). With `limit`, the
 * oldest changes are let go beyond it, as the log's record is only this run's.
 */
export class MemoryHistory implements ChangeHistory {
  readonly scope = 'replica' as const;
  /** Changes in write order; `first` is the position of changes[0]. */
  private changes: Change[] = [];
  private first = 1;
  private readonly byId = new Map<string, number>();

  constructor(private readonly limit = Infinity) {}

  add(record: AuditRecord): void {
    if (record.kind === 'intent') {
      if (this.byId.has(record.id)) return;
      this.byId.set(record.id, this.first + this.changes.length);
      this.changes.push(changeOf(record));
      if (this.changes.length > this.limit) {
        const dropped = this.changes.shift()!;
        this.byId.delete(dropped.id);
        this.first += 1;
      }
    } else if (record.kind === 'outcome') {
      const position = this.byId.get(record.intentId);
      if (position === undefined) return;
      const index = position - this.first;
      this.changes[index] = settledBy(this.changes[index]!, record);
    }
  }

  get(id: string): Change | undefined {
    const position = this.byId.get(id);
    return position === undefined ? undefined : this.changes[position - this.first];
  }

  async list(filter: ChangeFilter, first: number, before?: number): Promise<ChangePage> {
    const found: Placed[] = [];
    let start = this.changes.length - 1;
    if (before !== undefined) start = Math.min(start, before - this.first - 1);
    for (let index = start; index >= 0; index -= 1) {
      const change = this.changes[index]!;
      if (change.replayed || !matches(change, filter)) continue;
      if (found.length === first) return { changes: found, hasNextPage: true };
      found.push({ position: this.first + index, change });
    }
    return { changes: found, hasNextPage: false };
  }

  async unsettled(): Promise<Change[]> {
    const since = Date.now() - SETTLE_WITHIN_MS;
    return this.changes.filter((change) => change.status === 'PENDING' && change.requestedAt.getTime() >= since);
  }

  async lastFor(operation: string, caller: string | null, clientRequestId: string, exceptRequestId?: string): Promise<Change | undefined> {
    for (let index = this.changes.length - 1; index >= 0; index -= 1) {
      const change = this.changes[index]!;
      if (change.requestId === exceptRequestId) continue;
      if (change.operation === operation && change.caller === caller && change.clientRequestId === clientRequestId && !change.replayed) return change;
    }
    return undefined;
  }
}
