import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { appendFile, open, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { Caller } from '../auth/roles.js';
import { inSpan } from '../telemetry.js';
import type { Metrics } from '../metrics.js';
import type { LogWrites } from '../logDestination.js';
import type { AttemptRecord, AuditRecord, AuditResult, AuditSubject, IntentRecord, OutcomeRecord } from './records.js';
import type { AuditDatabase } from './database.js';
import { MemoryHistory, type Change, type ChangeHistory, type Settlement } from './history.js';
import { changeTiming, type ChangeTiming } from './timing.js';

export type { LogWrites };

// A real change is recorded twice: an intent before any mutating AWS call, and an
// outcome linked to it by `intentId`. A dry run or a refused request is one `attempt`
// record. Every record goes to the log and, with AUDIT_LOG_FILE, to that file, synced
// before its promise resolves (docs/contract.md, "The mutations"). Records hold the
// caller's name and roles, never a credential.

export type { AttemptRecord, AuditRecord, AuditResult, AuditSubject, IntentRecord, OutcomeRecord, ProbeRecord } from './records.js';

export interface AuditHealth {
  ok: boolean;
  /** Why the last write failed: an error code and the sink, never a stack. */
  reason?: string;
}

/** A record could not be written. `reason` is safe to show a caller (no path); `sinkReason` names the sink. */
export class AuditUnwritable extends Error {
  constructor(
    readonly reason: string,
    readonly sinkReason: string,
  ) {
    super(`audit record not written: ${sinkReason}`);
    this.name = 'AuditUnwritable';
  }
}

export interface AuditTrail {
  /**
   * Writes an intent record bound to `fingerprint` (what its clientRequestId names);
   * resolves to its id once it is in the sink, rejects with AuditUnwritable otherwise.
   */
  intent(subject: AuditSubject, fingerprint?: string): Promise<string>;
  /**
   * Writes an outcome (with `intentId`) or a single attempt record. Never rejects: a
   * failure is logged (fatal for an outcome, whose change cannot be undone) and counted.
   */
  record(fields: AuditSubject & AuditResult & { intentId?: string }): Promise<void>;
  /** The result of the last write: unhealthy from a failed write until a later one succeeds. */
  healthy(): AuditHealth;
  /**
   * healthy(), but while unhealthy first tries a probe record (at most every few
   * seconds), so a replica that nothing reaches any more still notices the sink
   * recovered: what /readyz asks.
   */
  recheck(): Promise<AuditHealth>;
  /** The changes this trail holds: every replica's in the database, else this replica's. */
  readonly history: ChangeHistory;
  /** The windows a change keeps to (its intent's deadline among them). */
  readonly timing: ChangeTiming;
  /**
   * Records how reconciliation settled `change`, unless an outcome settled it first;
   * whether this did. Rejects when the sink cannot be written (tried again next round).
   */
  settle(change: Change, settlement: Settlement): Promise<boolean>;
  /** The sink's connections, closed at shutdown. */
  close(): Promise<void>;
}

/** With the log as the sink, the changes of this run that `history` keeps (the log itself keeps them all). */
const LOG_HISTORY_LIMIT = 10_000;

/** Reads AUDIT_LOG_FILE's records into `history`, line by line; a line that is not a record is skipped and counted. */
async function readHistory(file: string, history: MemoryHistory, logger: Logger): Promise<void> {
  // A device (/dev/full, a FIFO) holds no history, and reading one would not end.
  if (!(await stat(file)).isFile()) return;
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let unreadable = 0;
  for await (const line of lines) {
    if (line.trim() === '') continue;
    try {
      history.add(JSON.parse(line) as AuditRecord);
    } catch {
      unreadable += 1;
    }
  }
  if (unreadable > 0) logger.warn({ file, unreadable }, 'AUDIT_LOG_FILE has lines that are not audit records; the change history leaves them out');
}

/**
 * A process killed mid-write can leave the file's last line without its newline; the
 * next record would join it and be lost with it. The fragment is ended here, at
 * start-up (readHistory has counted it as unreadable), so what follows is whole.
 */
async function endTornLine(file: string): Promise<void> {
  const handle = await open(file, 'r');
  let torn = false;
  try {
    const stats = await handle.stat();
    if (!stats.isFile() || stats.size === 0) return;
    const { size } = stats;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    torn = last[0] !== 0x0a;
  } finally {
    await handle.close();
  }
  if (torn) await appendDurably(file, '\n');
}

/** How long a real call waits for its intent record before it is refused: a hung disk must not hang changes. */
export const INTENT_TIMEOUT_MS = 10_000;
const PROBE_EVERY_MS = 5_000;

type FailureCounter = Pick<Metrics['auditWriteFailures'], 'inc'>;

/** "ENOSPC: no space left on device", from Node's "ENOSPC: no space left on device, write". */
function describeError(error: unknown): string {
  const { code, message } = (error ?? {}) as NodeJS.ErrnoException;
  const text = typeof message === 'string' ? message.split(', ')[0]! : String(error);
  if (!code) return text;
  return text.startsWith(`${code}:`) ? text : `${code}: ${text}`;
}

/** Appends one line and syncs it: opened per record, so a file removed or made unwritable since start-up is noticed. */
async function appendDurably(file: string, line: string): Promise<void> {
  const handle = await open(file, 'a');
  try {
    const { size } = await handle.stat();
    try {
      await handle.writeFile(line);
      await handle.datasync();
    } catch (error) {
      // A disk that filled mid-line would leave half a record for the next one to join.
      await handle.truncate(size).catch(() => undefined);
      throw error;
    }
  } finally {
    await handle.close();
  }
}

export async function createAuditTrail(
  logger: Logger,
  file?: string,
  failures?: FailureCounter,
  options: {
    intentTimeoutMs?: number;
    probeEveryMs?: number;
    /**
     * The writes of the destination `logger` ends in (src/logDestination.ts). With the
     * log as the sink, a record counts as written only if no write failed while it was
     * logged. Without it, the log is taken at its word (what a test's silent logger wants).
     */
    logWrites?: LogWrites;
    /** AUDIT_DATABASE_URL's database, opened (database.ts): the sink instead of a file or the log. */
    database?: AuditDatabase;
    /** The windows changes keep to; by default those of the AWS client's defaults. */
    timing?: ChangeTiming;
    /** With the log as the sink, how many of this run's changes `history` keeps. */
    historyLimit?: number;
  } = {},
): Promise<AuditTrail> {
  const { intentTimeoutMs = INTENT_TIMEOUT_MS, probeEveryMs = PROBE_EVERY_MS, logWrites, database } = options;
  const timing = options.timing ?? changeTiming({ timeoutMs: 10_000, maxAttempts: 3 }, intentTimeoutMs);
  if (file && database) throw new Error('the audit trail has one sink: a file or a database, not both');
  if (file) {
    // Fail at start-up, not at the first mutation, if the file cannot be opened.
    // (A device such as /dev/full takes this and fails only on real writes.)
    await appendFile(file, '').catch((error: NodeJS.ErrnoException) => {
      throw new Error(`AUDIT_LOG_FILE ${file} cannot be written: ${error.code ?? error}`);
    });
    // Make the file's own directory entry durable too.
    await open(dirname(file), 'r')
      .then(async (dir) => dir.sync().finally(() => dir.close()))
      .catch(() => undefined);
  }

  // This replica's changes, for a trail that is not a database: the file's, read now, or this run's.
  const memory = database ? undefined : new MemoryHistory(file ? Infinity : (options.historyLimit ?? LOG_HISTORY_LIMIT));
  if (file && memory) {
    await readHistory(file, memory, logger);
    await endTornLine(file);
  }
  const history: ChangeHistory = database?.history ?? memory!;

  let health: AuditHealth = { ok: true };
  const sink = database ? `AUDIT_DATABASE_URL ${database.name}` : file ? `AUDIT_LOG_FILE ${file}` : 'the log';
  const what = database ? 'database' : file ? 'file' : 'log';

  // Audit records are not diagnostics: they are written to the log whatever LOG_LEVEL says.
  const auditLog = logger.child({}, { level: 'info' });
  const write = (record: AuditRecord): Promise<void> => inSpan('audit.write', { 'dxgraph.audit.kind': record.kind }, () => writeRecord(record));
  const writeRecord = async (record: AuditRecord): Promise<void> => {
    if (database) {
      await database.write(record);
      copyToLog(record);
      return;
    }
    if (!file) {
      // The log is the sink. pino itself reports a failure only by throwing; the
      // destination counts the rest (a reader gone, EPIPE, included). The child logger
      // writes to its parent's stream, so the audit line goes through that destination;
      // the log is synchronous, so any failure during this call is this record's.
      const before = logWrites?.failures;
      auditLog.info({ audit: record }, 'audit');
      if (logWrites && logWrites.failures !== before) throw new Error(logWrites.lastError ?? 'the log could not be written');
      return;
    }
    await appendDurably(file, `${JSON.stringify(record)}\n`);
    copyToLog(record);
  };
  const copyToLog = (record: AuditRecord): void => {
    if (record.kind === 'probe') return;
    try {
      auditLog.info({ audit: record }, 'audit');
    } catch {
      // The sink holds it; the log is only a copy.
    }
  };

  const attempt = async (record: AuditRecord): Promise<void> => {
    try {
      await write(record);
      memory?.add(record);
      health = { ok: true };
      if (owed.size > 0 && !owed.has(record.id)) queueMicrotask(payOwed);
    } catch (error) {
      const reason = describeError(error);
      health = { ok: false, reason: `${reason} (${sink})` };
      // A probe that fails says only that the sink is still down; the failures were counted.
      // An owed outcome failing again is the intent's failure, already counted.
      if (record.kind !== 'probe' && !owed.has(record.id)) failures?.inc({ kind: record.kind });
      throw new AuditUnwritable(`the audit ${what} could not be written: ${reason}`, health.reason!);
    }
  };

  // File writes are chained so records land whole and in order; one failure does not
  // stop the next. The log takes a record synchronously, so call order is already
  // write order, and there is nothing to chain.
  let tail: Promise<unknown> = Promise.resolve();
  const enqueue = (record: AuditRecord): Promise<void> => {
    if (!file) return attempt(record);
    const done = tail.then(() => attempt(record));
    tail = done.catch(() => undefined);
    return done;
  };

  /**
   * Waits for a write at most as long as an intent may take: a hung disk must not hang
   * what waits on it. A write to the log has finished by the time it is waited for.
   */
  const bounded = (done: Promise<void>, what: string): Promise<void> => {
    if (!file && !database) return done;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        try {
          logger.error({ reason: `no write finished within ${intentTimeoutMs} ms (${sink})` }, `audit ${what} still waiting for the sink; answering without it`);
        } catch {
          // Nowhere left to say it.
        }
        resolve();
      }, intentTimeoutMs);
    });
    return Promise.race([done, late]).finally(() => clearTimeout(timer));
  };

  /**
   * Outcomes of intents whose write failed, owed to the sink: written after the
   * intent's own try (queued behind it), and again after every later write that
   * succeeds and every probe, until one lands. Bounded: a sink down for that many
   * refused changes has its operator's attention.
   */
  const owed = new Map<string, OutcomeRecord>();
  const OWED_LIMIT = 1000;
  let paying: Promise<void> | undefined;
  const owe = (outcome: OutcomeRecord) => {
    if (owed.size < OWED_LIMIT) owed.set(outcome.id, outcome);
    payOwed();
  };
  const payOwed = () => {
    if (paying || owed.size === 0) return;
    paying = (async () => {
      for (const [id, outcome] of owed) {
        try {
          await enqueue(outcome);
          owed.delete(id);
        } catch {
          return; // The sink is still down: the next write or probe tries again.
        }
      }
    })().finally(() => {
      paying = undefined;
    });
  };

  let lastProbe = 0;
  let closing: Promise<void> | undefined;
  return {
    async intent(subject, fingerprint) {
      const record: IntentRecord = {
        kind: 'intent',
        id: randomUUID(),
        deadline: new Date(Date.parse(subject.time) + timing.deadlineMs).toISOString(),
        ...(fingerprint === undefined ? {} : { fingerprint }),
        ...subject,
      };
      let timer: NodeJS.Timeout | undefined;
      const written = enqueue(record);
      const hung = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          health = { ok: false, reason: `no write finished within ${intentTimeoutMs} ms (${sink})` };
          failures?.inc({ kind: 'intent' });
          reject(new AuditUnwritable(`the audit ${what} did not answer within ${intentTimeoutMs} ms`, health.reason!));
        }, intentTimeoutMs);
      });
      try {
        await Promise.race([written, hung]);
      } catch (error) {
        // The intent may be in the sink after all (it lands late, or a database
        // committed it and then lost the connection before saying so): the outcome
        // that says nothing was done follows it, so reconciliation never reads AWS's
        // state as this change's doing. Kept until the sink takes it. (A line the log
        // refused is gone, and the log's history holds only what it took.)
        if (file || database) owe({ ...subject, kind: 'outcome', id: randomUUID(), intentId: record.id, time: new Date().toISOString(), outcome: 'AUDIT_UNAVAILABLE', awsRequestId: null, durationMs: 0, sent: false });
        try {
          logger.error(
            { operation: record.operation, requestId: record.requestId, caller: record.caller, reason: (error as AuditUnwritable).sinkReason },
            'audit intent not written: the mutation is refused as AUDIT_UNAVAILABLE and nothing is changed',
          );
        } catch {
          // The refusal itself tells the caller; healthy() tells the operator.
        }
        throw error;
      } finally {
        clearTimeout(timer);
      }
      return record.id;
    },
    async record({ intentId, ...fields }) {
      const record: OutcomeRecord | AttemptRecord = intentId
        ? { kind: 'outcome', id: randomUUID(), intentId, ...fields }
        : { kind: 'attempt', id: randomUUID(), ...fields };
      const done = enqueue(record).catch((error: AuditUnwritable) => {
        const details = { audit: record, reason: error.sinkReason };
        try {
          if (record.kind === 'outcome') logger.fatal(details, 'audit outcome not written after the change was made');
          else logger.error(details, 'audit record not written');
        } catch {
          // Counted and reported by healthy(); there is nowhere left to say it.
        }
      });
      await bounded(done, record.kind === 'outcome' ? 'outcome' : 'record');
    },
    history,
    timing,
    async settle(change, settlement) {
      const at = new Date();
      const record: OutcomeRecord = {
        kind: 'outcome',
        id: randomUUID(),
        intentId: change.id,
        settledBy: 'reconciliation',
        time: at.toISOString(),
        requestId: change.requestId,
        caller: change.caller,
        roles: change.roles,
        operation: change.operation,
        input: change.input,
        clientRequestId: change.clientRequestId,
        region: change.region,
        resourceIds: change.resourceIds,
        outcome: settlement,
        awsRequestId: null,
        durationMs: at.getTime() - change.requestedAt.getTime(),
      };
      if (database) {
        const settled = await database.settle(record);
        if (settled) copyToLog(record);
        return settled;
      }
      // One replica alone writes this trail: what it holds is the whole story.
      if (memory!.get(change.id)?.status !== 'PENDING') return false;
      await enqueue(record);
      return true;
    },
    close: () =>
      (closing ??= (async () => {
        await paying;
        await tail;
        await database?.close();
      })()),
    healthy: () => ({ ...health }),
    async recheck() {
      if (!health.ok && Date.now() - lastProbe >= probeEveryMs) {
        lastProbe = Date.now();
        await bounded(enqueue({ kind: 'probe', id: randomUUID(), time: new Date().toISOString() }).catch(() => undefined), 'probe');
      }
      return { ...health };
    },
  };
}

/** Whom a record is about: the caller (null when unauthenticated) and the request; the default region, where an input names none. */
export interface Actor {
  caller: Caller | null;
  requestId: string;
  regions?: { defaultRegion: string };
}

/** The IDs an input names, in this order: what the change record is searched by. */
const RESOURCE_FIELDS = ['connectionId', 'lagId', 'virtualInterfaceId'] as const;

/** A list in an input longer than this is kept by its first items and its length: a record stays a line, not a body. */
const MAX_LISTED = 16;

/**
 * The input as the trail keeps it. A plan token is an opaque blob of any size a
 * caller sends; it is kept by a digest that still tells one plan from another. A
 * long list (thousands of BGP peer IDs, say, refused as they are) is cut to its first
 * items and a count.
 */
export function auditableInput(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  let kept: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(input)) {
    let shown = value;
    if (key === 'expectedPlanToken' && typeof value === 'string') shown = `sha256:${createHash('sha256').update(value).digest('hex').slice(0, 32)}`;
    else if (Array.isArray(value) && value.length > MAX_LISTED) shown = [...value.slice(0, MAX_LISTED), `… and ${value.length - MAX_LISTED} more`];
    if (shown !== value) (kept ??= { ...input })[key] = shown;
  }
  return kept ?? input;
}

/** What every record says of an attempt: who, when, what, with which input. */
export function auditSubject(actor: Actor, operation: string, input: unknown): AuditSubject {
  const fields = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const { clientRequestId, region } = fields;
  return {
    time: new Date().toISOString(),
    requestId: actor.requestId,
    caller: actor.caller?.id ?? null,
    roles: actor.caller?.roles ?? [],
    operation,
    input: auditableInput(input),
    clientRequestId: typeof clientRequestId === 'string' ? clientRequestId : null,
    region: typeof region === 'string' ? region : (actor.regions?.defaultRegion ?? null),
    resourceIds: RESOURCE_FIELDS.map((field) => fields[field]).filter((id): id is string => typeof id === 'string'),
  };
}

/** Writes the single record of an attempt that changes nothing, begun at `startedAt` (performance.now()). */
export function recordAttempt(
  trail: AuditTrail,
  actor: Actor,
  attempt: { operation: string; input: unknown; outcome: string; awsRequestId: string | null; startedAt: number; warnings?: string[] },
): Promise<void> {
  return trail.record({
    ...auditSubject(actor, attempt.operation, attempt.input),
    outcome: attempt.outcome,
    awsRequestId: attempt.awsRequestId,
    durationMs: Math.round(performance.now() - attempt.startedAt),
    warnings: attempt.warnings ?? [],
  });
}
