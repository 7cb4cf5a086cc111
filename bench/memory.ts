import { readFile } from 'node:fs/promises';
import { drive, type LoadResult } from './load.js';
import type { BenchOperation } from './operations.js';

// The soak: the gateway under steady load for a minute, its memory read every
// few seconds. Bounded memory means the last samples sit where the early ones did.

export interface MemorySample {
  atS: number;
  rssMb: number;
  /** From /metrics (prom-client's nodejs_heap_size_used_bytes), when the gateway has it. */
  heapUsedMb?: number;
}

export interface SoakResult {
  source: 'metrics' | 'proc';
  seconds: number;
  load: LoadResult;
  samples: MemorySample[];
  /** Last sample minus the first one taken under load (at 5 s), in MB. */
  rssGrowthMb: number;
  heapGrowthMb?: number;
}

const MB = 1024 * 1024;

function metricValue(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  const value = line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : NaN;
  return Number.isFinite(value) ? value : undefined;
}

async function fromMetrics(baseUrl: string): Promise<{ rss: number; heapUsed?: number } | undefined> {
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
  operation: BenchOperation,
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
  let load: LoadResult;
  try {
    load = await drive(graphqlUrl, operation, { connections: settings.connections, durationS: settings.seconds });
  } finally {
    clearInterval(timer);
  }
  await take();

  const underLoad = samples.find((s) => s.atS >= settings.everyS) ?? samples[0]!;
  const last = samples[samples.length - 1]!;
  const heapGrowth = last.heapUsedMb !== undefined && underLoad.heapUsedMb !== undefined ? last.heapUsedMb - underLoad.heapUsedMb : undefined;
  return {
    source,
    seconds: settings.seconds,
    load,
    samples,
    rssGrowthMb: last.rssMb - underLoad.rssMb,
    ...(heapGrowth === undefined ? {} : { heapGrowthMb: heapGrowth }),
  };
}
