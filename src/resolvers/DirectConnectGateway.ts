import type { DirectConnectGatewayResolvers } from '../__generated__/resolvers-types.js';
import { knownEnumValue } from './knownEnumValue.js';

// DX gateways are global: the gateway reads them, their associations and attachments
// through its default region's endpoint.

export const DirectConnectGateway: DirectConnectGatewayResolvers = {
  directConnectGatewayState: (gateway, _args, context) => knownEnumValue('DirectConnectGatewayState', gateway.directConnectGatewayState, context),
  tags: (gateway) => gateway.tags ?? [],
  associations: (gateway, _args, { loaders, regions }) =>
    gateway.directConnectGatewayId ? loaders.associationsOf.load({ region: regions.defaultRegion, id: gateway.directConnectGatewayId }) : [],
  attachments: (gateway, _args, { loaders, regions }) =>
    gateway.directConnectGatewayId ? loaders.attachmentsOf.load({ region: regions.defaultRegion, id: gateway.directConnectGatewayId }) : [],
};
