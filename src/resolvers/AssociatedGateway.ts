import type { AssociatedGatewayResolvers } from '../__generated__/resolvers-types.js';
import { knownEnumValue } from './knownEnumValue.js';

export const AssociatedGateway: AssociatedGatewayResolvers = {
  type: (gateway, _args, context) => knownEnumValue('GatewayType', gateway.type, context),
};
