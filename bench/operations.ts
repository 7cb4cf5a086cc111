import { minimumLinksShortfall } from '../src/changes/impact.js';
import type { Snapshot } from './snapshot.js';

export const OPERATION_NAMES = ['list', 'lags', 'one', 'dryrun'] as const;

/** One GraphQL request every configuration answers, identical byte for byte. */
export interface BenchOperation {
  name: (typeof OPERATION_NAMES)[number];
  description: string;
  query: string;
}

/** The IDs the operations name, picked from the seed the same way on every run. */
export interface SeedPicks {
  lagId: string;
  connectionId: string;
}

/**
 * The first LAG of the default region with several members where a dry run of
 * disassociating its first member succeeds (so the dry run does the whole check).
 */
export function pickFromSeed(snapshot: Snapshot): SeedPicks {
  const lags = snapshot.regions[snapshot.defaultRegion]?.lags ?? [];
  for (const lag of lags) {
    const first = lag.connections?.[0]?.connectionId;
    if (lag.lagId && first && (lag.connections?.length ?? 0) > 1 && !minimumLinksShortfall(lag, first)) {
      return { lagId: lag.lagId, connectionId: first };
    }
  }
  throw new Error(`no LAG in ${snapshot.defaultRegion} allows a disassociation; is the emulator on the large seed?`);
}

export function benchOperations({ lagId, connectionId }: SeedPicks): BenchOperation[] {
  return [
    {
      name: 'list',
      description: 'every connection of the default region with its LAG',
      query: '{ connections { connectionId connectionState bandwidth lag { lagId lagName minimumLinks } } }',
    },
    {
      name: 'lags',
      description: 'every LAG of the default region with its members',
      query: '{ lags { lagId minimumLinks numberOfConnections connections { connectionId connectionState } } }',
    },
    {
      name: 'one',
      description: `one connection (${connectionId}) with its LAG`,
      query: `{ connection(connectionId: "${connectionId}") { connectionId connectionState lag { lagId numberOfConnections } } }`,
    },
    {
      name: 'dryrun',
      description: `dry run of disassociating ${connectionId} from ${lagId}`,
      query:
        `mutation { disassociateConnectionFromLag(input: { connectionId: "${connectionId}", lagId: "${lagId}", dryRun: true }) ` +
        '{ __typename ... on DirectConnectError { code } } }',
    },
  ];
}
