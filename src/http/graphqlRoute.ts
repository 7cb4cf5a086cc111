import { Readable } from 'node:stream';
import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasRole, READ, type Caller } from '../auth/roles.js';
import type { ReadStamp } from '../cache/readCache.js';
import type { GatewayContext } from '../context.js';
import type { Metrics } from '../metrics.js';
import { asksForNothing } from './authenticateRequests.js';
import { landingPage, wantsLandingPage } from './explorer.js';
import type { CachedResponse, ResponseCache } from './responseCache.js';
import { inRequestSpan } from './traceRequests.js';

// /graphql, GET and POST, in the order every request takes: the explorer page for
// a browser; authentication; trusted documents; the response cache; Apollo (which
// parses, validates, runs the plugins, and executes with graphql-jit).

export interface GraphQLRouteParts {
  apollo: ApolloServer<GatewayContext>;
  /** The explorer page for browsers: only where introspection is on. */
  explorer: boolean;
  authenticate(request: FastifyRequest, reply: FastifyReply): Promise<Caller | undefined>;
  /** With TRUSTED_DOCUMENTS_FILE: what runs instead, or undefined once refused. */
  trusted?(request: FastifyRequest, reply: FastifyReply, caller: Caller, graphql: HTTPGraphQLRequest): Promise<HTTPGraphQLRequest | undefined>;
  contextFor(request: { requestId: string; caller: Caller; abortSignal: AbortSignal; observe?: (stamp: ReadStamp) => void }): GatewayContext;
  responses?: ResponseCache;
  metrics: Metrics;
}

/** Nobody, for Apollo's answer to a GET without a document (src/http/authenticateRequests.ts). */
const NOBODY: Caller = { id: 'unauthenticated', roles: [], via: 'none' };

/** Content types a browser sends cross-site without asking first (Apollo's CSRF prevention). */
const SIMPLE_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

/**
 * Whether Apollo's CSRF prevention lets the request through: a content type a
 * browser cannot send unasked, or a preflight header. Stricter than Apollo's where
 * they differ (a malformed content type), so a cached answer never goes where
 * Apollo's would not; such a request simply runs.
 */
function passesCsrfPrevention(request: FastifyRequest): boolean {
  const contentType = request.headers['content-type'];
  const essence = contentType?.split(';', 1)[0]!.trim().toLowerCase();
  if (essence && /^[\w.+-]+\/[\w.+-]+$/.test(essence) && !SIMPLE_CONTENT_TYPES.has(essence)) return true;
  const preflight = request.headers['apollo-require-preflight'] ?? request.headers['x-apollo-operation-name'];
  return typeof preflight === 'string' && preflight.length > 0;
}

/**
 * The response cache's key: the request as Apollo reads it (a POST's JSON text as
 * sent, or a GET's query string) and the media type asked for, which shapes the
 * answer; undefined for what is never answered from the cache.
 */
function responseKey(request: FastifyRequest): string | undefined {
  if (!passesCsrfPrevention(request)) return undefined;
  const accept = request.headers.accept ?? '';
  if (request.method === 'POST') return request.bodyText !== undefined && !Array.isArray(request.body) ? `P${accept}\n${request.bodyText}` : undefined;
  if (request.method === 'GET') {
    const search = request.url.indexOf('?');
    return search === -1 ? undefined : `G${accept}\n${request.url.slice(search)}`;
  }
  return undefined;
}

function apolloRequest(request: FastifyRequest): HTTPGraphQLRequest {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const search = request.url.indexOf('?');
  return { method: request.method, headers, search: search === -1 ? '' : request.url.slice(search), body: request.body };
}

function send(reply: FastifyReply, response: HTTPGraphQLResponse): FastifyReply {
  for (const [name, value] of response.headers) reply.header(name, value);
  reply.status(response.status ?? 200);
  if (response.body.kind === 'complete') return reply.send(response.body.string);
  return reply.send(Readable.from(response.body.asyncIterator));
}

function sendCached(reply: FastifyReply, cached: CachedResponse): FastifyReply {
  for (const [name, value] of cached.headers) reply.header(name, value);
  return reply.status(cached.status).send(cached.body);
}

export function graphqlRoute(parts: GraphQLRouteParts) {
  const { apollo, responses, metrics } = parts;

  async function handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    if (parts.explorer && wantsLandingPage(request)) return landingPage(reply);
    const caller = asksForNothing(request) ? NOBODY : await parts.authenticate(request, reply);
    if (!caller) return undefined;
    request.callerId = caller === NOBODY ? undefined : caller.id;
    let graphql: HTTPGraphQLRequest | undefined = apolloRequest(request);
    if (parts.trusted && caller !== NOBODY) {
      graphql = await parts.trusted(request, reply, caller, graphql);
      if (!graphql) return undefined;
    }

    // Every query needs dx:read; a caller without it goes to Apollo, which says so.
    const key = responses && hasRole(caller, READ) ? responseKey(request) : undefined;
    if (key !== undefined) {
      const cached = await responses!.lookup(key);
      if (cached) {
        metrics.graphqlOperations.inc({ operation_name: metrics.operationLabel(cached.operationName), outcome: 'success' });
        return sendCached(reply, cached);
      }
    }

    const abandoned = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) abandoned.abort();
    });
    const stamps: ReadStamp[] = [];
    const context = parts.contextFor({
      requestId: request.id,
      caller,
      abortSignal: abandoned.signal,
      observe: key === undefined ? undefined : (stamp) => stamps.push(stamp),
    });
    const response = await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: graphql, context: async () => context });
    if (key !== undefined && keepable(context, response)) {
      responses!.store(key, {
        status: response.status ?? 200,
        headers: [...response.headers],
        body: response.body.string,
        operationName: operationNameOf(graphql),
        stamps,
      });
    }
    return send(reply, response);
  }

  return (request: FastifyRequest, reply: FastifyReply) => inRequestSpan(request, () => handle(request, reply));
}

/** Only a query's complete answer without any error is kept (Apollo writes `errors` before `data`). */
function keepable(
  context: GatewayContext,
  response: HTTPGraphQLResponse,
): response is HTTPGraphQLResponse & { body: { kind: 'complete'; string: string } } {
  return (
    context.notes.operation === 'query' &&
    (response.status ?? 200) === 200 &&
    response.body.kind === 'complete' &&
    response.body.string.startsWith('{"data":')
  );
}

/** The operation name the client sent, for the metrics label of later hits. */
function operationNameOf(graphql: HTTPGraphQLRequest): string | undefined {
  if (graphql.method === 'GET') return new URLSearchParams(graphql.search).get('operationName') ?? undefined;
  const name = (graphql.body as { operationName?: unknown } | undefined)?.operationName;
  return typeof name === 'string' ? name : undefined;
}
