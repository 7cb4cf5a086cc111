import type { NextFunction, Request, Response } from 'express';
import { recordAttempt, type AuditTrail } from '../audit/trail.js';
import { AuthenticationFailed, type Authenticate } from '../auth/authenticator.js';
import { errorBody } from '../errors/masking.js';
import { mutationAttempts } from './mutationAttempts.js';

// Every GraphQL request is authenticated before Apollo sees it; only the Sandbox
// landing page (a GET without a query) is served to anyone. A refused request
// never reaches a resolver, so a refused mutation is audited here.

const isLandingPage = (req: Request) =>
  req.method === 'GET' && req.query.query === undefined && req.query.extensions === undefined && req.query.documentId === undefined;

export function authenticateRequests(authenticate: Authenticate, audit: AuditTrail) {
  return async (req: Request, res: Response, next: NextFunction) => {
    if (isLandingPage(req)) return next();
    const startedAt = performance.now();
    try {
      res.locals.caller = await authenticate(req.headers);
      return next();
    } catch (error) {
      if (!(error instanceof AuthenticationFailed)) return next(error);
      for (const attempt of mutationAttempts(req.body)) {
        await recordAttempt(audit, { caller: null, requestId: String(req.id) }, { ...attempt, outcome: 'UNAUTHENTICATED', awsRequestId: null, startedAt });
      }
      res
        .status(401)
        .set('www-authenticate', req.headers['x-api-key'] !== undefined ? 'ApiKey' : 'Bearer')
        .json(errorBody('UNAUTHENTICATED', `Not authenticated: ${error.message}.`));
    }
  };
}
