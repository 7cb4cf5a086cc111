import './environment.js';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ExecutionResult } from 'graphql';
import { coalescingBursts, type BurstResult } from './burst.js';
import { isGatewayVariant, isPeer, type ConfigName } from './configs.js';
import { OTHERS_LIMIT_PERCENT, runConfig, type Findings, type RunContext } from './configRun.js';
import { cpuMeter } from './cpu.js';
import { expectedResult, measureFloor, type FloorResult } from './floor.js';
import { inMemorySchema } from './inMemory.js';
import { loadToolTail } from './loadToolTail.js';
import { soak, type SoakResult } from './memory.js';
import { benchOperations, OPERATION_NAMES, pickFromSeed } from './operations.js';
import { pinLoadTool } from './pinning.js';
import { stopAll, stopChild, stopChildrenOnExit } from './processes.js';
import { formatSubscriptions, measureSubscriptions, type SubscriptionsResult } from './subscriptions.js';
import { buildRef, isBuilt, type RefBuild } from './refs.js';
import { formatLoadToolTail, formatPeerStandings, formatRatios, formatRefComparisons, formatSoak, formatTable, formatTracingOff, ratios } from './report.js';
import { DEFAULT_REGION, REGIONS, startConfig, startEmulator } from './servers.js';
import { ROOT, selectedConfigs as configs, selectedRefs, settings } from './settings.js';
import { loadSnapshot } from './snapshot.js';
import { tracingOff, type TracingOffResult } from './tracingOff.js';
import { medians, peerStandings, refComparisons, type HttpRow } from './summary.js';

// `tsx bench/run.ts` (`npm run bench` builds the working tree first): the emulator
// on the large seed with a remote endpoint's latency; graphql-js alone on the
// same data ("floor"); then BENCH_ROUNDS rounds, each running every configuration
// on the four operations, the order reversed every other round; the medians over
// rounds, the ratios, a memory soak and the coalescing bursts.
//
// Each configuration is started fresh in every round rather than kept running:
// a round is then an independent sample of everything a run depends on (a
// process's start, its heap and JIT state, which core cache it lands in), so the
// spread over rounds shows that variance too; and only the server under test runs
// beside the emulator, with no idle servers' timers and GC on the server's CPU.

const log = (line: string) => console.log(line);
const findings: Findings = { problems: [], warnings: [] };

/** Rough seconds a run takes, from measurements on a 2-core machine, so its length is known at the start. */
function expectedSeconds(unbuiltRefs: number): number {
  const perMeasuredRun = settings.warmupS + settings.durationS + 1.5;
  const perStart = (config: ConfigName) => (isPeer(config) ? 5 : 2);
  const rounds = settings.rounds * configs.reduce((sum, config) => sum + perStart(config) + OPERATION_NAMES.length * perMeasuredRun, 0);
  // naive's list answers a request in about 3 s: its runs last about 20 s whatever the settings.
  const naiveList = configs.includes('naive') ? settings.rounds * Math.max(0, 20 - perMeasuredRun) : 0;
  const shipped = configs.includes('shipped');
  const soakS = shipped && settings.soakS > 0 ? settings.soakS + 5 : 0;
  const burstsS = shipped ? 20 : 0;
  const tracingS = shipped ? 20 : 0;
  const floorS = OPERATION_NAMES.length * (settings.floorS + 1);
  const toolTailS = 2 + settings.warmupS + settings.durationS;
  return 10 + floorS + toolTailS + rounds + naiveList + soakS + burstsS + tracingS + unbuiltRefs * 30;
}

/** Whether the working tree's build reads the switches the loaders-only and naive rows rely on. */
async function gatewaySwitches(): Promise<{ cacheTtl: boolean; batching: boolean }> {
  const config = await readFile(path.join(ROOT, 'dist/config.js'), 'utf8');
  return { cacheTtl: config.includes('DX_CACHE_TTL_MS'), batching: config.includes('DX_BATCHING') };
}

async function main(): Promise<void> {
  stopChildrenOnExit();
  const startedAt = new Date();
  // The working tree's build is needed only for its own configurations (and for
  // the emulator when no ref's build can serve it): a run of refs and peers
  // measures committed code even while the working tree does not build.
  const usesWorkingTree = configs.some(isGatewayVariant) || selectedRefs.length === 0;
  if (usesWorkingTree) {
    for (const entry of ['dist/main.js', 'dist/emulator/main.js', 'dist/config.js']) {
      if (!existsSync(path.join(ROOT, entry))) throw new Error(`${entry} is missing: run npm run build first (npm run bench does)`);
    }
  }
  const unbuilt = selectedRefs.filter((ref) => !isBuilt(ref.sha)).length;
  const expected = expectedSeconds(unbuilt);
  log(
    `dxgraph benchmark: ${configs.join(', ')}; ${settings.rounds} round(s) of ${settings.warmupS} s warm-up + ~${settings.durationS} s per operation, ` +
      `${settings.connections} connections, emulator latency ${settings.latencyMs} ms, floor ${settings.floorS} s per operation, soak ${settings.soakS} s; ` +
      `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`,
  );
  log(`expected to take about ${Math.ceil(expected / 60)} min (finishing around ${new Date(Date.now() + expected * 1000).toTimeString().slice(0, 5)})`);

  // Builds before pinning, so they have every CPU.
  const refs = new Map<string, RefBuild>();
  for (const ref of selectedRefs) {
    const build = await buildRef(ROOT, ref, log);
    refs.set(ref.name, build);
    log(`${ref.name} = ${ref.sha} (${ref.asked}), ${build.reused ? 'built before, reused' : 'built now'}: ${build.dir}`);
  }
  const switches = configs.includes('naive') || configs.includes('loaders-only') ? await gatewaySwitches() : undefined;
  if (switches && (!switches.cacheTtl || !switches.batching)) {
    const missing = [!switches.cacheTtl && 'DX_CACHE_TTL_MS', !switches.batching && 'DX_BATCHING'].filter(Boolean).join(' and ');
    log(`NOTE: the built gateway does not read ${missing} yet, so "loaders-only"/"naive" run as shipped does in that respect.`);
  }

  const pinning = pinLoadTool(settings.pin);
  log(pinning.note);
  if (!pinning.pinned && settings.pin) findings.warnings.push(`${pinning.note}: servers and load tool shared the CPUs`);

  const emulatorDir = usesWorkingTree ? ROOT : [...refs.values()][0]!.dir;
  const { child: emulatorChild, emulator } = await startEmulator(emulatorDir, settings.latencyMs, pinning);
  log(`emulator (large seed, from ${emulatorDir === ROOT ? 'the working tree' : `the build of ${[...refs.values()][0]!.name}`}) at ${emulator.url}`);
  const snapshot = await loadSnapshot(emulator.url, REGIONS, DEFAULT_REGION);
  const home = snapshot.regions[DEFAULT_REGION]!;
  log(`seed: ${REGIONS.map((r) => `${r} ${snapshot.regions[r]!.connections.length} connections / ${snapshot.regions[r]!.lags.length} LAGs`).join(', ')}`);
  if (home.connections.length < 400) findings.problems.push(`expected 400 connections in ${DEFAULT_REGION}, found ${home.connections.length}`);
  const picks = pickFromSeed(snapshot);
  const operations = benchOperations(picks);

  // The floor first, while nothing else runs on the machine.
  const schema = inMemorySchema(snapshot);
  const answers = new Map<string, ExecutionResult>();
  const floor: FloorResult[] = [];
  log(`\nfloor (graphql-js execute in this process, NODE_ENV=${process.env.NODE_ENV})`);
  for (const operation of operations) {
    answers.set(operation.name, await expectedResult(schema, operation));
    const cpu = cpuMeter({});
    const result = await measureFloor(schema, operation, settings.floorS);
    const others = cpu()['other processes'] ?? 0;
    if (others > OTHERS_LIMIT_PERCENT) findings.warnings.push(`floor ${operation.name}: other processes used ${others}% of a core during the run; the machine was not quiet`);
    floor.push(result);
    log(`  ${operation.name.padEnd(6)} ${result.opsPerSec.toFixed(0).padStart(7)} ops/s  p50 ${result.p50Ms.toFixed(3)} ms  p99 ${result.p99Ms.toFixed(3)} ms`);
  }

  log('\nthe load tool on a server that does nothing (bench/bareHttp.mjs), where the configurations run');
  const toolTail = await loadToolTail(pinning, operations[0]!, settings).catch((error: unknown) => {
    findings.warnings.push(`the load tool's own tail was not measured: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  });
  if (toolTail) log(`  ${formatLoadToolTail(toolTail)}`);

  const ctx: RunContext = {
    emulator,
    emulatorPid: emulatorChild.pid,
    operations,
    expected: answers,
    pinning,
    refs,
    load: settings,
    findings,
    log,
  };
  const rows: HttpRow[] = [];
  const orders: ConfigName[][] = [];
  for (let round = 1; round <= settings.rounds; round++) {
    // Reversed every other round: no configuration always runs first or last, or after the same one.
    const order = round % 2 === 1 ? [...configs] : [...configs].reverse();
    orders.push(order);
    for (const [i, config] of order.entries()) rows.push(...(await runConfig(config, round, i + 1, ctx)));
  }

  const list = operations.find((o) => o.name === 'list')!;
  let memory: SoakResult | undefined;
  if (configs.includes('shipped') && settings.soakS > 0) {
    log(`\nshipped, memory: ${settings.soakS} s of every operation at once, sampled every second`);
    const { child, url } = await startConfig('shipped', emulator.url, pinning, refs);
    try {
      memory = await soak(url, child.pid, operations, { seconds: settings.soakS, connections: settings.connections, everyS: 1 });
    } finally {
      await stopChild(child);
    }
    const failed = memory.loads.reduce((sum, { load }) => sum + load.non2xx + load.errors + load.timeouts, 0);
    if (failed > 0) findings.problems.push(`shipped soak: ${failed} failed requests`);
    if (!memory.levelled) {
      const heap = memory.secondHalfHeapGrowthMb === undefined ? '' : `, heap used +${memory.secondHalfHeapGrowthMb.toFixed(1)} MB`;
      findings.problems.push(`shipped soak: memory still growing in the second half (floor of rss +${memory.secondHalfRssGrowthMb.toFixed(1)} MB${heap})`);
    }
  }
  const bursts: BurstResult[] = configs.includes('shipped')
    ? await coalescingBursts(emulator, list, (extraEnv) => startConfig('shipped', emulator.url, pinning, refs, extraEnv), findings, ROOT)
    : [];

  let live: SubscriptionsResult | undefined;
  if (configs.includes('shipped')) {
    const watchIntervalMs = 5000;
    log(`\nshipped, subscriptions: 1,000 over 50 sockets on one LAG, DX_WATCH_INTERVAL_MS=${watchIntervalMs}`);
    const { child, url } = await startConfig('shipped', emulator.url, pinning, refs);
    try {
      live = await measureSubscriptions(url, emulator.url, watchIntervalMs, findings);
    } catch (error) {
      findings.problems.push(`subscriptions: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      await stopChild(child);
    }
    await emulator.reset();
  }

  const names = operations.map((o) => o.name);
  const table = medians(rows, configs, names);

  // Last: it switches this process's span sites on.
  let tracing: TracingOffResult | undefined;
  if (configs.includes('shipped')) {
    const cpuNs = new Map(
      table.filter((r) => r.config === 'shipped' && r.cpuPercent.shipped).map((r) => [r.operation, (1e9 * (r.cpuPercent.shipped! / 100)) / r.requestsPerSec]),
    );
    tracing = await tracingOff(emulator.url, operations, cpuNs);
  }
  const ratioList = ratios(table, floor, names);
  const standings = peerStandings(rows, table, configs, names);
  const builds = refComparisons(rows, table, configs, names);
  log(`\nmedians over ${settings.rounds} round(s) (range: half the spread of req/s over rounds, in % of the median)\n${formatTable(table, floor)}`);
  if (ratioList.length > 0) log(`\n${formatRatios(ratioList)}`);
  if (standings.length > 0) {
    log(
      `\nthe gateway against the peers, req/s (ratio of medians; in brackets each round's lowest–highest ratio), and its p99 ÷ p50, ` +
        `as the load tool saw it and of the server's own time per request\n${formatPeerStandings(standings)}` +
        (toolTail ? `\n(the load tool on a server that does nothing: ${formatLoadToolTail(toolTail)})` : ''),
    );
  }
  if (builds.length > 0) log(`\nbuilds against each other, req/s over ${settings.rounds} round(s)\n${formatRefComparisons(builds)}`);
  if (memory) log(`\nmemory, shipped under every operation at once:\n${formatSoak(memory)}`);
  if (tracing) {
    log(
      `\ntracing off (no OTLP endpoint): what one span site costs, timed, and the sites each request passes, counted; ` +
        `the cost is about sites × the dearest site, against shipped's CPU time per request in the rounds\n${formatTracingOff(tracing)}`,
    );
  }
  if (live) log(`\nsubscriptions (shipped):\n${formatSubscriptions(live)}`);
  if (bursts.length > 0) {
    log('\n100 concurrent identical list requests on a cold cache (shipped):');
    for (const b of bursts) log(`  ${b.replicas} replica(s)${b.replicas > 1 ? ' sharing Redis' : ''}: AWS calls ${JSON.stringify(b.awsCalls)}, ${b.failed} failed`);
  }

  const file = path.join(ROOT, 'bench-results', `bench-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  await mkdir(path.dirname(file), { recursive: true });
  // JSON has no Infinity: a ratio over a configuration that made no AWS calls is "Infinity".
  const finite = (value: number | null) => (value === Infinity ? 'Infinity' : value);
  const json = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    expectedSeconds: expected,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, platform: `${os.platform()} ${os.release()}` },
    settings: { ...settings, configs, regions: REGIONS, defaultRegion: DEFAULT_REGION, floorNodeEnv: process.env.NODE_ENV },
    pinning,
    refs: [...refs.values()],
    emulatorFrom: emulatorDir,
    gatewaySwitches: switches,
    seed: { picks, regions: Object.fromEntries(REGIONS.map((r) => [r, { connections: snapshot.regions[r]!.connections.length, lags: snapshot.regions[r]!.lags.length }])) },
    operations: operations.map(({ name, description, query }) => ({ name, description, query })),
    roundOrders: orders,
    medians: table,
    rounds: rows,
    floor,
    loadToolTail: toolTail,
    ratios: ratioList.map((r) => ({ ...r, value: finite(r.value) })),
    peerStandings: standings.map((s) => ({ ...s, p99OverP50: finite(s.p99OverP50), serverP99OverP50: finite(s.serverP99OverP50) })),
    refComparisons: builds,
    memory,
    tracingOff: tracing,
    bursts,
    subscriptions: live,
    problems: findings.problems,
    warnings: findings.warnings,
  };
  await writeFile(file, `${JSON.stringify(json, null, 2)}\n`);
  log(`\nresults: ${file}`);
  const took = (Date.now() - startedAt.getTime()) / 1000;
  log(`took ${Math.round(took / 60)} min (expected ${Math.ceil(expected / 60)})`);
  if (findings.warnings.length > 0) log(`\nWARNINGS:\n${findings.warnings.map((w) => `  - ${w}`).join('\n')}`);
  if (findings.problems.length > 0) {
    log(`\nPROBLEMS:\n${findings.problems.map((p) => `  - ${p}`).join('\n')}`);
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

