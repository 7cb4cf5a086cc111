import { describe, expect, it } from 'vitest';
import { NO_CACHE, type ReadCache, type ReadStamp } from '../../../src/cache/readCache.js';
import { ResponseCache, type CachedResponse } from '../../../src/http/responseCache.js';
import { createMetrics } from '../../../src/metrics.js';

// The response cache alone, over a read cache that answers stillFresh as told:
// what it serves, what it drops, and its memory bound. Through the gateway:
// test/graphql/responseCache.test.ts.

const stamp = (region: string, generation = 1): ReadStamp => ({ region, generation, expiresAt: Date.now() + 60_000 });

function reads(fresh: (stamps: readonly ReadStamp[]) => boolean | Promise<boolean>): ReadCache & { asked: number } {
  const cache = {
    ...NO_CACHE,
    asked: 0,
    stillFresh(stamps: readonly ReadStamp[]) {
      cache.asked += 1;
      return fresh(stamps);
    },
  };
  return cache;
}

const answer = (body: string, stamps: ReadStamp[] = [stamp('us-east-1')]) => ({
  status: 200,
  headers: [['content-type', 'application/json; charset=utf-8']] as const,
  body,
  operationName: undefined,
  stamps,
});

async function events(metrics: ReturnType<typeof createMetrics>) {
  const values = (await metrics.cacheEvents.get()).values.filter((v) => v.labels.layer === 'response');
  return Object.fromEntries(values.map((v) => [v.labels.event, v.value]));
}

describe('ResponseCache', () => {
  it('serves a stored answer while its reads are fresh, and forgets it once they are not', async () => {
    let fresh = true;
    const metrics = createMetrics();
    const cache = new ResponseCache(reads(() => fresh), 1_000_000, metrics);
    cache.store('k', answer('{"data":{"a":1}}'));
    expect((await cache.lookup('k'))?.body.toString()).toBe('{"data":{"a":1}}');
    fresh = false;
    expect(await cache.lookup('k')).toBeUndefined();
    fresh = true;
    // Dropped, not merely skipped: fresh reads do not bring an old answer back.
    expect(await cache.lookup('k')).toBeUndefined();
    expect(await events(metrics)).toEqual({ hit: 1, miss: 2 });
  });

  it('waits for a read cache that answers asynchronously (Redis), and treats its failure as stale', async () => {
    let outcome: 'fresh' | 'stale' | 'fail' = 'fresh';
    const cache = new ResponseCache(
      reads(async () => {
        if (outcome === 'fail') throw new Error('Redis went away');
        return outcome === 'fresh';
      }),
      1_000_000,
      createMetrics(),
    );
    cache.store('k', answer('{"data":{}}'));
    expect(await cache.lookup('k')).toBeDefined();
    outcome = 'fail';
    expect(await cache.lookup('k')).toBeUndefined();
  });

  it('answers at once, without a promise, when the read cache answers synchronously (in memory)', () => {
    const cache = new ResponseCache(reads(() => true), 1_000_000, createMetrics());
    cache.store('k', answer('{"data":{}}'));
    const hit = cache.lookup('k');
    expect(hit).not.toBeInstanceOf(Promise);
    expect((hit as CachedResponse).body.toString()).toBe('{"data":{}}');
    // Its own memory, not a slice of Node's shared pool that it would keep whole.
    expect((hit as CachedResponse).body.buffer.byteLength).toBe('{"data":{}}'.length);
    expect(cache.lookup('absent')).toBeUndefined();
  });

  it('treats a read cache that throws as stale', () => {
    const cache = new ResponseCache(
      reads(() => {
        throw new Error('broken');
      }),
      1_000_000,
      createMetrics(),
    );
    cache.store('k', answer('{"data":{}}'));
    expect(cache.lookup('k')).toBeUndefined();
  });

  it('asks the read cache nothing for an answer built from no reads (introspection, __typename)', async () => {
    const read = reads(() => false);
    const cache = new ResponseCache(read, 1_000_000, createMetrics());
    cache.store('k', answer('{"data":{"__typename":"Query"}}', []));
    expect(await cache.lookup('k')).toBeDefined();
    expect(read.asked).toBe(0);
  });

  it('stays within its memory bound, dropping the least recently used', async () => {
    const bound = 100_000;
    const cache = new ResponseCache(reads(() => true), bound, createMetrics());
    const body = `{"data":"${'x'.repeat(5_000)}"}`;
    for (let i = 0; i < 200; i++) cache.store(`key-${i}`, answer(body));
    expect(cache.size).toBeLessThanOrEqual(bound);
    expect(cache.size).toBeGreaterThan(bound / 2);
    expect(await cache.lookup('key-199')).toBeDefined();
    expect(await cache.lookup('key-0')).toBeUndefined();
  });

  it('does not keep an answer larger than a quarter of its bound', async () => {
    const cache = new ResponseCache(reads(() => true), 40_000, createMetrics());
    cache.store('small', answer('{"data":1}'));
    cache.store('huge', answer(`{"data":"${'x'.repeat(10_001)}"}`));
    expect(await cache.lookup('huge')).toBeUndefined();
    expect(await cache.lookup('small')).toBeDefined();
  });
});
