import type { InterconnectResolvers } from '../__generated__/resolvers-types.js';
import { knownEnumValue } from './knownEnumValue.js';

export const Interconnect: InterconnectResolvers = {
  interconnectState: (interconnect, _args, { logger }) => knownEnumValue('InterconnectState', interconnect.interconnectState, logger),
  hasLogicalRedundancy: (interconnect, _args, { logger }) =>
    knownEnumValue('HasLogicalRedundancy', interconnect.hasLogicalRedundancy, logger),
  portEncryptionStatus: (interconnect, _args, { logger }) =>
    knownEnumValue('PortEncryptionStatus', interconnect.portEncryptionStatus, logger),
  encryptionMode: (interconnect, _args, { logger }) => knownEnumValue('EncryptionMode', interconnect.encryptionMode, logger),
  tags: (interconnect) => interconnect.tags ?? [],
  macSecKeys: (interconnect) => interconnect.macSecKeys ?? [],
};
