import { readFile } from 'node:fs/promises';
import { drive, type LoadResult } from './load.js';
import type { BenchOperation } from './operations.js';

// The soak: the gateway under steady load of every operation at once for a minute
// (cached answers, executed dry runs with their audit lines), its memory read every
// few seconds. Bounded memory means the second half of the run adds (next to)
// nothing: a leak keeps growing, a heap settling in stops.

export interface MemorySample {
  atS: number;
  rssMb: number;
  /** From /metrics (prom-client's nodejs_heap_size_used_bytes), when the gateway has it. */
  heapUsedMb?: number;
}

export interface SoakResult {
  source: 'metrics' | 'proc';
  seconds: number;
  /** Each operation's load, driven side by side. */
  loads: Array<{ operation: string; load: LoadResult }>;
  samples: MemorySample[];
  /** Last sample minus the first one taken once settled (at 5 s), in MB. */
  rssGrowthMb: number;
  heapGrowthMb?: number;
  /** The lowest RSS of the second half minus the lowest of the first half under load, in MB. */
  secondHalfRssGrowthMb: number;
  /** The same for the heap in use, when the gateway reports it. */
  secondHalfHeapGrowthMb?: number;
  /**
   * Levelled off: in the second half, neither RSS nor the heap in use sank to a floor
   * higher than the first half's by more than LEVEL_MB or LEVEL_SHARE, whichever is
   * larger. Floors, not peaks or single samples: the heap saws up and down by a hundred
   * MB with every major GC, and what a leak raises is what is left after one. Samples
   * come every second so that the floors are seen. A leak slower than LEVEL_MB per
   * half-soak passes: a longer soak sees a slower one.
   */
  levelled: boolean;
}

/** What the second half may add and still count as level: allocator and JIT noise, not a leak. */
const LEVEL_MB = 8;
const LEVEL_SHARE = 0.05;
const SETTLE_S = 5;

const MB = 1024 * 1024;

function metricValue(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  const value = line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
  return Number.isFinite(value) ? value : undefined;
}

export async function fromMetrics(baseUrl: string): Promise<{ rss: number; heapUsed?: number } | undefined> {
  try {
    const response = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) return undefined;
    const text = await response.text();
    const rss = metricValue(text, 'process_resident_memory_bytes');
    return rss === undefined ? undefined : { rss, heapUsed: metricValue(text, 'nodejs_heap_size_used_bytes') };
  } catch {
    return undefined;
  }
}

async function fromProc(pid: number): Promise<{ rss: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
  if (!Number.isFinite(kb)) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return { rss: kb * 1024 };
}

export async function soak(
  graphqlUrl: string,
  pid: number,
  operations: readonly BenchOperation[],
  settings: { seconds: number; connections: number; everyS: number },
): Promise<SoakResult> {
  const baseUrl = new URL('/', graphqlUrl).href.replace(/\/$/, '');
  const source = (await fromMetrics(baseUrl)) ? 'metrics' : 'proc';
  const read = async () => (source === 'metrics' ? ((await fromMetrics(baseUrl)) ?? (await fromProc(pid))) : await fromProc(pid));

  const samples: MemorySample[] = [];
  const started = Date.now();
  const take = async () => {
    const memory: { rss: number; heapUsed?: number } = await read();
    samples.push({
      atS: Math.round((Date.now() - started) / 1000),
      rssMb: memory.rss / MB,
      ...(memory.heapUsed === undefined ? {} : { heapUsedMb: memory.heapUsed / MB }),
    });
  };
  await take();
  const timer = setInterval(() => void take().catch(() => undefined), settings.everyS * 1000);
  // The connections shared out, every operation getting at least one.
  const share = (i: number) => Math.max(1, Math.floor(settings.connections / operations.length) + (i < settings.connections % operations.length ? 1 : 0));
  let loads: SoakResult['loads'];
  try {
    loads = await Promise.all(
      operations.map(async (operation, i) => ({
        operation: operation.name,
        load: await drive(graphqlUrl, operation, { connections: share(i), durationS: settings.seconds }),
      })),
    );
  } finally {
    clearInterval(timer);
  }
  await take();

  // From SETTLE_S on: before that the heap is still growing into its working size.
  const underLoad = samples.filter((s) => s.atS >= SETTLE_S);
  const first = underLoad[0] ?? samples[0]!;
  const last = samples[samples.length - 1]!;
  const half = settings.seconds / 2;
  const floor = (pick: (s: MemorySample) => number | undefined, from: number, to: number) =>
    Math.min(...underLoad.filter((s) => s.atS >= from && s.atS <= to).map((s) => pick(s) ?? Infinity));
  const growth = (pick: (s: MemorySample) => number | undefined) => {
    const before = floor(pick, 0, half);
    return { mb: floor(pick, half + 0.5, Infinity) - before, level: Math.max(LEVEL_MB, LEVEL_SHARE * before) };
  };
  const rss = growth((s) => s.rssMb);
  const heap = first.heapUsedMb === undefined ? undefined : growth((s) => s.heapUsedMb);
  const heapGrowth = last.heapUsedMb !== undefined && first.heapUsedMb !== undefined ? last.heapUsedMb - first.heapUsedMb : undefined;
  return {
    source,
    seconds: settings.seconds,
    loads,
    samples,
    rssGrowthMb: last.rssMb - first.rssMb,
    ...(heapGrowth === undefined ? {} : { heapGrowthMb: heapGrowth }),
    secondHalfRssGrowthMb: rss.mb,
    ...(heap ? { secondHalfHeapGrowthMb: heap.mb } : {}),
    levelled: rss.mb <= rss.level && (!heap || heap.mb <= heap.level),
  };
}
