import { auditUnavailable, type RefusalMember } from '../errors/refusals.js';
import { errorCode } from '../errors/masking.js';
import { AuditUnwritable, auditSubject, recordAttempt, type Actor, type AuditTrail } from './trail.js';

/**
 * Runs one mutation attempt and audits it, whether it returned or threw.
 *
 * A real call (`change: true`) is audited before the cut: its intent record must be
 * in the sink before `attempt` runs, else the answer is AuditUnavailable and nothing
 * is called (docs/contract.md, "The mutations"); its outcome record follows, linked
 * by `intentId`. A dry run changes nothing, so it runs whatever the sink's state and
 * leaves one `attempt` record, whose failure is logged and counted.
 */
export async function audited<T extends object>(
  trail: AuditTrail,
  actor: Actor,
  operation: string,
  input: unknown,
  attempt: () => Promise<T>,
  { change }: { change: boolean },
): Promise<T | RefusalMember<'AuditUnavailable'>> {
  const startedAt = performance.now();
  if (!change) return finish(attempt, (result) => recordAttempt(trail, actor, { operation, input, ...result, startedAt }));

  const subject = auditSubject(actor, operation, input);
  let intentId: string;
  try {
    intentId = await trail.intent(subject);
  } catch (error) {
    if (error instanceof AuditUnwritable) return auditUnavailable(error.reason);
    throw error;
  }
  return finish(attempt, (result) =>
    trail.record({ ...subject, time: new Date().toISOString(), intentId, ...result, durationMs: Math.round(performance.now() - startedAt) }),
  );
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
