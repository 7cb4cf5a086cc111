import { clientError } from '../protocol.js';
import type { Operation } from '../operation.js';
import {
  assertMayLeave,
  assertNotDeleted,
  assertNotTransitioning,
  connectionForAssociation,
  lagForAssociation,
  maxMembers,
  moveVirtualInterfaces,
  startTransition,
} from '../rules.js';
import { connectionShape } from '../shapes.js';
import { connectionId, lagId } from '../validate.js';

/**
 * AWS documentation: the connection must be on the LAG's location with the LAG's
 * bandwidth; it may move from another LAG unless that would take the other LAG
 * below its minimum links; an interconnect may join too. VIFs directly on the
 * connection move to the LAG; those of a LAG it leaves stay there. The refusals
 * other than "does not exist" and "transitioning" are in the emulator's own wording.
 */
export const associateConnectionWithLag: Operation = (input, { store, now, transitionMs }) => {
  const ids = { connectionId: connectionId(input), lagId: lagId(input) };
  const connection = connectionForAssociation(store, ids.connectionId);
  const lag = lagForAssociation(store, ids.lagId);
  assertNotTransitioning(connection, now);
  assertNotDeleted('AssociateConnectionWithLag', connection.connectionId, connection.connectionState);
  assertNotDeleted('AssociateConnectionWithLag', lag.lagId, lag.lagState);
  if (connection.lagId === lag.lagId) {
    throw clientError(`Connection ${connection.connectionId} is already a member of Lag ${lag.lagId}.`);
  }
  if (connection.location !== lag.location) {
    throw clientError(
      `Connection ${connection.connectionId} is at ${connection.location} but Lag ${lag.lagId} is at ${lag.location}.`,
    );
  }
  if (connection.bandwidth !== lag.connectionsBandwidth) {
    throw clientError(
      `Connection ${connection.connectionId} has bandwidth ${connection.bandwidth} but Lag ${lag.lagId} requires ${lag.connectionsBandwidth}.`,
    );
  }
  const limit = maxMembers(lag.connectionsBandwidth);
  if (store.members(lag.lagId).length >= limit) {
    throw clientError(`Lag ${lag.lagId} already has the maximum of ${limit} connections.`);
  }
  const previous = connection.lagId === undefined ? undefined : store.lags.get(connection.lagId);
  if (previous) assertMayLeave(store, connection, previous);

  connection.lagId = lag.lagId;
  moveVirtualInterfaces(store, connection.connectionId, lag.lagId);
  if (connection.kind === 'interconnect') {
    connection.kind = 'connection';
    connection.partnerOwned = true;
  }
  startTransition(connection, now, transitionMs);
  return connectionShape(store, connection);
};
