import { ApolloServerErrorCode } from '@apollo/server/errors';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { errorBody, internalErrorBody } from '../errors/masking.js';

// Failures before GraphQL runs (reading the body, mostly) answered in GraphQL's
// error shape with a 4xx, never a framework's own page and never a stack trace.

/** A failure the client caused, with the status and the message it is answered with. */
export class HttpRefusal extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpRefusal';
  }
}

/** Fastify's own refusals, in words a person can act on. */
const MESSAGES: Record<string, (e: FastifyError, limit: number) => string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: (_e, limit) => `The request body is larger than the ${limit}-byte limit.`,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => 'The request body was not the size its Content-Length announced.',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => 'The request body must be JSON (content-type: application/json).',
  FST_ERR_CTP_EMPTY_TYPE: () => 'The request body must be JSON (content-type: application/json).',
};

export function httpErrors(logger: Logger, bodyLimitBytes: number) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) return reply.status(500).send(internalErrorBody(logger, error, { reqId: request.id }));
    const message =
      error instanceof HttpRefusal ? error.message : (error.code && MESSAGES[error.code]?.(error, bodyLimitBytes)) ?? 'The request could not be read.';
    return reply.status(status).send(errorBody(ApolloServerErrorCode.BAD_REQUEST, message));
  };
}
