import type { DirectConnectErrorCode } from '../__generated__/resolvers-types.js';

// Whether a failure is worth retrying follows from its code alone, and is decided
// here for every client-visible error: a mutation's typed member, an entry in
// `errors[]`, an HTTP 4xx body. Nothing else sets `retryable`.

const RETRYABLE = new Set<string>(['THROTTLED', 'RESOURCE_BUSY', 'AWS_SERVER_ERROR', 'AWS_UNAVAILABLE'] satisfies DirectConnectErrorCode[]);

/** Takes any code (Apollo's own request codes too); only the transient ones are retryable. */
export const isRetryable = (code: DirectConnectErrorCode | string): boolean => RETRYABLE.has(code);
