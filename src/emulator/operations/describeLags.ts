import type { Operation } from '../operation.js';
import { paginate } from '../paging.js';
import { findLag } from '../rules.js';
import { lagShape } from '../shapes.js';
import { optionalLagId, pageRequest } from '../validate.js';

/** Lists LAGs, deleted ones included, like connections. */
export const describeLags: Operation = (input, { store }) => {
  const page = pageRequest(input);
  const id = optionalLagId(input);
  const records = id === undefined ? [...store.lags.values()] : [findLag(store, id)];
  const { items, nextToken } = paginate(records, (l) => l.lagId, page, `${store.region}:DescribeLags`);
  return { lags: items.map((l) => lagShape(store, l)), nextToken };
};
