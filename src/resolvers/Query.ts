import type { QueryResolvers } from '../__generated__/resolvers-types.js';
import { changePage } from './Change.js';
import { assertValid, GatewayError } from '../errors/GatewayError.js';
import {
  checkConnectionId,
  checkConnectionOrLagId,
  checkDirectConnectGatewayId,
  checkLagId,
  checkVirtualInterfaceId,
  resolveRegion,
} from '../input.js';
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

  virtualInterfaces: async (_parent, { region, connectionId }, { loaders, regions }) => {
    const served = resolveRegion(region, regions);
    assertValid(served);
    if (connectionId === null || connectionId === undefined) return loaders.virtualInterfacesInRegion.load(served.region);
    assertValid(checkConnectionOrLagId(connectionId));
    const key = { region: served.region, id: connectionId };
    // A connection or a LAG; an unknown one is an error, as for connections(lagId), not an empty list.
    if (connectionId.startsWith('dxlag-')) {
      const [lag, vifs] = await Promise.all([loaders.lagById.load(key), loaders.virtualInterfacesOn(key)]);
      if (!lag) throw new GatewayError('LAG_NOT_FOUND', `No LAG ${connectionId} exists in ${served.region}.`);
      return vifs;
    }
    const [connection, vifs] = await Promise.all([loaders.connectionById.load(key), loaders.virtualInterfacesOn(key)]);
    if (!connection) throw new GatewayError('CONNECTION_NOT_FOUND', `No connection ${connectionId} exists in ${served.region}.`);
    return vifs;
  },

  virtualInterface: (_parent, { virtualInterfaceId, region }, { loaders, regions }) => {
    assertValid(checkVirtualInterfaceId(virtualInterfaceId));
    const served = resolveRegion(region, regions);
    assertValid(served);
    return loaders.virtualInterfaceById({ region: served.region, id: virtualInterfaceId });
  },

  // The change record: the trail's own history (src/audit/).
  changes: (_parent, args, context) => changePage(context, args),

  virtualInterfaceTests: async (_parent, { region, virtualInterfaceId, status }, { loaders, regions }) => {
    const served = resolveRegion(region, regions);
    assertValid(served);
    if (virtualInterfaceId !== null && virtualInterfaceId !== undefined) assertValid(checkVirtualInterfaceId(virtualInterfaceId));
    if (status !== null && status !== undefined && !/^[A-Za-z0-9 _-]{1,32}$/.test(status)) {
      assertValid({ field: 'status', message: 'status must be 1 to 32 letters, digits, spaces, "_" or "-", exactly as AWS writes a test\'s status.' });
    }
    const tests = await loaders.virtualInterfaceTests(served.region, { virtualInterfaceId: virtualInterfaceId ?? undefined, status: status ?? undefined });
    return tests.map((test) => ({ ...test, region: served.region }));
  },

  interconnects: (_parent, { region }, { loaders, regions }) => {
    const served = resolveRegion(region, regions);
    assertValid(served);
    return loaders.interconnectsInRegion.load(served.region);
  },

  interconnect: (_parent, { interconnectId, region }, { loaders, regions }) => {
    // Interconnects use connection IDs (dxcon-…).
    assertValid(checkConnectionId(interconnectId, 'interconnectId'));
    const served = resolveRegion(region, regions);
    assertValid(served);
    return loaders.interconnectById.load({ region: served.region, id: interconnectId });
  },

  // DX gateways are global: listed through the default region's endpoint.
  directConnectGateways: (_parent, _args, { loaders, regions }) => loaders.directConnectGatewaysIn.load(regions.defaultRegion),

  directConnectGateway: (_parent, { directConnectGatewayId }, { loaders, regions }) => {
    assertValid(checkDirectConnectGatewayId(directConnectGatewayId));
    return loaders.directConnectGatewayById({ region: regions.defaultRegion, id: directConnectGatewayId });
  },

  maintenance: (_parent, { region }, { loaders, regions }) => {
    const served = resolveRegion(region, regions);
    assertValid(served);
    return loaders.maintenanceIn.load(served.region);
  },

  maintenanceEvents: async (_parent, { region }, { loaders, regions }) => {
    const served = resolveRegion(region, regions);
    assertValid(served);
    return (await loaders.maintenanceIn.load(served.region)).events;
  },
};
