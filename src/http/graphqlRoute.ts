import { Readable } from 'node:stream';
import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import { hasRole, READ, type Caller } from '../auth/roles.js';
import type { ReadStamp } from '../cache/readCache.js';
import type { GatewayContext, RequestFacts } from '../context.js';
import type { JitExecution, PreparedOperation } from '../executor.js';
import type { Metrics } from '../metrics.js';
import { endOperationSpan, nameOperationSpan, startOperationSpan } from '../operationPlugins.js';
import { asksForNothing } from './authenticateRequests.js';
import { landingPage, wantsLandingPage } from './explorer.js';
import type { CachedResponse, ResponseCache } from './responseCache.js';
import { inRequestSpan } from './traceRequests.js';

// /graphql, GET and POST, in the order every request takes: the explorer page for
// a browser; authentication; trusted documents; the response cache; then Apollo
// (which parses, validates, runs the plugins, and executes with graphql-jit), or, for
// an operation Apollo has validated and run before, the prepared path.
//
// The prepared path runs the compiled operation without Apollo's per-request
// pipeline (hashing the text, looking the document up, a dozen plugin hooks), and
// does what our plugins would (src/operationPlugins.ts). It answers only a result
// without any error, with the headers Apollo gave the same Accept header; a result
// with an error is handed to Apollo, which answers it from that result (it does not
// run again), with its error formatting and every plugin.

export interface GraphQLRouteParts {
  apollo: ApolloServer<GatewayContext>;
  /** The explorer page for browsers: only where introspection is on. */
  explorer: boolean;
  authenticate(request: FastifyRequest, reply: FastifyReply): Promise<Caller | undefined>;
  /** With TRUSTED_DOCUMENTS_FILE: what runs instead, or undefined once refused. */
  trusted?(request: FastifyRequest, reply: FastifyReply, caller: Caller, graphql: HTTPGraphQLRequest): Promise<HTTPGraphQLRequest | undefined>;
  contextFor(facts: RequestFacts): GatewayContext;
  responses?: ResponseCache;
  metrics: Metrics;
  /** Operations Apollo has validated and run, by text (only with graphql-jit). */
  prepared?: JitExecution['prepared'];
  tracing: boolean;
}

/** What the prepared path runs: a POST's JSON body as Apollo would read it, nothing unusual in it. */
interface PreparedRequest {
  operation: PreparedOperation;
  operationName: string | undefined;
  variables: Record<string, unknown>;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

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

/** The operation to run on the prepared path, if the request is one it takes. */
function preparedRequest(request: FastifyRequest, prepared: JitExecution['prepared'], body: unknown): PreparedRequest | undefined {
  if (request.method !== 'POST' || !isPlainObject(body)) return undefined;
  const { query, operationName, variables, extensions, ...rest } = body;
  if (typeof query !== 'string' || extensions !== undefined || Object.keys(rest).length > 0) return undefined;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return undefined;
  if (variables !== undefined && variables !== null && !isPlainObject(variables)) return undefined;
  const operation = prepared(query, operationName ?? undefined);
  return operation && { operation, operationName: operationName ?? undefined, variables: variables ?? {} };
}

/**
 * What the GraphQL context is made from. A class, so that its getter and method live
 * on the prototype: a getter defined on each object would give each its own hidden
 * class, in old space, pointing at the request's young objects, which would then
 * survive every minor GC.
 *
 * It holds nothing of the handler's: a closure made in the handler would tie every
 * object the handler's scope holds (request, reply, context) to this one, and through
 * it to whatever old-space object points here, so a whole request would outlive
 * minor GCs. The stamps are its own array, and the client's going away is listened
 * for only when a read asks for the signal (most requests read nothing from AWS, and
 * a listener and an AbortSignal are costly to make).
 */
class ReplyFacts implements RequestFacts {
  private abandoned?: AbortController;

  constructor(
    readonly requestId: string,
    readonly caller: Caller,
    /** The cached reads the answer is built from; undefined when the answer cannot be kept. */
    readonly stamps: ReadStamp[] | undefined,
    private readonly reply: FastifyReply,
  ) {}

  observe(stamp: ReadStamp): void {
    this.stamps?.push(stamp);
  }

  get abortSignal(): AbortSignal {
    if (this.abandoned) return this.abandoned.signal;
    const abandoned = (this.abandoned = new AbortController());
    const response = this.reply.raw;
    // A client that left already (while authentication or a cache lookup was awaited)
    // has had its 'close'; the response says so.
    if (response.destroyed && !response.writableFinished) abandoned.abort();
    else {
      response.once('close', () => {
        if (!response.writableFinished) abandoned.abort();
      });
    }
    return abandoned.signal;
  }
}

function sendCached(reply: FastifyReply, cached: CachedResponse): FastifyReply {
  for (const [name, value] of cached.headers) reply.header(name, value);
  return reply.status(cached.status).send(cached.body);
}

export function graphqlRoute(parts: GraphQLRouteParts) {
  const { apollo, responses, metrics } = parts;
  /** The headers Apollo answered a successful operation with, by the Accept header asked with. */
  const apolloHeaders = new LRUCache<string, ReadonlyArray<readonly [string, string]>>({ max: 64 });

  async function handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    if (parts.explorer && wantsLandingPage(request)) return landingPage(reply);
    const caller = asksForNothing(request) ? NOBODY : await parts.authenticate(request, reply);
    if (!caller) return undefined;
    request.callerId = caller === NOBODY ? undefined : caller.id;
    // Apollo's view of the request (its headers copied into a HeaderMap), made only for
    // the steps that read it: trusted documents, and Apollo itself.
    let graphql: HTTPGraphQLRequest | undefined;
    if (parts.trusted && caller !== NOBODY) {
      graphql = await parts.trusted(request, reply, caller, apolloRequest(request));
      if (!graphql) return undefined;
    }
    const requestBody = graphql ? graphql.body : request.body;

    // Every query needs dx:read; a caller without it goes to Apollo, which says so.
    const mayQuery = hasRole(caller, READ);
    const key = responses && mayQuery ? responseKey(request) : undefined;
    if (key !== undefined) {
      const found = responses!.lookup(key);
      const cached = found instanceof Promise ? await found : found;
      if (cached) {
        metrics.graphqlOperations.inc({ operation_name: metrics.operationLabel(cached.operationName), outcome: 'success', path: 'response_cache' });
        return sendCached(reply, cached);
      }
    }

    const stamps: ReadStamp[] | undefined = key === undefined ? undefined : [];
    const context = parts.contextFor(new ReplyFacts(request.id, caller, stamps, reply));
    const keep = (body: string, headers: ReadonlyArray<readonly [string, string]>) => {
      if (key === undefined || context.notes.operation !== 'query' || context.notes.uncacheable || !body.startsWith('{"data":')) return;
      responses!.store(key, { status: 200, headers, body, operationName: operationNameOf(request, requestBody), stamps: stamps! });
    };

    const accept = request.headers.accept ?? '';
    const headers = parts.prepared && apolloHeaders.get(accept);
    const prepared = headers && preparedRequest(request, parts.prepared!, requestBody);
    if (headers && prepared && (prepared.operation.operation !== 'query' || mayQuery)) {
      const startedAt = parts.tracing ? Date.now() : undefined;
      context.notes.operation = prepared.operation.operation;
      const result = await prepared.operation.execute(context, prepared.variables);
      if (result.data !== undefined && result.data !== null && !result.errors?.length) {
        metrics.graphqlOperations.inc({ operation_name: metrics.operationLabel(prepared.operationName), outcome: 'success', path: 'prepared' });
        if (startedAt !== undefined) {
          const span = startOperationSpan(startedAt);
          nameOperationSpan(span, prepared.operationName, prepared.operation.operation);
          endOperationSpan(span, 'success');
        }
        // Apollo's serialization of a result that has only data.
        const body = `${JSON.stringify({ data: result.data })}\n`;
        keep(body, headers);
        for (const [name, value] of headers) reply.header(name, value);
        return reply.status(200).send(body);
      }
      context.notes.ranAlready = result;
    }

    const response = await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: graphql ?? apolloRequest(request), context: async () => context });
    if ((response.status ?? 200) === 200 && response.body.kind === 'complete') {
      const answered = [...response.headers];
      if (!context.notes.ranAlready && response.body.string.startsWith('{"data":')) apolloHeaders.set(accept, answered);
      keep(response.body.string, answered);
    }
    return send(reply, response);
  }

  return (request: FastifyRequest, reply: FastifyReply) => inRequestSpan(request, () => handle(request, reply));
}

/** The operation name the client sent, for the metrics label of later hits. */
function operationNameOf(request: FastifyRequest, body: unknown): string | undefined {
  if (request.method === 'GET') {
    const search = request.url.indexOf('?');
    return search === -1 ? undefined : (new URLSearchParams(request.url.slice(search)).get('operationName') ?? undefined);
  }
  const name = (body as { operationName?: unknown } | undefined)?.operationName;
  return typeof name === 'string' ? name : undefined;
}
