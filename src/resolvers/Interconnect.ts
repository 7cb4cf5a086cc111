import type { InterconnectResolvers } from '../__generated__/resolvers-types.js';
import { knownEnumValue } from './knownEnumValue.js';

export const Interconnect: InterconnectResolvers = {
  interconnectState: (interconnect, _args, context) => knownEnumValue('InterconnectState', interconnect.interconnectState, context),
  hasLogicalRedundancy: (interconnect, _args, context) =>
    knownEnumValue('HasLogicalRedundancy', interconnect.hasLogicalRedundancy, context),
  portEncryptionStatus: (interconnect, _args, context) =>
    knownEnumValue('PortEncryptionStatus', interconnect.portEncryptionStatus, context),
  encryptionMode: (interconnect, _args, context) => knownEnumValue('EncryptionMode', interconnect.encryptionMode, context),
  tags: (interconnect) => interconnect.tags ?? [],
  macSecKeys: (interconnect) => interconnect.macSecKeys ?? [],
};
