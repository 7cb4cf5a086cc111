import type { Logger } from 'pino';
import type { Guards } from './guards.js';
import { createMemoryGuards, type MemoryGuardsOptions } from './memoryGuards.js';
import { createRedisGuards, type RedisGuardsOptions } from './redisGuards.js';

// Which store keeps changes exactly-once and one per LAG at a time (docs/contract.md,
// "Exactly once, one at a time"): with REDIS_URL every replica shares Redis; without
// it there is one replica, and memory is enough.

export interface GuardsSettings {
  redisUrl?: string;
}

/** The timings of either store (each ignores the ones it has no use for); tests shorten them. */
export type GuardsOptions = Omit<MemoryGuardsOptions, 'logger'> & RedisGuardsOptions;

/** Rejects (CoordinationUnavailable) when REDIS_URL is set and Redis cannot be reached, so a replica never starts unguarded. */
export async function createGuards(settings: GuardsSettings, logger: Logger, options: GuardsOptions = {}): Promise<Guards> {
  if (settings.redisUrl) return createRedisGuards(settings.redisUrl, options, logger);
  return createMemoryGuards({ ...options, logger });
}
