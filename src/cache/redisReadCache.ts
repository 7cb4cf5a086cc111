import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import { noteCacheEvent } from '../telemetry.js';
import { keyString, waitFor, type ReadCache, type ReadKey } from './readCache.js';

// The cache many replicas share (REDIS_URL). Each region has a generation counter
// in Redis; an entry records the generation it was read under, and a mutation on
// any replica bumps the counter, so no replica serves what was read before it.
// A miss takes a short lock: the replica that gets it calls AWS, the others wait
// for its answer, so concurrent misses across replicas cost one AWS call.
// If Redis fails, reads go to AWS directly: the cache never takes the gateway down.

const PREFIX = 'dxgraph:v1';
/** Longer than any AWS read with its retries; a crashed leader's lock expires by then. */
const LOCK_MS = 15_000;
const POLL_MS = 15;
/** A Redis that stops answering must not hold requests (or a mutation's answer) hostage. */
const COMMAND_TIMEOUT_MS = 2000;

interface Lookup {
  generation: string;
  hit: boolean;
  value?: unknown;
}

interface Stored {
  g: string;
  v: unknown;
}

// Describe results are JSON but for loaIssueTime, which the SDK gives as a Date.
const revive = (key: string, value: unknown) => (key === 'loaIssueTime' && typeof value === 'string' ? new Date(value) : value);

export class RedisReadCache implements ReadCache {
  /** Reads in flight on this replica, by key and the generation they read under. */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  private constructor(
    private readonly redis: Redis,
    private readonly ttlMs: number,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {}

  static async connect(url: string, ttlMs: number, metrics: Metrics, logger: Logger): Promise<RedisReadCache> {
    const redis = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      connectTimeout: 3000,
      commandTimeout: COMMAND_TIMEOUT_MS,
    });
    redis.on('error', (error: Error) => logger.warn({ error: error.message }, 'Redis connection problem; reads go to AWS directly meanwhile'));
    try {
      await redis.connect();
    } catch (error) {
      redis.disconnect();
      throw new Error(`REDIS_URL: cannot connect to Redis (${(error as Error).message})`);
    }
    return new RedisReadCache(redis, ttlMs, metrics, logger);
  }

  async read<T>(key: ReadKey, fetch: (signal?: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const id = keyString(key);
    const generationKey = `${PREFIX}:gen:${key.region}`;
    const valueKey = `${PREFIX}:val:${id}`;
    let first: Lookup | undefined;
    try {
      first = await this.lookup(generationKey, valueKey);
    } catch (error) {
      if (!isRedisTrouble(error)) throw error;
      this.logger.warn({ error: (error as Error).message }, 'Redis read failed; asking AWS directly');
    }
    if (first?.hit) {
      this.metrics.cacheEvents.inc({ event: 'hit', layer: 'redis' });
      noteCacheEvent('hit', 'redis');
      return first.value as T;
    }
    // Join a read in flight on this replica only if it reads the current generation:
    // one begun before another replica's mutation must not answer a read begun after.
    // Without Redis, reads on this replica are still shared.
    const flightKey = `${id}@${first?.generation ?? 'no-redis'}`;
    const pending = this.inFlight.get(flightKey);
    if (pending) {
      this.metrics.cacheEvents.inc({ event: 'coalesced', layer: 'process' });
      noteCacheEvent('coalesced', 'process');
      return waitFor(pending as Promise<T>, signal);
    }
    const promise = first ? this.load(generationKey, valueKey, id, first.generation, fetch) : this.missWithoutRedis(fetch);
    this.inFlight.set(flightKey, promise);
    const settled = () => {
      if (this.inFlight.get(flightKey) === promise) this.inFlight.delete(flightKey);
    };
    promise.then(settled, settled);
    return waitFor(promise, signal);
  }

  private missWithoutRedis<T>(fetch: () => Promise<T>): Promise<T> {
    this.metrics.cacheEvents.inc({ event: 'miss', layer: 'redis' });
    noteCacheEvent('miss', 'redis');
    return fetch();
  }

  private withoutRedis<T>(error: unknown, fetch: () => Promise<T>): Promise<T> {
    if (!isRedisTrouble(error)) throw error;
    this.logger.warn({ error: (error as Error).message }, 'Redis read failed; asking AWS directly');
    return this.missWithoutRedis(fetch);
  }

  private async load<T>(generationKey: string, valueKey: string, id: string, generation: string, fetch: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + LOCK_MS;
    let lock: { key: string; generation: string } | undefined;
    let current = generation;
    try {
      while (Date.now() <= deadline) {
        const lockKey = `${PREFIX}:lock:${id}:${current}`;
        if ((await this.redis.set(lockKey, randomUUID(), 'PX', LOCK_MS, 'NX')) === 'OK') {
          // The previous holder may have stored its answer and let go between our
          // lookup and our lock: look once more before asking AWS.
          const again = await this.lookup(generationKey, valueKey);
          if (again.hit) {
            await this.redis.del(lockKey);
            this.metrics.cacheEvents.inc({ event: 'coalesced', layer: 'redis' });
            noteCacheEvent('coalesced', 'redis');
            return again.value as T;
          }
          lock = { key: lockKey, generation: current };
          break;
        }
        // Another replica is asking AWS: wait for its answer rather than ask again.
        await sleep(POLL_MS);
        const cached = await this.lookup(generationKey, valueKey);
        if (cached.hit) {
          this.metrics.cacheEvents.inc({ event: 'coalesced', layer: 'redis' });
          noteCacheEvent('coalesced', 'redis');
          return cached.value as T;
        }
        current = cached.generation;
      }
    } catch (error) {
      return this.withoutRedis(error, fetch);
    }
    this.metrics.cacheEvents.inc({ event: 'miss', layer: 'redis' });
    noteCacheEvent('miss', 'redis');
    if (!lock) return fetch();
    try {
      const value = await fetch();
      const stored: Stored = { g: lock.generation, v: value };
      await this.redis.set(valueKey, JSON.stringify(stored), 'PX', this.ttlMs).catch((error: Error) => {
        this.logger.warn({ error: error.message }, 'could not store a read in Redis');
      });
      return value;
    } finally {
      await this.redis.del(lock.key).catch(() => undefined);
    }
  }

  /** The region's generation and, if it was read under that generation, the cached value: one round trip. */
  private async lookup(generationKey: string, valueKey: string): Promise<Lookup> {
    const [generation, raw] = await this.redis.mget(generationKey, valueKey);
    const current = generation ?? '0';
    if (!raw) return { generation: current, hit: false };
    const stored = JSON.parse(raw, revive) as Stored;
    return stored.g === current ? { generation: current, hit: true, value: stored.v } : { generation: current, hit: false };
  }

  async invalidateRegion(region: string): Promise<void> {
    try {
      await this.redis.incr(`${PREFIX}:gen:${region}`);
    } catch (error) {
      // The change in AWS has happened; other replicas may show the old state until their entries expire.
      this.logger.error({ error: (error as Error).message, region, ttlMs: this.ttlMs }, 'could not invalidate the shared cache');
    }
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** Errors from Redis itself, as opposed to the AWS call made under the lock. */
function isRedisTrouble(error: unknown): boolean {
  const name = (error as Error | undefined)?.name ?? '';
  const message = (error as Error | undefined)?.message ?? '';
  return (
    name === 'ReplyError' ||
    name === 'MaxRetriesPerRequestError' ||
    /Command timed out|Connection is closed|Stream isn't writeable|ECONNREFUSED|ETIMEDOUT|enableOfflineQueue/.test(message)
  );
}
