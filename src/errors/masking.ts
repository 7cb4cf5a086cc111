import { randomUUID } from 'node:crypto';
import { ApolloServerErrorCode, unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { AwsCallFailed } from '../aws/classifyAwsError.js';
import { isRetryable, type ErrorCode } from './codes.js';
import { errorExtensions, GatewayError } from './GatewayError.js';

// What a client may see of a failure, decided in one place (the graphql-yoga model:
// the error class is the policy). A GatewayError was written for the caller and
// passes; an AWS failure a loader handed on is shown as its classification; Apollo's
// own request errors (parse, validation, variables) pass; anything else is a bug or
// an unexpected failure, logged with a correlation ID and, in production, masked.

const APOLLO_REQUEST_CODES = new Set<string>(
  Object.values(ApolloServerErrorCode).filter((code) => code !== ApolloServerErrorCode.INTERNAL_SERVER_ERROR),
);

const maskedMessage = (correlationId: string) => `Internal server error. Quote correlation ID ${correlationId} when reporting it.`;

/** Apollo's `formatError`: the masking envelope for every entry of `errors[]`. */
export function maskErrors(logger: Logger, production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof AwsCallFailed) {
      const { code, awsRequestId } = original.classified;
      return { ...formatted, extensions: { ...formatted.extensions, ...errorExtensions(code, awsRequestId) } };
    }
    if (original instanceof GatewayError) return formatted;
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && APOLLO_REQUEST_CODES.has(code)) {
      return { ...formatted, extensions: { retryable: isRetryable(code as ApolloServerErrorCode), ...formatted.extensions } };
    }
    const correlationId = randomUUID();
    logger.error({ err: error, correlationId, path: formatted.path }, 'unexpected error while resolving');
    if (!production) {
      return { ...formatted, extensions: { ...formatted.extensions, ...errorExtensions('INTERNAL_SERVER_ERROR'), correlationId } };
    }
    return {
      message: maskedMessage(correlationId),
      path: formatted.path,
      locations: formatted.locations,
      extensions: { ...errorExtensions('INTERNAL_SERVER_ERROR'), correlationId },
    };
  };
}

/** The body of an HTTP error answered outside GraphQL execution, in GraphQL's error shape. */
export function errorBody(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
  return { errors: [{ message, extensions: { code, retryable: isRetryable(code), ...extensions } }] };
}

/** An unexpected failure outside GraphQL: logged in full, answered with only a correlation ID. */
export function internalErrorBody(logger: Logger, error: unknown, context: Record<string, unknown>) {
  const correlationId = randomUUID();
  logger.error({ err: error, correlationId, ...context }, 'unexpected error outside GraphQL');
  return errorBody('INTERNAL_SERVER_ERROR', maskedMessage(correlationId), { correlationId });
}

/**
 * The code a thrown error stands for, as the client is shown it: for the audit
 * record and the metrics, which see errors before masking. Undefined for a bug.
 */
export function errorCode(thrown: unknown): string | undefined {
  const original = unwrapResolverError(thrown);
  if (original instanceof AwsCallFailed) return original.classified.code;
  if (original instanceof GraphQLError && typeof original.extensions.code === 'string') return original.extensions.code;
  return undefined;
}
