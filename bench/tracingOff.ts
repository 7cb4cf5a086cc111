import { context, ROOT_CONTEXT, SpanKind, trace, type Context, type ContextManager, type Span, type Tracer } from '@opentelemetry/api';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { start } from '../src/start.js';
import { inActiveSpan, inSpan, noteCacheEvent, spansFromNowOn } from '../src/telemetry.js';
import { postOnce } from './load.js';
import type { BenchOperation } from './operations.js';
import { DEFAULT_REGION, REGIONS } from './servers.js';

// What tracing costs when it is off. Off, no tracing hook, plugin or SDK middleware is
// installed at all, and each span site in the code (src/telemetry.ts) is one boolean
// check before the work it wraps. So the cost is (span sites a request passes) × (what
// one site costs off), and both are measured here:
//
// - the sites, counted: the gateway runs in this process with tracing off, on the
//   bench's emulator; then the sites are switched on (spansFromNowOn) under a tracer
//   that only counts, and each operation is sent as in the rounds. Every span and
//   every cache event is one site;
// - a site's cost off, timed: each kind of site called a few million times with
//   tracing off, the arguments built per call as the code builds them, the cheapest
//   of several runs (the least disturbed). The whole call is counted, not only the
//   check. It is an estimate, not a bound: in a hot loop V8 may inline the call and
//   drop allocations the real site still makes.
//
// Against the shipped gateway's CPU time per request (from the rounds) this gives
// the share of a request that tracing off costs.

export interface SiteCost {
  site: string;
  nsPerCall: number;
}

export interface TracingOffRow {
  operation: string;
  /** Span sites one request passes: spans and cache events, plus the checks every request makes. */
  sites: number;
  /** sites × the dearest site's cost: an estimate. */
  nsPerRequest: number;
  /** shipped's CPU time per request in the rounds, when shipped ran. */
  cpuNsPerRequest?: number;
  /** nsPerRequest ÷ cpuNsPerRequest. */
  share?: number;
}

export interface TracingOffResult {
  costs: SiteCost[];
  rows: TracingOffRow[];
}

/**
 * Checks every request makes whatever it does: the request span's context
 * (inRequestSpan), the trace ID in the request log line, and the prepared path's
 * `tracing` (twice).
 */
const CHECKS_PER_REQUEST = 4;
const CALLS = 2_000_000;
const RUNS = 7;

/** Nanoseconds per call of `call`, the cheapest of RUNS runs after a warm-up run. */
function time(call: (i: number) => unknown): number {
  let best = Infinity;
  let sink = 0;
  for (let run = 0; run <= RUNS; run++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < CALLS; i++) if (call(i) === sink) sink++;
    const ns = Number(process.hrtime.bigint() - started) / CALLS;
    if (run > 0) best = Math.min(best, ns);
  }
  return best;
}

function siteCosts(): SiteCost[] {
  const done = Promise.resolve();
  const kinds = ['attempt', 'intent', 'outcome'];
  const events = ['hit', 'miss', 'coalesced'];
  return [
    {
      // DirectConnectService.call, its options built as the call builds them.
      site: 'AWS call span (inActiveSpan)',
      nsPerCall: time((i) =>
        inActiveSpan(
          `DirectConnect.${kinds[i % 3]}`,
          { kind: SpanKind.CLIENT, attributes: { 'rpc.system': 'aws-api', 'rpc.service': 'DirectConnect', 'rpc.method': kinds[i % 3]!, 'cloud.region': 'us-east-1' } },
          () => i,
        ),
      ),
    },
    { site: 'audit write span (inSpan)', nsPerCall: time((i) => inSpan('audit.write', { 'dxgraph.audit.kind': kinds[i % 3]! }, () => done)) },
    { site: 'cache event (noteCacheEvent)', nsPerCall: time((i) => noteCacheEvent(events[i % 3]!, 'memory')) },
  ];
}

/** Spans and events, counted; nothing recorded. */
function countingTracer(): { counts: { spans: number; events: number }; install(): void } {
  const counts = { spans: 0, events: 0 };
  const span: Span = {
    spanContext: () => ({ traceId: '1'.repeat(32), spanId: '1'.repeat(16), traceFlags: 1 }),
    setAttribute: () => span,
    setAttributes: () => span,
    addEvent: () => {
      counts.events++;
      return span;
    },
    addLink: () => span,
    addLinks: () => span,
    setStatus: () => span,
    updateName: () => span,
    end: () => undefined,
    isRecording: () => true,
    recordException: () => undefined,
  };
  const tracer: Tracer = {
    startSpan: () => {
      counts.spans++;
      return span;
    },
    startActiveSpan: ((...args: unknown[]) => {
      counts.spans++;
      return (args[args.length - 1] as (s: Span) => unknown)(span);
    }) as Tracer['startActiveSpan'],
  };
  // A span is always active, so a cache event always has a span to land on.
  const active: Context = trace.setSpan(ROOT_CONTEXT, span);
  const manager: ContextManager = {
    active: () => active,
    with: (_context, fn, thisArg, ...args) => fn.call(thisArg, ...args),
    bind: (_context, target) => target,
    enable: () => manager,
    disable: () => manager,
  };
  return {
    counts,
    install() {
      trace.setGlobalTracerProvider({ getTracer: () => tracer });
      context.setGlobalContextManager(manager);
      spansFromNowOn();
    },
  };
}

/**
 * Times the sites, then counts them per operation on a gateway in this process. Run
 * last: from here on this process's span sites are on.
 */
export async function tracingOff(
  emulatorUrl: string,
  operations: readonly BenchOperation[],
  shippedCpuNsPerRequest: ReadonlyMap<string, number>,
): Promise<TracingOffResult> {
  const costs = siteCosts();
  const dearest = Math.max(...costs.map((c) => c.nsPerCall));
  // The SDK reads credentials from the environment, as in the gateway's own process.
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  const config = loadConfig({
    NODE_ENV: 'production',
    DX_BACKEND: 'aws',
    // The log as the only audit record: accepted out loud, as DX_BACKEND=aws requires.
    AUDIT_SINK: 'log',
    DX_ENDPOINT: emulatorUrl,
    AUTH_MODE: 'none',
    AWS_REGION: DEFAULT_REGION,
    DX_REGIONS: REGIONS.join(','),
    PORT: '0',
    SHUTDOWN_DELAY_MS: '0',
  });
  if (config.tracing) throw new Error('tracing must be off for this measurement');
  // Audit lines included: they are written whatever the level, to nowhere here.
  const running = await start(config, pino({ level: 'warn' }, pino.destination('/dev/null')));
  const tracer = countingTracer();
  const rows: TracingOffRow[] = [];
  try {
    tracer.install();
    for (const operation of operations) {
      // As in the rounds: the operation prepared, its reads cached.
      for (let i = 0; i < 20; i++) await postOnce(running.url, operation);
      const before = tracer.counts.spans + tracer.counts.events;
      const requests = 50;
      for (let i = 0; i < requests; i++) {
        const { status, body } = await postOnce(running.url, operation);
        if (status !== 200 || body.errors) throw new Error(`${operation.name}: ${status} ${JSON.stringify(body.errors ?? '')}`);
      }
      const sites = (tracer.counts.spans + tracer.counts.events - before) / requests + CHECKS_PER_REQUEST;
      const nsPerRequest = sites * dearest;
      const cpuNsPerRequest = shippedCpuNsPerRequest.get(operation.name);
      rows.push({
        operation: operation.name,
        sites,
        nsPerRequest,
        ...(cpuNsPerRequest === undefined ? {} : { cpuNsPerRequest, share: nsPerRequest / cpuNsPerRequest }),
      });
    }
  } finally {
    await running.stop();
  }
  return { costs, rows };
}
