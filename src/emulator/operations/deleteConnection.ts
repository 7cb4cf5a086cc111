import type { Operation } from '../operation.js';
import { findConnection, settleLagState } from '../rules.js';
import { connectionShape } from '../shapes.js';
import { connectionId } from '../validate.js';

/**
 * AWS answers `deleted` and keeps the connection visible to Describe calls
 * (docs/aws-behaviour.md, "Associating, updating and deleting"). A deleted LAG member leaves its LAG so that the LAG's member
 * count stays true, and the LAG's state follows the members it keeps; what AWS does
 * there is not recorded.
 */
export const deleteConnection: Operation = (input, { store }) => {
  const connection = findConnection(store, connectionId(input));
  const lag = connection.lagId === undefined ? undefined : store.lags.get(connection.lagId);
  connection.connectionState = 'deleted';
  delete connection.lagId;
  if (lag) settleLagState(store, lag);
  return connectionShape(store, connection);
};
