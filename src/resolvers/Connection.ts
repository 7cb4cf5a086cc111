import type { ConnectionResolvers } from '../__generated__/resolvers-types.js';
import { changePage, NO_CHANGES } from './Change.js';
import { assertValid } from '../errors/GatewayError.js';
import { checkWindowMinutes } from '../input.js';
import { connectionTraffic, reportFor } from '../loaders/traffic.js';
import { knownEnumValue } from './knownEnumValue.js';

export const Connection: ConnectionResolvers = {
  changes: (connection, args, context) => (connection.connectionId ? changePage(context, { ...args, connectionId: connection.connectionId }) : NO_CHANGES),
  connectionState: (connection, _args, context) => knownEnumValue('ConnectionState', connection.connectionState, context),
  hasLogicalRedundancy: (connection, _args, context) =>
    knownEnumValue('HasLogicalRedundancy', connection.hasLogicalRedundancy, context),
  encryptionMode: (connection, _args, context) => knownEnumValue('EncryptionMode', connection.encryptionMode, context),
  portEncryptionStatus: (connection, _args, context) =>
    knownEnumValue('PortEncryptionStatus', connection.portEncryptionStatus, context),
  tags: (connection) => connection.tags ?? [],
  macSecKeys: (connection) => connection.macSecKeys ?? [],
  lag: (connection, _args, { loaders }) => {
    if (!connection.lagId || !connection.region) return null;
    // Listed already in this request: answer synchronously, no promise per connection.
    const listed = loaders.lagsInRegion.find(connection.region, connection.lagId);
    return listed !== undefined ? listed : loaders.lagById.load({ region: connection.region, id: connection.lagId });
  },
  virtualInterfaces: (connection, _args, { loaders }) =>
    connection.connectionId && connection.region
      ? loaders.virtualInterfacesOn({ region: connection.region, id: connection.connectionId })
      : [],
  traffic: (connection, { windowMinutes }, { loaders, regions }) => {
    assertValid(checkWindowMinutes(windowMinutes));
    return connectionTraffic((...args) => loaders.trafficOf(...args), connection, connection.region ?? regions.defaultRegion, windowMinutes);
  },
  maintenance: async (connection, _args, { loaders, regions }) =>
    reportFor(await loaders.maintenanceIn.load(connection.region ?? regions.defaultRegion), new Set([connection.connectionId ?? ''])),
  maintenanceEvents: async (connection, _args, { loaders, regions }) =>
    reportFor(await loaders.maintenanceIn.load(connection.region ?? regions.defaultRegion), new Set([connection.connectionId ?? ''])).events,
};
