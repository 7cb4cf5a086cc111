import type { BgpPeerResolvers } from '../__generated__/resolvers-types.js';
import { knownEnumValue } from './knownEnumValue.js';

export const BgpPeer: BgpPeerResolvers = {
  addressFamily: (peer, _args, { logger }) => knownEnumValue('AddressFamily', peer.addressFamily, logger),
  bgpPeerState: (peer, _args, { logger }) => knownEnumValue('BgpPeerState', peer.bgpPeerState, logger),
  bgpStatus: (peer, _args, { logger }) => knownEnumValue('BgpStatus', peer.bgpStatus, logger),
};
