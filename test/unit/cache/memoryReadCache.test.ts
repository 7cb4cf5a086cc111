import { afterEach, describe, expect, it } from 'vitest';
import { MemoryReadCache } from '../../../src/cache/memoryReadCache.js';
import { createMetrics } from '../../../src/metrics.js';
import { NO_CACHE, type ReadKey, type ReadStamp } from '../../../src/cache/readCache.js';

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
    const second = cache.read(LAGS, () => answer.promise, { abortSignal: leaving.signal });
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

// Refresh-ahead and stamps, on a clock the tests move: TTL 1000 ms, so the refresh
// point (80 %) is 800 ms after an entry is stored.
const TTL = 1000;
const T0 = 1_700_000_000_000;

function clockedCache() {
  const clock = { now: T0 };
  const metrics = createMetrics();
  return { clock, metrics, cache: new MemoryReadCache(TTL, 1_000_000, metrics, () => clock.now) };
}

/** The promise's value if it settles once pending callbacks have run, else 'pending': a hit must not wait for AWS. */
function settledAtOnce<T>(promise: Promise<T>): Promise<T | 'pending'> {
  return Promise.race([promise, new Promise<'pending'>((resolve) => setImmediate(() => resolve('pending')))]);
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

// Reads that must be served from the cache; a background refresh's failure would not
// surface, so every test also checks that nothing called this.
let unexpectedCalls = 0;
const unused = async (): Promise<never> => {
  unexpectedCalls++;
  throw new Error('this read should have been served from the cache');
};
afterEach(async () => {
  await flush();
  expect(unexpectedCalls).toBe(0);
});

describe('Class: MemoryReadCache, refresh-ahead', () => {
  it('serves hits past the refresh point at once, refreshes the key once in the background, then serves the new value with a fresh TTL', async () => {
    const { clock, metrics, cache } = clockedCache();
    await cache.read(LAGS, async () => 'old');
    clock.now = T0 + 799;
    expect(await cache.read(LAGS, unused)).toBe('old');
    clock.now = T0 + 800;
    const aws = deferred<string>();
    let calls = 0;
    const slow = () => {
      calls++;
      return aws.promise;
    };
    for (let i = 0; i < 10; i++) expect(await settledAtOnce(cache.read(LAGS, slow))).toBe('old');
    expect(calls).toBe(1);
    expect(await events({ metrics })).toEqual({ miss: 1, hit: 11, refresh: 1 });

    clock.now = T0 + 850;
    aws.resolve('new');
    await flush();
    expect(await cache.read(LAGS, unused)).toBe('new');
    // Past the old entry's expiry, within the new one's (stored at T0 + 850).
    clock.now = T0 + 1500;
    expect(await cache.read(LAGS, unused)).toBe('new');
    clock.now = T0 + 1850;
    expect(await cache.read(LAGS, async () => 'newer')).toBe('newer');
  });

  it('costs a key read continuously one AWS call per refresh interval, and no read a miss after the first', async () => {
    const { clock, metrics, cache } = clockedCache();
    let calls = 0;
    const source = async () => `answer ${++calls}`;
    for (let at = 0; at <= 10_000; at += 50) {
      clock.now = T0 + at;
      await cache.read(LAGS, source);
      await flush();
    }
    // Stored at 0, then refreshed at 800, 1600, … 9600: every 800 ms.
    expect(calls).toBe(13);
    expect(await events({ metrics })).toEqual({ miss: 1, hit: 200, refresh: 12 });
  });

  it('lets reads that find the entry expired join a refresh still in flight', async () => {
    const { clock, metrics, cache } = clockedCache();
    await cache.read(LAGS, async () => 'old');
    clock.now = T0 + 900;
    const aws = deferred<string>();
    expect(await cache.read(LAGS, () => aws.promise)).toBe('old');
    clock.now = T0 + 1000;
    const late = cache.read(LAGS, unused);
    expect(await settledAtOnce(late)).toBe('pending');
    aws.resolve('new');
    expect(await late).toBe('new');
    expect(await events({ metrics })).toEqual({ miss: 1, hit: 1, refresh: 1, coalesced: 1 });
  });

  it('discards a refresh overtaken by an invalidation', async () => {
    const { clock, cache } = clockedCache();
    await cache.read(LAGS, async () => 'old');
    clock.now = T0 + 900;
    const aws = deferred<string>();
    expect(await cache.read(LAGS, () => aws.promise)).toBe('old');
    await cache.invalidateRegion('us-east-1');
    aws.resolve('read before the change');
    await flush();
    expect(await cache.read(LAGS, async () => 'after')).toBe('after');
    expect(await cache.read(LAGS, unused)).toBe('after');
  });

  it('leaves the entry to expire when its refresh fails, without trying again', async () => {
    const { clock, cache } = clockedCache();
    await cache.read(LAGS, async () => 'old');
    let calls = 0;
    const throttled = async () => {
      calls++;
      throw new Error('throttled');
    };
    for (const at of [900, 950, 999]) {
      clock.now = T0 + at;
      expect(await cache.read(LAGS, throttled)).toBe('old');
      await flush();
    }
    expect(calls).toBe(1);
    clock.now = T0 + 1000;
    expect(await cache.read(LAGS, async () => 'new')).toBe('new');
  });

  it('refreshes no entry that is not read: there is no timer, and an expired entry is an ordinary miss', async () => {
    const metrics = createMetrics();
    const cache = new MemoryReadCache(40, 1_000_000, metrics);
    let calls = 0;
    const source = async () => {
      calls++;
      return `answer ${calls}`;
    };
    expect(await cache.read(LAGS, source)).toBe('answer 1');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(calls).toBe(1);
    expect(await cache.read(LAGS, source)).toBe('answer 2');
    expect(await events({ metrics })).toEqual({ miss: 2 });
  });
});

describe('Class: MemoryReadCache, stamps', () => {
  it('stamps a miss, the reads that joined it and later hits with the time the entry was stored plus the TTL', async () => {
    const { clock, cache } = clockedCache();
    const stamps: ReadStamp[] = [];
    const observe = (stamp: ReadStamp) => stamps.push(stamp);
    const aws = deferred<string>();
    const miss = cache.read(LAGS, () => aws.promise, { observe });
    const joined = cache.read(LAGS, unused, { observe });
    clock.now = T0 + 100;
    aws.resolve('lags');
    expect(await Promise.all([miss, joined])).toEqual(['lags', 'lags']);
    clock.now = T0 + 500;
    expect(await cache.read(LAGS, unused, { observe })).toBe('lags');
    expect(stamps).toEqual(Array.from({ length: 3 }, () => ({ region: 'us-east-1', generation: 0, expiresAt: T0 + 1100 })));
  });

  it('is still fresh until a stamp expires or its region is invalidated, synchronously', async () => {
    const { clock, cache } = clockedCache();
    let us!: ReadStamp;
    let eu!: ReadStamp;
    await cache.read(LAGS, async () => 'us', { observe: (stamp) => (us = stamp) });
    await cache.read(EU_LAGS, async () => 'eu', { observe: (stamp) => (eu = stamp) });
    expect(cache.stillFresh([us, eu])).toBe(true);
    expect(cache.stillFresh([])).toBe(true);
    clock.now = T0 + 999;
    expect(cache.stillFresh([us, eu])).toBe(true);
    await cache.invalidateRegion('us-east-1');
    expect(cache.stillFresh([us, eu])).toBe(false);
    expect(cache.stillFresh([eu])).toBe(true);
    clock.now = T0 + 1000;
    expect(cache.stillFresh([eu])).toBe(false);
  });

  it('stamps a read overtaken by an invalidation with the generation it was read under, so it is never fresh', async () => {
    const { cache } = clockedCache();
    const aws = deferred<string>();
    let stamp: ReadStamp | undefined;
    const early = cache.read(LAGS, () => aws.promise, { observe: (s) => (stamp = s) });
    await cache.invalidateRegion('us-east-1');
    aws.resolve('before');
    expect(await early).toBe('before');
    expect(stamp).toMatchObject({ generation: 0 });
    expect(cache.stillFresh([stamp!])).toBe(false);
  });

  it('stamps a refreshed entry anew, while a stamp of the entry it replaced stays fresh until its own expiry', async () => {
    const { clock, cache } = clockedCache();
    let old!: ReadStamp;
    await cache.read(LAGS, async () => 'old', { observe: (stamp) => (old = stamp) });
    clock.now = T0 + 800;
    await cache.read(LAGS, async () => 'new');
    await flush();
    clock.now = T0 + 900;
    let renewed!: ReadStamp;
    expect(await cache.read(LAGS, unused, { observe: (stamp) => (renewed = stamp) })).toBe('new');
    expect(old.expiresAt).toBe(T0 + 1000);
    expect(renewed.expiresAt).toBe(T0 + 1800);
    expect(cache.stillFresh([old, renewed])).toBe(true);
    clock.now = T0 + 1000;
    expect(cache.stillFresh([old])).toBe(false);
    expect(cache.stillFresh([renewed])).toBe(true);
  });

  it('has nothing to stamp with the cache off (TTL 0): observe is not called, nothing is fresh', async () => {
    let observed = 0;
    expect(await NO_CACHE.read(LAGS, async () => 'aws', { observe: () => observed++ })).toBe('aws');
    expect(observed).toBe(0);
    expect(NO_CACHE.stillFresh([])).toBe(false);
  });
});
