import type { Operation } from '../operation.js';
import { paginate } from '../paging.js';
import { findConnection } from '../rules.js';
import { connectionShape } from '../shapes.js';
import { optionalConnectionId, pageRequest } from '../validate.js';

/** Lists this account's connections, deleted ones included (AWS keeps them visible). */
export const describeConnections: Operation = (input, { store }) => {
  const page = pageRequest(input);
  const id = optionalConnectionId(input);
  const records = id === undefined ? store.ofKind('connection') : [findConnection(store, id)];
  const { items, nextToken } = paginate(records, (c) => c.connectionId, page, `${store.region}:DescribeConnections`);
  return { connections: items.map((c) => connectionShape(store, c)), nextToken };
};
