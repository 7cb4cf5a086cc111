import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

// Prometheus metrics, one registry per gateway (tests run several in one process).
// Label values are bounded: operations and regions come from the gateway's own
// calls, outcomes from DirectConnectErrorCode, operation names are capped.

const MAX_OPERATION_NAMES = 100;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export interface Metrics {
  registry: Registry;
  awsCalls: Counter<'operation' | 'region' | 'outcome'>;
  awsLatency: Histogram<'operation' | 'region'>;
  cacheEvents: Counter<'event' | 'layer'>;
  loaderBatchSize: Histogram<'loader'>;
  graphqlOperations: Counter<'operation_name' | 'outcome' | 'path'>;
  /** Audit records that could not be written, by kind (intent, outcome, attempt). */
  auditWriteFailures: Counter<'kind'>;
  /** Open graphql-ws sockets. */
  webSockets: Gauge;
  /** Running subscriptions on this replica, by field. */
  subscriptions: Gauge<'field'>;
  /** The watchers' reads of a region for subscriptions, by outcome (success, failed). */
  watcherPolls: Counter<'region' | 'outcome'>;
  /** Events queued for subscribers, by field. */
  liveEvents: Counter<'field'>;
  /** A client-chosen operation name, or "other" once too many distinct names were seen. */
  operationLabel(name: string | null | undefined): string;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const seenNames = new Set<string>();
  const auditWriteFailures = new Counter({
    name: 'dxgraph_audit_write_failures_total',
    help: 'Audit records that could not be written to the audit sink, by kind (intent, outcome, attempt); a failed intent refuses its change as AUDIT_UNAVAILABLE.',
    labelNames: ['kind'],
    registers: [registry],
  });
  // Present at 0 from the start, so an alert on its increase sees the first failure.
  for (const kind of ['intent', 'outcome', 'attempt']) auditWriteFailures.inc({ kind }, 0);
  const subscriptions = new Gauge({
    name: 'dxgraph_subscriptions',
    help: 'Running subscriptions on this replica, by field.',
    labelNames: ['field'],
    registers: [registry],
  });
  const liveEvents = new Counter({
    name: 'dxgraph_live_events_total',
    help: 'Subscription events sent to subscribers on this replica, by field (one per subscriber and change).',
    labelNames: ['field'],
    registers: [registry],
  });
  for (const field of ['lagChanged', 'connectionChanged', 'virtualInterfaceChanged']) {
    subscriptions.set({ field }, 0);
    liveEvents.inc({ field }, 0);
  }
  return {
    registry,
    awsCalls: new Counter({
      name: 'dxgraph_aws_calls_total',
      help: 'AWS Direct Connect calls by operation, region and outcome (success or the gateway error code).',
      labelNames: ['operation', 'region', 'outcome'],
      registers: [registry],
    }),
    awsLatency: new Histogram({
      name: 'dxgraph_aws_call_duration_seconds',
      help: 'Latency of AWS Direct Connect calls, SDK retries included.',
      labelNames: ['operation', 'region'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    cacheEvents: new Counter({
      name: 'dxgraph_cache_events_total',
      help: 'Caches by layer (memory, redis: Describe results; response: answers to queries): hit, miss (an AWS call, or for responses an execution), coalesced (waited for an identical call in flight), refresh (an AWS call ahead of expiry for a key in use).',
      labelNames: ['event', 'layer'],
      registers: [registry],
    }),
    loaderBatchSize: new Histogram({
      name: 'dxgraph_loader_batch_size',
      help: 'Keys per DataLoader batch.',
      labelNames: ['loader'],
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500],
      registers: [registry],
    }),
    graphqlOperations: new Counter({
      name: 'dxgraph_graphql_operations_total',
      help:
        'GraphQL operations by operation name, outcome (success or the first error code) and path: apollo (parsed, validated, run by Apollo), ' +
        'prepared (an operation Apollo validated before, run again without its per-request pipeline) or response_cache (a query answered again as sent).',
      labelNames: ['operation_name', 'outcome', 'path'],
      registers: [registry],
    }),
    auditWriteFailures,
    webSockets: new Gauge({
      name: 'dxgraph_websocket_sockets',
      help: 'Open graphql-ws sockets on /graphql (acknowledged or still waiting for connection_init).',
      registers: [registry],
    }),
    subscriptions,
    watcherPolls: new Counter({
      name: 'dxgraph_watcher_polls_total',
      help: 'Reads of a watched region for subscriptions by this replica\'s watcher (one per interval while it holds the region), by outcome (success, failed).',
      labelNames: ['region', 'outcome'],
      registers: [registry],
    }),
    liveEvents,
    operationLabel(name) {
      if (!name || !OPERATION_NAME.test(name)) return 'anonymous';
      if (seenNames.has(name)) return name;
      if (seenNames.size >= MAX_OPERATION_NAMES) return 'other';
      seenNames.add(name);
      return name;
    },
  };
}
