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
  /** What the clientRequestId is bound to (lagChange.ts); null for an intent recorded before it was kept. */
  fingerprint: string | null;
  /** As recorded: a plan token kept by its digest, long lists cut. */
  input: unknown;
  status: ChangeStatus;
  /**
   * SUCCESS, the error code the attempt ended with, or the settlement. Null while
   * pending, unless the attempt ended not knowing whether AWS made the change (its
   * call sent, then AWS unreachable or failing): pending with that code, until
   * reconciliation settles it.
   */
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
  /** The pending changes of the last week (no outcome, or one that left AWS's state unknown), newest first, at most UNSETTLED_LIMIT. */
  unsettled(): Promise<Change[]>;
  /** Every change (not a replay) this caller made with this operation and clientRequestId but `exceptIntentId`, newest first, at most EARLIER_LIMIT. */
  earlierFor(operation: string, caller: string | null, clientRequestId: string, exceptIntentId?: string): Promise<Change[]>;
}

/** How many pending changes a reconciliation round looks at: the newest, so a fresh crash is never stuck behind old ones AWS cannot tell. */
export const UNSETTLED_LIMIT = 1000;
/** How many earlier changes of one clientRequestId are weighed; a caller retries an ID a few times, not hundreds. */
export const EARLIER_LIMIT = 100;

/** How long an unsettled intent is looked after: older ones are left to an operator (logged). */
export const SETTLE_WITHIN_MS = 7 * 24 * 3_600_000;

/** A change's status from the outcome that settles it; `uncertain` when that outcome left AWS's state unknown. */
export function statusOf(outcome: string | null, uncertain = false): ChangeStatus {
  if (outcome === null || uncertain) return 'PENDING';
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
    fingerprint: intent.fingerprint ?? null,
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
 * How much an outcome says, lower first: the attempt's own answer from AWS, then a
 * settlement from AWS's state, then an attempt that could not tell (uncertain).
 * Should several exist (a paused replica that finished after all), the lowest wins.
 */
export function outcomeRank(outcome: { settledBy?: string | null; uncertain?: boolean | null }): number {
  if (outcome.settledBy) return 1;
  return outcome.uncertain ? 2 : 0;
}

/** The rank of the outcome `change` holds; none at all ranks below every outcome. */
const rankOf = (change: Change): number => {
  if (change.outcome === null) return Infinity;
  return outcomeRank({ settledBy: change.settled ? 'reconciliation' : null, uncertain: change.status === 'PENDING' });
};

/** The change once `outcome` is known, unless the outcome it holds says more (outcomeRank). */
export function settledBy(change: Change, outcome: OutcomeRecord): Change {
  const settlement = outcome.settledBy === 'reconciliation';
  if (outcomeRank(outcome) > rankOf(change)) return change;
  return {
    ...change,
    status: statusOf(outcome.outcome, outcome.uncertain === true),
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
    const found: Change[] = [];
    for (let index = this.changes.length - 1; index >= 0 && found.length < UNSETTLED_LIMIT; index -= 1) {
      const change = this.changes[index]!;
      if (change.requestedAt.getTime() < since) break;
      if (change.status === 'PENDING') found.push(change);
    }
    return found;
  }

  async earlierFor(operation: string, caller: string | null, clientRequestId: string, exceptIntentId?: string): Promise<Change[]> {
    const found: Change[] = [];
    for (let index = this.changes.length - 1; index >= 0 && found.length < EARLIER_LIMIT; index -= 1) {
      const change = this.changes[index]!;
      if (change.id === exceptIntentId || change.replayed) continue;
      if (change.operation === operation && change.caller === caller && change.clientRequestId === clientRequestId) found.push(change);
    }
    return found;
  }
}
