import type { BenchOperation } from './operations.js';
import { quietStats, requestBody, type AwsCalls, type Emulator } from './load.js';

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
