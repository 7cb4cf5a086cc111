import { clientError } from '../protocol.js';
import type { Operation } from '../operation.js';
import { paginate } from '../paging.js';
import { findInterconnect, findLag } from '../rules.js';
import { connectionShape } from '../shapes.js';
import { isConnectionId, isLagId, pageRequest, requiredString } from '../validate.js';

/** The hosted connections riding on an interconnect or a LAG, named by `connectionId`. */
export const describeHostedConnections: Operation = (input, { store }) => {
  const page = pageRequest(input);
  const parentId = requiredString(input, 'connectionId');
  if (isLagId(parentId)) findLag(store, parentId);
  else if (isConnectionId(parentId)) findInterconnect(store, parentId);
  else throw clientError(`Connection ID ${parentId} has an invalid format.`);
  const { items, nextToken } = paginate(
    store.hostedOn(parentId),
    (c) => c.connectionId,
    page,
    `${store.region}:DescribeHostedConnections:${parentId}`,
  );
  return { connections: items.map((c) => connectionShape(store, c)), nextToken };
};
