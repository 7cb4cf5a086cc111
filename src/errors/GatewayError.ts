import { ApolloServerErrorCode } from '@apollo/server/errors';
import { GraphQLError } from 'graphql';
import type { InputProblem } from '../input.js';
import { isRetryable, type ErrorCode } from './codes.js';

export interface GatewayErrorOptions {
  awsRequestId?: string;
  /** The HTTP status Apollo answers with when this error ends the request before execution. */
  httpStatus?: number;
  cause?: unknown;
}

/** What an entry of `errors[]` carries besides its message: the code, `retryable` and, where AWS answered, its request ID. */
export function errorExtensions(code: ErrorCode, awsRequestId?: string) {
  return { code, retryable: isRetryable(code), ...(awsRequestId ? { awsRequestId } : {}) };
}

/**
 * An entry of `errors[]` the gateway means to show: its message is written for the
 * caller and its extensions carry the code, `retryable` and, where AWS answered,
 * `awsRequestId`. Masking (masking.ts) passes these through and hides anything else.
 */
export class GatewayError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options: GatewayErrorOptions = {},
  ) {
    super(message, {
      originalError: options.cause instanceof Error ? options.cause : undefined,
      extensions: {
        ...errorExtensions(code, options.awsRequestId),
        ...(options.httpStatus ? { http: { status: options.httpStatus } } : {}),
      },
    });
    this.name = 'GatewayError';
  }

  static badUserInput(message: string): GatewayError {
    return new GatewayError('BAD_USER_INPUT', message);
  }
}

/** For queries: an input problem becomes a BAD_USER_INPUT entry in `errors[]`. */
export function assertValid<T extends object>(result: T | InputProblem | undefined): asserts result is T | undefined {
  if (result && 'message' in result && 'field' in result) {
    throw GatewayError.badUserInput(result.message);
  }
}

/** A request the executor cannot run as sent (no such operation, variables that do not fit): HTTP 400. */
export const requestError = (code: ApolloServerErrorCode, message: string): GatewayError =>
  new GatewayError(code, message, { httpStatus: 400 });
