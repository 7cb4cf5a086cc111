import { createHash, randomUUID } from 'node:crypto';
import { appendFile, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { Caller } from '../auth/roles.js';
import { inSpan } from '../telemetry.js';
import type { Metrics } from '../metrics.js';

// A real change is recorded twice: an intent before any mutating AWS call, and an
// outcome linked to it by `intentId`. A dry run or a refused request is one `attempt`
// record. Every record goes to the log and, with AUDIT_LOG_FILE, to that file, synced
// before its promise resolves (docs/contract.md, "The mutations"). Records hold the
// caller's name and roles, never a credential.

/** Who did what: every kind of record repeats it, so one line alone tells the whole story. */
export interface AuditSubject {
  time: string;
  requestId: string;
  caller: string | null;
  roles: readonly string[];
  operation: string;
  input: unknown;
  clientRequestId: string | null;
}

/** How an attempt ended. */
export interface AuditResult {
  /** SUCCESS, or the DirectConnectErrorCode the attempt ended with. */
  outcome: string;
  awsRequestId: string | null;
  durationMs: number;
  /** True when the outcome was answered again for a repeated clientRequestId, without calling AWS. */
  replayed?: boolean;
}

export type IntentRecord = { kind: 'intent'; id: string } & AuditSubject;
export type OutcomeRecord = { kind: 'outcome'; id: string; intentId: string } & AuditSubject & AuditResult;
export type AttemptRecord = { kind: 'attempt'; id: string } & AuditSubject & AuditResult;
/** Written only while the sink is unhealthy, to learn whether it can be written again. */
export type ProbeRecord = { kind: 'probe'; id: string; time: string };
export type AuditRecord = IntentRecord | OutcomeRecord | AttemptRecord | ProbeRecord;

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
  /** Writes an intent record; resolves to its id once it is in the sink, rejects with AuditUnwritable otherwise. */
  intent(subject: AuditSubject): Promise<string>;
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
  timing: { intentTimeoutMs?: number; probeEveryMs?: number } = {},
): Promise<AuditTrail> {
  const { intentTimeoutMs = INTENT_TIMEOUT_MS, probeEveryMs = PROBE_EVERY_MS } = timing;
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

  let health: AuditHealth = { ok: true };
  const sink = file ? `AUDIT_LOG_FILE ${file}` : 'the log';

  // Audit records are not diagnostics: they are written to the log whatever LOG_LEVEL says.
  const auditLog = logger.child({}, { level: 'info' });
  const write = (record: AuditRecord): Promise<void> => inSpan('audit.write', { 'dxgraph.audit.kind': record.kind }, () => writeRecord(record));
  const writeRecord = async (record: AuditRecord): Promise<void> => {
    if (!file) {
      // The log is the sink; pino reports a failure only by throwing.
      auditLog.info({ audit: record }, 'audit');
      return;
    }
    await appendDurably(file, `${JSON.stringify(record)}\n`);
    try {
      auditLog.info({ audit: record }, 'audit');
    } catch {
      // The file holds it; the log is only a copy.
    }
  };

  const attempt = async (record: AuditRecord): Promise<void> => {
    try {
      await write(record);
      health = { ok: true };
    } catch (error) {
      const reason = describeError(error);
      health = { ok: false, reason: `${reason} (${sink})` };
      // A probe that fails says only that the sink is still down; the failures were counted.
      if (record.kind !== 'probe') failures?.inc({ kind: record.kind });
      throw new AuditUnwritable(`the audit ${file ? 'file' : 'log'} could not be written: ${reason}`, health.reason!);
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
    if (!file) return done;
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

  let lastProbe = 0;
  return {
    async intent(subject) {
      const record: IntentRecord = { kind: 'intent', id: randomUUID(), ...subject };
      let timer: NodeJS.Timeout | undefined;
      const written = enqueue(record);
      const hung = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          health = { ok: false, reason: `no write finished within ${intentTimeoutMs} ms (${sink})` };
          failures?.inc({ kind: 'intent' });
          // Should the queued intent land after all, the record right behind it says nothing was done.
          void enqueue({ ...subject, kind: 'outcome', id: randomUUID(), intentId: record.id, time: new Date().toISOString(), outcome: 'AUDIT_UNAVAILABLE', awsRequestId: null, durationMs: intentTimeoutMs }).catch(() => undefined);
          reject(new AuditUnwritable(`the audit ${file ? 'file' : 'log'} did not answer within ${intentTimeoutMs} ms`, health.reason!));
        }, intentTimeoutMs);
      });
      try {
        await Promise.race([written, hung]);
      } catch (error) {
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

/** Whom a record is about: the caller (null when unauthenticated) and the request. */
export interface Actor {
  caller: Caller | null;
  requestId: string;
}

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
  const clientRequestId = (input as { clientRequestId?: unknown } | null)?.clientRequestId;
  return {
    time: new Date().toISOString(),
    requestId: actor.requestId,
    caller: actor.caller?.id ?? null,
    roles: actor.caller?.roles ?? [],
    operation,
    input: auditableInput(input),
    clientRequestId: typeof clientRequestId === 'string' ? clientRequestId : null,
  };
}

/** Writes the single record of an attempt that changes nothing, begun at `startedAt` (performance.now()). */
export function recordAttempt(
  trail: AuditTrail,
  actor: Actor,
  attempt: { operation: string; input: unknown; outcome: string; awsRequestId: string | null; startedAt: number },
): Promise<void> {
  return trail.record({
    ...auditSubject(actor, attempt.operation, attempt.input),
    outcome: attempt.outcome,
    awsRequestId: attempt.awsRequestId,
    durationMs: Math.round(performance.now() - attempt.startedAt),
  });
}
