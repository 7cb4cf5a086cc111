import { clientError } from '../protocol.js';
import type { Operation } from '../operation.js';
import { assertDedicatedBandwidth, assertNotDeleted, assertRoomIn, findLag } from '../rules.js';
import { connectionShape } from '../shapes.js';
import { deviceOf, type ConnectionRecord, type Device, type RegionStore, type Tag } from '../regionStore.js';
import { optionalBoolean, optionalLagId, optionalString, requiredString, tagList } from '../validate.js';

/**
 * A new dedicated connection, as AWS answers it: `requested`. A LAG member is on the
 * LAG's endpoint (`device`); a standalone one on a device of its own, named after its
 * ID, which no other record shares: AWS picks the device, and which one it picks is
 * not recorded, so such a connection can join only a LAG created from it.
 */
export function newConnection(
  store: RegionStore,
  fields: {
    connectionName: string;
    location: string;
    bandwidth: string;
    lagId?: string;
    device?: Device;
    tags?: Tag[];
    providerName?: string;
    macSec?: boolean;
  },
): ConnectionRecord {
  const connectionId = store.newId('dxcon');
  const device = `${fields.location}-${connectionId.slice('dxcon-'.length)}`;
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
    ...(fields.device && deviceOf(fields.device)),
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
  const lag = lagId === undefined ? undefined : findLag(store, lagId);
  if (lag) {
    assertNotDeleted('CreateConnection', lag.lagId, lag.lagState);
    // Emulator's own wording for the LAG mismatches.
    if (lag.location !== location || lag.connectionsBandwidth !== bandwidth) {
      throw clientError(`Lag ${lag.lagId} is at ${lag.location} with ${lag.connectionsBandwidth} connections.`);
    }
    assertRoomIn(store, lag);
  }
  // A new member is `requested`, not operational, so the LAG's state cannot move.
  return connectionShape(
    store,
    newConnection(store, { connectionName, location, bandwidth, lagId, device: lag, tags, providerName, macSec }),
  );
};
