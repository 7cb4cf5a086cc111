import { LRUCache } from 'lru-cache';
import type { Metrics } from '../metrics.js';
import { noteCacheEvent } from '../telemetry.js';
import { keyString, refreshDue, served, type ReadCache, type ReadKey, type Reader, type ReadStamp, type Stamped } from './readCache.js';

const ENTRY_OVERHEAD_BYTES = 300;

interface Entry extends Stamped<unknown> {
  /** Each entry is refreshed once at most: if that fails, it expires as usual. */
  refreshStarted?: boolean;
}

/** A shared read in flight, by the generation it reads under. */
interface Flight {
  generation: number;
  promise: Promise<Stamped<unknown>>;
}

/**
 * One replica's cache: an LRU bounded in bytes, entries that expire after the TTL,
 * identical reads in flight shared, hot entries refreshed ahead of expiry (readCache.ts).
 * Each region has a generation; invalidating bumps it, so neither a cached entry nor
 * a read that started before the bump is served after.
 */
export class MemoryReadCache implements ReadCache {
  private readonly entries: LRUCache<string, Entry>;
  private readonly inFlight = new Map<string, Flight>();
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    maxBytes: number,
    private readonly metrics: Metrics,
    /** Epoch ms; tests pass their own to age entries without waiting. */
    private readonly now: () => number = Date.now,
  ) {
    this.entries = new LRUCache<string, Entry>({
      ttl: ttlMs,
      // The LRU ages entries by the same clock as their stamps.
      perf: { now },
      maxSize: maxBytes,
      // JSON length is a fair measure of what a Describe result holds; an entry
      // itself (key, record, LRU bookkeeping) costs a few hundred bytes more.
      sizeCalculation: (entry, key) => ENTRY_OVERHEAD_BYTES + key.length + (JSON.stringify(entry.value)?.length ?? 0),
      ttlAutopurge: true,
    });
  }

  private generation(region: string): number {
    return this.generations.get(region) ?? 0;
  }

  private note(event: 'hit' | 'miss' | 'coalesced' | 'refresh'): void {
    this.metrics.cacheEvents.inc({ event, layer: 'memory' });
    noteCacheEvent(event, 'memory');
  }

  async read<T>(key: ReadKey, fetch: (signal?: AbortSignal) => Promise<T>, reader?: Reader): Promise<T> {
    const id = keyString(key);
    const generation = this.generation(key.region);
    const now = this.now();
    const cached = this.entries.get(id);
    // The LRU expires entries too; checking the stamp here keeps what is served and
    // what stillFresh vouches for one and the same rule.
    if (cached && cached.stamp.generation === generation && now < cached.stamp.expiresAt) {
      this.note('hit');
      if (!cached.refreshStarted && refreshDue(cached.stamp, this.ttlMs, now)) {
        cached.refreshStarted = true;
        this.note('refresh');
        // Nobody waits for it; reads that miss once the entry expires join it. If it
        // fails, AWS's error has been logged and counted (DirectConnectService.call).
        this.startRead(key.region, id, generation, fetch).catch(() => undefined);
      }
      reader?.observe?.(cached.stamp);
      return cached.value as T;
    }
    const pending = this.inFlight.get(id);
    if (pending && pending.generation === generation) {
      this.note('coalesced');
      return served(pending.promise as Promise<Stamped<T>>, reader);
    }
    this.note('miss');
    return served(this.startRead(key.region, id, generation, fetch), reader);
  }

  async refresh<T>(key: ReadKey, fetch: (signal?: AbortSignal) => Promise<T>): Promise<T> {
    this.note('refresh');
    // Reads that miss meanwhile join it, as they would a miss.
    const { value } = await this.startRead(key.region, keyString(key), this.generation(key.region), fetch);
    return value;
  }

  /** Asks AWS once for every read of `id` under `generation`, and stores the answer unless the region was invalidated meanwhile. */
  private startRead<T>(region: string, id: string, generation: number, fetch: () => Promise<T>): Promise<Stamped<T>> {
    const promise = fetch().then((value) => {
      const entry: Stamped<T> = { value, stamp: { region, generation, expiresAt: this.now() + this.ttlMs } };
      if (this.generation(region) === generation) this.entries.set(id, entry);
      return entry;
    });
    const flight = { generation, promise };
    this.inFlight.set(id, flight);
    const settled = () => {
      if (this.inFlight.get(id) === flight) this.inFlight.delete(id);
    };
    promise.then(settled, settled);
    return promise;
  }

  /** Synchronous, so a response cache's hit costs no microtask. */
  stillFresh(stamps: readonly ReadStamp[]): boolean {
    const now = this.now();
    return stamps.every((stamp) => now < stamp.expiresAt && this.generation(stamp.region) === stamp.generation);
  }

  async invalidateRegion(region: string): Promise<void> {
    this.generations.set(region, this.generation(region) + 1);
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  /** Bytes held, for tests of the memory bound. */
  get size(): number {
    return this.entries.calculatedSize;
  }

  get entryCount(): number {
    return this.entries.size;
  }
}
