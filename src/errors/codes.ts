import type { ApolloServerErrorCode } from '@apollo/server/errors';
import type { DirectConnectErrorCode } from '../__generated__/resolvers-types.js';

// Whether a failure is worth retrying follows from its code alone, and is decided
// here for every client-visible error: a mutation's typed member, an entry in
// `errors[]`, an HTTP error body. Nothing else sets `retryable`.

/** A code a client may see: the API's own, or Apollo's for a request that is not valid GraphQL. */
export type ErrorCode = DirectConnectErrorCode | ApolloServerErrorCode;

const RETRYABLE = new Set<ErrorCode>([
  'THROTTLED',
  'RESOURCE_BUSY',
  'AWS_SERVER_ERROR',
  'AWS_UNAVAILABLE',
  'AUDIT_UNAVAILABLE',
  'COORDINATION_UNAVAILABLE',
]);

export const isRetryable = (code: ErrorCode): boolean => RETRYABLE.has(code);
