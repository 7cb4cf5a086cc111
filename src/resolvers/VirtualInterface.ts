import type { VirtualInterfaceResolvers } from '../__generated__/resolvers-types.js';
import { changePage, NO_CHANGES } from './Change.js';
import { assertValid } from '../errors/GatewayError.js';
import { checkWindowMinutes } from '../input.js';
import { virtualInterfaceTraffic } from '../loaders/traffic.js';
import { knownEnumValue } from './knownEnumValue.js';

// A VIF names what it rides on in `connectionId`: a connection or, for a VIF on a
// LAG, the LAG's ID. `connection` and `lag` each answer for their own kind.
const ridesOnLag = (id: string | undefined) => id?.startsWith('dxlag-') ?? false;

export const VirtualInterface: VirtualInterfaceResolvers = {
  changes: (vif, args, context) => (vif.virtualInterfaceId ? changePage(context, { ...args, virtualInterfaceId: vif.virtualInterfaceId }) : NO_CHANGES),
  addressFamily: (vif, _args, context) => knownEnumValue('AddressFamily', vif.addressFamily, context),
  virtualInterfaceState: (vif, _args, context) => knownEnumValue('VirtualInterfaceState', vif.virtualInterfaceState, context),
  routeFilterPrefixes: (vif) => vif.routeFilterPrefixes ?? [],
  bgpPeers: (vif) => vif.bgpPeers ?? [],
  tags: (vif) => vif.tags ?? [],
  connection: (vif, _args, { loaders }) => {
    if (!vif.connectionId || !vif.region || ridesOnLag(vif.connectionId)) return null;
    const listed = loaders.connectionsInRegion.find(vif.region, vif.connectionId);
    return listed !== undefined ? listed : loaders.connectionById.load({ region: vif.region, id: vif.connectionId });
  },
  lag: (vif, _args, { loaders }) => {
    if (!vif.connectionId || !vif.region || !ridesOnLag(vif.connectionId)) return null;
    const listed = loaders.lagsInRegion.find(vif.region, vif.connectionId);
    return listed !== undefined ? listed : loaders.lagById.load({ region: vif.region, id: vif.connectionId });
  },
  directConnectGateway: (vif, _args, { loaders, regions }) =>
    vif.directConnectGatewayId ? loaders.directConnectGatewayById({ region: regions.defaultRegion, id: vif.directConnectGatewayId }) : null,
  tests: async (vif, _args, { loaders, regions }) => {
    const region = vif.region ?? regions.defaultRegion;
    if (!vif.virtualInterfaceId) return [];
    return (await loaders.testsOf.load({ region, id: vif.virtualInterfaceId })).map((test) => ({ ...test, region }));
  },
  traffic: (vif, { windowMinutes }, { loaders, regions }) => {
    assertValid(checkWindowMinutes(windowMinutes));
    return virtualInterfaceTraffic((...args) => loaders.trafficOf(...args), vif, vif.region ?? regions.defaultRegion, windowMinutes);
  },
};
