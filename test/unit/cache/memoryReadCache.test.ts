import { describe, expect, it } from 'vitest';
import { MemoryReadCache } from '../../../src/cache/memoryReadCache.js';
import { createMetrics } from '../../../src/metrics.js';
import type { ReadKey } from '../../../src/cache/readCache.js';

// src/cache/memoryReadCache.ts: the cross-request cache in one process
// (docs/contract.md, "Data loading"). Through the whole gateway: test/cache/.

const LAGS: ReadKey = { region: 'us-east-1', operation: 'DescribeLags' };
const EU_LAGS: ReadKey = { region: 'eu-west-1', operation: 'DescribeLags' };

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const counter = <T>(value: T) => {
  let calls = 0;
  return {
    fetch: async () => {
      calls++;
      return value;
    },
    get calls() {
      return calls;
    },
  };
};

async function events(cache: { metrics: ReturnType<typeof createMetrics> }) {
  const metric = await cache.metrics.cacheEvents.get();
  return Object.fromEntries(metric.values.map((v) => [v.labels.event, v.value]));
}

describe('Class: MemoryReadCache', () => {
  it('answers repeated reads from memory within the TTL', async () => {
    const metrics = createMetrics();
    const cache = new MemoryReadCache(60_000, 1_000_000, metrics);
    const source = counter(['lag']);
    for (let i = 0; i < 5; i++) expect(await cache.read(LAGS, source.fetch)).toEqual(['lag']);
    expect(source.calls).toBe(1);
    expect(await events({ metrics })).toEqual({ miss: 1, hit: 4 });
  });

  it('asks again once the TTL has passed', async () => {
    const cache = new MemoryReadCache(30, 1_000_000, createMetrics());
    const source = counter(['lag']);
    await cache.read(LAGS, source.fetch);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await cache.read(LAGS, source.fetch);
    expect(source.calls).toBe(2);
  });

  it('shares one call among 100 identical concurrent reads', async () => {
    const metrics = createMetrics();
    const cache = new MemoryReadCache(60_000, 1_000_000, metrics);
    const answer = deferred<string[]>();
    let calls = 0;
    const reads = Array.from({ length: 100 }, () =>
      cache.read(LAGS, () => {
        calls++;
        return answer.promise;
      }),
    );
    answer.resolve(['lag']);
    expect(await Promise.all(reads)).toEqual(Array.from({ length: 100 }, () => ['lag']));
    expect(calls).toBe(1);
    expect(await events({ metrics })).toEqual({ miss: 1, coalesced: 99 });
  });

  it('keys by region and operation and ID', async () => {
    const cache = new MemoryReadCache(60_000, 1_000_000, createMetrics());
    await cache.read(LAGS, async () => 'all us');
    expect(await cache.read(EU_LAGS, async () => 'all eu')).toBe('all eu');
    expect(await cache.read({ ...LAGS, id: 'dxlag-abcdefgh' }, async () => 'one')).toBe('one');
    expect(await cache.read({ ...LAGS, operation: 'DescribeConnections' }, async () => 'connections')).toBe('connections');
  });

  it('forgets a region on invalidation, leaving other regions cached', async () => {
    const cache = new MemoryReadCache(60_000, 1_000_000, createMetrics());
    await cache.read(LAGS, async () => 'before');
    await cache.read(EU_LAGS, async () => 'eu');
    await cache.invalidateRegion('us-east-1');
    expect(await cache.read(LAGS, async () => 'after')).toBe('after');
    expect(await cache.read(EU_LAGS, async () => 'refetched')).toBe('eu');
  });

  it('never serves a read that began before an invalidation to a read that begins after it', async () => {
    const cache = new MemoryReadCache(60_000, 1_000_000, createMetrics());
    const old = deferred<string>();
    const early = cache.read(LAGS, () => old.promise);
    await cache.invalidateRegion('us-east-1');
    const late = cache.read(LAGS, async () => 'new');
    old.resolve('old');
    expect(await early).toBe('old');
    expect(await late).toBe('new');
    expect(await cache.read(LAGS, async () => 'unused')).toBe('new');
  });

  it('does not cache failures', async () => {
    const cache = new MemoryReadCache(60_000, 1_000_000, createMetrics());
    await expect(cache.read(LAGS, async () => Promise.reject(new Error('throttled')))).rejects.toThrow('throttled');
    expect(await cache.read(LAGS, async () => 'fine')).toBe('fine');
  });

  it('lets one waiter give up without cancelling the shared call for the others', async () => {
    const cache = new MemoryReadCache(60_000, 1_000_000, createMetrics());
    const answer = deferred<string>();
    const leaving = new AbortController();
    const first = cache.read(LAGS, () => answer.promise);
    const second = cache.read(LAGS, () => answer.promise, leaving.signal);
    leaving.abort();
    await expect(second).rejects.toMatchObject({ name: 'AbortError' });
    answer.resolve('shared');
    expect(await first).toBe('shared');
  });

  it('stays within its byte bound however much is read', async () => {
    const cache = new MemoryReadCache(60_000, 50_000, createMetrics());
    const big = 'x'.repeat(10_000);
    for (let i = 0; i < 100; i++) await cache.read({ ...LAGS, id: `dxlag-${String(i).padStart(8, '0')}` }, async () => big);
    expect(cache.size).toBeLessThanOrEqual(50_000);
    expect(cache.size).toBeGreaterThan(30_000);
  });

  it('counts each entry’s own cost, so a flood of small answers (not-found IDs) stays bounded too', async () => {
    const cache = new MemoryReadCache(60_000, 50_000, createMetrics());
    for (let i = 0; i < 5000; i++) await cache.read({ ...LAGS, id: `dxlag-${String(i).padStart(8, '0')}` }, async () => null);
    expect(cache.size).toBeLessThanOrEqual(50_000);
    expect(cache.entryCount).toBeLessThan(200);
  });
});
