import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { AuditTrail } from './audit.js';
import type { Caller } from './auth/roles.js';
import type { DirectConnectService } from './directconnect/service.js';
import type { ServedRegions } from './directconnect/input.js';
import { createLoaders, type Loaders } from './loaders/index.js';
import type { Metrics } from './metrics.js';

/** What every resolver receives; built fresh for each GraphQL request. */
export interface GatewayContext {
  directConnect: DirectConnectService;
  /** Per-request DataLoaders: nothing is cached across requests. */
  loaders: Loaders;
  regions: ServedRegions;
  /** The request's logger, carrying its request ID. */
  logger: Logger;
  /** Who is calling; set by the authentication middleware. */
  caller: Caller;
  requestId: string;
  audit: AuditTrail;
}

export interface ContextDeps {
  directConnect: DirectConnectService;
  regions: ServedRegions;
  logger: Logger;
  audit: AuditTrail;
  metrics: Metrics;
  /** DataLoader batching; off only to measure a naive gateway. */
  batching: boolean;
}

export function createContextFactory(deps: ContextDeps) {
  return async ({ req, res }: { req: Request; res: Response }): Promise<GatewayContext> => {
    // Reads stop waiting for AWS once the client has gone away.
    const abandoned = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) abandoned.abort();
    });
    return {
      directConnect: deps.directConnect,
      loaders: createLoaders(deps.directConnect, { abortSignal: abandoned.signal, batching: deps.batching, metrics: deps.metrics }),
      regions: deps.regions,
      logger: req.log ?? deps.logger,
      // Fail closed: without the authentication middleware's verdict, no roles.
      caller: (res.locals.caller as Caller | undefined) ?? { id: 'unauthenticated', roles: [], via: 'none' },
      requestId: String(req.id),
      audit: deps.audit,
    };
  };
}
