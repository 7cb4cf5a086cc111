// How long a real change may take, from its intent to the last thing AWS may still
// do for it (docs/change-record.md, "Deadlines"). Reconciliation trusts what AWS
// shows only past an intent's deadline, so every step a change can still take must
// fit before it: each window below is enforced where the step happens, not assumed.

/**
 * `sendWindowMs`: from the start of a real change (its intent's write included) to its
 * mutating AWS call, enforced by runChange (lagChange.ts): later, it is refused with
 * nothing sent. `callWindowMs`: from that call's start to the last attempt the SDK may
 * begin, enforced per attempt in the AWS layer (directConnect.ts). `deadlineMs`: from
 * the intent to the moment nothing of the change can still be under way.
 */
export interface ChangeTiming {
  sendWindowMs: number;
  callWindowMs: number;
  deadlineMs: number;
}

/**
 * What AWS may still do with a call after the client stopped listening: its own
 * processing of a request that arrived. AWS documents no bound; this is an allowance
 * (the client's timeout again, and 10 s), not a fact.
 */
const awsProcessingMs = (timeoutMs: number) => 10_000 + timeoutMs;

/** The windows that follow from the AWS client's own bounds (DX_TIMEOUT_MS, DX_MAX_ATTEMPTS) and the audit sink's. */
export function changeTiming(aws: { timeoutMs: number; maxAttempts: number }, intentTimeoutMs: number): ChangeTiming {
  // The intent's write, a lock's wait (5 s), and the fresh reads, which run side by
  // side, two at most one after the other.
  const sendWindowMs = intentTimeoutMs + 5000 + 2 * aws.timeoutMs;
  // Every attempt of the mutating call with a second of the SDK's backoff between
  // them; an attempt that would begin later is not made.
  const callWindowMs = aws.timeoutMs * aws.maxAttempts + 1000 * (aws.maxAttempts - 1);
  // The last attempt, begun at the end of its window, may take its connection and its
  // request timeout; then AWS's own processing.
  const lastAttemptMs = 2 * aws.timeoutMs;
  return { sendWindowMs, callWindowMs, deadlineMs: sendWindowMs + callWindowMs + lastAttemptMs + awsProcessingMs(aws.timeoutMs) };
}
