import type { Operation } from '../operation.js';
import {
  assertMayLeave,
  assertMemberOf,
  assertNotTransitioning,
  connectionForAssociation,
  lagForAssociation,
  settleLagState,
  startTransition,
} from '../rules.js';
import { connectionShape } from '../shapes.js';
import { connectionId, lagId } from '../validate.js';

/**
 * AWS documentation: the connection leaves the LAG and stays as a standalone
 * connection (state unchanged, returned without lagId); hosted connections and
 * virtual interfaces stay with the LAG (they ride on the LAG ID, so nothing
 * moves); a partner's connection becomes an interconnect; the LAG's last member
 * may always leave. Checks run in the order format, existence, transitioning,
 * membership, minimum links. The LAG's state follows the members it keeps (the last
 * member leaving takes a LAG with minimumLinks 1 or more `down`).
 */
export const disassociateConnectionFromLag: Operation = (input, { store, now, transitionMs }) => {
  const ids = { connectionId: connectionId(input), lagId: lagId(input) };
  const connection = connectionForAssociation(store, ids.connectionId);
  const lag = lagForAssociation(store, ids.lagId);
  assertNotTransitioning(connection, now);
  assertMemberOf(connection, lag);
  assertMayLeave(store, connection, lag);

  delete connection.lagId;
  if (connection.partnerOwned) connection.kind = 'interconnect';
  startTransition(connection, now, transitionMs);
  settleLagState(store, lag);
  return connectionShape(store, connection);
};
