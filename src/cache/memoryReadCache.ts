import { LRUCache } from 'lru-cache';
import type { Metrics } from '../metrics.js';
import { noteCacheEvent } from '../telemetry.js';
import { keyString, waitFor, type ReadCache, type ReadKey } from './readCache.js';

const ENTRY_OVERHEAD_BYTES = 300;

interface Entry {
  generation: number;
  value: unknown;
}

/**
 * One replica's cache: an LRU bounded in bytes, entries that expire after the TTL,
 * identical reads in flight shared. Each region has a generation; invalidating bumps
 * it, so neither a cached entry nor a read that started before the bump is served after.
 */
export class MemoryReadCache implements ReadCache {
  private readonly entries: LRUCache<string, Entry>;
  private readonly inFlight = new Map<string, { generation: number; promise: Promise<unknown> }>();
  private readonly generations = new Map<string, number>();

  constructor(
    ttlMs: number,
    maxBytes: number,
    private readonly metrics: Metrics,
  ) {
    this.entries = new LRUCache<string, Entry>({
      ttl: ttlMs,
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

  async read<T>(key: ReadKey, fetch: (signal?: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const id = keyString(key);
    const generation = this.generation(key.region);
    const cached = this.entries.get(id);
    if (cached && cached.generation === generation) {
      this.metrics.cacheEvents.inc({ event: 'hit', layer: 'memory' });
      noteCacheEvent('hit', 'memory');
      return cached.value as T;
    }
    const pending = this.inFlight.get(id);
    if (pending && pending.generation === generation) {
      this.metrics.cacheEvents.inc({ event: 'coalesced', layer: 'memory' });
      noteCacheEvent('coalesced', 'memory');
      return waitFor(pending.promise as Promise<T>, signal);
    }
    this.metrics.cacheEvents.inc({ event: 'miss', layer: 'memory' });
    noteCacheEvent('miss', 'memory');
    const promise = fetch().then((value) => {
      if (this.generation(key.region) === generation) this.entries.set(id, { generation, value });
      return value;
    });
    const flight = { generation, promise };
    this.inFlight.set(id, flight);
    const settled = () => {
      if (this.inFlight.get(id) === flight) this.inFlight.delete(id);
    };
    promise.then(settled, settled);
    return waitFor(promise, signal);
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
