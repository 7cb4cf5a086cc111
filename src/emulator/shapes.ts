import type { ConnectionRecord, LagRecord, RegionStore, VirtualInterfaceRecord } from './regionStore.js';

/**
 * Store records → the SDK model's output shapes. The member lists mirror the
 * model (a test compares them with the SDK's own schema); anything undefined is
 * left out, because AWS omits absent members rather than sending null.
 */

export type Wire = Record<string, unknown>;

export const CONNECTION_MEMBERS = [
  'ownerAccount', 'connectionId', 'connectionName', 'connectionState', 'region', 'location',
  'bandwidth', 'vlan', 'partnerName', 'loaIssueTime', 'lagId', 'awsDevice', 'jumboFrameCapable',
  'awsDeviceV2', 'awsLogicalDeviceId', 'hasLogicalRedundancy', 'tags', 'providerName',
  'macSecCapable', 'portEncryptionStatus', 'encryptionMode', 'macSecKeys',
  'partnerInterconnectMacSecCapable',
] as const;

export const LAG_MEMBERS = [
  'connectionsBandwidth', 'numberOfConnections', 'lagId', 'ownerAccount', 'lagName', 'lagState',
  'location', 'region', 'minimumLinks', 'awsDevice', 'awsDeviceV2', 'awsLogicalDeviceId',
  'connections', 'allowsHostedConnections', 'jumboFrameCapable', 'hasLogicalRedundancy', 'tags',
  'providerName', 'macSecCapable', 'encryptionMode', 'macSecKeys',
] as const;

export const INTERCONNECT_MEMBERS = [
  'interconnectId', 'interconnectName', 'interconnectState', 'region', 'location', 'bandwidth',
  'loaIssueTime', 'lagId', 'awsDevice', 'jumboFrameCapable', 'awsDeviceV2', 'awsLogicalDeviceId',
  'hasLogicalRedundancy', 'tags', 'providerName', 'macSecCapable', 'portEncryptionStatus',
  'encryptionMode', 'macSecKeys',
] as const;

export const VIF_MEMBERS = [
  'ownerAccount', 'virtualInterfaceId', 'location', 'connectionId', 'virtualInterfaceType',
  'virtualInterfaceName', 'vlan', 'asn', 'asnLong', 'amazonSideAsn', 'authKey', 'amazonAddress',
  'customerAddress', 'addressFamily', 'virtualInterfaceState', 'customerRouterConfig', 'mtu',
  'jumboFrameCapable', 'virtualGatewayId', 'directConnectGatewayId', 'routeFilterPrefixes',
  'bgpPeers', 'region', 'awsDeviceV2', 'awsLogicalDeviceId', 'tags', 'siteLinkEnabled',
] as const;

export const BGP_PEER_MEMBERS = [
  'bgpPeerId', 'asn', 'asnLong', 'authKey', 'addressFamily', 'amazonAddress', 'customerAddress',
  'bgpPeerState', 'bgpStatus', 'awsDeviceV2', 'awsLogicalDeviceId',
] as const;

function pick(source: Wire, members: readonly string[]): Wire {
  const out: Wire = {};
  for (const member of members) {
    const value = source[member];
    if (value === undefined || value === null) continue;
    if (Array.isArray(value) && value.length === 0 && (member === 'tags' || member === 'macSecKeys')) continue;
    out[member] = value;
  }
  return out;
}

export function connectionShape(store: RegionStore, record: ConnectionRecord): Wire {
  return pick({ ...record, region: store.region }, CONNECTION_MEMBERS);
}

export function lagShape(store: RegionStore, record: LagRecord): Wire {
  const members = store.members(record.lagId);
  return pick(
    {
      ...record,
      region: store.region,
      numberOfConnections: members.length,
      connections: members.map((member) => connectionShape(store, member)),
    },
    LAG_MEMBERS,
  );
}

/** Interconnect states have no `ordering` or `rejected`; map those to their nearest. */
const INTERCONNECT_STATE: Record<string, string> = { ordering: 'pending', rejected: 'deleted' };

export function interconnectShape(store: RegionStore, record: ConnectionRecord): Wire {
  return pick(
    {
      ...record,
      region: store.region,
      interconnectId: record.connectionId,
      interconnectName: record.connectionName,
      interconnectState: INTERCONNECT_STATE[record.connectionState] ?? record.connectionState,
    },
    INTERCONNECT_MEMBERS,
  );
}

/**
 * An empty `routeFilterPrefixes` stays on the wire: AWS sends `[]` for a private
 * VIF (AWS CLI `describe-virtual-interfaces` example).
 */
export function virtualInterfaceShape(store: RegionStore, record: VirtualInterfaceRecord): Wire {
  return pick(
    {
      ...record,
      region: store.region,
      routeFilterPrefixes: record.routeFilterPrefixes.map((prefix) => ({ cidr: prefix.cidr })),
      bgpPeers: record.bgpPeers.map((peer) => pick({ ...peer }, BGP_PEER_MEMBERS)),
    },
    VIF_MEMBERS,
  );
}
