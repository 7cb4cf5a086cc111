import type { Connection, Lag } from '@aws-sdk/client-direct-connect';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { minimumLinksShortfall } from '../src/changes/impact.js';
import { enumValues } from '../src/resolvers/awsEnums.js';
import { loadTypeDefs } from '../src/schema.js';
import type { Snapshot } from './snapshot.js';

// The gateway's schema answered from a snapshot held in memory: what the
// reference server and the floor execute. Same SDL, same enum mapping (GraphQL
// value ↔ AWS string), no AWS, no loaders, no checks beyond what the answers need.

interface RegionIndex {
  connections: Connection[];
  lags: Lag[];
  connectionById: Map<string, Connection>;
  lagById: Map<string, Lag>;
}

interface DisassociateArgs {
  input: { connectionId: string; lagId: string; region?: string | null; dryRun?: boolean | null };
}

function indexSnapshot(snapshot: Snapshot): Map<string, RegionIndex> {
  const regions = new Map<string, RegionIndex>();
  for (const [region, { connections, lags }] of Object.entries(snapshot.regions)) {
    regions.set(region, {
      connections,
      lags,
      connectionById: new Map(connections.map((c) => [c.connectionId!, c])),
      lagById: new Map(lags.map((l) => [l.lagId!, l])),
    });
  }
  return regions;
}

export function inMemoryResolvers(snapshot: Snapshot) {
  const regions = indexSnapshot(snapshot);
  const regionOf = (name: string | null | undefined): RegionIndex => {
    const index = regions.get(name ?? snapshot.defaultRegion);
    if (!index) throw new GraphQLError(`Region ${name} is not served.`, { extensions: { code: 'BAD_USER_INPUT' } });
    return index;
  };
  const lagOf = (region: string | undefined, lagId: string | undefined): Lag | null =>
    (lagId && regionOf(region).lagById.get(lagId)) || null;

  return {
    Query: {
      connection: (_: unknown, args: { connectionId: string; region?: string | null }) =>
        regionOf(args.region).connectionById.get(args.connectionId) ?? null,
      connections: (_: unknown, args: { region?: string | null; lagId?: string | null }) => {
        const index = regionOf(args.region);
        if (!args.lagId) return index.connections;
        const lag = index.lagById.get(args.lagId);
        if (!lag) throw new GraphQLError(`No LAG ${args.lagId}.`, { extensions: { code: 'LAG_NOT_FOUND' } });
        return lag.connections ?? [];
      },
      lag: (_: unknown, args: { lagId: string; region?: string | null }) => regionOf(args.region).lagById.get(args.lagId) ?? null,
      lags: (_: unknown, args: { region?: string | null }) => regionOf(args.region).lags,
    },
    Mutation: {
      // Dry runs only, with the gateway's checks; the in-memory configurations change nothing.
      disassociateConnectionFromLag: (_: unknown, { input }: DisassociateArgs) => {
        const region = input.region ?? snapshot.defaultRegion;
        const index = regionOf(region);
        const base = { retryable: false, connectionId: input.connectionId, lagId: input.lagId, region };
        if (input.dryRun !== true) {
          return { __typename: 'InvalidInput', code: 'BAD_USER_INPUT', field: 'dryRun', message: 'This server is read-only; use dryRun: true.', retryable: false };
        }
        const lag = index.lagById.get(input.lagId);
        const member = lag?.connections?.find((c) => c.connectionId === input.connectionId);
        if (!lag || !member) {
          const connection = index.connectionById.get(input.connectionId);
          if (!connection) return { __typename: 'ConnectionNotFound', code: 'CONNECTION_NOT_FOUND', message: `No connection ${input.connectionId}.`, ...base };
          if (!lag) return { __typename: 'LagNotFound', code: 'LAG_NOT_FOUND', message: `No LAG ${input.lagId}.`, ...base };
          return {
            __typename: 'ConnectionNotInLag',
            code: 'CONNECTION_NOT_IN_LAG',
            message: `Connection ${input.connectionId} is not a member of LAG ${input.lagId}.`,
            actualLagId: connection.lagId ?? null,
            ...base,
          };
        }
        const shortfall = minimumLinksShortfall(lag, input.connectionId);
        if (shortfall) {
          return { __typename: 'MinimumLinksViolation', code: 'MINIMUM_LINKS_VIOLATION', message: 'Below minimumLinks.', lag, ...shortfall, ...base };
        }
        return { __typename: 'DisassociateConnectionFromLagSuccess', connection: member, region, lagId: input.lagId, dryRun: true };
      },
    },
    Connection: {
      tags: (connection: Connection) => connection.tags ?? [],
      macSecKeys: (connection: Connection) => connection.macSecKeys ?? [],
      lag: (connection: Connection) => lagOf(connection.region, connection.lagId),
    },
    Lag: {
      connections: (lag: Lag) => lag.connections ?? [],
      tags: (lag: Lag) => lag.tags ?? [],
      macSecKeys: (lag: Lag) => lag.macSecKeys ?? [],
    },
    DisassociateConnectionFromLagSuccess: {
      lag: (success: { region: string; lagId: string }) => lagOf(success.region, success.lagId),
    },
    DateTime: DateTimeResolver,
    // Enum resolvers: GraphQL value → the string AWS uses, exactly as the gateway maps them.
    ...enumValues,
  };
}

/** The executable schema for the floor: the same SDL and resolvers, as Apollo builds it. */
export function inMemorySchema(snapshot: Snapshot): GraphQLSchema {
  return makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers: inMemoryResolvers(snapshot) });
}
