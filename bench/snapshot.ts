import {
  DescribeConnectionsCommand,
  DescribeLagsCommand,
  DirectConnectClient,
  type Connection,
  type Lag,
} from '@aws-sdk/client-direct-connect';

/** Every connection and LAG of each region, as AWS (here: the emulator) describes them. */
export interface Snapshot {
  defaultRegion: string;
  regions: Record<string, { connections: Connection[]; lags: Lag[] }>;
}

/** A Describe page holds at most 100 items; the large seed needs 4 pages per region. */
const PAGE_SIZE = 100;
const MAX_PAGES = 100;

async function allPages<T>(fetchPage: (nextToken: string | undefined) => Promise<{ items?: T[]; nextToken?: string }>): Promise<T[]> {
  const all: T[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await fetchPage(nextToken);
    all.push(...(answer.items ?? []));
    nextToken = answer.nextToken || undefined;
    if (!nextToken) return all;
  }
  throw new Error(`the emulator kept paging past ${MAX_PAGES} pages`);
}

/**
 * Reads the emulator's data once through the real SDK, for the in-memory
 * configurations (reference and floor). The emulator checks no signature.
 */
export async function loadSnapshot(endpoint: string, regions: string[], defaultRegion: string): Promise<Snapshot> {
  const snapshot: Snapshot = { defaultRegion, regions: {} };
  for (const region of regions) {
    const client = new DirectConnectClient({
      region,
      endpoint,
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
      maxAttempts: 1,
    });
    try {
      const connections = await allPages(async (nextToken) => {
        const out = await client.send(new DescribeConnectionsCommand({ maxResults: PAGE_SIZE, nextToken }));
        return { items: out.connections, nextToken: out.nextToken };
      });
      const lags = await allPages(async (nextToken) => {
        const out = await client.send(new DescribeLagsCommand({ maxResults: PAGE_SIZE, nextToken }));
        return { items: out.lags, nextToken: out.nextToken };
      });
      snapshot.regions[region] = { connections, lags };
    } finally {
      client.destroy();
    }
  }
  return snapshot;
}
