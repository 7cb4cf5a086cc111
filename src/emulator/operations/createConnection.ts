import { clientError } from '../protocol.js';
import type { Operation } from '../operation.js';
import { assertDedicatedBandwidth, assertNotDeleted, findLag, maxMembers } from '../rules.js';
import { connectionShape } from '../shapes.js';
import type { ConnectionRecord, RegionStore, Tag } from '../regionStore.js';
import { optionalBoolean, optionalLagId, optionalString, requiredString, tagList } from '../validate.js';

/** A new dedicated connection, as AWS answers it: `requested`, on a freshly assigned device. */
export function newConnection(
  store: RegionStore,
  fields: { connectionName: string; location: string; bandwidth: string; lagId?: string; tags?: Tag[]; providerName?: string; macSec?: boolean },
): ConnectionRecord {
  const connectionId = store.newId('dxcon');
  const device = `${fields.location}-${connectionId.slice(6, 10)}`;
  return store.addConnection({
    kind: 'connection',
    connectionId,
    connectionName: fields.connectionName,
    connectionState: 'requested',
    ownerAccount: store.accountId,
    location: fields.location,
    bandwidth: fields.bandwidth,
    lagId: fields.lagId,
    awsDevice: device,
    awsDeviceV2: device,
    awsLogicalDeviceId: `${device}-L`,
    jumboFrameCapable: false,
    hasLogicalRedundancy: 'unknown',
    tags: fields.tags ?? [],
    providerName: fields.providerName,
    macSecCapable: fields.macSec ?? false,
    encryptionMode: fields.macSec ? 'no_encrypt' : undefined,
  });
}

export const createConnection: Operation = (input, { store }) => {
  const location = requiredString(input, 'location');
  const bandwidth = requiredString(input, 'bandwidth');
  const connectionName = requiredString(input, 'connectionName');
  const lagId = optionalLagId(input);
  const tags = tagList(input, 'tags', false);
  const providerName = optionalString(input, 'providerName');
  const macSec = optionalBoolean(input, 'requestMACSec');
  assertDedicatedBandwidth('Bandwidth', bandwidth);
  if (lagId !== undefined) {
    const lag = findLag(store, lagId);
    assertNotDeleted('CreateConnection', lag.lagId, lag.lagState);
    // Emulator's own wording for the LAG mismatches.
    if (lag.location !== location || lag.connectionsBandwidth !== bandwidth) {
      throw clientError(`Lag ${lag.lagId} is at ${lag.location} with ${lag.connectionsBandwidth} connections.`);
    }
    if (store.members(lag.lagId).length >= maxMembers(bandwidth)) {
      throw clientError(`Lag ${lag.lagId} already has the maximum of ${maxMembers(bandwidth)} connections.`);
    }
  }
  return connectionShape(
    store,
    newConnection(store, { connectionName, location, bandwidth, lagId, tags, providerName, macSec }),
  );
};
