import type { ExecutionResult, OperationTypeNode } from 'graphql';
import type { Logger } from 'pino';
import type { AuditTrail } from './audit/trail.js';
import type { ReadStamp } from './cache/readCache.js';
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
  /**
   * What GraphQL tells the HTTP layer of the request. An object of its own, because
   * Apollo hands resolvers and plugins a copy of the context, never this one.
   */
  notes: RequestNotes;
}

export interface RequestNotes {
  /** Set once the operation is known: only a query's answer may be cached (src/http/graphqlRoute.ts). */
  operation?: OperationTypeNode;
  /** A prepared operation's result that Apollo is to answer with, instead of executing it again (src/executor.ts). */
  ranAlready?: ExecutionResult;
}

/** What the HTTP layer knows of a request when its GraphQL context is made. */
export interface RequestFacts {
  requestId: string;
  /** Who is calling, as authenticated (src/http/authenticateRequests.ts). */
  caller: Caller;
  /** Aborted when the client goes away: reads stop waiting for AWS. Read only when a read needs it, so it may be made then. */
  readonly abortSignal: AbortSignal;
  /** Told of every cached read the request makes, for the response cache. */
  observe?: (stamp: ReadStamp) => void;
}

export function createContextFactory(
  settings: ServedRegions & { batching: boolean },
  services: { directConnect: DirectConnectService; logger: Logger; audit: AuditTrail; metrics: Metrics; plans: Plans; guards: Guards },
) {
  const regions: ServedRegions = { defaultRegion: settings.defaultRegion, regions: settings.regions };
  return (facts: RequestFacts): GatewayContext => {
    const { requestId } = facts;
    // Made when first asked for: most requests never log, and never read from AWS.
    let logger: Logger | undefined;
    return {
      directConnect: services.directConnect,
      loaders: createLoaders(services.directConnect, {
        get abortSignal() {
          return facts.abortSignal;
        },
        observe: facts.observe,
        batching: settings.batching,
        metrics: services.metrics,
      }),
      regions,
      get logger() {
        return (logger ??= services.logger.child({ reqId: requestId }));
      },
      caller: facts.caller,
      requestId,
      audit: services.audit,
      plans: services.plans,
      guards: services.guards,
      notes: {},
    };
  };
}
