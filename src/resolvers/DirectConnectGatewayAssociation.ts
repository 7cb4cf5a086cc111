import type { DirectConnectGatewayAssociationResolvers } from '../__generated__/resolvers-types.js';
import { knownEnumValue } from './knownEnumValue.js';

export const DirectConnectGatewayAssociation: DirectConnectGatewayAssociationResolvers = {
  associationState: (association, _args, context) =>
    knownEnumValue('DirectConnectGatewayAssociationState', association.associationState, context),
  allowedPrefixesToDirectConnectGateway: (association) => association.allowedPrefixesToDirectConnectGateway ?? [],
};
