import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import cors from 'cors';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerErrorCode, unwrapResolverError } from '@apollo/server/errors';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import type { AuditTrail } from './audit.js';
import type { Authenticate } from './auth/authenticate.js';
import { READ, requireRole } from './auth/roles.js';
import { createContextFactory, type GatewayContext } from './context.js';
import type { DirectConnectService } from './directconnect/service.js';
import { DirectConnectGatewayError } from './directconnect/errors.js';
import type { ServedRegions } from './directconnect/input.js';
import { authenticateRequests } from './http/authenticate.js';
import { httpErrors } from './http/errors.js';
import { requestLog } from './http/requestLog.js';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { jitExecutor } from './executor.js';
import { queryLimits } from './limits.js';
import type { Metrics } from './metrics.js';
import { resolvers } from './resolvers/index.js';
import { loadTypeDefs } from './schema.js';

export interface GatewayDeps {
  directConnect: DirectConnectService;
  regions: ServedRegions;
  logger: Logger;
  authenticate: Authenticate;
  audit: AuditTrail;
  /** Introspection and the Sandbox landing page (DESIGN.md §3: on with the emulator). */
  introspection: boolean;
  /** No stack traces, internal errors masked. */
  production: boolean;
  corsOrigins: Array<string | RegExp>;
  bodyLimitBytes: number;
  metrics: Metrics;
  batching: boolean;
  /** graphql-jit (compiled, the default) or graphql-js (Apollo's own). */
  executor: 'jit' | 'graphql-js';
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

// Apollo's own request errors (parse, validation, variables) pass through; so do
// ours, which carry a stable code. Anything else is a bug or an unexpected failure.
const APOLLO_REQUEST_CODES = new Set<string>(
  Object.values(ApolloServerErrorCode).filter((code) => code !== ApolloServerErrorCode.INTERNAL_SERVER_ERROR),
);
const AUTH_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN']);

function maskUnexpected(logger: Logger, production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    const typed = unwrapResolverError(error) instanceof DirectConnectGatewayError;
    if (typed || (typeof code === 'string' && (APOLLO_REQUEST_CODES.has(code) || AUTH_CODES.has(code)))) {
      return { ...formatted, extensions: { retryable: false, ...formatted.extensions } };
    }
    const correlationId = randomUUID();
    logger.error({ err: error, correlationId, path: formatted.path }, 'unexpected error while resolving');
    if (!production) {
      return { ...formatted, extensions: { ...formatted.extensions, code: 'INTERNAL_SERVER_ERROR', retryable: false, correlationId } };
    }
    return {
      message: `Internal server error. Quote correlation ID ${correlationId} when reporting it.`,
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: 'INTERNAL_SERVER_ERROR', retryable: false, correlationId },
    };
  };
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
          const firstCode = (errors?.[0]?.extensions?.code ?? body?.errors?.[0]?.extensions?.code) as string | undefined;
          metrics.graphqlOperations.inc({ operation_name: metrics.operationLabel(request.operationName), outcome: firstCode ?? 'success' });
        },
      };
    },
  };
}

export async function createGateway(deps: GatewayDeps): Promise<Gateway> {
  const app = express();
  const httpServer = http.createServer(app);
  const landingPage: ApolloServerPlugin = deps.introspection
    ? ApolloServerPluginLandingPageLocalDefault({ embed: true, footer: false })
    : ApolloServerPluginLandingPageDisabled();
  const limits = queryLimits({ hideSuggestions: !deps.introspection });

  // Union and interface members carry __typename, so no type needs a resolveType.
  const schema = makeExecutableSchema({
    typeDefs: loadTypeDefs(),
    resolvers,
    resolverValidationOptions: { requireResolversForResolveType: 'ignore' },
  });
  const apollo = new ApolloServer<GatewayContext>({
    ...(deps.executor === 'jit' ? { gateway: jitExecutor(schema) } : { schema }),
    introspection: deps.introspection,
    includeStacktraceInErrorResponses: !deps.production,
    csrfPrevention: true,
    allowBatchedHttpRequests: false,
    // Nothing here uses automatic persisted queries; off, every mutation arrives as
    // text the authentication middleware can read (and audit when it refuses it).
    persistedQueries: false,
    // main.ts owns the signals: it drains the gateway, then closes the emulator.
    stopOnTerminationSignals: false,
    formatError: maskUnexpected(deps.logger, deps.production),
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      landingPage,
      queriesNeedReadRole,
      operationMetrics(deps.metrics),
      // Apollo's default cache-control plugin wraps every field resolver to compute
      // HTTP cache hints nobody here reads; off, it costs nothing.
      ApolloServerPluginCacheControlDisabled(),
      ...limits.plugins,
    ],
    logger: deps.logger,
  });
  await apollo.start();

  let draining = false;
  app.disable('x-powered-by');
  app.use(requestLog(deps.logger));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  app.get('/readyz', (_req, res) => {
    res.status(draining ? 503 : 200).json({ status: draining ? 'draining' : 'ready' });
  });
  app.use(
    '/graphql',
    cors<cors.CorsRequest>({ origin: deps.corsOrigins, exposedHeaders: ['x-request-id'] }),
    express.json({ limit: deps.bodyLimitBytes }),
    authenticateRequests(deps.authenticate, deps.audit),
    expressMiddleware(apollo, { context: createContextFactory(deps) }),
  );
  app.use(httpErrors(deps.logger));

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
