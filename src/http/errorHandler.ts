import { ApolloServerErrorCode } from '@apollo/server/errors';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { errorBody, internalErrorBody } from '../errors/masking.js';

// Failures before GraphQL runs (the body parser's, mostly) answered in GraphQL's
// error shape with a 4xx, never Express's HTML page and never a stack trace.

interface HttpError {
  status?: number;
  type?: string;
  limit?: number;
}

const MESSAGES: Record<string, (e: HttpError) => string> = {
  'entity.parse.failed': () => 'The request body is not valid JSON.',
  'entity.too.large': (e) => `The request body is larger than the ${e.limit}-byte limit.`,
  'encoding.unsupported': () => 'The request body uses a content encoding the gateway does not accept.',
  'charset.unsupported': () => 'The request body must be UTF-8 JSON.',
  'request.aborted': () => 'The request was aborted before its body arrived.',
  'request.size.invalid': () => 'The request body was not the size its Content-Length announced.',
};

export function httpErrors(logger: Logger) {
  return (error: HttpError, req: Request, res: Response, _next: NextFunction) => {
    const status = typeof error.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) {
      res.status(500).json(internalErrorBody(logger, error, { reqId: req.id }));
      return;
    }
    const message = (error.type && MESSAGES[error.type]?.(error)) ?? 'The request could not be read.';
    res.status(status).json(errorBody(ApolloServerErrorCode.BAD_REQUEST, message));
  };
}
