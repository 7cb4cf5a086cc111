import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { AuditTrail } from './audit/trail.js';
import type { Caller } from './auth/roles.js';
import type { Plans } from './changes/plan.js';
import type { Guards } from './coordination/guards.js';
import type { DirectConnectService } from './directconnect/service.js';
import type { ServedRegions } from './input.js';
import { createLoaders, type Loaders } from './loaders/index.js';
import type { Metrics } from './metrics.js';

/** What every resolver receives; built fresh for each GraphQL request. */
export interface GatewayContext {
  directConnect: DirectConnectService;
  /**
   * This request's DataLoaders: batching and a per-request memo. What outlives the
   * request is the service's cross-request cache (src/cache/), below them.
   */
  loaders: Loaders;
  regions: ServedRegions;
  /** The request's logger, carrying its request ID. */
  logger: Logger;
  /** Who is calling; set by the authentication middleware. */
  caller: Caller;
  requestId: string;
  audit: AuditTrail;
  plans: Plans;
  /** Exactly-once records and per-LAG locks, shared by the replicas through Redis when REDIS_URL is set. */
  guards: Guards;
}

export function createContextFactory(
  settings: ServedRegions & { batching: boolean },
  services: { directConnect: DirectConnectService; logger: Logger; audit: AuditTrail; metrics: Metrics; plans: Plans; guards: Guards },
) {
  const regions: ServedRegions = { defaultRegion: settings.defaultRegion, regions: settings.regions };
  return async ({ req, res }: { req: Request; res: Response }): Promise<GatewayContext> => {
    // Reads stop waiting for AWS once the client has gone away.
    const abandoned = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) abandoned.abort();
    });
    return {
      directConnect: services.directConnect,
      loaders: createLoaders(services.directConnect, { abortSignal: abandoned.signal, batching: settings.batching, metrics: services.metrics }),
      regions,
      logger: req.log ?? services.logger,
      // Fail closed: without the authentication middleware's verdict, no roles.
      caller: (res.locals.caller as Caller | undefined) ?? { id: 'unauthenticated', roles: [], via: 'none' },
      requestId: String(req.id),
      audit: services.audit,
      plans: services.plans,
      guards: services.guards,
    };
  };
}
