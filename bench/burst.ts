import { spawnSync } from 'node:child_process';
import type { Findings } from './configRun.js';
import { quietStats, requestBody, type AwsCalls, type Emulator } from './load.js';
import type { BenchOperation } from './operations.js';
import { freePort, startChild, stopChild, waitForLine } from './processes.js';
import { baseEnv, type Running } from './servers.js';

// Issue 4's coalescing target: 100 concurrent identical requests, on a cold cache,
// cost at most one call per kind per region, on one replica or spread over several.

export interface BurstResult {
  replicas: number;
  requests: number;
  failed: number;
  awsCalls: AwsCalls;
}

export async function burst(emulator: Emulator, urls: string[], operation: BenchOperation, requests = 100): Promise<BurstResult> {
  await emulator.reset();
  const answers = await Promise.all(
    Array.from({ length: requests }, async (_, i) => {
      const response = await fetch(urls[i % urls.length]!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: requestBody(operation),
      });
      const body = (await response.json()) as { errors?: unknown[] };
      return response.status === 200 && !body.errors;
    }),
  );
  return { replicas: urls.length, requests, failed: answers.filter((ok) => !ok).length, awsCalls: await quietStats(emulator) };
}

/**
 * Fresh shipped gateways (cold caches), started by `startShipped`: one alone, then
 * three sharing a Redis (Debian's redis-server, if this machine has it), each hit
 * by one burst.
 */
export async function coalescingBursts(
  emulator: Emulator,
  list: BenchOperation,
  startShipped: (extraEnv: Record<string, string>) => Promise<Running>,
  findings: Findings,
  cwd: string,
): Promise<BurstResult[]> {
  const results: BurstResult[] = [];
  const single = await startShipped({});
  results.push(await burst(emulator, [single.url], list));
  await stopChild(single.child);
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    findings.warnings.push('redis-server is not installed: the three-replica burst was skipped');
    return results;
  }
  const port = await freePort();
  const redis = startChild('redis', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], baseEnv(), cwd);
  await waitForLine(redis, /Ready to accept connections/, 10_000);
  const replicas = await Promise.all([1, 2, 3].map(() => startShipped({ REDIS_URL: `redis://127.0.0.1:${port}` })));
  results.push(await burst(emulator, replicas.map((r) => r.url), list));
  await Promise.all([...replicas.map((r) => stopChild(r.child)), stopChild(redis)]);
  for (const b of results) if (b.failed > 0) findings.problems.push(`burst on ${b.replicas} replica(s): ${b.failed} requests failed`);
  return results;
}
