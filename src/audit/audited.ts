import { errorCode } from '../errors/masking.js';
import { recordAttempt, type Actor, type AuditTrail } from './trail.js';

/** Runs one mutation attempt and audits how it ended, whether it returned or threw. */
export async function audited<T extends object>(
  trail: AuditTrail,
  actor: Actor,
  operation: string,
  input: unknown,
  attempt: () => Promise<T>,
): Promise<T> {
  const startedAt = performance.now();
  let outcome = 'INTERNAL_SERVER_ERROR';
  let awsRequestId: string | null = null;
  try {
    const result = await attempt();
    const fields = result as { code?: string; awsRequestId?: string | null; __typename?: string };
    outcome = fields.code ?? 'SUCCESS';
    awsRequestId = fields.awsRequestId ?? null;
    return result;
  } catch (error) {
    outcome = errorCode(error) ?? outcome;
    throw error;
  } finally {
    await recordAttempt(trail, actor, { operation, input, outcome, awsRequestId, startedAt });
  }
}
