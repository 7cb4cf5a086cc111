import { clientError } from '../protocol.js';
import type { Operation } from '../operation.js';
import { paginate } from '../paging.js';
import { gatewayAssociationShape } from '../shapes.js';
import { optionalDirectConnectGatewayId, optionalString, pageRequest } from '../validate.js';

/**
 * The associations of Direct Connect gateways with transit and virtual private
 * gateways, every filter given applying. The model says one of them must be given
 * ("You must specify one of the following"); the refusal's wording is the
 * emulator's own. `virtualGatewayId` names "the virtual private gateway or transit
 * gateway", so it matches either kind, as `associatedGatewayId` does.
 */
export const describeDirectConnectGatewayAssociations: Operation = (input, { stores }) => {
  const page = pageRequest(input);
  const gatewayId = optionalDirectConnectGatewayId(input);
  const associationId = optionalString(input, 'associationId');
  const associatedGatewayId = optionalString(input, 'associatedGatewayId');
  const virtualGatewayId = optionalString(input, 'virtualGatewayId');
  if ([gatewayId, associationId, associatedGatewayId, virtualGatewayId].every((filter) => filter === undefined)) {
    throw clientError('Specify a directConnectGatewayId, associationId, associatedGatewayId or virtualGatewayId.');
  }
  const associations = [...stores.gatewayAssociations.values()].filter(
    (a) =>
      (gatewayId === undefined || a.directConnectGatewayId === gatewayId) &&
      (associationId === undefined || a.associationId === associationId) &&
      (associatedGatewayId === undefined || a.associatedGateway.id === associatedGatewayId) &&
      (virtualGatewayId === undefined || a.associatedGateway.id === virtualGatewayId),
  );
  const scope = `global:DescribeDirectConnectGatewayAssociations:${[gatewayId, associationId, associatedGatewayId, virtualGatewayId].join(':')}`;
  const { items, nextToken } = paginate(associations, (a) => a.associationId, page, scope);
  return { directConnectGatewayAssociations: items.map(gatewayAssociationShape), nextToken };
};
