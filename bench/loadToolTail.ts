import { measure, type LoadResult, type ServerTimes } from './load.js';
import type { BenchOperation } from './operations.js';
import type { Pinning } from './pinning.js';
import { stopChild } from './processes.js';
import { startBareHttp } from './servers.js';

// What the load tool reports of a server that does nothing (bench/bareHttp.mjs), on
// the configurations' CPU with the same connections and length: the p99 ÷ p50 that
// the tool, the kernel and Node's HTTP layer give any server on this machine. Where
// a configuration's own p99 ÷ p50 is close to it, what is left of the tail is not
// the configuration's; its server-side times (bench/serverTimes.mjs) show its own.

export interface LoadToolTail {
  load: LoadResult;
  server?: ServerTimes;
}

export async function loadToolTail(pinning: Pinning, operation: BenchOperation, settings: { connections: number; warmupS: number; durationS: number }): Promise<LoadToolTail> {
  const { child, url } = await startBareHttp(pinning);
  try {
    const { server, ...load } = await measure(url, operation, undefined, settings);
    return { load, server };
  } finally {
    await stopChild(child);
  }
}
