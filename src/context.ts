import type { ExecutionResult, OperationTypeNode } from 'graphql';
import type { Logger } from 'pino';
import type { AuditTrail } from './audit/trail.js';
import type { Reader } from './cache/readCache.js';
import type { Caller } from './auth/roles.js';
import type { Plans } from './changes/plan.js';
import type { Guards } from './coordination/guards.js';
import type { DirectConnectService } from './aws/directConnect.js';
import type { TrafficService } from './aws/cloudWatch.js';
import type { MaintenanceService } from './aws/health.js';
import type { ServedRegions } from './input.js';
import { createLoaders, type Loaders } from './loaders/index.js';
import type { Live } from './live/live.js';
import type { Metrics } from './metrics.js';

/** What every resolver receives; built fresh for each GraphQL request. */
export interface GatewayContext {
  directConnect: DirectConnectService;
  /** CloudWatch traffic, for the changes' fresh reads (fields read it through the loaders). */
  traffic: TrafficService;
  /** AWS Health maintenance, for the changes' fresh reads (fields read it through the loaders). */
  maintenance: MaintenanceService;
  /**
   * This request's DataLoaders: batching and a per-request memo. What outlives the
   * request is the service's cross-request cache (src/cache/), below them.
   */
  loaders: Loaders;
  /**
   * Forgets this request's reads: new loaders. A subscription's context lives for
   * all its events, and each event reads afresh (src/live/feed.ts).
   */
  renewLoaders(): void;
  /** Subscriptions: the region watchers and the feeds they fill (src/live/). */
  live: Live;
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
  /** The warning codes a real change may carry only with a plan (DX_PLAN_REQUIRED_FOR). */
  planRequiredFor: ReadonlySet<string>;
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
  /** Set by a field read from somewhere other than AWS (the change record): nothing would tell its cached answer stale. */
  uncacheable?: boolean;
}

/**
 * What the HTTP layer knows of a request when its GraphQL context is made: who it is,
 * and the request as the read cache's reader (aborted when the client goes away; told
 * of every cached read, for the response cache).
 */
export interface RequestFacts extends Reader {
  requestId: string;
  /** Who is calling, as authenticated (src/http/authenticateRequests.ts). */
  caller: Caller;
  readonly abortSignal: AbortSignal;
}

type ContextServices = {
  directConnect: DirectConnectService;
  traffic: TrafficService;
  maintenance: MaintenanceService;
  live: Live;
  logger: Logger;
  audit: AuditTrail;
  metrics: Metrics;
  plans: Plans;
  guards: Guards;
};

/**
 * A request's context. A class, so that the lazily made logger is a getter on the
 * prototype: a getter defined on each object would give each context a hidden class
 * of its own (V8 keeps accessors there), in old space, pointing at the request's young
 * objects, which would then survive every minor GC. Apollo copies a context into an
 * object with the same prototype, so its copies have the getter too.
 */
class RequestContext implements GatewayContext {
  readonly directConnect: DirectConnectService;
  readonly traffic: TrafficService;
  readonly maintenance: MaintenanceService;
  loaders: Loaders;
  readonly live: Live;
  readonly caller: Caller;
  readonly requestId: string;
  readonly audit: AuditTrail;
  readonly plans: Plans;
  readonly guards: Guards;
  readonly planRequiredFor: ReadonlySet<string>;
  readonly notes: RequestNotes = {};
  /** Made when first asked for: most requests never log. */
  private madeLogger?: Logger;

  constructor(
    private readonly facts: RequestFacts,
    readonly regions: ServedRegions,
    planRequiredFor: ReadonlySet<string>,
    private readonly batching: boolean,
    private readonly services: ContextServices,
  ) {
    this.directConnect = services.directConnect;
    this.traffic = services.traffic;
    this.maintenance = services.maintenance;
    this.live = services.live;
    this.loaders = this.newLoaders();
    this.caller = facts.caller;
    this.requestId = facts.requestId;
    this.audit = services.audit;
    this.plans = services.plans;
    this.guards = services.guards;
    this.planRequiredFor = planRequiredFor;
  }

  private newLoaders(): Loaders {
    const { directConnect, metrics, traffic, maintenance } = this.services;
    return createLoaders(directConnect, { reader: this.facts, batching: this.batching, metrics, traffic, maintenance });
  }

  renewLoaders(): void {
    this.loaders = this.newLoaders();
  }

  get logger(): Logger {
    return (this.madeLogger ??= this.services.logger.child({ reqId: this.requestId }));
  }
}

export function createContextFactory(settings: ServedRegions & { batching: boolean; planRequiredFor?: readonly string[] }, services: ContextServices) {
  const regions: ServedRegions = { defaultRegion: settings.defaultRegion, regions: settings.regions };
  const planRequiredFor = new Set(settings.planRequiredFor ?? []);
  return (facts: RequestFacts): GatewayContext => new RequestContext(facts, regions, planRequiredFor, settings.batching, services);
}
