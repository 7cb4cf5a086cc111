import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { assertValid, GatewayError } from '../errors/GatewayError.js';
import { checkConnectionId, checkLagId, resolveRegion } from '../input.js';
import { selects } from './selection.js';

export const Query: QueryResolvers = {
  connection: (_parent, { connectionId, region }, { loaders, regions }) => {
    assertValid(checkConnectionId(connectionId));
    const served = resolveRegion(region, regions);
    assertValid(served);
    return loaders.connectionById.load({ region: served.region, id: connectionId });
  },

  connections: async (_parent, { region, lagId }, { loaders, regions }, info) => {
    const served = resolveRegion(region, regions);
    assertValid(served);
    if (lagId === null || lagId === undefined) {
      // Asked for each connection's LAG: list the region's LAGs alongside, not after.
      const [connections] = await Promise.all([
        loaders.connectionsInRegion.load(served.region),
        selects(info, 'lag') ? loaders.prefetchLags(served.region) : undefined,
      ]);
      return connections;
    }
    assertValid(checkLagId(lagId));
    const lag = await loaders.lagById.load({ region: served.region, id: lagId });
    if (!lag) {
      throw new GatewayError('LAG_NOT_FOUND', `No LAG ${lagId} exists in ${served.region}.`);
    }
    return lag.connections ?? [];
  },

  lag: (_parent, { lagId, region }, { loaders, regions }) => {
    assertValid(checkLagId(lagId));
    const served = resolveRegion(region, regions);
    assertValid(served);
    return loaders.lagById.load({ region: served.region, id: lagId });
  },

  lags: (_parent, { region }, { loaders, regions }) => {
    const served = resolveRegion(region, regions);
    assertValid(served);
    return loaders.lagsInRegion.load(served.region);
  },
};
