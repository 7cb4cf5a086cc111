import { clientError } from './protocol.js';
import type {
  ConnectionRecord,
  Device,
  FailoverTestRecord,
  LagRecord,
  RegionStore,
  RegionStores,
  VirtualInterfaceRecord,
} from './regionStore.js';

/**
 * The Direct Connect rules the operations share, with AWS's messages where they
 * are known (docs/aws-behaviour.md) and the emulator's own, marked, where they are not.
 * The emulator's own wordings deliberately avoid the known fragments ("does not
 * exist", "Could not find", "invalid format", "transitioning") so that clients
 * matching on those are not misled.
 */

/** A connection of this account as Describe/Delete/Tag see it. Hosted connections belong to other accounts. */
export function findConnection(store: RegionStore, id: string): ConnectionRecord {
  const record = store.connections.get(id);
  if (!record || record.kind !== 'connection') throw clientError(`Could not find Connection with ID ${id}`);
  return record;
}

export function findLag(store: RegionStore, id: string): LagRecord {
  const record = store.lags.get(id);
  if (!record) throw clientError(`Could not find Lag with ID ${id}`);
  return record;
}

export function findInterconnect(store: RegionStore, id: string): ConnectionRecord {
  const record = store.connections.get(id);
  if (!record || record.kind !== 'interconnect') throw clientError(`Could not find Interconnect with ID ${id}`);
  return record;
}

/**
 * Emulator's own wording, modelled on AWS's "Could not find Connection with ID"
 * (AWS's for a VIF is not recorded). It keeps the "Could not find" fragment on
 * purpose: it reports the same condition, so a client matching on it reads it right.
 */
export function findVirtualInterface(store: RegionStore, id: string): VirtualInterfaceRecord {
  const record = store.virtualInterfaces.get(id);
  if (!record) throw clientError(`Could not find Virtual Interface with ID ${id}`);
  return record;
}

/**
 * A connection joining a LAG takes the VIFs directly on it along; a LAG it leaves
 * keeps its own, which ride on the LAG ID (docs/aws-behaviour.md, "Virtual interfaces and secrets").
 */
export function moveVirtualInterfaces(store: RegionStore, fromId: string, toId: string): void {
  for (const vif of store.virtualInterfacesOn(fromId)) vif.connectionId = toId;
}

/** Associate/Disassociate say "Connection does not exist" / "Lag does not exist" (Terraform's connection_association.go). */
export function connectionForAssociation(store: RegionStore, id: string): ConnectionRecord {
  const record = store.connections.get(id);
  if (!record || record.kind === 'hosted') throw clientError('Connection does not exist');
  return record;
}

export function lagForAssociation(store: RegionStore, id: string): LagRecord {
  const record = store.lags.get(id);
  if (!record) throw clientError('Lag does not exist');
  return record;
}

/** AWS's wording (Terraform PR 3212); Terraform retries it, so it must stay verbatim. */
export function assertNotTransitioning(record: ConnectionRecord, now: number): void {
  if (record.transitioningUntil !== undefined && now < record.transitioningUntil) {
    throw clientError(`Connection ${record.connectionId} is in a transitioning state.`);
  }
}

export function startTransition(record: ConnectionRecord, now: number, transitionMs: number): void {
  record.transitioningUntil = now + transitionMs;
}

const GONE_STATES = ['deleted', 'deleting'] as const;

/**
 * Modelled on AWS's "ConfirmConnection failed. dxcon-ffv0l30a is in state requested".
 * `refused` are the states the operation refuses: a resource going or gone, unless told.
 */
export function assertNotDeleted(
  operation: string,
  id: string,
  state: string,
  refused: readonly string[] = GONE_STATES,
): void {
  if (refused.includes(state)) {
    throw clientError(`${operation} failed. ${id} is in state ${state}`);
  }
}

export function assertMemberOf(record: ConnectionRecord, lag: LagRecord): void {
  if (record.lagId !== lag.lagId) {
    // Emulator's own wording: AWS's text for this case is unknown.
    throw clientError(`Connection ${record.connectionId} is not a member of Lag ${lag.lagId}.`);
  }
}

export const isOperational = (record: ConnectionRecord): boolean => record.connectionState === 'available';

/**
 * A member may leave unless the LAG would keep fewer operational (`available`)
 * members than its minimumLinks — except its last member, which may always
 * leave (AWS documentation). That only `available` members count is our reading;
 * AWS does not say.
 */
export function assertMayLeave(store: RegionStore, record: ConnectionRecord, lag: LagRecord): void {
  const members = store.members(lag.lagId);
  if (members.length <= 1) return;
  const operational = members.filter(isOperational).length;
  const remaining = operational - (isOperational(record) ? 1 : 0);
  if (remaining < lag.minimumLinks) {
    // Emulator's own wording: AWS's text for a minimum-links refusal is unknown.
    throw clientError(
      `Removing connection ${record.connectionId} would leave Lag ${lag.lagId} with ${remaining} ` +
        `operational connection(s), below its minimumLinks of ${lag.minimumLinks}.`,
    );
  }
}

/** Service quota: 4 connections per LAG below 100G, 2 at 100G and above (docs/aws-behaviour.md, "Service quotas"). */
export function maxMembers(bandwidth: string): number {
  return bandwidth === '100Gbps' || bandwidth === '400Gbps' ? 2 : 4;
}

/** The member quota, for a connection about to join the LAG. */
export function assertRoomIn(store: RegionStore, lag: LagRecord): void {
  const limit = maxMembers(lag.connectionsBandwidth);
  if (store.members(lag.lagId).length >= limit) {
    // Emulator's own wording: AWS's text for a full LAG is unknown.
    throw clientError(`Lag ${lag.lagId} already has the maximum of ${limit} connections.`);
  }
}

/**
 * The Direct Connect endpoint a connection or LAG terminates on: `awsDeviceV2`, the
 * member AWS documents for it (`awsDevice` is deprecated), falling back to
 * `awsDevice` for a record without it.
 */
export const endpointOf = (record: Device): string | undefined => record.awsDeviceV2 ?? record.awsDevice;

/**
 * AWS documentation: a connection joining a LAG "must be on the same Direct Connect
 * endpoint as the LAG" (docs/aws-behaviour.md, "Associating, updating and deleting").
 * An endpoint belongs to one location, so a location mismatch is reported as such
 * first, being the plainer answer; the rule itself is the `awsDeviceV2` comparison.
 */
export function assertSameEndpoint(connection: ConnectionRecord, lag: LagRecord): void {
  // Emulator's own wordings for both: AWS's are unknown.
  if (connection.location !== lag.location) {
    throw clientError(
      `Connection ${connection.connectionId} is at ${connection.location} but Lag ${lag.lagId} is at ${lag.location}.`,
    );
  }
  if (endpointOf(connection) !== endpointOf(lag)) {
    throw clientError(
      `Connection ${connection.connectionId} is on endpoint ${endpointOf(connection) ?? 'none'} ` +
        `but Lag ${lag.lagId} is on endpoint ${endpointOf(lag) ?? 'none'}.`,
    );
  }
}

export function assertSameBandwidth(connection: ConnectionRecord, lag: LagRecord): void {
  if (connection.bandwidth !== lag.connectionsBandwidth) {
    // Emulator's own wording: AWS's is unknown.
    throw clientError(
      `Connection ${connection.connectionId} has bandwidth ${connection.bandwidth} but Lag ${lag.lagId} requires ${lag.connectionsBandwidth}.`,
    );
  }
}

/**
 * A LAG encrypts its links when its encryptionMode is `must_encrypt` or it holds
 * MACsec keys; then every member must be MACsec capable (CreateLag's `requestMACSec`:
 * "All connections in the LAG must be capable of supporting MAC Security"). That
 * AssociateConnectionWithLag refuses such a connection is our reading of that.
 */
export const requiresMacSec = (lag: LagRecord): boolean =>
  lag.encryptionMode === 'must_encrypt' || (lag.macSecCapable === true && (lag.macSecKeys?.length ?? 0) > 0);

export function assertMacSecFits(connection: ConnectionRecord, lag: LagRecord): void {
  if (requiresMacSec(lag) && connection.macSecCapable !== true) {
    // Emulator's own wording: AWS's is unknown.
    throw clientError(
      `Lag ${lag.lagId} uses MACsec (encryptionMode ${lag.encryptionMode ?? 'unset'}) ` +
        `but connection ${connection.connectionId} is not MACsec capable.`,
    );
  }
}

/** The LAG states that follow the members; the others are a LAG being set up or taken down. */
const SETTLING_LAG_STATES = new Set(['available', 'down']);

/**
 * A LAG reports `down` while fewer of its members are operational (`available`)
 * than its minimumLinks, and `available` again once enough are: UpdateLag's
 * documentation warns that a minimumLinks above the operational members makes the
 * LAG non-operational. A LAG with minimumLinks 0 never goes down for it, even empty.
 * That AWS flips the state at once is our reading (docs/aws-behaviour.md, "What is
 * not known"). Called after every change that can move it.
 */
export function settleLagState(store: RegionStore, lag: LagRecord): void {
  if (!SETTLING_LAG_STATES.has(lag.lagState)) return;
  const operational = store.members(lag.lagId).filter(isOperational).length;
  lag.lagState = lag.minimumLinks >= 1 && operational < lag.minimumLinks ? 'down' : 'available';
}

/** settleLagState for the LAG a connection is a member of, if any. */
export function settleLagOf(store: RegionStore, connection: ConnectionRecord): void {
  const lag = connection.kind === 'hosted' || connection.lagId === undefined ? undefined : store.lags.get(connection.lagId);
  if (lag) settleLagState(store, lag);
}

export const DEDICATED_BANDWIDTHS = ['1Gbps', '10Gbps', '100Gbps', '400Gbps'];

export function assertDedicatedBandwidth(name: string, bandwidth: string): void {
  if (!DEDICATED_BANDWIDTHS.includes(bandwidth)) {
    // Emulator's own wording.
    throw clientError(`${name} ${bandwidth} is not supported; use one of ${DEDICATED_BANDWIDTHS.join(', ')}.`);
  }
}

const RESOURCE_ARN = /^arn:aws[a-z-]*:directconnect:([a-z0-9-]+):(\d{12}):(dxcon|dxlag)\/(.+)$/;

export const resourceArn = (store: RegionStore, id: string): string =>
  `arn:aws:directconnect:${store.region}:${store.accountId}:${id.slice(0, 5)}/${id}`;

/** The tagged record an ARN names. A resource of another region or account is not in this store. */
export function findTaggable(store: RegionStore, arn: string): { tags: ConnectionRecord['tags'] } {
  const match = RESOURCE_ARN.exec(arn);
  // Emulator's own wording for an ARN it cannot read.
  if (!match) throw clientError(`Resource ARN ${arn} is not a Direct Connect connection or LAG ARN.`);
  const [, region, account, kind, id = ''] = match;
  const here = region === store.region && account === store.accountId;
  if (kind === 'dxlag') {
    if (!here) throw clientError(`Could not find Lag with ID ${id}`);
    return findLag(store, id);
  }
  const record = here ? store.connections.get(id) : undefined;
  if (!record || record.kind === 'hosted') throw clientError(`Could not find Connection with ID ${id}`);
  return record;
}

/**
 * Ends a failover test (docs/aws-behaviour.md, "BGP failover tests"): AWS "restores
 * the BGP session", so the tested peers come back `up` (not to whatever they were
 * before), and the VIF returns to its state before the test, if it is still
 * `testing`. `endTime` is now for a stop, the scheduled end for a test that ran its time.
 */
export function endFailoverTest(store: RegionStore, test: FailoverTestRecord, status: 'completed' | 'cancelled', endTime: number): void {
  test.status = status;
  test.endTime = endTime;
  const vif = store.virtualInterfaces.get(test.virtualInterfaceId);
  if (!vif) return;
  for (const peer of vif.bgpPeers) if (test.bgpPeers.includes(peer.bgpPeerId)) peer.bgpStatus = 'up';
  if (vif.virtualInterfaceState === 'testing') vif.virtualInterfaceState = test.stateBefore;
}

/**
 * Every running test whose scheduled end has come ends as `completed`, in every
 * region. Called lazily with the request's now at the start of every AWS call and
 * every control (router.ts), so a test ends exactly when the emulator's clock says,
 * with nothing running in the background.
 */
export function settleFailoverTests(stores: RegionStores, now: number): void {
  for (const store of stores.all()) {
    for (const test of store.failoverTests.values()) {
      if (test.status === 'in-progress' && now >= test.endTime) endFailoverTest(store, test, 'completed', test.endTime);
    }
  }
}
