import type { Operation } from '../operation.js';
import { findConnection } from '../rules.js';
import { connectionShape } from '../shapes.js';
import { connectionId } from '../validate.js';

/**
 * AWS answers `deleted` and keeps the connection visible to Describe calls
 * (docs/aws-behaviour.md, "Associating, updating and deleting"). A deleted LAG member leaves its LAG so that the LAG's member
 * count stays true; what AWS does there is not recorded.
 */
export const deleteConnection: Operation = (input, { store }) => {
  const connection = findConnection(store, connectionId(input));
  connection.connectionState = 'deleted';
  delete connection.lagId;
  return connectionShape(store, connection);
};
