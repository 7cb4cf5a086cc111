import type { IncomingHttpHeaders } from 'node:http';
import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  GraphQLError,
  execute,
  getOperationAST,
  parse,
  specifiedRules,
  subscribe,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ParseOptions,
  type ValidationRule,
} from 'graphql';
import { CloseCode, handleProtocols, makeServer, type Context, type SubscribePayload } from 'graphql-ws';
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import { recordAttempt, type AuditTrail } from '../audit/trail.js';
import { AuthenticationFailed, type Authenticate } from '../auth/authenticator.js';
import { requireRole } from '../auth/requireRole.js';
import { READ, type Caller } from '../auth/roles.js';
import type { GatewayContext, RequestFacts } from '../context.js';
import { GatewayError } from '../errors/GatewayError.js';
import { errorBody } from '../errors/masking.js';
import type { Metrics } from '../metrics.js';
import { operationOutcome } from '../operationPlugins.js';
import { mutationAttempts } from './mutationAttempts.js';
import { trustedText, type TrustedDocuments } from './trustedDocuments.js';

// graphql-ws (the graphql-transport-ws protocol) on /graphql itself, where Apollo
// Sandbox and GraphiQL look for it (docs/contract.md, "Live state"). graphql-ws's
// own server runs the protocol; this file is its transport over @fastify/websocket,
// written here rather than taken from graphql-ws's adapter so that what a hostile
// client can do has a bound and a close code this gateway documents:
//
//   403 at the upgrade    an Origin that is neither the gateway's own nor in CORS_ORIGINS
//   4400                  a message that is not the protocol's
//   4401                  connection_init without valid credentials; a JWT that expires
//   4408                  no connection_init within 3 s
//   4406                  a client that does not speak graphql-transport-ws
//   1009                  a message over BODY_LIMIT_BYTES
//   1008                  a client that stopped reading: its unsent data passed MAX_BUFFERED_BYTES
//   1001                  the gateway is shutting down (after in-flight operations end)
//
// Every operation on the socket meets the rules an HTTP request meets: trusted
// documents, the query limits, dx:read for queries and subscriptions, the mutations'
// own checks and audit, error masking.

/** At most this many subscriptions run on one socket; the next is refused with TOO_MANY_SUBSCRIPTIONS. */
export const MAX_SUBSCRIPTIONS_PER_SOCKET = 20;
/** Queries and mutations one socket runs at once; more wait their turn (a socket multiplexes, an HTTP/1.1 connection does not). */
export const MAX_OPERATIONS_RUNNING = 16;
/** Operations one socket may have waiting for a turn; beyond, TOO_MANY_OPERATIONS. */
export const MAX_OPERATIONS_WAITING = 100;
/** Unsent data a socket may hold before it is taken for a client that stopped reading. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;
/** A socket sent 1001 (or 1008) that has not closed by then is cut. */
const CLOSE_GRACE_MS = 1000;
/** How often the server pings; a socket that has not answered by the next ping is cut. */
const KEEP_ALIVE_MS = 12_000;
/** setTimeout's own limit: a JWT expiring later is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const NO_SUGGESTIONS = /Did you mean ".+"\?/g;

export interface WebSocketParts {
  schema: GraphQLSchema;
  authenticate: Authenticate;
  audit: AuditTrail;
  trusted?: TrustedDocuments;
  contextFor(facts: RequestFacts): GatewayContext;
  validationRules: readonly ValidationRule[];
  parseOptions: ParseOptions;
  /** Where introspection is off, "Did you mean …?" would reveal the schema. */
  hideSuggestions: boolean;
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  corsOrigins: ReadonlyArray<string | RegExp>;
  maxMessageBytes: number;
  logger: Logger;
  metrics: Metrics;
}

/** What this transport keeps per socket, beside graphql-ws's own context. */
interface SocketExtra {
  socket: WebSocket;
  request: FastifyRequest;
  caller?: Caller;
  expiry?: NodeJS.Timeout;
  /** Subscription operations running on the socket. */
  subscriptionIds: Set<string>;
  /** Queries and mutations running on the socket, each holding one of its MAX_OPERATIONS_RUNNING turns. */
  executing: Set<string>;
  /** Operations waiting for a turn: told true when they get one, false when the socket closes. */
  waiting: Array<{ id: string; wake: (turn: boolean) => void }>;
  operationCount: number;
  /** Each operation's signal, aborted when the socket closes: its AWS reads stop waiting. */
  signals: Map<string, AbortController>;
  /** graphql-ws's context of the socket, once connection_init has arrived. */
  protocol?: SocketContext;
}

type SocketContext = Context<Record<string, unknown>, SocketExtra>;

/** What a socket's operation knows of its request: who, and a signal that fires when the socket closes. */
class SocketFacts implements RequestFacts {
  constructor(
    readonly requestId: string,
    readonly caller: Caller,
    readonly abortSignal: AbortSignal,
  ) {}
}

/** Whether a browser page at `origin` may open a socket: the gateway's own origin, or one CORS_ORIGINS allows. */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: ReadonlyArray<string | RegExp>): boolean {
  // Only browsers send Origin, and a browser always does: without one it is no page's socket.
  if (origin === undefined) return true;
  try {
    if (host !== undefined && new URL(origin).host === host) return true;
  } catch {
    return false;
  }
  return allowed.some((entry) => (typeof entry === 'string' ? entry === origin : entry.test(origin)));
}

/** The credentials of connection_init's payload, as the HTTP headers the authenticator reads. */
function credentialHeaders(params: Record<string, unknown> | undefined): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(params ?? {})) {
    const lower = name.toLowerCase();
    if ((lower === 'authorization' || lower === 'x-api-key') && typeof value === 'string') headers[lower] = value;
  }
  return headers;
}

const requestFailure = (code: string, message: string) => new GraphQLError(message, { extensions: { code, retryable: false } });

/** A close reason must fit in a control frame (123 bytes). */
const reason = (text: string) => (Buffer.byteLength(text) <= 123 ? text : `${text.slice(0, 110)}…`);

export async function graphqlOverWebSocket(app: FastifyInstance, parts: WebSocketParts) {
  const { schema, metrics, logger } = parts;
  const rules = [...specifiedRules, ...parts.validationRules];
  const sockets = new Set<SocketExtra>();

  const format = (error: GraphQLError): GraphQLFormattedError => {
    if (parts.hideSuggestions) error.message = error.message.replace(NO_SUGGESTIONS, '[Suggestion hidden]').trim();
    return parts.formatError(error.toJSON(), error);
  };
  const formatResult = (result: ExecutionResult) => (result.errors ? { ...result, errors: result.errors.map(format) } : result);

  /** Closes with `code`, and cuts the connection if the close handshake has not ended soon after. */
  const closeSocket = (socket: WebSocket, code: number, why: string) => {
    if (socket.readyState === socket.CLOSED) return;
    if (socket.readyState === socket.OPEN) socket.close(code, reason(why));
    setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
  };

  const server = makeServer<Record<string, unknown>, SocketExtra>({
    schema,
    // A gateway reached through a proxy may see connection_init late; 3 s is graphql-ws's default.
    connectionInitWaitTimeout: 3000,
    async onConnect(ctx) {
      const { socket } = ctx.extra;
      ctx.extra.protocol = ctx;
      try {
        ctx.extra.caller = await parts.authenticate(credentialHeaders(ctx.connectionParams));
      } catch (error) {
        if (!(error instanceof AuthenticationFailed)) throw error;
        closeSocket(socket, CloseCode.Unauthorized, `Not authenticated: ${error.message}.`);
        return false;
      }
      const expiresAt = ctx.extra.caller.expiresAt;
      if (expiresAt !== undefined) {
        const expire = () => {
          const left = expiresAt - Date.now();
          if (left > 0) ctx.extra.expiry = setTimeout(expire, Math.min(left, MAX_TIMER_MS));
          else closeSocket(socket, CloseCode.Unauthorized, 'Not authenticated: the bearer token has expired.');
        };
        expire();
      }
      return true;
    },
    async onSubscribe(ctx, id, payload) {
      const { caller, request } = ctx.extra;
      if (!caller) return [requestFailure('UNAUTHENTICATED', 'Not authenticated.')];
      const requestId = `${request.id}:${++ctx.extra.operationCount}`;
      let text = payload.query;
      if (parts.trusted) {
        const chosen = trustedText(parts.trusted, documentIdOf(payload), payload.query === '' ? undefined : payload.query);
        if ('refused' in chosen) {
          await auditRefused(parts.audit, caller, requestId, payload, 'DOCUMENT_NOT_TRUSTED');
          return [new GatewayError('DOCUMENT_NOT_TRUSTED', chosen.refused)];
        }
        text = chosen.text;
      }
      let document: DocumentNode;
      try {
        document = parse(text, parts.parseOptions);
      } catch (error) {
        return [requestFailure('GRAPHQL_PARSE_FAILED', (error as GraphQLError).message)];
      }
      const invalid = validate(schema, document, rules);
      if (invalid.length > 0) return invalid.map((error) => requestFailure('GRAPHQL_VALIDATION_FAILED', error.message));
      const operation = getOperationAST(document, payload.operationName);
      if (!operation) return [requestFailure('OPERATION_RESOLUTION_FAILURE', 'Name the operation to run (operationName) or send a document with one operation.')];
      try {
        if (operation.operation !== 'mutation') requireRole(caller, READ, `run ${operation.operation === 'query' ? 'queries' : 'subscriptions'}`);
      } catch (error) {
        return [error as GatewayError];
      }
      if (operation.operation === 'subscription') {
        // onComplete removes each, however it ends (graphql-ws calls it once a subscription has started).
        if (ctx.extra.subscriptionIds.size >= MAX_SUBSCRIPTIONS_PER_SOCKET) {
          return [new GatewayError('TOO_MANY_SUBSCRIPTIONS', `This socket already carries ${MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions, the most one may; complete one or open another socket.`)];
        }
        ctx.extra.subscriptionIds.add(id);
      } else {
        if (!(await turn(ctx.extra, id))) {
          return [new GatewayError('TOO_MANY_OPERATIONS', `This socket already has ${MAX_OPERATIONS_RUNNING} operations running and ${MAX_OPERATIONS_WAITING} waiting; wait for answers before sending more.`)];
        }
      }
      const signal = new AbortController();
      ctx.extra.signals.set(id, signal);
      return {
        schema,
        document,
        operationName: payload.operationName,
        variableValues: payload.variables,
        contextValue: parts.contextFor(new SocketFacts(requestId, caller, signal.signal)),
      };
    },
    onOperation(_ctx, _id, payload, args, result) {
      const operation = getOperationAST(args.document, args.operationName)?.operation;
      const answered = Symbol.asyncIterator in result ? undefined : (result as ExecutionResult).errors;
      metrics.graphqlOperations.inc({
        operation_name: metrics.operationLabel(payload.operationName),
        outcome: operation === 'subscription' && !answered ? 'success' : operationOutcome(answered?.[0], answered),
        path: 'websocket',
      });
    },
    onNext: (_ctx, _id, _payload, _args, result) => formatResult(result),
    onError: (_ctx, _id, _payload, errors) => errors.map(format),
    onComplete(ctx, id) {
      ctx.extra.signals.delete(id);
      ctx.extra.subscriptionIds.delete(id);
      if (ctx.extra.executing.delete(id)) handOn(ctx.extra);
    },
  });

  await app.register(websocket, {
    options: { maxPayload: parts.maxMessageBytes, handleProtocols },
    // Shutting down: the upgrade listener is gone; in-flight operations end, then every socket is told 1001.
    preClose: async () => {
      const deadline = Date.now() + 10_000;
      const busy = () => [...sockets].some(({ protocol, executing }) => protocol && [...executing].some((id) => id in protocol.subscriptions));
      while (busy() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
      for (const { socket } of sockets) closeSocket(socket, 1001, 'The gateway is shutting down; reconnect.');
    },
  });

  /** The upgrade's own check: a page on another site may not open a socket with its visitor's credentials. */
  const checkOrigin = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.ws) return;
    if (originAllowed(request.headers.origin, request.headers.host, parts.corsOrigins)) return;
    logger.warn({ origin: request.headers.origin?.slice(0, 200) }, 'refused a WebSocket from an origin CORS_ORIGINS does not allow');
    await reply.status(403).send(errorBody('FORBIDDEN', `Origin ${JSON.stringify(request.headers.origin?.slice(0, 100))} may not open a WebSocket here; CORS_ORIGINS lists the origins that may.`));
  };

  /** One accepted socket: graphql-ws runs the protocol over it. */
  const opened = (socket: WebSocket, request: FastifyRequest) => {
    metrics.webSockets.inc();
    let pongPending = false;
    const keepAlive = setInterval(() => {
      if (pongPending) return socket.terminate();
      pongPending = true;
      socket.ping();
    }, KEEP_ALIVE_MS);
    socket.on('pong', () => {
      pongPending = false;
    });
    socket.on('error', (error) => logger.debug({ error: error.message }, 'WebSocket error'));
    const extra: SocketExtra = { socket, request, subscriptionIds: new Set(), executing: new Set(), waiting: [], operationCount: 0, signals: new Map() };
    sockets.add(extra);
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
              closeSocket(socket, 1008, 'The client stopped reading.');
              return resolve();
            }
            // Resolved once handed to the socket: a slow reader is bounded above, not awaited.
            socket.send(data, () => undefined);
            resolve();
          }),
        close: (code, why) => closeSocket(socket, code ?? 1000, why ?? ''),
        onMessage: (handle) =>
          socket.on('message', (data: RawData, isBinary: boolean) => {
            if (isBinary) return closeSocket(socket, CloseCode.BadRequest, 'Binary messages are not part of graphql-transport-ws.');
            handle(String(data)).catch((error: unknown) => {
              logger.error({ err: error }, 'unexpected error while handling a WebSocket message');
              closeSocket(socket, CloseCode.InternalServerError, 'Internal server error');
            });
          }),
      },
      extra,
    );
    socket.once('close', (code, why) => {
      clearInterval(keepAlive);
      clearTimeout(extra.expiry);
      for (const signal of extra.signals.values()) signal.abort();
      for (const { wake } of extra.waiting.splice(0)) wake(false);
      metrics.webSockets.dec();
      sockets.delete(extra);
      closed(code, String(why)).catch((error: unknown) => logger.warn({ err: error }, 'error while ending a WebSocket\'s operations'));
    });
  };

  return { checkOrigin, opened };
}

/** A turn to run a query or mutation on the socket: at once, after others end, or false (too many waiting, or the socket closed). */
function turn(extra: SocketExtra, id: string): Promise<boolean> | boolean {
  if (extra.executing.size < MAX_OPERATIONS_RUNNING && extra.waiting.length === 0) {
    extra.executing.add(id);
    return true;
  }
  if (extra.waiting.length >= MAX_OPERATIONS_WAITING) return false;
  return new Promise((wake) => extra.waiting.push({ id, wake }));
}

/** An operation ended: the next waiting one takes its turn. */
function handOn(extra: SocketExtra): void {
  const next = extra.waiting.shift();
  if (!next) return;
  extra.executing.add(next.id);
  next.wake(true);
}

/** A trusted document named over the socket: graphql-ws's payload has no documentId of its own. */
function documentIdOf(payload: SubscribePayload): unknown {
  return payload.extensions?.documentId;
}

/** A mutation refused before it reaches its resolver is audited as refused, as over HTTP. */
async function auditRefused(audit: AuditTrail, caller: Caller, requestId: string, payload: SubscribePayload, outcome: string): Promise<void> {
  const startedAt = performance.now();
  for (const attempt of mutationAttempts({ query: payload.query, variables: payload.variables, operationName: payload.operationName })) {
    await recordAttempt(audit, { caller, requestId }, { ...attempt, outcome, awsRequestId: null, startedAt });
  }
}
