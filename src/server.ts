import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import cors from 'cors';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { Logger } from 'pino';
import type { AuditTrail } from './audit/trail.js';
import type { Authenticate } from './auth/authenticator.js';
import { requireRole } from './auth/requireRole.js';
import { READ } from './auth/roles.js';
import type { Config } from './config.js';
import { createContextFactory, type GatewayContext } from './context.js';
import type { DirectConnectService } from './directconnect/service.js';
import { errorCode, maskErrors } from './errors/masking.js';
import type { Plans } from './changes/plan.js';
import type { Guards } from './coordination/guards.js';
import { jitExecutor } from './executor.js';
import { parse as parseQueryString } from 'node:querystring';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { authenticateRequests } from './http/authenticateRequests.js';
import { traceRequests } from './http/traceRequests.js';
import { tracer } from './telemetry.js';
import { explorerRoutes, sandboxOrGraphiQL } from './http/explorer.js';
import { trustedDocumentsOnly, type TrustedDocuments } from './http/trustedDocuments.js';
import { httpErrors } from './http/errorHandler.js';
import { requestLog } from './http/requestLog.js';
import { queryLimits } from './limits.js';
import type { Metrics } from './metrics.js';
import { resolvers } from './resolvers/index.js';
import { loadTypeDefs } from './schema.js';

/** The settings the gateway reads, straight from loadConfig (src/config.ts). */
export type GatewaySettings = Pick<
  Config,
  'defaultRegion' | 'regions' | 'introspection' | 'production' | 'corsOrigins' | 'bodyLimitBytes' | 'batching' | 'executor' | 'tracing'
>;

/** What the gateway is given already running: the AWS layer, identity, audit, logging, metrics. */
export interface GatewayServices {
  directConnect: DirectConnectService;
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
}

export interface Gateway {
  app: express.Express;
  httpServer: http.Server;
  /** Resolves to the GraphQL endpoint's URL. */
  listen(port: number, host: string): Promise<string>;
  /**
   * Reports not-ready at once; after `notReadyFirstMs` (time for a load balancer to
   * notice) stops accepting, lets in-flight requests finish, then closes.
   */
  stop(notReadyFirstMs?: number): Promise<void>;
}

/** Every query needs dx:read; the mutation checks its own role, as a dry run needs less. */
const queriesNeedReadRole: ApolloServerPlugin<GatewayContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation, contextValue }) {
        if (operation?.operation === 'query') requireRole(contextValue.caller, READ, 'run queries');
      },
    };
  },
};

/** Counts every GraphQL operation by name and outcome (the first error's code, or success). */
function operationMetrics(metrics: Metrics): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response, errors }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const firstCode = errorCode(errors?.[0]) ?? (body?.errors?.[0]?.extensions?.code as string | undefined);
          metrics.graphqlOperations.inc({ operation_name: metrics.operationLabel(request.operationName), outcome: firstCode ?? 'success' });
        },
      };
    },
  };
}

/** One span per GraphQL operation: its name, its type, and how it ended (the first error's code, or success). */
function operationSpans(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      const span = tracer.startSpan('graphql.operation', { kind: SpanKind.INTERNAL });
      return {
        async didResolveOperation({ operation, operationName }) {
          if (operationName) span.setAttribute('graphql.operation.name', operationName);
          if (operation) span.setAttribute('graphql.operation.type', operation.operation);
        },
        async willSendResponse({ response, errors }) {
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const code = errorCode(errors?.[0]) ?? (body?.errors?.[0]?.extensions?.code as string | undefined);
          span.setAttribute('dxgraph.outcome', code ?? 'success');
          if (code) span.setStatus({ code: SpanStatusCode.ERROR, message: code });
          span.end();
        },
      };
    },
  };
}

export async function createGateway(settings: GatewaySettings, services: GatewayServices): Promise<Gateway> {
  const app = express();
  // Every parameter, as Apollo reads a GET from the URL itself: querystring's default
  // cap of 1000 keys would let a padded URL look to the checks like one without a document.
  app.set('query parser', (text: string) => parseQueryString(text, '&', '=', { maxKeys: 0 }));
  const httpServer = http.createServer(app);
  // The explorers are the gateway's own pages (src/http/explorer.ts), not Apollo's.
  const landingPage: ApolloServerPlugin = ApolloServerPluginLandingPageDisabled();
  const limits = queryLimits({ hideSuggestions: !settings.introspection });

  // Union and interface members carry __typename, so no type needs a resolveType.
  const schema = makeExecutableSchema({
    typeDefs: loadTypeDefs(),
    resolvers,
    resolverValidationOptions: { requireResolversForResolveType: 'ignore' },
  });
  const apollo = new ApolloServer<GatewayContext>({
    ...(settings.executor === 'jit' ? { gateway: jitExecutor(schema) } : { schema }),
    introspection: settings.introspection,
    includeStacktraceInErrorResponses: !settings.production,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // Nothing here uses automatic persisted queries; off, every mutation arrives as
    // text the authentication middleware can read (and audit when it refuses it).
    persistedQueries: false,
    // main.ts owns the signals: it drains the gateway, then closes the emulator.
    stopOnTerminationSignals: false,
    formatError: maskErrors(services.logger, settings.production),
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      landingPage,
      queriesNeedReadRole,
      operationMetrics(services.metrics),
      ...(settings.tracing ? [operationSpans()] : []),
      // Apollo's default cache-control plugin wraps every field resolver to compute
      // HTTP cache hints nobody here reads; off, it costs nothing.
      ApolloServerPluginCacheControlDisabled(),
      ...limits.plugins,
    ],
    logger: services.logger,
  });
  await apollo.start();

  let draining = false;
  app.disable('x-powered-by');
  // With tracing on, everything a request does runs in its span (docs/contract.md, "Tracing").
  if (settings.tracing) app.use(['/graphql', '/graphiql'], traceRequests());
  app.use(requestLog(services.logger));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(services.metrics.registry.contentType).send(await services.metrics.registry.metrics());
  });
  app.get('/readyz', async (_req, res) => {
    if (draining) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    // A replica that cannot write the audit trail refuses every change (docs/contract.md, "The mutations").
    const audit = await services.audit.recheck();
    const checks = { audit: audit.ok ? { ok: true } : { ok: false, reason: audit.reason } };
    res.status(audit.ok ? 200 : 503).json({ status: audit.ok ? 'ready' : 'unready', checks });
  });
  if (settings.introspection) app.use(explorerRoutes());
  app.use(
    '/graphql',
    cors<cors.CorsRequest>({ origin: settings.corsOrigins, exposedHeaders: ['x-request-id'] }),
    ...(settings.introspection ? [sandboxOrGraphiQL()] : []),
    express.json({ limit: settings.bodyLimitBytes }),
    authenticateRequests(services.authenticate, services.audit),
    ...(services.trustedDocuments ? [trustedDocumentsOnly(services.trustedDocuments, services.audit)] : []),
    expressMiddleware(apollo, { context: createContextFactory(settings, services) }),
  );
  app.use(httpErrors(services.logger));

  return {
    app,
    httpServer,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          const { port: bound } = httpServer.address() as AddressInfo;
          const shownHost = host.includes(':') ? `[${host}]` : host;
          resolve(`http://${shownHost}:${bound}/graphql`);
        });
      }),
    stop: async (notReadyFirstMs = 0) => {
      draining = true;
      if (notReadyFirstMs > 0) await new Promise((resolve) => setTimeout(resolve, notReadyFirstMs));
      return apollo.stop();
    },
  };
}
