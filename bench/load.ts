import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { cpuMeter } from './cpu.js';
import type { BenchOperation } from './operations.js';
import { percentile } from './stats.js';

// Driving one configuration's HTTP endpoint with autocannon, and counting what
// it cost in AWS calls through the emulator's test controls.

export type AwsCalls = Record<string, number>;

export interface Emulator {
  url: string;
  stats(): Promise<AwsCalls>;
  reset(): Promise<void>;
}

export function emulatorControls(url: string): Emulator {
  return {
    url,
    async stats() {
      const response = await fetch(`${url}/_emulator/stats`);
      if (!response.ok) throw new Error(`emulator stats: HTTP ${response.status}`);
      return ((await response.json()) as { requests: AwsCalls }).requests;
    },
    async reset() {
      const response = await fetch(`${url}/_emulator/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`emulator reset: HTTP ${response.status}`);
    },
  };
}

const total = (calls: AwsCalls) => Object.values(calls).reduce((sum, n) => sum + n, 0);

function difference(after: AwsCalls, before: AwsCalls): AwsCalls {
  const delta: AwsCalls = {};
  for (const [operation, n] of Object.entries(after)) {
    const d = n - (before[operation] ?? 0);
    if (d !== 0) delta[operation] = d;
  }
  return delta;
}

/**
 * Waits until the emulator's counts stop moving (requests the load tool gave up
 * on may still be finishing in the gateway), at most `timeoutMs`.
 */
export async function quietStats(emulator: Emulator, timeoutMs = 10_000): Promise<AwsCalls> {
  const until = Date.now() + timeoutMs;
  let last = await emulator.stats();
  while (Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const now = await emulator.stats();
    if (total(now) === total(last)) return now;
    last = now;
  }
  return last;
}

export const requestBody = (operation: BenchOperation) => JSON.stringify({ query: operation.query });

/** One request the ordinary way, to look at what comes back. */
export async function postOnce(url: string, operation: BenchOperation): Promise<{ status: number; body: { data?: unknown; errors?: Array<{ message: string }> } }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: requestBody(operation) });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as { data?: unknown; errors?: Array<{ message: string }> } };
  } catch {
    return { status: response.status, body: { errors: [{ message: `not JSON: ${text.slice(0, 200)}` }] } };
  }
}

export interface LoadSettings {
  connections: number;
  /** Run for this long (warm-up, soak)… */
  durationS?: number;
  /** …or send exactly this many requests (the measured run, so AWS calls divide exactly). */
  amount?: number;
}

export interface LoadResult {
  /** Completed requests ÷ time from the first request to the last response. */
  requestsPerSec: number;
  /** autocannon's own mean of its per-second samples. */
  autocannonMeanPerSec: number;
  /** Completed requests per second over the second half of the run: the rate once warmer. */
  laterRequestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  completed: number;
  sent: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  elapsedS: number;
}

export async function drive(url: string, operation: BenchOperation, settings: LoadSettings): Promise<LoadResult> {
  let started = 0;
  let lastResponse = 0;
  let midpoint = Infinity;
  let laterResponses = 0;
  // autocannon's own percentiles are whole milliseconds: a fast server's p50 reads 0.
  const latencies: number[] = [];
  const instance = autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: requestBody(operation),
    connections: settings.connections,
    ...(settings.amount ? { amount: settings.amount } : { duration: settings.durationS ?? 10 }),
    // A naive request makes hundreds of AWS calls; give it time rather than count it lost.
    timeout: 120,
  });
  instance.once('start', () => {
    started = performance.now();
    if (!settings.amount) midpoint = started + ((settings.durationS ?? 10) * 1000) / 2;
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTimeMs: number) => {
    latencies.push(responseTimeMs);
    lastResponse = performance.now();
    if (lastResponse >= midpoint) laterResponses++;
  });
  const result = await instance;
  const sorted = Float64Array.from(latencies).sort();
  const completed = result.requests.total;
  // With `amount`, autocannon notices it is done only at its next 1-second tick; time the responses instead.
  const elapsedS = started && lastResponse > started ? (lastResponse - started) / 1000 : result.duration;
  return {
    requestsPerSec: completed / elapsedS,
    autocannonMeanPerSec: result.requests.mean,
    laterRequestsPerSec: laterResponses > 0 && lastResponse > midpoint ? laterResponses / ((lastResponse - midpoint) / 1000) : completed / elapsedS,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    completed,
    sent: result.requests.sent,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    elapsedS,
  };
}

/** What the server itself took per request (bench/serverTimes.mjs), over the requests since the last ask. */
export interface ServerTimes {
  count: number;
  p50Ms: number;
  p99Ms: number;
}

/** The server's own times since the last ask, and a new start; undefined from a server that does not keep them. */
export async function serverTimes(url: string): Promise<ServerTimes | undefined> {
  try {
    const response = await fetch(new URL('/__bench/server-times', url));
    if (!response.ok) return undefined;
    // The times themselves, as float64 milliseconds: percentiles are taken here, as for the load tool's.
    const sorted = new Float64Array(await response.arrayBuffer()).sort();
    return { count: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
  } catch {
    return undefined;
  }
}

export interface Measured extends LoadResult {
  /** The server's own time per request in the measured run, from the 'request' event to end(). */
  server?: ServerTimes;
  awsCalls: AwsCalls;
  awsCallsPerRequest: number;
  /** CPU use during the measured run, % of one core, by process. */
  cpuPercent: Record<string, number>;
}

/**
 * Warm up for `warmupS`, then send as many requests as the warm-up's rate fits in
 * `durationS` (at least a few per connection) and divide the emulator's count
 * of AWS calls, taken once the gateway is quiet, by that exact number (none
 * without an emulator: a server that calls no AWS). The rate is the warm-up's
 * second half's: its first half, before V8 has optimised the hot paths, is slower,
 * and a run sized by it would end well short of `durationS`.
 */
export async function measure(
  url: string,
  operation: BenchOperation,
  emulator: Emulator | undefined,
  settings: { connections: number; warmupS: number; durationS: number },
  pids: Record<string, number> = {},
): Promise<Measured> {
  const warm = await drive(url, operation, { connections: settings.connections, durationS: settings.warmupS });
  const before = emulator && (await quietStats(emulator));
  const amount = Math.max(settings.connections * 3, Math.round(warm.laterRequestsPerSec * settings.durationS));
  await serverTimes(url);
  const cpu = cpuMeter(pids);
  const run = await drive(url, operation, { connections: settings.connections, amount });
  const cpuPercent = cpu();
  const server = await serverTimes(url);
  const awsCalls = emulator && before ? difference(await quietStats(emulator), before) : {};
  return { ...run, server, awsCalls, awsCallsPerRequest: total(awsCalls) / Math.max(1, run.completed), cpuPercent };
}
