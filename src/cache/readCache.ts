// The cross-request cache of Describe results: the contract every kind of cache
// keeps (createReadCache.ts picks one). Reads are keyed by region,
// operation and ID; a mutation invalidates its whole region, which is coarser than
// what it touched but can never leave a related read stale (a LAG listing shows
// member counts, a connection shows its lagId). Staleness is bounded by the TTL for
// changes made outside this gateway, and zero for changes made through it.
//
// Refresh-ahead: a read that hits an entry past the refresh point (REFRESH_AT of its
// TTL) is served that entry at once and starts one background read of the key, shared
// like a miss, which replaces the entry with a fresh TTL when it lands. So a key in
// use never expires under its readers and no request waits for AWS, while an entry is
// still never served past its TTL: the staleness bound is unchanged.

export interface ReadKey {
  region: string;
  operation:
    | 'DescribeConnections'
    | 'DescribeLags'
    | 'DescribeVirtualInterfaces'
    | 'DescribeInterconnects'
    | 'DescribeHostedConnections'
    | 'DescribeDirectConnectGateways'
    | 'DescribeDirectConnectGatewayAssociations'
    | 'DescribeDirectConnectGatewayAttachments'
    | 'ListVirtualInterfaceTestHistory'
    | 'GetMetricData'
    | 'DescribeEvents';
  /**
   * The ID asked for (for hosted connections, the LAG or interconnect they ride on; for
   * a DX gateway's associations and attachments, the gateway; for traffic, the series;
   * for failover tests, the filter),
   * or undefined for the region's full listing.
   */
  id?: string;
}

/**
 * Which cached read a value came from, and until when it is served: the entry's
 * region generation and its stored time plus the TTL. A response built from values
 * whose stamps are all still fresh (`stillFresh`) keeps the same staleness bound as
 * reading them again.
 */
export interface ReadStamp {
  readonly region: string;
  readonly generation: number | string;
  /** Epoch ms. */
  readonly expiresAt: number;
}

/** Who is reading: what stops its wait, and who is told which entry the value came from. */
export interface Reader {
  /** Stops this reader's wait, never the shared call. Read only if the reader must wait (a hit never does). */
  readonly abortSignal?: AbortSignal;
  /** Told which cache entry the value came from; for a read past the cache, a stamp that is never fresh. Not called with the cache off. */
  observe?: (stamp: ReadStamp) => void;
}

export interface ReadCache {
  /**
   * The cached value, or the result of `fetch`, shared with every identical read
   * in flight. The reader's `abortSignal` stops its own wait, never the shared call.
   * The reader's `observe` is told, once, before the value is returned, the stamp of the entry
   * the value came from (or would have been stored as: a read overtaken by an
   * invalidation carries the generation it was read under, so it is never fresh).
   */
  read<T>(key: ReadKey, fetch: (signal?: AbortSignal) => Promise<T>, reader?: Reader): Promise<T>;
  /**
   * True while no stamp has expired (now < expiresAt) and every stamp's region is
   * still at its generation: what the cache would serve for those reads is still
   * within the staleness bound. One Redis round trip at most; synchronous in memory.
   * A stamp stays fresh until its own expiresAt even after a refresh has replaced its
   * entry: the data it vouches for is still within its TTL, and nothing has changed
   * through the gateway since.
   */
  stillFresh(stamps: readonly ReadStamp[]): boolean | Promise<boolean>;
  /**
   * Asks AWS now, whatever is cached, and stores the answer for every later read (on
   * every replica sharing the cache), unless the region is invalidated meanwhile. What
   * the subscriptions' watcher reads with (src/live/watcher.ts): its poll is as fresh as
   * one read, and the queries and events that follow it are served what it saw.
   */
  refresh<T>(key: ReadKey, fetch: (signal?: AbortSignal) => Promise<T>): Promise<T>;
  /** Forgets every read of the region; resolves once no replica will serve the old state. */
  invalidateRegion(region: string): Promise<void>;
  close(): Promise<void>;
}

/** The stamp of a read no cached entry vouches for (read past the cache, or without Redis): never still fresh. */
export const neverFresh = (region: string): ReadStamp => ({ region, generation: -1, expiresAt: 0 });

/** A read's value with the stamp of the entry it is (or would have been) stored as. */
export interface Stamped<T> {
  value: T;
  stamp: ReadStamp;
}

export const keyString = (key: ReadKey) => `${key.region}:${key.operation}:${key.id ?? '*'}`;

/**
 * The refresh point, as a share of the TTL. At the default 3 s TTL it leaves 600 ms
 * before expiry, several times a normal Describe read (one call is 50–300 ms, a
 * listing a few pages), so the refresh lands while the entry is still served; one
 * that lands late is not lost, as reads after expiry join it like any read in flight.
 * A key read continuously costs one AWS call per REFRESH_AT × TTL (plus one read's
 * time) instead of one per TTL: 25 % more calls on hot keys, none on cold ones.
 */
export const REFRESH_AT = 0.8;

/** Whether a read at `now` of the entry stamped `stamp` should refresh it. */
export const refreshDue = (stamp: ReadStamp, ttlMs: number, now: number): boolean => now >= stamp.expiresAt - ttlMs * (1 - REFRESH_AT);

/**
 * TTL 0: every read goes to AWS, nothing is shared (what the naive configuration
 * measures). Nothing is cached, so there is no entry to stamp: `observe` is never
 * called and nothing is ever still fresh.
 */
export const NO_CACHE: ReadCache = {
  read: (_key, fetch, reader) => fetch(reader?.abortSignal),
  refresh: (_key, fetch) => fetch(),
  stillFresh: () => false,
  invalidateRegion: async () => {},
  close: async () => {},
};

/** Waits for a shared read, then tells this caller which entry its value came from. */
export async function served<T>(shared: Promise<Stamped<T>>, reader?: Reader): Promise<T> {
  const { value, stamp } = await waitFor(shared, reader?.abortSignal);
  reader?.observe?.(stamp);
  return value;
}

/** Waits for a shared promise, or stops waiting when this caller's request goes away. */
export function waitFor<T>(shared: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return shared;
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    shared.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function abortError(): Error {
  const error = new Error('The client went away before AWS answered.');
  error.name = 'AbortError';
  return error;
}
