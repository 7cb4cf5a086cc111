import type { Operation } from '../operation.js';
import { paginate } from '../paging.js';
import { directConnectGatewayShape } from '../shapes.js';
import { optionalDirectConnectGatewayId, pageRequest } from '../validate.js';

/**
 * Every Direct Connect gateway of the account, or one. Gateways are global, so any
 * region's endpoint answers the same list and a token works at any of them.
 * A well-formed ID that names no gateway answers an empty list: what AWS answers
 * there is not recorded (docs/aws-behaviour.md, "Direct Connect gateways").
 */
export const describeDirectConnectGateways: Operation = (input, { stores }) => {
  const page = pageRequest(input);
  const id = optionalDirectConnectGatewayId(input);
  const gateways = [...stores.directConnectGateways.values()].filter(
    (g) => g.directConnectGatewayState !== 'deleted' && (id === undefined || g.directConnectGatewayId === id),
  );
  const { items, nextToken } = paginate(gateways, (g) => g.directConnectGatewayId, page, 'global:DescribeDirectConnectGateways');
  return { directConnectGateways: items.map(directConnectGatewayShape), nextToken };
};
