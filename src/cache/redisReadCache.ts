import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.js';
import { noteCacheEvent } from '../telemetry.js';
import { keyString, neverFresh, refreshDue, served, type ReadCache, type ReadKey, type Reader, type ReadStamp, type Stamped } from './readCache.js';

// The cache many replicas share (REDIS_URL). Each region has a generation counter
// in Redis; an entry records the generation it was read under, and a mutation on
// any replica bumps the counter, so no replica serves what was read before it.
// A miss takes a short lock: the replica that gets it calls AWS, the others wait
// for its answer, so concurrent misses across replicas cost one AWS call. The same
// lock elects the one replica that refreshes a hot entry ahead of its expiry; the
// others keep serving the entry meanwhile. An entry records when it was stored, so
// every replica knows its age and when it expires.
// If Redis fails, reads go to AWS directly: the cache never takes the gateway down.

const PREFIX = 'dxgraph:v1';
/** Longer than any AWS read with its retries; a crashed leader's lock expires by then. */
const LOCK_MS = 15_000;
const POLL_MS = 15;
/** A Redis that stops answering must not hold requests (or a mutation's answer) hostage. */
const COMMAND_TIMEOUT_MS = 2000;
const generationKey = (region: string) => `${PREFIX}:gen:${region}`;

/**
 * Stores an entry (KEYS[2]) only if its region's generation (KEYS[1]) is still the one
 * it was read under (ARGV[1]): a read overtaken by an invalidation must not replace
 * what was stored since under the new generation.
 */
const STORE_IF_CURRENT = `if (redis.call('GET', KEYS[1]) or '0') == ARGV[1] then redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3]) end`;

/** The Redis keys of one read. */
interface Keys {
  region: string;
  id: string;
  generation: string;
  value: string;
}

/**
 * A key's lock, held by this replica. A refresh's lock, should the refresh fail, is
 * kept until the entry it meant to replace expires, so no replica tries again: the
 * entry expires as usual and the next read is an ordinary miss.
 */
interface Lock {
  key: string;
  generation: string;
  keepIfFailedUntil?: number;
}

interface Lookup {
  generation: string;
  /** The entry to serve, if one was stored under that generation and is within its TTL. */
  entry?: Stamped<unknown>;
}

interface Stored {
  g: string;
  v: unknown;
  /** When it was stored, epoch ms. */
  t: number;
}

// Describe results are JSON but for loaIssueTime, which the SDK gives as a Date.
const revive = (key: string, value: unknown) => (key === 'loaIssueTime' && typeof value === 'string' ? new Date(value) : value);

export class RedisReadCache implements ReadCache {
  /** Reads in flight on this replica, by key and the generation they read under. */
  private readonly inFlight = new Map<string, Promise<Stamped<unknown>>>();

  private constructor(
    private readonly redis: Redis,
    private readonly ttlMs: number,
    private readonly metrics: Metrics,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  /** `now` (epoch ms) dates entries; tests pass their own to age them without waiting. */
  static async connect(url: string, ttlMs: number, metrics: Metrics, logger: Logger, now: () => number = Date.now): Promise<RedisReadCache> {
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
    return new RedisReadCache(redis, ttlMs, metrics, logger, now);
  }

  private note(event: 'hit' | 'miss' | 'coalesced' | 'refresh', layer: 'redis' | 'process'): void {
    this.metrics.cacheEvents.inc({ event, layer });
    noteCacheEvent(event, layer);
  }

  async read<T>(key: ReadKey, fetch: (signal?: AbortSignal) => Promise<T>, reader?: Reader): Promise<T> {
    const id = keyString(key);
    const keys: Keys = { region: key.region, id, generation: generationKey(key.region), value: `${PREFIX}:val:${id}` };
    let first: Lookup | undefined;
    try {
      first = await this.lookup(keys);
    } catch (error) {
      if (!isRedisTrouble(error)) throw error;
      this.logger.warn({ error: (error as Error).message }, 'Redis read failed; asking AWS directly');
    }
    if (first?.entry) {
      this.note('hit', 'redis');
      if (refreshDue(first.entry.stamp, this.ttlMs, this.now())) void this.refreshAhead(keys, first.generation, first.entry.stamp.expiresAt, fetch);
      reader?.observe?.(first.entry.stamp);
      return first.entry.value as T;
    }
    // Join a read in flight on this replica only if it reads the current generation:
    // one begun before another replica's mutation must not answer a read begun after.
    // Without Redis, reads on this replica are still shared.
    const flightKey = `${id}@${first?.generation ?? 'no-redis'}`;
    const pending = this.inFlight.get(flightKey);
    if (pending) {
      this.note('coalesced', 'process');
      return served(pending as Promise<Stamped<T>>, reader);
    }
    const flight = first ? this.load(keys, first.generation, fetch) : this.missWithoutRedis(keys.region, fetch);
    this.share(flightKey, flight);
    return served(flight, reader);
  }

  /**
   * Reads AWS now and stores the answer under the generation current before the read,
   * so an invalidation meanwhile still wins. No lock: only the region's watcher
   * refreshes (one per region fleet-wide), and an identical miss elsewhere costs one
   * more read, never a stale answer. Without Redis it is a plain read.
   */
  async refresh<T>(key: ReadKey, fetch: (signal?: AbortSignal) => Promise<T>): Promise<T> {
    const id = keyString(key);
    const keys: Keys = { region: key.region, id, generation: generationKey(key.region), value: `${PREFIX}:val:${id}` };
    let generation: string | undefined;
    try {
      generation = (await this.redis.get(keys.generation)) ?? '0';
    } catch (error) {
      if (!isRedisTrouble(error)) throw error;
    }
    this.note('refresh', 'redis');
    if (generation === undefined) return fetch();
    const flight = fetch().then((value) => this.storeRead(keys, generation, value));
    // Reads on this replica that miss meanwhile join it.
    this.share(`${id}@${generation}`, flight);
    return (await flight).value;
  }

  /** Lets reads of the same key and generation on this replica join `flight` until it settles. */
  private share(flightKey: string, flight: Promise<Stamped<unknown>>): void {
    this.inFlight.set(flightKey, flight);
    const settled = () => {
      if (this.inFlight.get(flightKey) === flight) this.inFlight.delete(flightKey);
    };
    flight.then(settled, settled);
  }

  /** Without Redis no other replica's invalidation can be seen: the value is stamped never fresh. */
  private async missWithoutRedis<T>(region: string, fetch: () => Promise<T>): Promise<Stamped<T>> {
    this.note('miss', 'redis');
    return { value: await fetch(), stamp: neverFresh(region) };
  }

  private withoutRedis<T>(error: unknown, region: string, fetch: () => Promise<T>): Promise<Stamped<T>> {
    if (!isRedisTrouble(error)) throw error;
    this.logger.warn({ error: (error as Error).message }, 'Redis read failed; asking AWS directly');
    return this.missWithoutRedis(region, fetch);
  }

  private async load<T>(keys: Keys, generation: string, fetch: () => Promise<T>): Promise<Stamped<T>> {
    // Waiting for another replica is measured in real time, whatever clock dates entries.
    const deadline = Date.now() + LOCK_MS;
    let lock: Lock | undefined;
    let current = generation;
    try {
      while (Date.now() <= deadline) {
        const lockKey = this.lockKey(keys, current);
        if (await this.takeLock(lockKey)) {
          // The previous holder may have stored its answer and let go between our
          // lookup and our lock: look once more before asking AWS.
          const again = await this.lookup(keys);
          if (again.entry) {
            await this.redis.del(lockKey);
            this.note('coalesced', 'redis');
            return again.entry as Stamped<T>;
          }
          lock = { key: lockKey, generation: current };
          break;
        }
        // Another replica is asking AWS: wait for its answer rather than ask again.
        await sleep(POLL_MS);
        const cached = await this.lookup(keys);
        if (cached.entry) {
          this.note('coalesced', 'redis');
          return cached.entry as Stamped<T>;
        }
        current = cached.generation;
      }
    } catch (error) {
      return this.withoutRedis(error, keys.region, fetch);
    }
    this.note('miss', 'redis');
    if (!lock) return { value: await fetch(), stamp: this.stamp(keys.region, current, this.now()) };
    return this.fetchUnderLock(keys, lock, fetch);
  }

  /**
   * Called by a hit past the refresh point, and never awaited by it. The miss lock
   * elects one refresher among all replicas; a replica that does not get it keeps
   * serving the entry, as do the others until the refresh lands. (So a hit between
   * the refresh point and the refresh landing costs one SET NX more, off its path.)
   */
  private async refreshAhead<T>(keys: Keys, generation: string, expiresAt: number, fetch: () => Promise<T>): Promise<void> {
    const flightKey = `${keys.id}@${generation}`;
    // This replica is already reading the key.
    if (this.inFlight.has(flightKey)) return;
    const lock: Lock = { key: this.lockKey(keys, generation), generation, keepIfFailedUntil: expiresAt };
    try {
      if (!(await this.takeLock(lock.key))) return;
      // Another replica may have refreshed the entry and let go between our lookup and
      // our lock; if it has expired or been invalidated instead, a miss will read it.
      const again = await this.lookup(keys);
      if (!again.entry || !refreshDue(again.entry.stamp, this.ttlMs, this.now())) {
        await this.redis.del(lock.key);
        return;
      }
    } catch (error) {
      // Redis trouble: the entry is served until it expires, like any other.
      this.logger.warn({ error: (error as Error).message }, 'could not start refreshing a cached read');
      return;
    }
    this.note('refresh', 'redis');
    const flight = this.fetchUnderLock(keys, lock, fetch);
    // A read on this replica that misses once the entry expires joins the refresh.
    this.share(flightKey, flight);
    // If it fails, AWS's error has been logged and counted (DirectConnectService.call).
    await flight.catch(() => undefined);
  }

  /** Asks AWS as the holder of the key's lock, stores the answer for every replica (unless the region was invalidated meanwhile) and lets the lock go. */
  private async fetchUnderLock<T>(keys: Keys, lock: Lock, fetch: () => Promise<T>): Promise<Stamped<T>> {
    let value: T;
    try {
      value = await fetch();
    } catch (error) {
      const keepMs = (lock.keepIfFailedUntil ?? 0) - this.now();
      await (keepMs > 0 ? this.redis.pexpire(lock.key, Math.ceil(keepMs)) : this.redis.del(lock.key)).catch(() => undefined);
      throw error;
    }
    const stamped = await this.storeRead(keys, lock.generation, value);
    await this.redis.del(lock.key).catch(() => undefined);
    return stamped;
  }

  /** Stores what was read under `generation`, unless the region was invalidated meanwhile. */
  private async storeRead<T>(keys: Keys, generation: string, value: T): Promise<Stamped<T>> {
    const storedAt = this.now();
    const stored: Stored = { g: generation, v: value, t: storedAt };
    await this.redis.eval(STORE_IF_CURRENT, 2, keys.generation, keys.value, generation, JSON.stringify(stored), this.ttlMs).catch((error: Error) => {
      this.logger.warn({ error: error.message }, 'could not store a read in Redis');
    });
    return { value, stamp: this.stamp(keys.region, generation, storedAt) };
  }

  private lockKey(keys: Keys, generation: string): string {
    return `${PREFIX}:lock:${keys.id}:${generation}`;
  }

  /** SET NX: true if this replica now holds the lock (for LOCK_MS at most). */
  private async takeLock(lockKey: string): Promise<boolean> {
    return (await this.redis.set(lockKey, randomUUID(), 'PX', LOCK_MS, 'NX')) === 'OK';
  }

  private stamp(region: string, generation: string, storedAt: number): ReadStamp {
    return { region, generation, expiresAt: storedAt + this.ttlMs };
  }

  /** The region's generation and, if one was stored under it and is within its TTL, the entry: one round trip. */
  private async lookup(keys: Keys): Promise<Lookup> {
    const [generation, raw] = await this.redis.mget(keys.generation, keys.value);
    const current = generation ?? '0';
    if (!raw) return { generation: current };
    const stored = JSON.parse(raw, revive) as Partial<Stored>;
    // An entry stored before entries were dated has no known age: read it again.
    if (stored.g !== current || typeof stored.t !== 'number') return { generation: current };
    const stamp = this.stamp(keys.region, current, stored.t);
    // Redis expires the entry by its own clock; this one keeps what is served and what
    // stillFresh vouches for one and the same rule.
    if (this.now() >= stamp.expiresAt) return { generation: current };
    return { generation: current, entry: { value: stored.v, stamp } };
  }

  /** One MGET of the generations involved; false if any stamp has expired, or if Redis cannot say. */
  async stillFresh(stamps: readonly ReadStamp[]): Promise<boolean> {
    const now = this.now();
    if (stamps.some((stamp) => now >= stamp.expiresAt)) return false;
    const regions = [...new Set(stamps.map((stamp) => stamp.region))];
    if (regions.length === 0) return true;
    try {
      const generations = await this.redis.mget(regions.map(generationKey));
      const current = new Map(regions.map((region, i) => [region, generations[i] ?? '0']));
      return stamps.every((stamp) => current.get(stamp.region) === stamp.generation);
    } catch (error) {
      if (!isRedisTrouble(error)) throw error;
      // Another replica's invalidation cannot be seen: vouch for nothing.
      return false;
    }
  }

  async invalidateRegion(region: string): Promise<void> {
    try {
      await this.redis.incr(generationKey(region));
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
