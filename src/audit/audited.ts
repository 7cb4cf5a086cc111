import { auditUnavailable, type RefusalMember } from '../errors/refusals.js';
import { errorCode } from '../errors/masking.js';
import { AuditUnwritable, auditSubject, recordAttempt, type Actor, type AuditTrail } from './trail.js';

/**
 * A real change's place in the audit trail while it runs (lagChange.ts, runChange):
 * its intent is opened once the change is known (its input valid, its fingerprint
 * made) and before anything that may change AWS; `sent` once the mutating call goes.
 */
export interface ChangeRecording {
  /** Writes the intent, bound to `fingerprint`; its ID. Once only. Rejects with AuditUnwritable. */
  open(fingerprint: string): Promise<string>;
  /** The intent's ID once it is written. */
  readonly intentId: string | undefined;
  /** Whether the mutating AWS call was sent: from then on, AWS may have made the change. */
  sent: boolean;
}

/**
 * Outcomes of a sent call that leave AWS's state unknown: AWS unreachable or failing,
 * or the gateway failing while it waited (docs/change-record.md). Throttling and
 * "transitioning" are AWS refusing, which changes nothing.
 */
export const UNCERTAIN_OUTCOMES: ReadonlySet<string> = new Set(['AWS_UNAVAILABLE', 'AWS_SERVER_ERROR', 'INTERNAL_SERVER_ERROR']);

/**
 * Runs one mutation attempt and audits it, whether it returned or threw.
 *
 * A real call (`change: true`) is audited before the cut: `attempt` gets a
 * ChangeRecording, and its intent record must be in the sink before anything may
 * change AWS, else the answer is AuditUnavailable and nothing is called
 * (docs/contract.md, "The mutations"); the outcome record follows, linked by
 * `intentId`. A real call refused before its intent (bad input, a plan token this
 * gateway did not make) changed nothing and leaves one `attempt` record, as a dry
 * run does; a dry run runs whatever the sink's state, and a failure to record it is
 * logged and counted.
 */
export async function audited<T extends object>(
  trail: AuditTrail,
  actor: Actor,
  operation: string,
  input: unknown,
  attempt: (recording: ChangeRecording | undefined) => Promise<T>,
  { change }: { change: boolean },
): Promise<T | RefusalMember<'AuditUnavailable'>> {
  const startedAt = performance.now();
  const single = (ending: Ending) => recordAttempt(trail, actor, { operation, input, ...ending, startedAt });
  if (!change) return finish(() => attempt(undefined), single);

  const subject = auditSubject(actor, operation, input);
  let intent: Promise<string> | undefined;
  let intentId: string | undefined;
  const recording: ChangeRecording = {
    open(fingerprint) {
      intent ??= trail.intent({ ...subject, time: new Date().toISOString() }, fingerprint).then((id) => (intentId = id));
      return intent;
    },
    get intentId() {
      return intentId;
    },
    sent: false,
  };
  let refusedByTrail: AuditUnwritable | undefined;
  const result = await finish(
    async () => {
      try {
        return await attempt(recording);
      } catch (error) {
        if (!(error instanceof AuditUnwritable) || intentId !== undefined) throw error;
        refusedByTrail = error;
        return auditUnavailable(error.reason);
      }
    },
    (ending) => {
      // The sink refused the intent: it has nothing more to take (the trail already queued what it can).
      if (refusedByTrail) return Promise.resolve();
      if (intentId === undefined) return single(ending);
      const uncertain = recording.sent && UNCERTAIN_OUTCOMES.has(ending.outcome);
      return trail.record({
        ...subject,
        time: new Date().toISOString(),
        intentId,
        ...ending,
        sent: recording.sent,
        uncertain,
        durationMs: Math.round(performance.now() - startedAt),
      });
    },
  );
  return result;
}

interface Ending {
  outcome: string;
  awsRequestId: string | null;
  replayed?: true;
  warnings: string[];
}

/** Runs `attempt`, then writes how it ended: the typed member's code or SUCCESS (and whether it was a replay), or the thrown error's code. */
async function finish<T extends object>(attempt: () => Promise<T>, write: (ending: Ending) => Promise<void>): Promise<T> {
  const ending: Ending = { outcome: 'INTERNAL_SERVER_ERROR', awsRequestId: null, warnings: [] };
  try {
    const result = await attempt();
    const fields = result as { code?: string; awsRequestId?: string | null; replayed?: boolean; impact?: { warnings?: Array<{ code: string }> } };
    ending.outcome = fields.code ?? 'SUCCESS';
    ending.awsRequestId = fields.awsRequestId ?? null;
    if (fields.replayed) ending.replayed = true;
    ending.warnings = fields.impact?.warnings?.map((warning) => warning.code) ?? [];
    return result;
  } catch (error) {
    ending.outcome = errorCode(error) ?? ending.outcome;
    throw error;
  } finally {
    await write(ending);
  }
}
