import './environment.js';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { ExecutionResult } from 'graphql';
import { burst, type BurstResult } from './burst.js';
import { cpuMeter } from './cpu.js';
import { expectedResult, measureFloor, type FloorResult } from './floor.js';
import { inMemorySchema } from './inMemory.js';
import { emulatorControls, measure, postOnce, type Emulator } from './load.js';
import { soak, type SoakResult } from './memory.js';
import { benchOperations, pickFromSeed, type BenchOperation } from './operations.js';
import { freePort, isRunning, startChild, stopAll, stopChild, stopChildrenOnExit, waitForLine, type Child } from './processes.js';
import { formatRatios, formatSoak, formatTable, ratios, type ConfigName, type HttpRow } from './report.js';
import { loadSnapshot } from './snapshot.js';

// `npm run bench` (after `npm run build`): the emulator on the large seed with a
// remote endpoint's latency, then four configurations answering the same four
// operations — the gateway as shipped, as shipped but executing with graphql-js
// instead of graphql-jit, with its cross-request cache off ("loaders only"), with
// loaders and cache off ("naive"), a default Apollo
// Server on in-memory data ("reference") — plus graphql-js alone ("floor").

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];
const DEFAULT_REGION = 'us-east-1';

function setting(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    console.error(`${name} must be a whole number ≥ ${min} (got "${raw}")`);
    process.exit(2);
  }
  return value;
}

const settings = {
  durationS: setting('BENCH_DURATION_S', 10, 1),
  warmupS: setting('BENCH_WARMUP_S', 2, 1),
  connections: setting('BENCH_CONNECTIONS', 10, 1),
  floorS: setting('BENCH_FLOOR_S', 3, 1),
  soakS: setting('BENCH_SOAK_S', 60, 0),
  latencyMs: setting('BENCH_LATENCY_MS', 50, 0),
};
const ALL_CONFIGS: ConfigName[] = ['shipped', 'shipped-graphql-js', 'loaders-only', 'naive', 'reference'];
const configs = (process.env.BENCH_CONFIGS?.split(',').map((c) => c.trim()).filter(Boolean) ?? ALL_CONFIGS) as ConfigName[];
for (const config of configs) {
  if (!ALL_CONFIGS.includes(config)) {
    console.error(`BENCH_CONFIGS: unknown configuration "${config}" (known: ${ALL_CONFIGS.join(', ')})`);
    process.exit(2);
  }
}

/** Children see only what they are given: nothing of this shell's AWS or DX settings leaks in. */
const baseEnv = (): Record<string, string> => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? ROOT });

/** Failures: the run exits non-zero. */
const problems: string[] = [];
/** Disturbances: reported, the run still counts. */
const warnings: string[] = [];
const log = (line: string) => console.log(line);

async function startEmulator(): Promise<{ child: Child; emulator: Emulator }> {
  const port = await freePort();
  const child = startChild('emulator', process.execPath, ['dist/emulator/main.js'], {
    ...baseEnv(),
    DX_EMULATOR_SEED: 'large',
    DX_EMULATOR_LATENCY_MS: String(settings.latencyMs),
    DX_EMULATOR_PORT: String(port),
  }, ROOT);
  const [, url] = await waitForLine(child, /emulator\b.*\bat (http:\/\/\S+)/, 30_000);
  return { child, emulator: emulatorControls(url!) };
}

/** Until `{ __typename }` answers 200, at most 30 s. */
async function waitReady(url: string, child: Child): Promise<void> {
  const until = Date.now() + 30_000;
  const probe: BenchOperation = { name: 'one', description: 'readiness', query: '{ __typename }' };
  while (Date.now() < until) {
    if (!isRunning(child)) throw new Error(`${child.name} exited:\n${child.tail()}`);
    try {
      if ((await postOnce(url, probe)).status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${child.name} did not answer at ${url} within 30 s:\n${child.tail()}`);
}

async function startConfig(config: ConfigName, emulatorUrl: string, extraEnv: Record<string, string> = {}): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  if (config === 'reference') {
    const child = startChild('reference', process.execPath, ['--import', 'tsx', 'bench/reference.ts'], {
      ...baseEnv(),
      BENCH_EMULATOR_URL: emulatorUrl,
      BENCH_REGIONS: REGIONS.join(','),
      BENCH_DEFAULT_REGION: DEFAULT_REGION,
      PORT: String(port),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    }, ROOT);
    const [, url] = await waitForLine(child, /reference ready at (\S+)/, 60_000);
    return { child, url: url! };
  }
  const knobs: Record<string, string> =
    config === 'naive'
      ? { DX_CACHE_TTL_MS: '0', DX_BATCHING: 'off' }
      : config === 'loaders-only'
        ? { DX_CACHE_TTL_MS: '0' }
        : config === 'shipped-graphql-js'
          ? { GRAPHQL_EXECUTOR: 'graphql-js' }
          : {};
  const child = startChild(config, process.execPath, ['dist/main.js'], {
    ...baseEnv(),
    NODE_ENV: 'production',
    DX_BACKEND: 'aws',
    DX_ENDPOINT: emulatorUrl,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    // Credentials come from the environment; never look for an instance role.
    AWS_EC2_METADATA_DISABLED: 'true',
    AUTH_MODE: 'none',
    AWS_REGION: DEFAULT_REGION,
    DX_REGIONS: REGIONS.join(','),
    PORT: String(port),
    LOG_LEVEL: 'warn',
    ...knobs,
    ...extraEnv,
  }, ROOT);
  const url = `http://127.0.0.1:${port}/graphql`;
  await waitReady(url, child);
  return { child, url };
}

/**
 * Fresh shipped gateways (cold caches): one alone, then three sharing a Redis
 * (Debian's redis-server, if this machine has it), each hit by one burst.
 */
async function coalescingBursts(emulator: Emulator, list: BenchOperation): Promise<BurstResult[]> {
  const results: BurstResult[] = [];
  const single = await startConfig('shipped', emulator.url);
  results.push(await burst(emulator, [single.url], list));
  await stopChild(single.child);
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    warnings.push('redis-server is not installed: the three-replica burst was skipped');
    return results;
  }
  const port = await freePort();
  const redis = startChild('redis', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], baseEnv(), ROOT);
  await waitForLine(redis, /Ready to accept connections/, 10_000);
  const replicas = await Promise.all([1, 2, 3].map(() => startConfig('shipped', emulator.url, { REDIS_URL: `redis://127.0.0.1:${port}` })));
  results.push(await burst(emulator, replicas.map((r) => r.url), list));
  await Promise.all([...replicas.map((r) => stopChild(r.child)), stopChild(redis)]);
  for (const b of results) if (b.failed > 0) problems.push(`burst on ${b.replicas} replica(s): ${b.failed} requests failed`);
  return results;
}

/** Whether the built gateway reads the switches the loaders-only and naive rows rely on. */
async function gatewaySwitches(): Promise<{ cacheTtl: boolean; batching: boolean }> {
  const config = await readFile(new URL('../dist/config.js', import.meta.url), 'utf8');
  return { cacheTtl: config.includes('DX_CACHE_TTL_MS'), batching: config.includes('DX_BATCHING') };
}

async function benchConfig(
  config: ConfigName,
  emulator: Emulator,
  emulatorPid: number,
  operations: BenchOperation[],
  expected: Map<string, ExecutionResult>,
  rows: HttpRow[],
): Promise<SoakResult | undefined> {
  log(`\n${config}: starting`);
  const { child, url } = await startConfig(config, emulator.url);
  let soaked: SoakResult | undefined;
  try {
    for (const operation of operations) {
      await emulator.reset();
      const sample = await postOnce(url, operation);
      if (sample.status !== 200 || sample.body.errors?.length) {
        throw new Error(`${config} ${operation.name}: HTTP ${sample.status}, ${sample.body.errors?.[0]?.message ?? 'no errors'}`);
      }
      const sampleMatchesFloor = JSON.stringify(sample.body.data) === JSON.stringify(expected.get(operation.name)?.data);
      if (!sampleMatchesFloor) problems.push(`${config} ${operation.name}: the response differs from graphql-js's answer on the same data`);

      const measured = await measure(url, operation, emulator, settings, { [config]: child.pid, emulator: emulatorPid });
      const after = await postOnce(url, operation);
      if (after.status !== 200 || after.body.errors?.length) {
        problems.push(`${config} ${operation.name}: after the run, HTTP ${after.status}, ${after.body.errors?.[0]?.message ?? ''}`);
      }
      const failed = measured.non2xx + measured.errors + measured.timeouts;
      if (failed > 0) {
        problems.push(`${config} ${operation.name}: ${measured.non2xx} non-2xx, ${measured.errors} errors, ${measured.timeouts} timeouts`);
      }
      const others = measured.cpuPercent['other processes'] ?? 0;
      if (others > 25) {
        warnings.push(`${config} ${operation.name}: other processes used ${others}% of a core during the run; the machine was not quiet`);
      }
      rows.push({ config, operation: operation.name, sampleMatchesFloor, ...measured });
      log(
        `  ${operation.name.padEnd(6)} ${measured.requestsPerSec.toFixed(0).padStart(6)} req/s  p50 ${measured.p50Ms.toFixed(1)} ms  ` +
          `p99 ${measured.p99Ms.toFixed(1)} ms  ${measured.awsCallsPerRequest.toFixed(3)} AWS calls/req ${JSON.stringify(measured.awsCalls)}  ` +
          `(${measured.completed} requests in ${measured.elapsedS.toFixed(1)} s${failed ? `, ${failed} FAILED` : ''}; ` +
          `CPU ${Object.entries(measured.cpuPercent).map(([name, pct]) => `${name} ${pct}%`).join(', ')})`,
      );
    }
    if (config === 'shipped' && settings.soakS > 0) {
      log(`  memory: ${settings.soakS} s of list, sampled every 5 s`);
      const list = operations.find((o) => o.name === 'list')!;
      soaked = await soak(url, child.pid, list, { seconds: settings.soakS, connections: settings.connections, everyS: 5 });
      const failed = soaked.load.non2xx + soaked.load.errors + soaked.load.timeouts;
      if (failed > 0) problems.push(`shipped soak: ${failed} failed requests`);
    }
  } finally {
    await stopChild(child);
  }
  return soaked;
}

async function main(): Promise<void> {
  for (const entry of ['dist/main.js', 'dist/emulator/main.js', 'dist/config.js']) {
    if (!existsSync(new URL(`../${entry}`, import.meta.url))) throw new Error(`${entry} is missing: run npm run build first (npm run bench does)`);
  }
  stopChildrenOnExit();
  const startedAt = new Date();
  const switches = await gatewaySwitches();
  if (!switches.cacheTtl || !switches.batching) {
    const missing = [!switches.cacheTtl && 'DX_CACHE_TTL_MS', !switches.batching && 'DX_BATCHING'].filter(Boolean).join(' and ');
    log(`NOTE: the built gateway does not read ${missing} yet, so "loaders-only"/"naive" run as shipped does in that respect.`);
  }
  log(
    `dxgraph benchmark: ${settings.connections} connections, ${settings.warmupS} s warm-up + ~${settings.durationS} s per operation, ` +
      `emulator latency ${settings.latencyMs} ms, floor ${settings.floorS} s per operation, soak ${settings.soakS} s; ` +
      `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`,
  );

  const { child: emulatorChild, emulator } = await startEmulator();
  log(`emulator (large seed) at ${emulator.url}`);
  const snapshot = await loadSnapshot(emulator.url, REGIONS, DEFAULT_REGION);
  const home = snapshot.regions[DEFAULT_REGION]!;
  log(`seed: ${REGIONS.map((r) => `${r} ${snapshot.regions[r]!.connections.length} connections / ${snapshot.regions[r]!.lags.length} LAGs`).join(', ')}`);
  if (home.connections.length < 400) problems.push(`expected 400 connections in ${DEFAULT_REGION}, found ${home.connections.length}`);
  const picks = pickFromSeed(snapshot);
  const operations = benchOperations(picks);

  // The floor first, while nothing else runs on the machine.
  const schema = inMemorySchema(snapshot);
  const expected = new Map<string, ExecutionResult>();
  const floor: FloorResult[] = [];
  log(`\nfloor (graphql-js execute in this process, NODE_ENV=${process.env.NODE_ENV})`);
  for (const operation of operations) {
    expected.set(operation.name, await expectedResult(schema, operation));
    const cpu = cpuMeter({});
    const result = await measureFloor(schema, operation, settings.floorS);
    const others = cpu()['other processes'] ?? 0;
    if (others > 25) warnings.push(`floor ${operation.name}: other processes used ${others}% of a core during the run; the machine was not quiet`);
    floor.push(result);
    log(`  ${operation.name.padEnd(6)} ${result.opsPerSec.toFixed(0).padStart(7)} ops/s  p50 ${result.p50Ms.toFixed(3)} ms  p99 ${result.p99Ms.toFixed(3)} ms`);
  }

  const rows: HttpRow[] = [];
  let memory: SoakResult | undefined;
  for (const config of configs) {
    memory = (await benchConfig(config, emulator, emulatorChild.pid, operations, expected, rows)) ?? memory;
  }

  const bursts = configs.includes('shipped') ? await coalescingBursts(emulator, operations.find((o) => o.name === 'list')!) : [];

  const table = formatTable(rows, floor);
  const ratioList = ratios(rows, floor, operations.map((o) => o.name));
  log(`\n${table}\n\n${formatRatios(ratioList)}`);
  if (memory) log(`\nmemory, shipped under list load:\n${formatSoak(memory)}`);
  if (bursts.length > 0) {
    log('\n100 concurrent identical list requests on a cold cache (shipped):');
    for (const b of bursts) log(`  ${b.replicas} replica(s)${b.replicas > 1 ? ' sharing Redis' : ''}: AWS calls ${JSON.stringify(b.awsCalls)}, ${b.failed} failed`);
  }

  const file = new URL(`../bench-results/bench-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`, import.meta.url);
  await mkdir(new URL('.', file), { recursive: true });
  const json = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, platform: `${os.platform()} ${os.release()}` },
    settings: { ...settings, configs, regions: REGIONS, defaultRegion: DEFAULT_REGION, floorNodeEnv: process.env.NODE_ENV },
    gatewaySwitches: switches,
    seed: { picks, regions: Object.fromEntries(REGIONS.map((r) => [r, { connections: snapshot.regions[r]!.connections.length, lags: snapshot.regions[r]!.lags.length }])) },
    operations: operations.map(({ name, description, query }) => ({ name, description, query })),
    results: rows,
    floor,
    // JSON has no Infinity: a ratio over a configuration that made no AWS calls is "Infinity".
    ratios: ratioList.map((r) => ({ ...r, value: r.value === Infinity ? 'Infinity' : r.value })),
    memory,
    bursts,
    problems,
    warnings,
  };
  await writeFile(file, `${JSON.stringify(json, null, 2)}\n`);
  log(`\nresults: ${fileURLToPath(file)}`);
  if (warnings.length > 0) log(`\nWARNINGS:\n${warnings.map((w) => `  - ${w}`).join('\n')}`);
  if (problems.length > 0) {
    log(`\nPROBLEMS:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    process.exitCode = 1;
  }
}

try {
  await main();
} catch (error) {
  console.error(`benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await stopAll();
}
