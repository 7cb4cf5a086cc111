import type { Logger } from 'pino';
import type { Config } from './config.js';
import { createAwsClients } from './aws/clients.js';
import { DirectConnectService } from './aws/directConnect.js';
import { TrafficService } from './aws/cloudWatch.js';
import { MaintenanceService } from './aws/health.js';
import { createEmulator, type Emulator } from './emulator/index.js';
import { createAuditTrail, INTENT_TIMEOUT_MS, type LogWrites } from './audit/trail.js';
import { openAuditDatabase } from './audit/database.js';
import { changeTiming } from './audit/timing.js';
import { startReconciler } from './changes/reconcile.js';
import { createPlans } from './changes/plan.js';
import { createGuards } from './coordination/createGuards.js';
import { loadTrustedDocuments } from './http/trustedDocuments.js';
import { startTracing } from './tracing.js';
import { createAuthenticator } from './auth/authenticator.js';
import { createReadCache } from './cache/createReadCache.js';
import { createMetrics } from './metrics.js';
import { createGateway } from './server.js';
import { createLive } from './live/createLive.js';
import type { Live } from './live/live.js';

export interface Running {
  /** The GraphQL endpoint. */
  url: string;
  /** The embedded emulator's base URL, when there is one. */
  emulatorUrl?: string;
  emulator?: Emulator;
  regions: string[];
  /** Reports not-ready for SHUTDOWN_DELAY_MS, drains the gateway, then closes the emulator. */
  stop(): Promise<void>;
}

// Credentials the embedded emulator accepts; it checks no signature, so these are not secrets.
const EMULATOR_CREDENTIALS = { accessKeyId: 'emulator', secretAccessKey: 'emulator' };

/** The whole wiring `npm start` runs: config → emulator (if embedded) → gateway listening. */
/** What tests may replace: the clock that dates and expires plans. */
export interface StartOptions {
  now?: () => number;
  /** The log's destination (main.ts): with the log as the audit sink, a line it could not write refuses the change. */
  logWrites?: LogWrites;
}

export async function start(config: Config, logger: Logger, options: StartOptions = {}): Promise<Running> {
  // Key files and the audit file are checked before anything listens.
  const authenticate = await createAuthenticator(config.auth);
  const metrics = createMetrics();
  // The database is made ready (migrated) before anything listens, as the file is checked.
  const database = config.auditSink === 'database' ? await openAuditDatabase(config.auditDatabaseUrl!, logger) : undefined;
  const timing = changeTiming(config.aws, INTENT_TIMEOUT_MS);
  const audit = await createAuditTrail(logger, config.auditLogFile, metrics.auditWriteFailures, {
    logWrites: options.logWrites,
    database,
    timing,
  }).catch(async (error: unknown) => {
    await database?.close();
    throw error;
  });
  if (config.backend === 'aws' && config.auth.mode === 'none') {
    logger.warn(
      'AUTH_MODE=none with DX_BACKEND=aws: ANYONE WHO CAN REACH THIS PORT CAN DISASSOCIATE LIVE CONNECTIONS. ' +
        'Set AUTH_MODE=jwt or AUTH_MODE=apikey unless something in front of the gateway authenticates callers.',
    );
  }
  if (config.cache.redisUrl && !config.planTokenSecret) {
    logger.warn(
      'REDIS_URL is set but PLAN_TOKEN_SECRET is not: each replica signs plans with its own random key, so a dry run\'s ' +
        'planToken is refused as InvalidInput by every other replica. Give all replicas the same PLAN_TOKEN_SECRET.',
    );
  }
  const plans = createPlans({ secret: config.planTokenSecret, now: options.now });
  // A manifest that cannot be used stops start-up: serving every document instead would be silent.
  const trustedDocuments = config.trustedDocumentsFile ? await loadTrustedDocuments(config.trustedDocumentsFile) : undefined;
  // Before anything makes a span; off unless an OTLP endpoint is set.
  const stopTracing = config.tracing ? await startTracing() : undefined;

  // What has been started so far, closed in reverse if a later step fails.
  const started: Array<() => Promise<void>> = [() => audit.close()];
  if (stopTracing) started.push(stopTracing);
  const abandon = async (error: unknown): Promise<never> => {
    for (const close of started.reverse()) await close().catch(() => undefined);
    throw error;
  };

  let emulator: Emulator | undefined;
  let emulatorUrl: string | undefined;
  if (config.backend === 'emulator') {
    const embedded = createEmulator({
      seed: config.emulator.seed,
      latencyMs: config.emulator.latencyMs,
      transitionMs: config.emulator.transitionMs,
    });
    emulatorUrl = await embedded.listen(config.emulator.port, '127.0.0.1');
    emulator = embedded;
    started.push(() => embedded.close());
  }

  const cache = await createReadCache(config.cache, metrics, logger).catch(abandon);
  started.push(() => cache.close());
  const guards = await createGuards({ redisUrl: config.cache.redisUrl }, logger).catch(abandon);
  started.push(() => guards.close());
  const clients = createAwsClients({
    endpoint: emulatorUrl ?? config.endpoint,
    credentials: emulator ? EMULATOR_CREDENTIALS : undefined,
    timeoutMs: config.aws.timeoutMs,
    maxAttempts: config.aws.maxAttempts,
    traced: config.tracing,
  });
  started.push(async () => clients.destroyAll());
  // A change through the gateway tells the subscriptions' watcher at once; it exists just below.
  let live: Live | undefined;
  const directConnect = new DirectConnectService(clients.directConnect, logger, {
    cache,
    metrics,
    onChange: (region) => live?.changed(region),
    callWindowMs: timing.callWindowMs,
  });
  const watching = await createLive({ redisUrl: config.cache.redisUrl, watchIntervalMs: config.watchIntervalMs }, directConnect, logger, metrics).catch(abandon);
  live = watching.live;
  started.push(() => watching.close());
  const gateway = await createGateway(config, {
    directConnect,
    live,
    traffic: new TrafficService(clients.cloudWatch, logger, { cache, metrics }),
    maintenance: new MaintenanceService(clients.health, logger, { cache, metrics }),
    logger,
    authenticate,
    audit,
    metrics,
    plans,
    guards,
    trustedDocuments,
    readCache: cache,
  }).catch(abandon);
  started.push(() => gateway.stop());
  const url = await gateway.listen(config.port, config.host).catch(abandon);
  // Changes a stopped replica left unsettled are settled from AWS's state (one replica
  // at a time with the database: a lock), from now on and every minute.
  const reconciler = startReconciler({
    history: audit.history,
    audit,
    directConnect,
    isReconciler: database ? () => database.holdLock('dxgraph reconciler') : undefined,
    logger,
  });

  return {
    url,
    emulatorUrl,
    emulator,
    regions: config.regions,
    async stop() {
      await gateway.stop(config.shutdownDelayMs);
      await reconciler.stop();
      clients.destroyAll();
      try {
        await watching.close();
        await cache.close();
        await guards.close();
        await audit.close();
      } finally {
        // What is still buffered goes out, but shutting down does not wait on a collector for long.
        await Promise.race([stopTracing?.(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
      }
      await emulator?.close();
    },
  };
}
