import { clientError } from '../protocol.js';
import type { Operation } from '../operation.js';
import { deviceOf } from '../regionStore.js';
import {
  assertDedicatedBandwidth,
  assertNotDeleted,
  findConnection,
  maxMembers,
  moveVirtualInterfaces,
  settleLagState,
} from '../rules.js';
import { lagShape } from '../shapes.js';
import {
  optionalBoolean,
  optionalConnectionId,
  optionalInteger,
  optionalString,
  requiredString,
  tagList,
} from '../validate.js';
import { newConnection } from './createConnection.js';

/**
 * As AWS answers (docs/aws-behaviour.md, "Associating, updating and deleting"): `lagState: pending`, `minimumLinks: 0`, child
 * connections named "Requested Connection {n} for Lag {lagId}". An existing
 * `connectionId` joins the LAG and counts towards `numberOfConnections`. A LAG and
 * its members sit on one endpoint: the existing connection's if there is one (so it
 * need not move), else a new one named after the LAG.
 */
export const createLag: Operation = (input, { store }) => {
  const numberOfConnections = optionalInteger(input, 'numberOfConnections');
  const location = requiredString(input, 'location');
  const bandwidth = requiredString(input, 'connectionsBandwidth');
  const lagName = requiredString(input, 'lagName');
  const existingId = optionalConnectionId(input);
  const tags = tagList(input, 'tags', false) ?? [];
  const childTags = tagList(input, 'childConnectionTags', false);
  const providerName = optionalString(input, 'providerName');
  const macSec = optionalBoolean(input, 'requestMACSec');
  assertDedicatedBandwidth('connectionsBandwidth', bandwidth);
  const limit = maxMembers(bandwidth);
  // Emulator's own wording for the checks below.
  if (numberOfConnections === undefined) throw clientError('The parameter numberOfConnections is required.');
  if (numberOfConnections < 1 || numberOfConnections > limit) {
    throw clientError(`numberOfConnections must be between 1 and ${limit} for ${bandwidth} connections.`);
  }
  const existing = existingId === undefined ? undefined : findConnection(store, existingId);
  if (existing) {
    assertNotDeleted('CreateLag', existing.connectionId, existing.connectionState);
    if (existing.lagId !== undefined) {
      throw clientError(`Connection ${existing.connectionId} is already a member of Lag ${existing.lagId}.`);
    }
    if (existing.location !== location || existing.bandwidth !== bandwidth) {
      throw clientError(`Connection ${existing.connectionId} is not at ${location} with ${bandwidth}.`);
    }
  }

  const lagId = store.newId('dxlag');
  const device = `${location}-${lagId.slice('dxlag-'.length)}`;
  const lag = store.addLag({
    lagId,
    lagName,
    lagState: 'pending',
    ownerAccount: store.accountId,
    location,
    connectionsBandwidth: bandwidth,
    minimumLinks: 0,
    awsDevice: device,
    awsDeviceV2: device,
    awsLogicalDeviceId: `${device}-L`,
    ...(existing && deviceOf(existing)),
    allowsHostedConnections: false,
    jumboFrameCapable: false,
    hasLogicalRedundancy: 'unknown',
    tags,
    providerName,
    macSecCapable: macSec ?? false,
    encryptionMode: macSec ? 'no_encrypt' : undefined,
  });
  if (existing) {
    existing.lagId = lagId;
    // CreateLag's documentation: the connection's VIFs are re-associated with the LAG.
    moveVirtualInterfaces(store, existing.connectionId, lagId);
  }
  const children = numberOfConnections - (existing ? 1 : 0);
  for (let n = 1; n <= children; n++) {
    newConnection(store, {
      connectionName: `Requested Connection ${n} for Lag ${lagId}`,
      location,
      bandwidth,
      lagId,
      device: lag,
      tags: childTags,
      providerName,
      macSec,
    });
  }
  // A new LAG is `pending`, which settleLagState leaves alone; called all the same,
  // like after every other change to a LAG's members.
  settleLagState(store, lag);
  return lagShape(store, lag);
};
