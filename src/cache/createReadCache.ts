import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import { MemoryReadCache } from './memoryReadCache.js';
import { NO_CACHE, type ReadCache } from './readCache.js';
import { RedisReadCache } from './redisReadCache.js';

export interface CacheSettings {
  ttlMs: number;
  maxBytes: number;
  redisUrl?: string;
}

export async function createReadCache(settings: CacheSettings, metrics: Metrics, logger: Logger): Promise<ReadCache> {
  if (settings.ttlMs === 0) return NO_CACHE;
  if (settings.redisUrl) return RedisReadCache.connect(settings.redisUrl, settings.ttlMs, metrics, logger);
  return new MemoryReadCache(settings.ttlMs, settings.maxBytes, metrics);
}
