import type { Operation } from '../operation.js';
import { clientError } from '../protocol.js';
import {
  assertMacSecFits,
  assertMayLeave,
  assertNotDeleted,
  assertNotTransitioning,
  assertRoomIn,
  assertSameBandwidth,
  assertSameEndpoint,
  connectionForAssociation,
  lagForAssociation,
  moveVirtualInterfaces,
  settleLagState,
  startTransition,
} from '../rules.js';
import { connectionShape } from '../shapes.js';
import { connectionId, lagId } from '../validate.js';

/**
 * AWS documentation (docs/aws-behaviour.md, "Associating, updating and deleting"):
 * the connection must be on the LAG's Direct Connect endpoint with the LAG's
 * bandwidth; it may move from another LAG unless that would take the other LAG
 * below its minimum links; an interconnect may join too. VIFs directly on the
 * connection move to the LAG; those of a LAG it leaves stay there; an
 * interconnect's hosted connections move to the LAG.
 *
 * Checks run in the order format, existence, transitioning, deleted, already a
 * member, endpoint, bandwidth, MACsec, member quota, the previous LAG's minimum
 * links: AWS's order is unknown, so the cheap facts of the two resources come
 * before the counts. The refusals other than "does not exist", "transitioning"
 * and the deleted state are in the emulator's own wording.
 */
export const associateConnectionWithLag: Operation = (input, { store, now, transitionMs }) => {
  const ids = { connectionId: connectionId(input), lagId: lagId(input) };
  const connection = connectionForAssociation(store, ids.connectionId);
  const lag = lagForAssociation(store, ids.lagId);
  assertNotTransitioning(connection, now);
  assertNotDeleted('AssociateConnectionWithLag', connection.connectionId, connection.connectionState);
  assertNotDeleted('AssociateConnectionWithLag', lag.lagId, lag.lagState);
  if (connection.lagId === lag.lagId) {
    // Emulator's own wording.
    throw clientError(`Connection ${connection.connectionId} is already a member of Lag ${lag.lagId}.`);
  }
  assertSameEndpoint(connection, lag);
  assertSameBandwidth(connection, lag);
  assertMacSecFits(connection, lag);
  assertRoomIn(store, lag);
  const previous = connection.lagId === undefined ? undefined : store.lags.get(connection.lagId);
  if (previous) assertMayLeave(store, connection, previous);

  connection.lagId = lag.lagId;
  moveVirtualInterfaces(store, connection.connectionId, lag.lagId);
  if (connection.kind === 'interconnect') {
    // Its hosted connections ride on the LAG from now on (`parentId`). A LAG holding a
    // partner's interconnect can host connections, so it says so: our reading, as AWS
    // does not document `allowsHostedConnections` changing.
    for (const hosted of store.hostedOn(connection.connectionId)) hosted.parentId = lag.lagId;
    lag.allowsHostedConnections = true;
    connection.kind = 'connection';
    connection.partnerOwned = true;
  }
  startTransition(connection, now, transitionMs);
  if (previous) settleLagState(store, previous);
  settleLagState(store, lag);
  return connectionShape(store, connection);
};
