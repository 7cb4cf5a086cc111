import { LRUCache } from 'lru-cache';
import type { ReadCache, ReadStamp } from '../cache/readCache.js';
import type { Metrics } from '../metrics.js';
import { noteCacheEvent } from '../telemetry.js';

// The response cache (docs/contract.md, "Response cache"): a query's answer as it
// was sent, served again without running GraphQL while every cached read it was
// built from is still the one the read cache would serve. So it is never staler
// than those reads: a change through any replica bumps its region's generation
// (no response built before it is served again, on any replica sharing Redis);
// a change made elsewhere shows once the reads' TTL runs out. Only successful
// queries are kept (src/http/graphqlRoute.ts decides); nothing depends on the
// caller but the right to run queries, which is checked before every hit.

export interface CachedResponse {
  status: number;
  headers: ReadonlyArray<readonly [string, string]>;
  /** The answer as sent, in bytes: encoded once when stored, not again on every hit. */
  body: Buffer;
  /** For the operations metric, as the plugin would have counted it. */
  operationName: string | undefined;
  /** The cached reads the response was built from. */
  stamps: readonly ReadStamp[];
}

/** Bookkeeping per entry beyond its key and body: the record, headers, stamps, the LRU's own. */
const ENTRY_OVERHEAD_BYTES = 400;
/** A response larger than this share of the cache would evict most of it for one query. */
const LARGEST_SHARE = 4;

export class ResponseCache {
  private readonly entries: LRUCache<string, CachedResponse>;
  private readonly largest: number;

  constructor(
    private readonly reads: ReadCache,
    maxBytes: number,
    private readonly metrics: Metrics,
  ) {
    this.largest = Math.floor(maxBytes / LARGEST_SHARE);
    this.entries = new LRUCache<string, CachedResponse>({
      maxSize: maxBytes,
      sizeCalculation: (entry, key) => ENTRY_OVERHEAD_BYTES + key.length + entry.body.length + entry.stamps.length * 64,
    });
  }

  /**
   * The stored answer to `key`, if what it was built from is still what the read cache
   * serves. Synchronous when the read cache can answer synchronously (in memory); a
   * promise when it must ask (Redis).
   */
  lookup(key: string): CachedResponse | undefined | Promise<CachedResponse | undefined> {
    const entry = this.entries.get(key);
    if (!entry || entry.stamps.length === 0) return this.answer(key, entry, entry !== undefined);
    let fresh: boolean | Promise<boolean>;
    try {
      fresh = this.reads.stillFresh(entry.stamps);
    } catch {
      fresh = false;
    }
    if (typeof fresh === 'boolean') return this.answer(key, entry, fresh);
    return fresh.then(
      (stillFresh) => this.answer(key, entry, stillFresh),
      // Not knowing is stale: the query runs again.
      () => this.answer(key, entry, false),
    );
  }

  /** Keeps `answer`, its body encoded once here, unless it is too large to keep. */
  store(key: string, answer: Omit<CachedResponse, 'body'> & { body: string }): void {
    const size = Buffer.byteLength(answer.body);
    if (key.length + size > this.largest) return;
    // Memory of its own: a small Buffer.from() is a slice of Node's shared 8 KB pool,
    // which a kept answer would hold whole, beyond what the bound counts.
    const body = Buffer.allocUnsafeSlow(size);
    body.write(answer.body);
    this.entries.set(key, { ...answer, body });
  }

  /** Bytes held, for tests of the bound. */
  get size(): number {
    return this.entries.calculatedSize;
  }

  private answer(key: string, entry: CachedResponse | undefined, fresh: boolean): CachedResponse | undefined {
    if (entry && fresh) {
      this.note('hit');
      return entry;
    }
    if (entry) this.entries.delete(key);
    this.note('miss');
    return undefined;
  }

  private note(event: 'hit' | 'miss'): void {
    this.metrics.cacheEvents.inc({ event, layer: 'response' });
    noteCacheEvent(event, 'response');
  }
}
