import { clientError } from '../protocol.js';
import type { Operation } from '../operation.js';
import { paginate } from '../paging.js';
import { findInterconnect } from '../rules.js';
import { interconnectShape } from '../shapes.js';
import { isConnectionId, optionalString, pageRequest } from '../validate.js';

/** Interconnects use `dxcon-` IDs too (docs/aws-behaviour.md, "Identifiers"). */
export const describeInterconnects: Operation = (input, { store }) => {
  const page = pageRequest(input);
  const id = optionalString(input, 'interconnectId');
  if (id !== undefined && !isConnectionId(id)) throw clientError(`Interconnect ID ${id} has an invalid format.`);
  const records = id === undefined ? store.ofKind('interconnect') : [findInterconnect(store, id)];
  const { items, nextToken } = paginate(records, (c) => c.connectionId, page, `${store.region}:DescribeInterconnects`);
  return { interconnects: items.map((c) => interconnectShape(store, c)), nextToken };
};
