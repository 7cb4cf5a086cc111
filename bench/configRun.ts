import type { ExecutionResult } from 'graphql';
import type { ConfigName } from './configs.js';
import { waitForQuiet } from './cpu.js';
import { measure, postOnce, type Emulator, type Measured } from './load.js';
import type { BenchOperation } from './operations.js';
import type { Pinning } from './pinning.js';
import { stopChild } from './processes.js';
import type { RefBuild } from './refs.js';
import { startConfig } from './servers.js';
import type { HttpRow } from './summary.js';

// One configuration in one round: started fresh, a sample of each operation
// checked against graphql-js's answer, each operation warmed up then measured,
// and stopped.

export interface Findings {
  /** Failures: the run exits non-zero. */
  problems: string[];
  /** Disturbances: reported, the run still counts. */
  warnings: string[];
}

export interface RunContext {
  emulator: Emulator;
  emulatorPid: number;
  operations: BenchOperation[];
  /** graphql-js's answer on the in-memory data, by operation. */
  expected: Map<string, ExecutionResult>;
  pinning: Pinning;
  refs: ReadonlyMap<string, RefBuild>;
  load: { connections: number; warmupS: number; durationS: number };
  findings: Findings;
  log: (line: string) => void;
}

/** Above this, in % of a core, something besides the benchmark ran during a measurement. */
export const OTHERS_LIMIT_PERCENT = 25;
/** Measurements of one configuration on one operation in one round, when the first ones were disturbed. */
const ATTEMPTS = 3;
/** How long to wait for the rest of the machine to go quiet before measuring again. */
const QUIET_WAIT_S = 120;

/**
 * Warm-up and measured run, again (after waiting for quiet) if something besides
 * the benchmark used the CPUs meanwhile: on a shared machine a disturbed run is
 * measured again rather than left in the medians. The last attempt counts.
 */
async function measureQuietly(url: string, operation: BenchOperation, pids: Record<string, number>, label: string, ctx: RunContext): Promise<Measured & { disturbedAttempts: number[] }> {
  const disturbedAttempts: number[] = [];
  for (let attempt = 1; ; attempt++) {
    const measured = await measure(url, operation, ctx.emulator, ctx.load, pids);
    const others = measured.cpuPercent['other processes'] ?? 0;
    if (others <= OTHERS_LIMIT_PERCENT) return { ...measured, disturbedAttempts };
    disturbedAttempts.push(others);
    if (attempt === ATTEMPTS) {
      ctx.findings.warnings.push(`${label}: other processes used ${disturbedAttempts.join('%, ')}% of a core in ${ATTEMPTS} attempts; the last one counts, disturbed`);
      return { ...measured, disturbedAttempts };
    }
    ctx.log(`  ${operation.name.padEnd(6)} disturbed: other processes used ${others}% of a core; waiting for quiet, then measuring again`);
    if (!(await waitForQuiet(pids, OTHERS_LIMIT_PERCENT, QUIET_WAIT_S))) ctx.log(`  the machine stayed busy for ${QUIET_WAIT_S} s; measuring anyway`);
  }
}

export async function runConfig(config: ConfigName, round: number, position: number, ctx: RunContext): Promise<HttpRow[]> {
  const { problems } = ctx.findings;
  ctx.log(`\nround ${round}, ${config}: starting`);
  const { child, url } = await startConfig(config, ctx.emulator.url, ctx.pinning, ctx.refs);
  const rows: HttpRow[] = [];
  try {
    for (const operation of ctx.operations) {
      const label = `${config} ${operation.name} (round ${round})`;
      await ctx.emulator.reset();
      const sample = await postOnce(url, operation);
      if (sample.status !== 200 || sample.body.errors?.length) {
        throw new Error(`${label}: HTTP ${sample.status}, ${sample.body.errors?.[0]?.message ?? 'no errors'}`);
      }
      const sampleMatchesFloor = JSON.stringify(sample.body.data) === JSON.stringify(ctx.expected.get(operation.name)?.data);
      if (!sampleMatchesFloor) problems.push(`${label}: the response differs from graphql-js's answer on the same data`);

      const measured = await measureQuietly(url, operation, { [config]: child.pid, emulator: ctx.emulatorPid }, label, ctx);
      const after = await postOnce(url, operation);
      if (after.status !== 200 || after.body.errors?.length) {
        problems.push(`${label}: after the run, HTTP ${after.status}, ${after.body.errors?.[0]?.message ?? ''}`);
      }
      const failed = measured.non2xx + measured.errors + measured.timeouts;
      if (failed > 0) {
        problems.push(`${label}: ${measured.non2xx} non-2xx, ${measured.errors} errors, ${measured.timeouts} timeouts`);
      }
      rows.push({ config, operation: operation.name, round, position, sampleMatchesFloor, ...measured });
      ctx.log(
        `  ${operation.name.padEnd(6)} ${measured.requestsPerSec.toFixed(0).padStart(6)} req/s  p50 ${measured.p50Ms.toFixed(2)} ms  ` +
          `p99 ${measured.p99Ms.toFixed(2)} ms  ${measured.awsCallsPerRequest.toFixed(3)} AWS calls/req ${JSON.stringify(measured.awsCalls)}  ` +
          `(${measured.completed} requests in ${measured.elapsedS.toFixed(1)} s${failed ? `, ${failed} FAILED` : ''}; ` +
          `CPU ${Object.entries(measured.cpuPercent).map(([name, pct]) => `${name} ${pct}%`).join(', ')})`,
      );
    }
  } finally {
    await stopChild(child);
  }
  return rows;
}
