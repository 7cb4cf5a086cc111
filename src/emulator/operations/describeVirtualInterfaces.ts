import { clientError } from '../protocol.js';
import type { Operation } from '../operation.js';
import { paginate } from '../paging.js';
import { findConnection, findLag, findVirtualInterface } from '../rules.js';
import { virtualInterfaceShape } from '../shapes.js';
import { isConnectionId, isLagId, optionalString, optionalVirtualInterfaceId, pageRequest } from '../validate.js';

/**
 * Every VIF of the region, those on one connection or LAG (`connectionId`), or one
 * (`virtualInterfaceId`); with both, the VIF only if it rides on that parent
 * (docs/aws-behaviour.md, "Virtual interfaces and secrets"). A LAG member's own
 * ID finds nothing: the VIFs of a LAG ride on the LAG ID.
 */
export const describeVirtualInterfaces: Operation = (input, { store }) => {
  const page = pageRequest(input);
  const parentId = optionalString(input, 'connectionId');
  if (parentId !== undefined && !isConnectionId(parentId) && !isLagId(parentId)) {
    throw clientError(`Connection ID ${parentId} has an invalid format.`);
  }
  const vifId = optionalVirtualInterfaceId(input);
  if (parentId !== undefined) {
    if (isLagId(parentId)) findLag(store, parentId);
    else findConnection(store, parentId);
  }

  let records = vifId === undefined ? [...store.virtualInterfaces.values()] : [findVirtualInterface(store, vifId)];
  if (parentId !== undefined) records = records.filter((v) => v.connectionId === parentId);
  const { items, nextToken } = paginate(
    records,
    (v) => v.virtualInterfaceId,
    page,
    `${store.region}:DescribeVirtualInterfaces:${parentId ?? '*'}`,
  );
  return { virtualInterfaces: items.map((v) => virtualInterfaceShape(store, v)), nextToken };
};
