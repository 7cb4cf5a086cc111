import { ApolloServerErrorCode } from '@apollo/server/errors';
import { GraphQLError } from 'graphql';
import type { DirectConnectErrorCode } from '../__generated__/resolvers-types.js';
import type { ClassifiedAwsError } from '../directconnect/classifyAwsError.js';
import type { InputProblem } from '../input.js';
import { isRetryable } from './codes.js';

/** A code a client may see in `errors[]`: the API's own, or Apollo's for a request that is not valid GraphQL. */
export type ErrorCode = DirectConnectErrorCode | ApolloServerErrorCode;

export interface GatewayErrorOptions {
  awsRequestId?: string;
  /** The HTTP status Apollo answers with when this error ends the request before execution. */
  httpStatus?: number;
  cause?: unknown;
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
        code,
        retryable: isRetryable(code),
        ...(options.awsRequestId ? { awsRequestId: options.awsRequestId } : {}),
        ...(options.httpStatus ? { http: { status: options.httpStatus } } : {}),
      },
    });
    this.name = 'GatewayError';
  }

  /** An AWS failure, as its classification describes it. */
  static fromAws(classified: ClassifiedAwsError, cause?: unknown): GatewayError {
    return new GatewayError(classified.code, classified.message, { awsRequestId: classified.awsRequestId, cause });
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
