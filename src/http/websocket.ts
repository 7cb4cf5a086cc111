import type { IncomingHttpHeaders } from 'node:http';
import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  GraphQLError,
  getOperationAST,
  getVariableValues,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
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
//   4429                  a second connection_init (graphql-ws's own)
//   4409                  a subscribe whose ID is in use: graphql-ws's own for an operation it
//                         runs, and this file's for one the client completed that has not
//                         ended yet (a query still reading AWS, a subscription its baseline)
//   4500                  an unexpected failure while handling a message (logged)
//   1009                  a message over BODY_LIMIT_BYTES
//   1008                  a client that stopped reading: its unsent data passed MAX_BUFFERED_BYTES
//   1001                  the gateway is shutting down (after in-flight operations end)
//
// graphql-ws's 4403, for a connection_init onConnect refuses, never reaches a client:
// a refusal here is 4401, and the socket that closed while it was authenticated is
// gone already. Once shutdown has begun a new operation is not started: it ends with
// its socket's 1001, so a client that reconnects sends it again, to another replica.
//
// Every operation on the socket meets the rules an HTTP request meets: trusted
// documents, the query limits, dx:read for queries and subscriptions, variables that
// fit (BAD_USER_INPUT), the mutations' own checks and audit, error masking.

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

/** One operation on a socket, from its subscribe message until it really ends. */
interface Operation {
  /** Aborted when the socket closes: its AWS reads stop waiting, and a subscription's feed ends. */
  signal: AbortController;
  /** Counted among the socket's MAX_SUBSCRIPTIONS_PER_SOCKET. */
  subscription: boolean;
  /** Holds one of the socket's MAX_OPERATIONS_RUNNING turns. */
  running: boolean;
}

/** What this transport keeps per socket, beside graphql-ws's own context. */
interface SocketExtra {
  socket: WebSocket;
  request: FastifyRequest;
  caller?: Caller;
  expiry?: NodeJS.Timeout;
  /**
   * The operations in flight, by the client's ID. graphql-ws forgets an ID as soon as
   * the client completes it, though its operation may still be reading AWS; this record
   * keeps each until it really ends, and a subscribe reusing an ID held here is refused
   * (4409), so an ID names one operation and the limits count every one.
   */
  operations: Map<string, Operation>;
  /** How many of `operations` are subscriptions. */
  subscriptions: number;
  /** How many of `operations` hold a turn. */
  running: number;
  /** Operations waiting for a turn: told true when they get one, false when the socket closes. */
  waiting: Array<{ operation: Operation; wake: (turn: boolean) => void }>;
  operationCount: number;
  /** Resolved once the socket has closed and graphql-ws has let its operations go. */
  closed: Promise<void>;
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
  /** Set once the gateway began shutting down: no operation starts after. */
  let shuttingDown = false;

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
      let caller: Caller;
      try {
        caller = await parts.authenticate(credentialHeaders(ctx.connectionParams));
      } catch (error) {
        if (!(error instanceof AuthenticationFailed)) throw error;
        closeSocket(socket, CloseCode.Unauthorized, `Not authenticated: ${error.message}.`);
        return false;
      }
      // Closed while its credentials were checked (a key set can take seconds to
      // fetch): its close has run, and an expiry timer set now would outlive it.
      if (socket.readyState !== socket.OPEN) return false;
      ctx.extra.caller = caller;
      const expiresAt = caller.expiresAt;
      if (expiresAt !== undefined) {
        const expire = () => {
          if (socket.readyState !== socket.OPEN) return;
          const left = expiresAt - Date.now();
          if (left > 0) ctx.extra.expiry = setTimeout(expire, Math.min(left, MAX_TIMER_MS));
          else closeSocket(socket, CloseCode.Unauthorized, 'Not authenticated: the bearer token has expired.');
        };
        expire();
      }
      return true;
    },
    async onSubscribe(ctx, id, payload) {
      const { extra } = ctx;
      if (extra.operations.has(id)) {
        // graphql-ws's own convention for an ID in use; what is returned is never sent, the socket is closing.
        closeSocket(extra.socket, CloseCode.SubscriberAlreadyExists, `Subscriber for ${id} already exists`);
        return [GatewayError.badUserInput(`Operation ID ${id} is in use until its operation ends.`)];
      }
      if (shuttingDown) {
        // Not started, and not answered: it ends with its socket's 1001 (graphql-ws emits
        // nothing for an operation of a closed socket), so a client that reconnects sends it again.
        await extra.closed;
        return [new GraphQLError('The gateway shut down before this operation started.')];
      }
      const operation: Operation = { signal: new AbortController(), subscription: false, running: false };
      extra.operations.set(id, operation);
      let started = false;
      try {
        const args = await prepare(ctx, id, payload, operation);
        started = !Array.isArray(args);
        return args;
      } finally {
        // Refused: graphql-ws calls onComplete only for what it ran.
        if (!started) ended(extra, id, operation);
      }
    },
    onOperation(ctx, id, payload, args, result) {
      const operation = getOperationAST(args.document, args.operationName)?.operation;
      const stream = Symbol.asyncIterator in result ? (result as AsyncIterableIterator<ExecutionResult>) : undefined;
      const answered = stream ? undefined : (result as ExecutionResult).errors;
      metrics.graphqlOperations.inc({
        operation_name: metrics.operationLabel(payload.operationName),
        outcome: operation === 'subscription' && !answered ? 'success' : operationOutcome(answered?.[0], answered),
        path: 'websocket',
      });
      // graphql-ws ends the streams it knows of when the socket closes; whatever its
      // bookkeeping, a feed also ends with its socket, or it would be watched for ever.
      const signal = ctx.extra.operations.get(id)?.signal.signal;
      if (stream && signal) {
        const end = () => void stream.return?.();
        if (signal.aborted) end();
        else signal.addEventListener('abort', end, { once: true });
      }
    },
    onNext: (_ctx, _id, _payload, _args, result) => formatResult(result),
    onError: (_ctx, _id, _payload, errors) => errors.map(format),
    onComplete(ctx, id) {
      // Called once for each operation graphql-ws ran, when it has ended, however it ended.
      const operation = ctx.extra.operations.get(id);
      if (operation) ended(ctx.extra, id, operation);
    },
  });

  /** A subscribe message checked as an HTTP request is: what to execute, or why not. */
  const prepare = async (ctx: SocketContext, id: string, payload: SubscribePayload, operation: Operation): Promise<ExecutionArgs | GraphQLError[]> => {
    const { extra } = ctx;
    const { caller, request } = extra;
    if (!caller) return [requestFailure('UNAUTHENTICATED', 'Not authenticated.')];
    const requestId = `${request.id}:${++extra.operationCount}`;
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
    const definition = getOperationAST(document, payload.operationName);
    if (!definition) return [requestFailure('OPERATION_RESOLUTION_FAILURE', 'Name the operation to run (operationName) or send a document with one operation.')];
    try {
      if (definition.operation !== 'mutation') requireRole(caller, READ, `run ${definition.operation === 'query' ? 'queries' : 'subscriptions'}`);
    } catch (error) {
      return [error as GatewayError];
    }
    // graphql-js's own coercion errors carry no code, and would be masked; over HTTP they are BAD_USER_INPUT.
    const coerced = getVariableValues(schema, definition.variableDefinitions ?? [], payload.variables ?? {}, { maxErrors: 50 });
    if (coerced.errors) return coerced.errors.map(badVariables);
    if (definition.operation === 'subscription') {
      if (extra.subscriptions >= MAX_SUBSCRIPTIONS_PER_SOCKET) {
        return [new GatewayError('TOO_MANY_SUBSCRIPTIONS', `This socket already carries ${MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions, the most one may; complete one or open another socket.`)];
      }
      operation.subscription = true;
      extra.subscriptions += 1;
    } else {
      if (!(await turn(extra, operation))) {
        return [new GatewayError('TOO_MANY_OPERATIONS', `This socket already has ${MAX_OPERATIONS_RUNNING} operations running and ${MAX_OPERATIONS_WAITING} waiting; wait for answers before sending more.`)];
      }
      // Completed by the client while it waited: nobody wants it run (graphql-ws sends nothing for it).
      if (!(id in ctx.subscriptions)) return [requestFailure('OPERATION_RESOLUTION_FAILURE', 'Completed before it started.')];
    }
    return {
      schema,
      document,
      operationName: payload.operationName,
      variableValues: payload.variables,
      contextValue: parts.contextFor(new SocketFacts(requestId, caller, operation.signal.signal)),
    };
  };

  await app.register(websocket, {
    options: { maxPayload: parts.maxMessageBytes, handleProtocols },
    // Shutting down: the upgrade listener is gone; in-flight operations end, then every socket is told 1001.
    preClose: async () => {
      shuttingDown = true;
      const deadline = Date.now() + 10_000;
      // Queries and mutations running or waiting for a turn; subscriptions run until their socket closes.
      const busy = () => [...sockets].some(({ running, waiting }) => running > 0 || waiting.length > 0);
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
    let hasClosed!: () => void;
    const extra: SocketExtra = {
      socket,
      request,
      operations: new Map(),
      subscriptions: 0,
      running: 0,
      waiting: [],
      operationCount: 0,
      closed: new Promise((resolve) => (hasClosed = resolve)),
    };
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
      for (const operation of extra.operations.values()) operation.signal.abort();
      for (const { wake } of extra.waiting.splice(0)) wake(false);
      metrics.webSockets.dec();
      sockets.delete(extra);
      // graphql-ws forgets the socket's operations at once (before its first await), then ends their streams.
      closed(code, String(why)).catch((error: unknown) => logger.warn({ err: error }, 'error while ending a WebSocket\'s operations'));
      hasClosed();
    });
  };

  return { checkOrigin, opened };
}

/** A turn to run a query or mutation on the socket: at once, after others end, or false (too many waiting, or the socket closed). */
function turn(extra: SocketExtra, operation: Operation): Promise<boolean> | boolean {
  if (extra.running < MAX_OPERATIONS_RUNNING && extra.waiting.length === 0) {
    take(extra, operation);
    return true;
  }
  if (extra.waiting.length >= MAX_OPERATIONS_WAITING) return false;
  return new Promise((wake) => extra.waiting.push({ operation, wake }));
}

function take(extra: SocketExtra, operation: Operation): void {
  operation.running = true;
  extra.running += 1;
}

/** An operation really ended (or was refused): it leaves the record, and its turn goes to the next waiting. */
function ended(extra: SocketExtra, id: string, operation: Operation): void {
  if (extra.operations.get(id) === operation) extra.operations.delete(id);
  if (operation.subscription) {
    operation.subscription = false;
    extra.subscriptions -= 1;
  }
  if (!operation.running) return;
  operation.running = false;
  extra.running -= 1;
  const next = extra.waiting.shift();
  if (!next) return;
  take(extra, next.operation);
  next.wake(true);
}

/** A variable that does not fit, as the HTTP path answers it (src/executor.ts): BAD_USER_INPUT, where it is. */
function badVariables(error: GraphQLError): GraphQLError {
  const refused = GatewayError.badUserInput(error.message);
  if (error.locations) (refused as { locations?: GraphQLError['locations'] }).locations = error.locations;
  return refused;
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
