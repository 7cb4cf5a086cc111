import type { LagResolvers } from '../__generated__/resolvers-types.js';
import { changePage, NO_CHANGES } from './Change.js';
import { assertValid } from '../errors/GatewayError.js';
import { checkWindowMinutes } from '../input.js';
import { lagResourceIds, lagTraffic, reportFor } from '../loaders/traffic.js';
import { knownEnumValue } from './knownEnumValue.js';

export const Lag: LagResolvers = {
  changes: (lag, args, context) => (lag.lagId ? changePage(context, { ...args, lagId: lag.lagId }) : NO_CHANGES),
  lagState: (lag, _args, context) => knownEnumValue('LagState', lag.lagState, context),
  hasLogicalRedundancy: (lag, _args, context) => knownEnumValue('HasLogicalRedundancy', lag.hasLogicalRedundancy, context),
  encryptionMode: (lag, _args, context) => knownEnumValue('EncryptionMode', lag.encryptionMode, context),
  tags: (lag) => lag.tags ?? [],
  macSecKeys: (lag) => lag.macSecKeys ?? [],
  // DescribeLags already lists the members in full; no further AWS call.
  connections: (lag, _args, { loaders }) => {
    const members = lag.connections ?? [];
    if (lag.region) loaders.primeConnections(members, lag.region);
    return members;
  },
  virtualInterfaces: (lag, _args, { loaders }) =>
    lag.lagId && lag.region ? loaders.virtualInterfacesOn({ region: lag.region, id: lag.lagId }) : [],
  // Only a LAG that allows hosted connections can carry any: the others cost no AWS call.
  hostedConnections: (lag, _args, { loaders }) =>
    lag.allowsHostedConnections && lag.lagId && lag.region ? loaders.hostedConnectionsOn.load({ region: lag.region, id: lag.lagId }) : [],
  traffic: (lag, { windowMinutes }, { loaders, regions }) => {
    assertValid(checkWindowMinutes(windowMinutes));
    return lagTraffic((...args) => loaders.trafficOf(...args), lag, lag.region ?? regions.defaultRegion, windowMinutes);
  },
  maintenance: async (lag, _args, { loaders, regions }) => reportFor(await loaders.maintenanceIn.load(lag.region ?? regions.defaultRegion), lagResourceIds(lag)),
  maintenanceEvents: async (lag, _args, { loaders, regions }) =>
    reportFor(await loaders.maintenanceIn.load(lag.region ?? regions.defaultRegion), lagResourceIds(lag)).events,
};
