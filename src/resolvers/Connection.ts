import type { ConnectionResolvers } from '../__generated__/resolvers-types.js';
import { knownEnumValue } from './knownEnumValue.js';

export const Connection: ConnectionResolvers = {
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
};
