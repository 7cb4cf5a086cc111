import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQueryString } from 'node:querystring';
import Fastify, { type FastifyInstance } from 'fastify';
import cors from '@fastify/cors';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { Logger } from 'pino';
import type { AuditTrail } from './audit/trail.js';
import type { Authenticate } from './auth/authenticator.js';
import type { ReadCache } from './cache/readCache.js';
import type { Config } from './config.js';
import { createContextFactory, type GatewayContext } from './context.js';
import type { DirectConnectService } from './aws/directConnect.js';
import type { TrafficService } from './aws/cloudWatch.js';
import type { MaintenanceService } from './aws/health.js';
import { maskErrors } from './errors/masking.js';
import { operationMetrics, operationSpans, queriesNeedReadRole } from './operationPlugins.js';
import type { Plans } from './changes/plan.js';
import type { Guards } from './coordination/guards.js';
import { graphqlJitMended, jitExecutor } from './executor.js';
import { authenticateRequests } from './http/authenticateRequests.js';
import { httpErrors } from './http/errorHandler.js';
import { explorerRoutes } from './http/explorer.js';
import { graphqlRoute } from './http/graphqlRoute.js';
import { graphqlOverWebSocket } from './http/websocket.js';
import type { Live } from './live/live.js';
import { readBodies } from './http/requestBodies.js';
import { logRequests, requestId } from './http/requestLog.js';
import { ResponseCache } from './http/responseCache.js';
import { traceRequests } from './http/traceRequests.js';
import { trustedDocumentsOnly, type TrustedDocuments } from './http/trustedDocuments.js';
import { queryLimits, subscriptionsOverWebSocketOnly } from './limits.js';
import type { Metrics } from './metrics.js';
import { resolvers } from './resolvers/index.js';
import { loadTypeDefs } from './schema.js';

/** The settings the gateway reads, straight from loadConfig (src/config.ts). */
export type GatewaySettings = Pick<
  Config,
  | 'defaultRegion'
  | 'regions'
  | 'introspection'
  | 'production'
  | 'corsOrigins'
  | 'bodyLimitBytes'
  | 'batching'
  | 'executor'
  | 'tracing'
  | 'responseCacheMaxBytes'
  | 'planRequiredFor'
>;

/** What the gateway is given already running: the AWS layer, identity, audit, logging, metrics. */
export interface GatewayServices {
  directConnect: DirectConnectService;
  /** CloudWatch: the traffic on connections, LAGs and VIFs. */
  traffic: TrafficService;
  /** AWS Health: Direct Connect maintenance. */
  maintenance: MaintenanceService;
  /** Subscriptions: the region watchers and the feeds they fill. */
  live: Live;
  logger: Logger;
  authenticate: Authenticate;
  audit: AuditTrail;
  metrics: Metrics;
  /** Issues and checks dry runs' plan tokens. */
  plans: Plans;
  /** Exactly-once records and per-LAG locks (docs/contract.md, "Exactly once, one at a time"). */
  guards: Guards;
  /** With TRUSTED_DOCUMENTS_FILE: the only documents that run. */
  trustedDocuments?: TrustedDocuments;
  /** The cross-request read cache the AWS layer reads through: what the response cache checks its answers against. */
  readCache?: ReadCache;
}

export interface Gateway {
  app: FastifyInstance;
  httpServer: http.Server;
  /** Resolves to the GraphQL endpoint's URL. */
  listen(port: number, host: string): Promise<string>;
  /**
   * Reports not-ready at once; after `notReadyFirstMs` (time for a load balancer to
   * notice) stops accepting, lets in-flight requests finish, then closes.
   */
  stop(notReadyFirstMs?: number): Promise<void>;
}

/** Undici and browsers keep connections open; what Node closes after 5 s idle, as Express's server did. */
const KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** A request still arriving after this is a slow client holding a socket (Node's own default). */
const REQUEST_TIMEOUT_MS = 300_000;
/** In-flight requests get this long to finish when the gateway stops; then their connections close. */
const DRAIN_TIMEOUT_MS = 10_000;

export async function createGateway(settings: GatewaySettings, services: GatewayServices): Promise<Gateway> {
  const app = Fastify({
    logger: false,
    genReqId: requestId,
    bodyLimit: settings.bodyLimitBytes,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    routerOptions: {
      // Every parameter, as Apollo reads a GET from the URL itself: querystring's default
      // cap of 1000 keys would let a padded URL look to the checks like one without a document.
      querystringParser: (text) => parseQueryString(text, '&', '=', { maxKeys: 0 }),
      // As Express routed: /graphql/ and /GraphQL are /graphql.
      ignoreTrailingSlash: true,
      caseSensitive: false,
    },
  });
  // The explorers are the gateway's own pages (src/http/explorer.ts), not Apollo's.
  const landingPage: ApolloServerPlugin = ApolloServerPluginLandingPageDisabled();
  const limits = queryLimits({ hideSuggestions: !settings.introspection });

  // Union and interface members carry __typename, so no type needs a resolveType.
  const schema = makeExecutableSchema({
    typeDefs: loadTypeDefs(),
    resolvers,
    resolverValidationOptions: { requireResolversForResolveType: 'ignore' },
  });
  const jit = settings.executor === 'jit' ? jitExecutor(schema) : undefined;
  if (jit && !graphqlJitMended(schema)) {
    services.logger.warn(
      'graphql-jit is not mended (was npm ci run with --ignore-scripts?): mutations keep more memory alive between GCs. ' +
        'Run `node scripts/patch-graphql-jit.mjs` after installing.',
    );
  }
  const apollo = new ApolloServer<GatewayContext>({
    ...(jit ? { gateway: jit.gateway } : { schema }),
    introspection: settings.introspection,
    includeStacktraceInErrorResponses: !settings.production,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // Nothing here uses automatic persisted queries; off, every mutation arrives as
    // text the authentication step can read (and audit when it refuses it).
    persistedQueries: false,
    // main.ts owns the signals: it drains the gateway, then closes the emulator.
    stopOnTerminationSignals: false,
    formatError: maskErrors(services.logger, settings.production),
    validationRules: [...limits.validationRules, subscriptionsOverWebSocketOnly],
    parseOptions: limits.parseOptions,
    plugins: [
      landingPage,
      queriesNeedReadRole,
      operationMetrics(services.metrics),
      ...(settings.tracing ? [operationSpans] : []),
      // Apollo's default cache-control plugin wraps every field resolver to compute
      // HTTP cache hints nobody here reads; off, it costs nothing.
      ApolloServerPluginCacheControlDisabled(),
      ...limits.plugins,
    ],
    logger: services.logger,
  });
  await apollo.start();

  let draining = false;
  app.setErrorHandler(httpErrors(services.logger, settings.bodyLimitBytes));
  readBodies(app, settings.bodyLimitBytes);
  logRequests(app, services.logger);
  // With tracing on, everything a request does runs in its span (docs/contract.md, "Tracing").
  if (settings.tracing) traceRequests(app);
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/metrics', async (_request, reply) => reply.type(services.metrics.registry.contentType).send(await services.metrics.registry.metrics()));
  app.get('/readyz', async (_request, reply) => {
    if (draining) return reply.status(503).send({ status: 'draining' });
    // A replica that cannot write the audit trail refuses every change (docs/contract.md, "The mutations").
    const audit = await services.audit.recheck();
    const checks = { audit: audit.ok ? { ok: true } : { ok: false, reason: audit.reason } };
    return reply.status(audit.ok ? 200 : 503).send({ status: audit.ok ? 'ready' : 'unready', checks });
  });
  if (settings.introspection) explorerRoutes(app);

  const contextFor = createContextFactory(settings, services);
  const handler = graphqlRoute({
    apollo,
    prepared: jit?.prepared,
    tracing: settings.tracing,
    explorer: settings.introspection,
    authenticate: authenticateRequests(services.authenticate, services.audit),
    trusted: services.trustedDocuments ? trustedDocumentsOnly(services.trustedDocuments, services.audit) : undefined,
    contextFor,
    responses:
      services.readCache && settings.responseCacheMaxBytes > 0
        ? new ResponseCache(services.readCache, settings.responseCacheMaxBytes, services.metrics)
        : undefined,
    metrics: services.metrics,
  });
  // CORS for the GraphQL endpoint only: the pages and probes are the gateway's own.
  await app.register(async (graphql) => {
    await graphql.register(cors, { origin: settings.corsOrigins, exposedHeaders: ['x-request-id'] });
    // graphql-ws on the same path: a GET that asks to upgrade is a WebSocket.
    const sockets = await graphqlOverWebSocket(graphql, {
      schema,
      authenticate: services.authenticate,
      audit: services.audit,
      trusted: services.trustedDocuments,
      contextFor,
      validationRules: limits.validationRules,
      parseOptions: limits.parseOptions,
      hideSuggestions: !settings.introspection,
      formatError: maskErrors(services.logger, settings.production),
      corsOrigins: settings.corsOrigins,
      maxMessageBytes: settings.bodyLimitBytes,
      logger: services.logger,
      metrics: services.metrics,
    });
    graphql.route({ method: 'GET', url: '/graphql', handler, wsHandler: sockets.opened, preValidation: sockets.checkOrigin });
    graphql.route({ method: 'POST', url: '/graphql', handler });
  });

  const stopServing = async () => {
    const forceClose = setTimeout(() => app.server.closeAllConnections(), DRAIN_TIMEOUT_MS);
    try {
      await app.close();
    } finally {
      clearTimeout(forceClose);
    }
  };

  return {
    app,
    httpServer: app.server,
    listen: async (port, host) => {
      await app.listen({ port, host });
      const { port: bound } = app.server.address() as AddressInfo;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      return `http://${shownHost}:${bound}/graphql`;
    },
    stop: async (notReadyFirstMs = 0) => {
      draining = true;
      if (notReadyFirstMs > 0) await new Promise((resolve) => setTimeout(resolve, notReadyFirstMs));
      await stopServing();
      await apollo.stop();
    },
  };
}
