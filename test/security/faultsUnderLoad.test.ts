import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { totalCalls, useTestGateway } from '../helpers/gateway.js';

// The gateway under 200 concurrent requests while the emulator throttles, fails,
// stalls past the timeout, drops connections and answers garbage: it stays up,
// every answer is correct data or a typed retryable error, nothing goes unhandled,
// and memory comes back to its baseline.

/**
 * Error-level log lines (unexpected errors, 5xx answers), counted without keeping the
 * load's logs in memory. Audit lines are written whatever the level, and are not errors.
 */
const errorLog = { count: 0, first: [] as string[] };
const logger = pino(
  { level: 'error' },
  new Writable({
    write(chunk, _encoding, done) {
      if (chunk.toString().includes('"msg":"audit"')) return done();
      errorLog.count++;
      if (errorLog.first.length < 3) errorLog.first.push(chunk.toString().slice(0, 1000));
      done();
    },
  }),
);

// Gateway, emulator and 200 clients share one event loop here, so an AWS call under
// this load takes several hundred milliseconds even without faults: with 300 ms nearly
// every call times out (typed AWS_UNAVAILABLE, so still correct, but it tests little else).
const TIMEOUT_MS = 1000;
const gw = useTestGateway({ DX_MAX_ATTEMPTS: '2', DX_TIMEOUT_MS: String(TIMEOUT_MS), DX_EMULATOR_SEED: 'demo' }, { resetEachTest: false, logger });

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => {
  unhandled.push(reason);
};
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
});

const RETRYABLE_AWS_CODES = new Set(['THROTTLED', 'AWS_SERVER_ERROR', 'AWS_UNAVAILABLE']);
const FAULT_RATE = 0.15;
const FAULTS = [
  { type: 'throttle', rate: FAULT_RATE },
  { type: 'server-error', rate: FAULT_RATE },
  { type: 'latency', rate: FAULT_RATE, latencyMs: TIMEOUT_MS * 2 },
  { type: 'drop', rate: FAULT_RATE },
  { type: 'garbage', rate: FAULT_RATE },
  { type: 'malformed-json', rate: FAULT_RATE },
];

const DISASSOCIATE = `
  mutation Disassociate($input: DisassociateConnectionFromLagInput!) {
    disassociateConnectionFromLag(input: $input) {
      __typename
      ... on DisassociateConnectionFromLagSuccess { dryRun connection { connectionId lagId } lag { lagId numberOfConnections } }
      ... on DirectConnectError { code message retryable }
    }
  }`;

interface Operation {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
}

const MIX: Operation[] = [
  { name: 'lags', query: `{ lags { lagId connections { connectionId lag { lagId } } } }` },
  { name: 'connection', query: `{ connection(connectionId: "dxcon-allow01a") { connectionId lagId lag { lagId minimumLinks } } }` },
  { name: 'connections', query: `{ connections(region: "eu-west-1") { connectionId lag { lagId } } }` },
  { name: 'dryRun', query: DISASSOCIATE, variables: { input: { connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001', dryRun: true } } },
];

interface Outcome {
  operation: string;
  status: number;
  ms: number;
  text: string;
  body: any;
  /** 'ok', or the error code(s) the response carried. */
  outcome: string;
  problems: string[];
}

/** What each operation answers with no fault on; a success under faults must be exactly this. */
const expected = new Map<string, unknown>();

const matchesBaseline = (operation: Operation, data: unknown) =>
  !expected.has(operation.name) || JSON.stringify(data) === JSON.stringify(expected.get(operation.name));

async function run(operation: Operation): Promise<Outcome> {
  const started = performance.now();
  const response = await fetch(gw.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: operation.query, variables: operation.variables }),
  });
  const text = await response.text();
  const ms = performance.now() - started;
  const problems: string[] = [];
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    problems.push('not JSON');
  }
  if (response.status !== 200) problems.push(`HTTP ${response.status}`);
  if (/stacktrace|\n\s+at |\\n\s+at /i.test(text)) problems.push('stack trace');
  let outcome = 'unreadable';
  if (body) {
    const errors: Array<{ extensions?: { code?: string; retryable?: boolean } }> = body.errors ?? [];
    if (errors.length > 0) {
      const codes = [...new Set(errors.map((e) => e.extensions?.code ?? 'NO_CODE'))].sort();
      outcome = codes.join('+');
      for (const error of errors) {
        if (!RETRYABLE_AWS_CODES.has(error.extensions?.code ?? '')) problems.push(`code ${error.extensions?.code}`);
        if (error.extensions?.retryable !== true) problems.push(`${error.extensions?.code} not retryable`);
      }
    } else if (operation.name === 'dryRun') {
      const result = body.data?.disassociateConnectionFromLag;
      if (result?.__typename === 'DisassociateConnectionFromLagSuccess') {
        outcome = 'ok';
        if (!matchesBaseline(operation, body.data)) problems.push('wrong data');
      } else {
        outcome = `${result?.__typename}:${result?.code}`;
        if (!RETRYABLE_AWS_CODES.has(result?.code) || result?.retryable !== true) problems.push(`member ${outcome} retryable=${result?.retryable}`);
      }
    } else {
      outcome = 'ok';
      if (!matchesBaseline(operation, body.data)) problems.push('wrong data');
    }
  }
  return { operation: operation.name, status: response.status, ms, text, body, outcome, problems };
}

/** 200 requests, all in flight at once, the mix in turn. */
const round = (n = 200) => Promise.all(Array.from({ length: n }, (_, i) => run(MIX[i % MIX.length]!)));

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function withFaults(): Promise<void> {
  await gw.clearFaults();
  for (const fault of FAULTS) await gw.fault(fault);
}

async function heapAfterGc(): Promise<number> {
  // Let sockets close and timers of abandoned attempts fire before measuring.
  for (let i = 0; i < 3; i++) {
    await sleep(50);
    global.gc!();
  }
  return process.memoryUsage().heapUsed;
}

/** Responses counted by operation and outcome, e.g. "lags THROTTLED". */
function tally(results: Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) counts[`${r.operation} ${r.outcome}`] = (counts[`${r.operation} ${r.outcome}`] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

describe('200 concurrent requests with emulator faults on', () => {
  let results: Outcome[] = [];

  beforeAll(async () => {
    await gw.reset();
    for (const operation of MIX) {
      const baseline = await run(operation);
      expect(baseline.problems, baseline.text).toEqual([]);
      expect(baseline.outcome, baseline.text).toBe('ok');
      expected.set(operation.name, baseline.body.data);
    }
  });

  it('answers every request with HTTP 200 and either the right data or a typed retryable error', async () => {
    await gw.reset();
    await withFaults();
    const started = performance.now();
    results = await round();
    const wallMs = performance.now() - started;
    const stats = await gw.awsCalls();
    await gw.clearFaults();

    const byOutcome = tally(results);
    const latencies = results.map((r) => r.ms).sort((a, b) => a - b);
    console.log(
      JSON.stringify(
        {
          requests: results.length,
          wallMs: Math.round(wallMs),
          ok: results.filter((r) => r.outcome === 'ok').length,
          outcomes: byOutcome,
          latencyMs: { p50: Math.round(percentile(latencies, 50)), p99: Math.round(percentile(latencies, 99)), max: Math.round(latencies.at(-1)!) },
          awsCalls: totalCalls(stats),
          errorLogLines: errorLog.count,
        },
        null,
        2,
      ),
    );

    const bad = results.filter((r) => r.problems.length > 0);
    expect(
      bad.map((r) => `${r.operation}: ${r.problems.join(', ')}: ${r.text.slice(0, 300)}`),
      'responses that are neither correct data nor a typed retryable error',
    ).toEqual([]);
    expect(results).toHaveLength(200);
    // The faults did fire, and some requests still got through.
    expect(results.some((r) => r.outcome !== 'ok')).toBe(true);
    expect(results.some((r) => r.outcome === 'ok')).toBe(true);
  });

  it('logs no unexpected error and lets no rejection or exception go unhandled', async () => {
    // Abandoned attempts (timed out, dropped) settle after the responses went out.
    await sleep(TIMEOUT_MS * 3);
    expect(unhandled.map(String)).toEqual([]);
    expect(errorLog.first, 'error-level log lines').toEqual([]);
  });

  it('answers a normal query correctly once the faults are cleared', async () => {
    const cleared = await fetch(`${gw.emulatorUrl}/_emulator/faults`, { method: 'DELETE' });
    expect(cleared.ok).toBe(true);
    const listed = (await (await fetch(`${gw.emulatorUrl}/_emulator/faults`)).json()) as unknown;
    expect(JSON.stringify(listed)).not.toContain('throttle');
    for (const operation of MIX) {
      const r = await run(operation);
      expect(r.problems, r.text).toEqual([]);
      expect(r.outcome, r.text).toBe('ok');
    }
    const health = await fetch(new URL('/healthz', gw.url));
    expect(health.status).toBe(200);
  });

  it.runIf(typeof global.gc === 'function')('returns memory to its baseline after two more rounds under faults', async () => {
    await withFaults();
    await round(); // warm-up: JIT, SDK clients, sockets, DataLoader code paths
    const before = await heapAfterGc();
    const second = await round();
    const third = await round();
    await gw.clearFaults();
    const after = await heapAfterGc();
    const growth = after - before;
    console.log(
      JSON.stringify({
        heapBefore: mb(before),
        heapAfter: mb(after),
        growth: mb(growth),
        rounds: 2,
        requests: second.length + third.length,
        ok: [...second, ...third].filter((r) => r.outcome === 'ok').length,
        outcomes: tally([...second, ...third]),
      }),
    );
    expect([...second, ...third].flatMap((r) => r.problems)).toEqual([]);
    expect(growth).toBeLessThan(30 * 1024 * 1024);
    expect(unhandled.map(String)).toEqual([]);
  }, 45_000);
});
