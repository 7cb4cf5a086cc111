// The records of the audit trail (trail.ts writes them; history.ts and database.ts
// read them back): what each kind holds, and nothing else.

/** Who did what: every kind of record repeats it, so one line alone tells the whole story. */
export interface AuditSubject {
  time: string;
  requestId: string;
  caller: string | null;
  roles: readonly string[];
  operation: string;
  input: unknown;
  clientRequestId: string | null;
  /** The region it applies to, as resolved (the default region when the input names none). */
  region?: string | null;
  /** The connection, LAG and VIF IDs the input names: what the change record is searched by. */
  resourceIds?: readonly string[];
}

/** How an attempt ended. */
export interface AuditResult {
  /** SUCCESS, or the DirectConnectErrorCode the attempt ended with. */
  outcome: string;
  awsRequestId: string | null;
  durationMs: number;
  /** True when the outcome was answered again for a repeated clientRequestId, without calling AWS. */
  replayed?: boolean;
  /** The codes of the warnings of the impact it answered with. */
  warnings?: readonly string[];
  /** A real change's: whether its mutating AWS call was sent. */
  sent?: boolean;
  /**
   * A real change's: the call was sent and then AWS could not be heard (unreachable,
   * failing, or the gateway failed reading the answer), so whether AWS made it is
   * unknown. Reconciliation settles it from AWS's state, as it does a missing outcome.
   */
  uncertain?: boolean;
}

/**
 * `deadline`: by then the attempt has ended, whatever happened to it (history.ts,
 * ChangeTiming). `fingerprint`: what the change's clientRequestId is bound to (the
 * resolved input and the plan it carries), as exactly-once compares a retry with it.
 */
export type IntentRecord = { kind: 'intent'; id: string; deadline: string; fingerprint?: string } & AuditSubject;
/** `settledBy`: set when reconciliation wrote it, from AWS's state, for an attempt that never finished. */
export type OutcomeRecord = { kind: 'outcome'; id: string; intentId: string; settledBy?: 'reconciliation' } & AuditSubject & AuditResult;
export type AttemptRecord = { kind: 'attempt'; id: string } & AuditSubject & AuditResult;
/** Written only while the sink is unhealthy, to learn whether it can be written again. */
export type ProbeRecord = { kind: 'probe'; id: string; time: string };
export type AuditRecord = IntentRecord | OutcomeRecord | AttemptRecord | ProbeRecord;
