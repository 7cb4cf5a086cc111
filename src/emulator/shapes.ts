import type {
  ConnectionRecord,
  DirectConnectGatewayRecord,
  FailoverTestRecord,
  GatewayAssociationRecord,
  LagRecord,
  RegionStore,
  VirtualInterfaceRecord,
} from './regionStore.js';

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

export const DX_GATEWAY_MEMBERS = [
  'directConnectGatewayId', 'directConnectGatewayName', 'amazonSideAsn', 'ownerAccount',
  'directConnectGatewayState', 'stateChangeError', 'tags',
] as const;

export const DX_GATEWAY_ASSOCIATION_MEMBERS = [
  'directConnectGatewayId', 'directConnectGatewayOwnerAccount', 'associationState', 'stateChangeError',
  'associatedGateway', 'associationId', 'allowedPrefixesToDirectConnectGateway', 'associatedCoreNetwork',
  'virtualGatewayId', 'virtualGatewayRegion', 'virtualGatewayOwnerAccount',
] as const;

export const DX_GATEWAY_ATTACHMENT_MEMBERS = [
  'directConnectGatewayId', 'virtualInterfaceId', 'virtualInterfaceRegion', 'virtualInterfaceOwnerAccount',
  'attachmentState', 'attachmentType', 'stateChangeError',
] as const;

export const VIRTUAL_INTERFACE_TEST_MEMBERS = [
  'testId', 'virtualInterfaceId', 'bgpPeers', 'status', 'ownerAccount', 'testDurationInMinutes',
  'startTime', 'endTime',
] as const;

/** The members of `source` the model names, in its order; undefined, null and empty tags/macSecKeys left out. */
export function pick(source: Wire, members: readonly string[]): Wire {
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

export function directConnectGatewayShape(record: DirectConnectGatewayRecord): Wire {
  return pick({ ...record, tags: record.tags.map((t) => ({ ...t })) }, DX_GATEWAY_MEMBERS);
}

/**
 * The legacy `virtualGateway*` members name the gateway of a virtual private
 * gateway association only; the model documents them as the VGW's.
 */
export function gatewayAssociationShape(record: GatewayAssociationRecord): Wire {
  const gateway = record.associatedGateway;
  const vgw = gateway.type === 'virtualPrivateGateway';
  return pick(
    {
      ...record,
      associatedGateway: { ...gateway },
      allowedPrefixesToDirectConnectGateway: record.allowedPrefixesToDirectConnectGateway.map((p) => ({ cidr: p.cidr })),
      virtualGatewayId: vgw ? gateway.id : undefined,
      virtualGatewayRegion: vgw ? gateway.region : undefined,
      virtualGatewayOwnerAccount: vgw ? gateway.ownerAccount : undefined,
    },
    DX_GATEWAY_ASSOCIATION_MEMBERS,
  );
}

/** An attachment is what a private or transit VIF's `directConnectGatewayId` says, seen from the gateway. */
export function gatewayAttachmentShape(store: RegionStore, vif: VirtualInterfaceRecord & { directConnectGatewayId: string }): Wire {
  return pick(
    {
      directConnectGatewayId: vif.directConnectGatewayId,
      virtualInterfaceId: vif.virtualInterfaceId,
      virtualInterfaceRegion: store.region,
      virtualInterfaceOwnerAccount: vif.ownerAccount,
      attachmentState: 'attached',
      attachmentType: vif.virtualInterfaceType === 'transit' ? 'TransitVirtualInterface' : 'PrivateVirtualInterface',
    },
    DX_GATEWAY_ATTACHMENT_MEMBERS,
  );
}

/** A failover test as VirtualInterfaceTestHistory: its times as timestamps, its pre-test state left behind. */
export function virtualInterfaceTestShape(record: FailoverTestRecord): Wire {
  return pick(
    { ...record, bgpPeers: [...record.bgpPeers], startTime: new Date(record.startTime), endTime: new Date(record.endTime) },
    VIRTUAL_INTERFACE_TEST_MEMBERS,
  );
}
