import type { BgpPeerResolvers } from '../__generated__/resolvers-types.js';
import { knownEnumValue } from './knownEnumValue.js';

export const BgpPeer: BgpPeerResolvers = {
  addressFamily: (peer, _args, context) => knownEnumValue('AddressFamily', peer.addressFamily, context),
  bgpPeerState: (peer, _args, context) => knownEnumValue('BgpPeerState', peer.bgpPeerState, context),
  bgpStatus: (peer, _args, context) => knownEnumValue('BgpStatus', peer.bgpStatus, context),
};
