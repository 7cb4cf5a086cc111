import { createHash } from 'node:crypto';
import { appendFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { Caller } from '../auth/roles.js';

// One record per mutation attempt, allowed or refused, dry or real. It
// goes to the log and, with AUDIT_LOG_FILE, is appended to that file before the
// response is sent. Records hold the caller's name and roles, never a credential.

export interface AuditRecord {
  time: string;
  requestId: string;
  caller: string | null;
  roles: readonly string[];
  operation: string;
  input: unknown;
  /** SUCCESS, or the DirectConnectErrorCode the attempt ended with. */
  outcome: string;
  awsRequestId: string | null;
  durationMs: number;
}

export interface AuditTrail {
  record(record: AuditRecord): Promise<void>;
}

export async function createAuditTrail(logger: Logger, file?: string): Promise<AuditTrail> {
  if (file) {
    // Fail at start-up, not at the first mutation, if the file cannot be written.
    await appendFile(file, '').catch((error: NodeJS.ErrnoException) => {
      throw new Error(`AUDIT_LOG_FILE ${file} cannot be written: ${error.code ?? error}`);
    });
  }
  // Appends are chained so records land whole and in order.
  let tail: Promise<void> = Promise.resolve();
  return {
    record(record) {
      logger.info({ audit: record }, 'audit');
      if (!file) return Promise.resolve();
      const line = `${JSON.stringify(record)}\n`;
      tail = tail.then(() =>
        appendFile(file, line).catch((error: unknown) => {
          logger.fatal({ err: error, audit: record }, 'could not append to AUDIT_LOG_FILE');
        }),
      );
      return tail;
    },
  };
}

/** Whom a record is about: the caller (null when unauthenticated) and the request. */
export interface Actor {
  caller: Caller | null;
  requestId: string;
}

/** Writes the record of one attempt that began at `startedAt` (performance.now()). */
/**
 * The input as the trail keeps it. A plan token is an opaque blob of any size a
 * caller sends; it is kept by a digest that still tells one plan from another.
 */
export function auditableInput(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || !('expectedPlanToken' in input)) return input;
  const token = (input as { expectedPlanToken?: unknown }).expectedPlanToken;
  if (typeof token !== 'string') return input;
  return { ...input, expectedPlanToken: `sha256:${createHash('sha256').update(token).digest('hex').slice(0, 32)}` };
}

export function recordAttempt(
  trail: AuditTrail,
  actor: Actor,
  attempt: { operation: string; input: unknown; outcome: string; awsRequestId: string | null; startedAt: number },
): Promise<void> {
  return trail.record({
    time: new Date().toISOString(),
    requestId: actor.requestId,
    caller: actor.caller?.id ?? null,
    roles: actor.caller?.roles ?? [],
    operation: attempt.operation,
    input: auditableInput(attempt.input),
    outcome: attempt.outcome,
    awsRequestId: attempt.awsRequestId,
    durationMs: Math.round(performance.now() - attempt.startedAt),
  });
}
