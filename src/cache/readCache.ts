// The cross-request cache of Describe results: the contract every kind of cache
// keeps (createReadCache.ts picks one). Reads are keyed by region,
// operation and ID; a mutation invalidates its whole region, which is coarser than
// what it touched but can never leave a related read stale (a LAG listing shows
// member counts, a connection shows its lagId). Staleness is bounded by the TTL for
// changes made outside this gateway, and zero for changes made through it.

export interface ReadKey {
  region: string;
  operation: 'DescribeConnections' | 'DescribeLags' | 'DescribeVirtualInterfaces' | 'DescribeInterconnects' | 'DescribeHostedConnections';
  /** The ID asked for (for hosted connections, the LAG or interconnect they ride on), or undefined for the region's full listing. */
  id?: string;
}

export interface ReadCache {
  /**
   * The cached value, or the result of `fetch`, shared with every identical read
   * in flight. A caller's `signal` stops its own wait, never the shared call.
   */
  read<T>(key: ReadKey, fetch: (signal?: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** Forgets every read of the region; resolves once no replica will serve the old state. */
  invalidateRegion(region: string): Promise<void>;
  close(): Promise<void>;
}

export const keyString = (key: ReadKey) => `${key.region}:${key.operation}:${key.id ?? '*'}`;

/** TTL 0: every read goes to AWS, nothing is shared (what the naive configuration measures). */
export const NO_CACHE: ReadCache = {
  read: (_key, fetch, signal) => fetch(signal),
  invalidateRegion: async () => {},
  close: async () => {},
};

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
