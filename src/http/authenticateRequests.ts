import type { FastifyReply, FastifyRequest } from 'fastify';
import { recordAttempt, type AuditTrail } from '../audit/trail.js';
import { AuthenticationFailed, type Authenticate } from '../auth/authenticator.js';
import type { Caller } from '../auth/roles.js';
import { errorBody } from '../errors/masking.js';
import { graphqlParameters } from './graphqlParameters.js';
import { mutationAttempts } from './mutationAttempts.js';

// Every GraphQL request is authenticated before Apollo sees it; only Apollo's
// answer to a GET without a document is given to anyone. A refused request never
// reaches a resolver, so a refused mutation is audited here.

/** A GET with no document: nothing runs, whoever asks. */
export function asksForNothing(request: FastifyRequest): boolean {
  if (request.method !== 'GET') return false;
  const query = request.query as Record<string, unknown>;
  return query.query === undefined && query.extensions === undefined && query.documentId === undefined;
}

/** The caller, or undefined once a 401 has been sent. */
export function authenticateRequests(authenticate: Authenticate, audit: AuditTrail) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<Caller | undefined> => {
    const startedAt = performance.now();
    try {
      return await authenticate(request.headers);
    } catch (error) {
      if (!(error instanceof AuthenticationFailed)) throw error;
      for (const attempt of mutationAttempts(graphqlParameters(request))) {
        await recordAttempt(audit, { caller: null, requestId: request.id }, { ...attempt, outcome: 'UNAUTHENTICATED', awsRequestId: null, startedAt });
      }
      await reply
        .status(401)
        .header('www-authenticate', request.headers['x-api-key'] !== undefined ? 'ApiKey' : 'Bearer')
        .send(errorBody('UNAUTHENTICATED', `Not authenticated: ${error.message}.`));
      return undefined;
    }
  };
}
