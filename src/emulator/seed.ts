import { maintenanceEvent } from './maintenance.js';
import {
  deviceOf,
  RegionStore,
  RegionStores,
  type AssociatedGateway,
  type BgpPeerRecord,
  type ConnectionRecord,
  type Device,
  type LagRecord,
  type MacSecKey,
  type Tag,
  type VirtualInterfaceRecord,
} from './regionStore.js';
import { LARGE_REGIONS, type EmulatorSeed } from './seedRegions.js';

/**
 * Deterministic seed data, placed in time relative to when the emulator starts or
 * is reset (the traffic CloudWatch recorded, the Health events). The demo IDs are
 * pinned: the gateway's tests and README use them. Each demo LAG exists to
 * exercise one disassociation rule, and the standalone connections around them
 * one association rule each; the busy and maintenance LAGs are there for traffic
 * and AWS's maintenance.
 */

export const DEMO_ACCOUNT_ID = '123456789012';

const tag = (key: string, value: string): Tag => ({ key, value });
const PROD = [tag('env', 'prod'), tag('team', 'netops')];
const copyTags = (tags: Tag[] = []): Tag[] => tags.map((t) => ({ ...t }));

function device(location: string, n: number): Device {
  return {
    awsDevice: `${location}-${(0x1a2b3c + n).toString(36)}`,
    awsDeviceV2: `${location}-${(0x2b3c4d + n).toString(36)}`,
    awsLogicalDeviceId: `${location}-${(0x3c4d5e + n).toString(36)}`,
  };
}

/**
 * A connection on the device of what it belongs to: a LAG member on its LAG's
 * endpoint, a hosted connection on its parent's (AWS: a LAG and its members sit on
 * one endpoint); otherwise on device `n` unless the fields name one.
 */
function connection(
  store: RegionStore,
  fields: Partial<ConnectionRecord> & Pick<ConnectionRecord, 'connectionId' | 'connectionName' | 'location'>,
  n: number,
): ConnectionRecord {
  const carrierId = fields.lagId ?? fields.parentId;
  const carrier = carrierId === undefined ? undefined : (store.lags.get(carrierId) ?? store.connections.get(carrierId));
  return store.addConnection({
    kind: 'connection',
    connectionState: 'available',
    ownerAccount: store.accountId,
    bandwidth: '10Gbps',
    ...(carrier ? deviceOf(carrier) : device(fields.location, n)),
    jumboFrameCapable: true,
    hasLogicalRedundancy: 'yes',
    macSecCapable: false,
    ...fields,
    tags: copyTags(fields.tags),
  });
}

function lag(
  store: RegionStore,
  fields: Partial<LagRecord> & Pick<LagRecord, 'lagId' | 'lagName' | 'location' | 'minimumLinks'>,
  n: number,
): LagRecord {
  return store.addLag({
    lagState: 'available',
    ownerAccount: store.accountId,
    connectionsBandwidth: '10Gbps',
    ...device(fields.location, 100 + n),
    allowsHostedConnections: false,
    jumboFrameCapable: true,
    hasLogicalRedundancy: 'yes',
    macSecCapable: false,
    ...fields,
    tags: copyTags(fields.tags),
  });
}

function members(
  store: RegionStore,
  lagRecord: LagRecord,
  ids: string[],
  extra: Partial<ConnectionRecord> = {},
): ConnectionRecord[] {
  return ids.map((connectionId, i) =>
    connection(
      store,
      {
        connectionId,
        connectionName: `${lagRecord.lagName} member ${i + 1}`,
        location: lagRecord.location,
        bandwidth: lagRecord.connectionsBandwidth,
        lagId: lagRecord.lagId,
        tags: lagRecord.tags,
        ...extra,
      },
      i + 10 * store.lags.size,
    ),
  );
}

function macSecKey(region: string, name: string, ckn: string): MacSecKey {
  return {
    secretARN: `arn:aws:secretsmanager:${region}:${DEMO_ACCOUNT_ID}:secret:dxmacsec-${name}-Ab12Cd`,
    ckn,
    state: 'associated',
    startOn: '2025-06-01T00:00:00.000Z',
  };
}

/**
 * Every seeded BGP key starts with this, so that a test can search any output
 * (GraphQL answers, logs, errors) for a leaked secret.
 */
export const SEEDED_SECRET_MARKER = 'SEEDED-BGP-MD5-';

const AMAZON_SIDE_ASN = 64512;

interface PeerSpec {
  bgpPeerId: string;
  family: 'ipv4' | 'ipv6';
  bgpStatus: 'up' | 'down' | 'unknown';
}

interface VifSpec {
  virtualInterfaceId: string;
  virtualInterfaceName: string;
  virtualInterfaceType: 'private' | 'public' | 'transit';
  vlan: number;
  asn: number;
  /** At least one; the VIF-level BGP fields mirror the first, as AWS reports them. */
  peers: [PeerSpec, ...PeerSpec[]];
  virtualGatewayId?: string;
  directConnectGatewayId?: string;
  routeFilterPrefixes?: string[];
  /**
   * MTU 8500 when set: the model's jumbo MTU for VIFs ("1500 and 8500"; older AWS
   * documentation gave 9001 for private VIFs). Public VIFs are never seeded with it.
   */
  jumboFrameCapable?: boolean;
  tags?: Tag[];
}

/**
 * Link-local /30s for private and transit VIFs, documentation addresses for public
 * ones. `n` numbers the VIF in its region, `i` the peer among its address family.
 */
function peerAddresses(type: VifSpec['virtualInterfaceType'], family: PeerSpec['family'], n: number, i: number): [string, string] {
  if (family === 'ipv6') {
    const prefix = `2001:db8:${10 + n}:${i === 0 ? '' : `${i}:`}`;
    return [`${prefix}:1/125`, `${prefix}:2/125`];
  }
  const [prefix, base] = type === 'public' ? ['198.51.100', (4 * (n + i)) % 256] : [`169.254.${10 + n}`, 4 * i];
  return [`${prefix}.${base + 1}/30`, `${prefix}.${base + 2}/30`];
}

/**
 * A router configuration in AWS's XML form (AWS CLI `describe-virtual-interfaces`
 * and `create-bgp-peer` examples): the IPv4 peer's elements, the IPv6 peer's with
 * an `ipv6_` prefix, each with its BGP key.
 */
function routerConfig(spec: VifSpec, peers: BgpPeerRecord[]): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<logical_connection id="${spec.virtualInterfaceId}">`,
    `  <vlan>${spec.vlan}</vlan>`,
    ...peers.flatMap((peer) => {
      const p = peer.addressFamily === 'ipv6' ? 'ipv6_' : '';
      return [
        `  <${p}customer_address>${peer.customerAddress}</${p}customer_address>`,
        `  <${p}amazon_address>${peer.amazonAddress}</${p}amazon_address>`,
        `  <${p}bgp_asn>${peer.asn}</${p}bgp_asn>`,
        `  <${p}bgp_auth_key>${peer.authKey}</${p}bgp_auth_key>`,
      ];
    }),
    `  <amazon_bgp_asn>${AMAZON_SIDE_ASN}</amazon_bgp_asn>`,
    `  <connection_type>${spec.virtualInterfaceType}</connection_type>`,
    '</logical_connection>',
    '',
  ].join('\n');
}

/** A VIF on a connection or LAG; on a LAG it reports the LAG ID as `connectionId` (docs/aws-behaviour.md, "Virtual interfaces and secrets"). */
function virtualInterface(store: RegionStore, parent: ConnectionRecord | LagRecord, spec: VifSpec): VirtualInterfaceRecord {
  const n = store.virtualInterfaces.size;
  const suffix = spec.virtualInterfaceId.slice('dxvif-'.length);
  const peers = spec.peers.map((peer, index): BgpPeerRecord => {
    const i = spec.peers.slice(0, index).filter((other) => other.family === peer.family).length;
    const [amazonAddress, customerAddress] = peerAddresses(spec.virtualInterfaceType, peer.family, n, i);
    return {
      bgpPeerId: peer.bgpPeerId,
      // service-2.json: a VIF set up with `asn` reports it as both `asn` and `asnLong`.
      asn: spec.asn,
      asnLong: spec.asn,
      authKey: `${SEEDED_SECRET_MARKER}${suffix}-${peer.family}`,
      addressFamily: peer.family,
      amazonAddress,
      customerAddress,
      bgpPeerState: 'available',
      bgpStatus: peer.bgpStatus,
      awsDeviceV2: parent.awsDeviceV2,
      awsLogicalDeviceId: parent.awsLogicalDeviceId,
    };
  });
  const [first] = peers as [BgpPeerRecord, ...BgpPeerRecord[]];
  const jumbo = spec.jumboFrameCapable ?? false;
  return store.addVirtualInterface({
    ownerAccount: store.accountId,
    virtualInterfaceId: spec.virtualInterfaceId,
    location: parent.location,
    connectionId: 'lagName' in parent ? parent.lagId : parent.connectionId,
    virtualInterfaceType: spec.virtualInterfaceType,
    virtualInterfaceName: spec.virtualInterfaceName,
    vlan: spec.vlan,
    asn: first.asn,
    asnLong: first.asnLong,
    amazonSideAsn: AMAZON_SIDE_ASN,
    authKey: first.authKey,
    amazonAddress: first.amazonAddress,
    customerAddress: first.customerAddress,
    addressFamily: first.addressFamily,
    virtualInterfaceState: 'available',
    customerRouterConfig: routerConfig(spec, peers),
    mtu: jumbo ? 8500 : 1500,
    jumboFrameCapable: jumbo,
    virtualGatewayId: spec.virtualGatewayId,
    directConnectGatewayId: spec.directConnectGatewayId,
    routeFilterPrefixes: (spec.routeFilterPrefixes ?? []).map((cidr) => ({ cidr })),
    bgpPeers: peers,
    awsDeviceV2: parent.awsDeviceV2,
    awsLogicalDeviceId: parent.awsLogicalDeviceId,
    tags: copyTags(spec.tags),
    siteLinkEnabled: false,
  });
}

/** Peer IDs of the demo seed: the VIF's suffix and the address family's digit. */
const demoPeer = (vifId: string, family: PeerSpec['family'], bgpStatus: PeerSpec['bgpStatus']): PeerSpec => ({
  bgpPeerId: `dxpeer-${vifId.slice('dxvif-'.length)}${family === 'ipv4' ? 4 : 6}`,
  family,
  bgpStatus,
});

/**
 * Direct Connect gateway IDs are UUIDs (AWS CLI examples). Every demo transit VIF
 * is attached to dxgw-transit, every private one to dxgw-private but
 * dxvif-solo01pv, the only path of dxgw-solo (a failover test of it leaves the
 * gateway no path); AWS attaches no public VIF to a gateway. dxgw-solo's ID sorts
 * after the other two, so they keep their places in a listing.
 */
export const DEMO_DX_GATEWAYS = {
  transit: '5f0c8e2a-3b1d-4c7e-9a6f-2d4b8c1e0a37',
  private: '9c2d7b14-6e8a-4f03-b5d1-7a9e3c6f2b80',
  solo: 'd3a9f6b1-7c2e-4e58-b0d4-1f6a8c3e5b92',
} as const;
const DX_TRANSIT = DEMO_DX_GATEWAYS.transit;
const DX_PRIVATE = DEMO_DX_GATEWAYS.private;
const DX_SOLO = DEMO_DX_GATEWAYS.solo;

/** 2023-11-14T22:13:20Z, as epoch seconds like the wire. */
const LOA_ISSUED = 1_700_000_000;

/**
 * The Direct Connect endpoints (`awsDevice`, `awsDeviceV2`, `awsLogicalDeviceId`) of
 * the us-east-1 demo, all at EqDC2. A LAG and its members share one, so a member may
 * move only between LAGs of its endpoint (docs/aws-behaviour.md, "Associating,
 * updating and deleting").
 */
export const DEMO_ENDPOINTS = {
  /** dxlag-allow001, dxlag-minlink01, dxlag-lastmem01, dxlag-empty001, dxcon-assoc01a, dxcon-wrongbw1. */
  A: device('EqDC2', 101),
  /** dxlag-macsec01, dxcon-nomacs1a. */
  B: device('EqDC2', 105),
  /** dxlag-full0001, dxcon-spare01a. */
  C: device('EqDC2', 106),
  /** dxcon-otherdv1 alone. */
  D: device('EqDC2', 107),
  /** dxlag-busy0001. */
  E: device('EqDC2', 108),
  /** dxlag-maint001. */
  F: device('EqDC2', 109),
} as const satisfies Record<string, Device>;

function demoUsEast1(): RegionStore {
  const store = new RegionStore('us-east-1', DEMO_ACCOUNT_ID);
  const location = 'EqDC2';
  const { A, B, C, D, E, F } = DEMO_ENDPOINTS;

  // Four LAGs on endpoint A, so members can move between them.
  const allowed = lag(store, { lagId: 'dxlag-allow001', lagName: 'Allowed LAG', location, minimumLinks: 1, tags: PROD, ...A }, 1);
  members(store, allowed, ['dxcon-allow01a', 'dxcon-allow01b', 'dxcon-allow01c'], { loaIssueTime: LOA_ISSUED });

  const minLinks = lag(store, { lagId: 'dxlag-minlink01', lagName: 'Minimum-links LAG', location, minimumLinks: 2, tags: PROD, ...A }, 2);
  members(store, minLinks, ['dxcon-minlnk1a', 'dxcon-minlnk1b']);

  const lastMember = lag(
    store,
    { lagId: 'dxlag-lastmem01', lagName: 'Last-member LAG', location, minimumLinks: 1, tags: [tag('env', 'staging'), tag('team', 'netops')], ...A },
    3,
  );
  members(store, lastMember, ['dxcon-lastmem1a']);

  lag(store, { lagId: 'dxlag-empty001', lagName: 'Empty LAG', location, minimumLinks: 0, tags: [tag('env', 'dev')], ...A }, 4);

  const cknA = 'a1'.repeat(32);
  const macSec = lag(
    store,
    {
      lagId: 'dxlag-macsec01',
      lagName: 'MACsec LAG',
      location,
      minimumLinks: 1,
      macSecCapable: true,
      encryptionMode: 'must_encrypt',
      macSecKeys: [macSecKey('us-east-1', 'macsec01', cknA)],
      tags: [tag('env', 'prod'), tag('team', 'security')],
      ...B,
    },
    5,
  );
  members(store, macSec, ['dxcon-macsec1a', 'dxcon-macsec1b'], {
    macSecCapable: true,
    encryptionMode: 'must_encrypt',
    portEncryptionStatus: 'Encryption Up',
    macSecKeys: [macSecKey('us-east-1', 'macsec01', cknA)],
  });

  const standalone = connection(
    store,
    {
      connectionId: 'dxcon-standal1',
      connectionName: 'Standalone available',
      location,
      bandwidth: '1Gbps',
      loaIssueTime: LOA_ISSUED,
      providerName: 'Equinix',
      tags: PROD,
    },
    90,
  );
  connection(
    store,
    {
      connectionId: 'dxcon-standal2',
      connectionName: 'Standalone down',
      connectionState: 'down',
      location,
      bandwidth: '1Gbps',
      hasLogicalRedundancy: 'no',
      jumboFrameCapable: false,
      tags: [tag('env', 'dev')],
    },
    91,
  );

  // Full: 4 of 4 10G members; 3 operational, so a minimumLinks of 4 takes it down.
  const full = lag(store, { lagId: 'dxlag-full0001', lagName: 'Full LAG', location, minimumLinks: 1, tags: PROD, ...C }, 6);
  const [, , , fullDown] = members(store, full, ['dxcon-full001a', 'dxcon-full001b', 'dxcon-full001c', 'dxcon-full001d']);
  if (fullDown) fullDown.connectionState = 'down';

  // Standalone connections for AssociateConnectionWithLag: dxcon-assoc01a fits dxlag-allow001 and
  // dxlag-empty001; each of the others breaks one rule only (bandwidth, endpoint, the full LAG's quota).
  const joiner = connection(
    store,
    { connectionId: 'dxcon-assoc01a', connectionName: 'Standalone ready to join', location, tags: [tag('env', 'staging'), tag('team', 'netops')], ...A },
    92,
  );
  connection(
    store,
    { connectionId: 'dxcon-wrongbw1', connectionName: 'Standalone 1G on endpoint A', location, bandwidth: '1Gbps', tags: [tag('env', 'dev')], ...A },
    93,
  );
  const otherDevice = connection(
    store,
    { connectionId: 'dxcon-otherdv1', connectionName: 'Standalone on its own endpoint', location, tags: [tag('env', 'dev')], ...D },
    94,
  );
  connection(
    store,
    { connectionId: 'dxcon-spare01a', connectionName: 'Spare for the full LAG', location, tags: PROD, ...C },
    95,
  );
  // On the MACsec LAG's endpoint with its bandwidth, but not MACsec capable: that mismatch alone.
  connection(
    store,
    { connectionId: 'dxcon-nomacs1a', connectionName: 'Standalone without MACsec', location, tags: [tag('env', 'dev')], ...B },
    96,
  );

  // Busy: two 10G members whose traffic (seedDemoTraffic) peaks above what either alone carries.
  const busy = lag(store, { lagId: 'dxlag-busy0001', lagName: 'Busy LAG', location, minimumLinks: 1, tags: PROD, ...E }, 7);
  members(store, busy, ['dxcon-busy001a', 'dxcon-busy001b']);
  // Maintenance: AWS has scheduled maintenance on dxcon-maint01c (seedHealthEvents).
  const maintenance = lag(store, { lagId: 'dxlag-maint001', lagName: 'Maintenance LAG', location, minimumLinks: 1, tags: PROD, ...F }, 8);
  members(store, maintenance, ['dxcon-maint01a', 'dxcon-maint01b', 'dxcon-maint01c']);

  // No VIFs on dxlag-empty001, dxcon-standal2 or any LAG member: a LAG's VIFs ride on the LAG.
  virtualInterface(store, allowed, {
    virtualInterfaceId: 'dxvif-allow01pv',
    virtualInterfaceName: 'allowed-private',
    virtualInterfaceType: 'private',
    vlan: 101,
    asn: 65001,
    peers: [demoPeer('dxvif-allow01pv', 'ipv4', 'up'), demoPeer('dxvif-allow01pv', 'ipv6', 'up')],
    directConnectGatewayId: DX_PRIVATE,
    jumboFrameCapable: true,
    tags: PROD,
  });
  virtualInterface(store, allowed, {
    virtualInterfaceId: 'dxvif-allow01tr',
    virtualInterfaceName: 'allowed-transit',
    virtualInterfaceType: 'transit',
    vlan: 102,
    asn: 65002,
    peers: [demoPeer('dxvif-allow01tr', 'ipv4', 'up')],
    directConnectGatewayId: DX_TRANSIT,
    tags: PROD,
  });
  virtualInterface(store, minLinks, {
    virtualInterfaceId: 'dxvif-minlnk1pv',
    virtualInterfaceName: 'minimum-links-private',
    virtualInterfaceType: 'private',
    vlan: 201,
    asn: 65003,
    peers: [demoPeer('dxvif-minlnk1pv', 'ipv4', 'up')],
    directConnectGatewayId: DX_PRIVATE,
    jumboFrameCapable: true,
  });
  virtualInterface(store, lastMember, {
    virtualInterfaceId: 'dxvif-lastmem1pv',
    virtualInterfaceName: 'last-member-private',
    virtualInterfaceType: 'private',
    vlan: 301,
    asn: 65004,
    peers: [demoPeer('dxvif-lastmem1pv', 'ipv4', 'up'), demoPeer('dxvif-lastmem1pv', 'ipv6', 'up')],
    directConnectGatewayId: DX_PRIVATE,
  });
  virtualInterface(store, lastMember, {
    virtualInterfaceId: 'dxvif-lastmem1pb',
    virtualInterfaceName: 'last-member-public',
    virtualInterfaceType: 'public',
    vlan: 302,
    asn: 65005,
    peers: [demoPeer('dxvif-lastmem1pb', 'ipv4', 'down')],
    routeFilterPrefixes: ['203.0.113.0/28', '198.51.100.128/25'],
  });
  virtualInterface(store, macSec, {
    virtualInterfaceId: 'dxvif-macsec1pv',
    virtualInterfaceName: 'macsec-private',
    virtualInterfaceType: 'private',
    vlan: 401,
    asn: 65006,
    peers: [demoPeer('dxvif-macsec1pv', 'ipv4', 'down')],
    directConnectGatewayId: DX_PRIVATE,
    tags: [tag('team', 'security')],
  });
  virtualInterface(store, standalone, {
    virtualInterfaceId: 'dxvif-standal1pv',
    virtualInterfaceName: 'standalone-private',
    virtualInterfaceType: 'private',
    vlan: 501,
    asn: 65007,
    peers: [demoPeer('dxvif-standal1pv', 'ipv4', 'up')],
    directConnectGatewayId: DX_PRIVATE,
    jumboFrameCapable: true,
  });
  // Last, so the VIFs above keep their addresses. It moves to the LAG dxcon-assoc01a joins.
  virtualInterface(store, joiner, {
    virtualInterfaceId: 'dxvif-assoc01pv',
    virtualInterfaceName: 'ready-to-join-private',
    virtualInterfaceType: 'private',
    vlan: 801,
    asn: 65008,
    peers: [demoPeer('dxvif-assoc01pv', 'ipv4', 'up')],
    directConnectGatewayId: DX_PRIVATE,
  });
  // After the others, which keep their addresses.
  virtualInterface(store, busy, {
    virtualInterfaceId: 'dxvif-busy01pv',
    virtualInterfaceName: 'busy-private',
    virtualInterfaceType: 'private',
    vlan: 901,
    asn: 65009,
    peers: [demoPeer('dxvif-busy01pv', 'ipv4', 'up')],
    directConnectGatewayId: DX_PRIVATE,
    jumboFrameCapable: true,
    tags: PROD,
  });
  virtualInterface(store, maintenance, {
    virtualInterfaceId: 'dxvif-maint01tr',
    virtualInterfaceName: 'maintenance-transit',
    virtualInterfaceType: 'transit',
    vlan: 1001,
    asn: 65010,
    peers: [demoPeer('dxvif-maint01tr', 'ipv4', 'up')],
    directConnectGatewayId: DX_TRANSIT,
    tags: PROD,
  });
  // The only path of dxgw-solo: one connection, one BGP session, nothing redundant.
  // Last, so the VIFs above keep their addresses.
  virtualInterface(store, otherDevice, {
    virtualInterfaceId: 'dxvif-solo01pv',
    virtualInterfaceName: 'solo-private',
    virtualInterfaceType: 'private',
    vlan: 1101,
    asn: 65011,
    peers: [demoPeer('dxvif-solo01pv', 'ipv4', 'up')],
    directConnectGatewayId: DX_SOLO,
    tags: [tag('env', 'dev')],
  });
  return store;
}

function demoEuWest1(): RegionStore {
  const store = new RegionStore('eu-west-1', DEMO_ACCOUNT_ID);
  const location = 'EqLD5';

  const partner = lag(
    store,
    {
      lagId: 'dxlag-partner01',
      lagName: 'Partner LAG',
      location,
      minimumLinks: 0,
      allowsHostedConnections: true,
      providerName: 'Example Partner Networks',
      tags: [tag('env', 'prod'), tag('team', 'partner-ops')],
    },
    1,
  );
  // Partner-owned members become interconnects when they leave the LAG (AWS documentation).
  members(store, partner, ['dxcon-partnr1a', 'dxcon-partnr1b'], { partnerOwned: true, loaIssueTime: LOA_ISSUED });
  [
    { connectionId: 'dxcon-hosted01', vlan: 101, ownerAccount: '210987654321', bandwidth: '500Mbps' },
    { connectionId: 'dxcon-hosted02', vlan: 102, ownerAccount: '109876543210', bandwidth: '1Gbps' },
  ].forEach((hosted, i) =>
    connection(
      store,
      {
        ...hosted,
        kind: 'hosted',
        parentId: partner.lagId,
        connectionName: `Hosted connection ${i + 1} on Partner LAG`,
        location,
        partnerName: 'Example Partner Networks',
        hasLogicalRedundancy: 'unknown',
      },
      50 + i,
    ),
  );

  const eu = lag(store, { lagId: 'dxlag-euwest01', lagName: 'EU LAG', location, minimumLinks: 1, tags: PROD }, 2);
  members(store, eu, ['dxcon-euwest1a', 'dxcon-euwest1b']);

  // On the EU LAG's endpoint, so it may join that LAG.
  const euStandalone = connection(
    store,
    { connectionId: 'dxcon-eustand1', connectionName: 'EU standalone', location, loaIssueTime: LOA_ISSUED, tags: PROD, ...deviceOf(eu) },
    90,
  );
  // None on dxlag-partner01: the VIFs on its hosted connections belong to other accounts.
  virtualInterface(store, eu, {
    virtualInterfaceId: 'dxvif-euwest1pv',
    virtualInterfaceName: 'eu-private',
    virtualInterfaceType: 'private',
    vlan: 601,
    asn: 65101,
    peers: [demoPeer('dxvif-euwest1pv', 'ipv4', 'up')],
    directConnectGatewayId: DX_PRIVATE,
    jumboFrameCapable: true,
    tags: PROD,
  });
  virtualInterface(store, euStandalone, {
    virtualInterfaceId: 'dxvif-eustand1tr',
    virtualInterfaceName: 'eu-standalone-transit',
    virtualInterfaceType: 'transit',
    vlan: 701,
    asn: 65102,
    peers: [demoPeer('dxvif-eustand1tr', 'ipv4', 'up'), demoPeer('dxvif-eustand1tr', 'ipv6', 'unknown')],
    directConnectGatewayId: DX_TRANSIT,
  });
  connection(
    store,
    {
      kind: 'interconnect',
      connectionId: 'dxcon-intrcon01',
      connectionName: 'Partner interconnect EqLD5',
      location,
      providerName: 'Example Partner Networks',
      tags: [tag('env', 'prod'), tag('team', 'partner-ops')],
    },
    91,
  );
  return store;
}

/** mulberry32: a small seeded PRNG, so the large seed is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

export const LARGE_LAGS_PER_REGION = 60;
export const LARGE_MEMBERS_PER_LAG = 4;
export const LARGE_STANDALONE_PER_REGION = 160;
/** Two on every LAG, one on every fourth standalone connection: 160 per region, more than a page of 100. */
export const LARGE_VIFS_PER_REGION = 2 * LARGE_LAGS_PER_REGION + LARGE_STANDALONE_PER_REGION / 4;
const LARGE_LOCATIONS: Record<string, string[]> = {
  'us-east-1': ['EqDC2', 'CSVA1', 'EqDC6'],
  'us-west-2': ['EqSE2', 'CSOW1', 'PDX51'],
  'eu-west-1': ['EqLD5', 'TCSH', 'EIRC'],
};

function largeRegion(region: string): RegionStore {
  const store = new RegionStore(region, DEMO_ACCOUNT_ID);
  const random = prng(hash(region));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const newId = (prefix: string): string => {
    for (;;) {
      let id = `${prefix}-`;
      for (let i = 0; i < 8; i++) id += pick([...alphabet]);
      if (!store.connections.has(id) && !store.lags.has(id) && !store.virtualInterfaces.has(id)) return id;
    }
  };
  const locations = LARGE_LOCATIONS[region] ?? ['EqDC2'];
  const tagsFor = (): Tag[] => [tag('env', pick(['prod', 'staging', 'dev'])), tag('team', pick(['netops', 'platform', 'edge']))];
  let n = 0;
  const lags: LagRecord[] = [];
  const standalones: ConnectionRecord[] = [];

  for (let l = 1; l <= LARGE_LAGS_PER_REGION; l++) {
    const lagRecord = lag(
      store,
      { lagId: newId('dxlag'), lagName: `Large LAG ${l}`, location: pick(locations), minimumLinks: 1 + Math.floor(random() * 2), tags: tagsFor() },
      l,
    );
    lags.push(lagRecord);
    for (let m = 1; m <= LARGE_MEMBERS_PER_LAG; m++) {
      connection(
        store,
        {
          connectionId: newId('dxcon'),
          connectionName: `Large LAG ${l} member ${m}`,
          location: lagRecord.location,
          lagId: lagRecord.lagId,
          connectionState: random() < 0.9 ? 'available' : 'down',
          loaIssueTime: random() < 0.5 ? LOA_ISSUED + Math.floor(random() * 1e7) : undefined,
          tags: tagsFor(),
        },
        n++,
      );
    }
  }
  for (let s = 1; s <= LARGE_STANDALONE_PER_REGION; s++) {
    const standalone = connection(
      store,
      {
        connectionId: newId('dxcon'),
        connectionName: `Large standalone ${s}`,
        location: pick(locations),
        bandwidth: pick(['1Gbps', '10Gbps', '100Gbps']),
        connectionState: pick(['available', 'available', 'available', 'down', 'requested']),
        tags: tagsFor(),
      },
      n++,
    );
    standalones.push(standalone);
  }

  // The VIFs come last, so the connection and LAG IDs above stay what they were before VIFs existed.
  const peerIds = new Set<string>();
  const peer = (family: PeerSpec['family']): PeerSpec => {
    let bgpPeerId: string;
    do bgpPeerId = newId('dxpeer');
    while (peerIds.has(bgpPeerId));
    peerIds.add(bgpPeerId);
    return { bgpPeerId, family, bgpStatus: random() < 0.8 ? 'up' : 'down' };
  };
  const hex = (length: number): string => Array.from({ length }, () => pick([...'0123456789abcdef'])).join('');
  // Drawn as before the gateways were global, and then unused as IDs, so that the
  // draws (and with them every VIF ID below) stay what they were.
  const drawnGateways = [1, 2, 3].map(() => uuid(pick, hex));
  let v = 0;
  const largeVif = (parent: ConnectionRecord | LagRecord, peers: VifSpec['peers']): void => {
    const type = pick(['private', 'private', 'transit', 'public'] as const);
    const viaVgw = type === 'private' && random() < 0.5;
    v++;
    // The same draws in the same order as before; a private VIF that went to a
    // virtual private gateway now goes to a private Direct Connect gateway.
    const virtualInterfaceId = newId('dxvif');
    const asn = 64600 + Math.floor(random() * 900);
    if (viaVgw) hex(8);
    const drawn = type === 'public' || viaVgw ? undefined : pick(drawnGateways);
    const privateGateway = LARGE_DX_GATEWAYS.private[drawn === undefined ? v % 3 : drawnGateways.indexOf(drawn)];
    virtualInterface(store, parent, {
      virtualInterfaceId,
      virtualInterfaceName: `large-${type}-${v}`,
      virtualInterfaceType: type,
      vlan: 1000 + v,
      asn,
      peers,
      directConnectGatewayId: type === 'public' ? undefined : type === 'transit' ? LARGE_DX_GATEWAYS.transit : privateGateway,
      routeFilterPrefixes: type === 'public' ? [`203.0.113.${(v % 16) * 16}/28`] : undefined,
      jumboFrameCapable: type !== 'public' && random() < 0.5,
      tags: tagsFor(),
    });
  };
  for (const lagRecord of lags) {
    largeVif(lagRecord, [peer('ipv4'), peer('ipv6')]);
    largeVif(lagRecord, [peer('ipv4')]);
  }
  standalones.forEach((standalone, i) => {
    if (i % 4 === 3) largeVif(standalone, [peer('ipv4')]);
  });
  return store;
}

/** A version 4 UUID, as AWS's Direct Connect gateway and association IDs are. */
function uuid(pick: <T>(items: readonly T[]) => T, hex: (length: number) => string): string {
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
}

/** A PRNG of its own for what came after the IDs, so drawing it changes none of them. */
function drawer(seed: string) {
  const random = prng(hash(seed));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const hex = (length: number): string => Array.from({ length }, () => pick([...'0123456789abcdef'])).join('');
  return { random, pick, hex, uuid: () => uuid(pick, hex) };
}

/** The large seed's global Direct Connect gateways: one for transit VIFs, three for private ones. */
const LARGE_DX_GATEWAYS = (() => {
  const { uuid: id } = drawer('large:dx-gateways');
  return { transit: id(), private: [id(), id(), id()] as const };
})();

const GBPS = 1e9;
/** A bandwidth as AWS writes it (`10Gbps`, `500Mbps`) in bits per second. */
export function bandwidthBps(bandwidth: string): number {
  const match = /^(\d+(?:\.\d+)?)(M|G)bps$/.exec(bandwidth);
  return match ? Number(match[1]) * (match[2] === 'G' ? GBPS : 1e6) : 0;
}

/** How far back the seeded traffic reaches from the start or reset: CloudWatch's "last 3 hours". */
const SEEDED_TRAFFIC_MS = 3 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The demo's steady traffic: 1 Gbps out and 0.6 in on an available 10G connection,
 * 0.2 and 0.1 on an available 1G one, nothing on one that is not available;
 * 0.3 and 0.2 on every VIF. The busy LAG's members carry 6 and 4 each, so its
 * peak (the sum of its members, 12 Gbps out) is more than one member can carry;
 * the maintenance LAG's 1 and 0.5 each. Hosted connections (other accounts') and
 * interconnects get none.
 */
function seedDemoTraffic(store: RegionStore, since: number): void {
  const RATES: Record<string, [number, number]> = { '10Gbps': [1, 0.6], '1Gbps': [0.2, 0.1] };
  const OVERRIDES: Record<string, [number, number]> = {
    'dxcon-busy001a': [6, 4],
    'dxcon-busy001b': [6, 4],
    'dxcon-maint01a': [1, 0.5],
    'dxcon-maint01b': [1, 0.5],
    'dxcon-maint01c': [1, 0.5],
  };
  const set = (id: string, [egress, ingress]: [number, number]) =>
    store.traffic.set(id, { egressBps: egress * GBPS, ingressBps: ingress * GBPS, since });
  for (const c of store.ofKind('connection')) {
    set(c.connectionId, c.connectionState !== 'available' ? [0, 0] : (OVERRIDES[c.connectionId] ?? RATES[c.bandwidth] ?? [0, 0]));
  }
  for (const vif of store.virtualInterfaces.keys()) set(vif, [0.3, 0.2]);
}

/** The large seed's traffic: from a PRNG of its own, below each connection's bandwidth and each VIF's carrier's. */
function seedLargeTraffic(store: RegionStore, since: number): void {
  const { random } = drawer(`${store.region}:traffic`);
  const set = (id: string, egressBps: number, ingressBps: number) => store.traffic.set(id, { egressBps, ingressBps, since });
  for (const c of store.ofKind('connection')) {
    const capacity = c.connectionState === 'available' ? bandwidthBps(c.bandwidth) : 0;
    set(c.connectionId, Math.round(capacity * (0.05 + 0.6 * random())), Math.round(capacity * (0.05 + 0.5 * random())));
  }
  for (const vif of store.virtualInterfaces.values()) {
    const carrier = store.lags.get(vif.connectionId)?.connectionsBandwidth ?? store.connections.get(vif.connectionId)?.bandwidth ?? '1Gbps';
    const capacity = bandwidthBps(carrier);
    set(vif.virtualInterfaceId, Math.round(capacity * 0.2 * random()), Math.round(capacity * 0.15 * random()));
  }
}

function addGateway(stores: RegionStores, directConnectGatewayId: string, directConnectGatewayName: string, amazonSideAsn: number): void {
  stores.directConnectGateways.set(directConnectGatewayId, {
    directConnectGatewayId,
    directConnectGatewayName,
    amazonSideAsn,
    ownerAccount: stores.accountId,
    directConnectGatewayState: 'available',
    tags: [],
  });
}

function associate(stores: RegionStores, associationId: string, directConnectGatewayId: string, gateway: Omit<AssociatedGateway, 'ownerAccount'>, prefixes: string[]): void {
  stores.gatewayAssociations.set(associationId, {
    associationId,
    directConnectGatewayId,
    directConnectGatewayOwnerAccount: stores.accountId,
    associationState: 'associated',
    associatedGateway: { ...gateway, ownerAccount: stores.accountId },
    allowedPrefixesToDirectConnectGateway: prefixes.map((cidr) => ({ cidr })),
  });
}

/** The demo's Direct Connect gateways and their associations; the IDs are pinned. */
function seedDemoGateways(stores: RegionStores): void {
  addGateway(stores, DX_TRANSIT, 'dxgw-transit', 64512);
  addGateway(stores, DX_PRIVATE, 'dxgw-private', 64513);
  addGateway(stores, DX_SOLO, 'dxgw-solo', 64514);
  associate(stores, DEMO_ASSOCIATIONS.transit, DX_TRANSIT, { id: 'tgw-0a1b2c3d4e5f60718', type: 'transitGateway', region: 'us-east-1' }, [
    '10.0.0.0/16',
    '10.1.0.0/16',
  ]);
  associate(stores, DEMO_ASSOCIATIONS.usEast1Vgw, DX_PRIVATE, { id: 'vgw-0a1b2c3d', type: 'virtualPrivateGateway', region: 'us-east-1' }, ['10.2.0.0/16']);
  associate(stores, DEMO_ASSOCIATIONS.euWest1Vgw, DX_PRIVATE, { id: 'vgw-4e5f6a7b', type: 'virtualPrivateGateway', region: 'eu-west-1' }, ['10.3.0.0/16']);
  associate(stores, DEMO_ASSOCIATIONS.solo, DX_SOLO, { id: 'vgw-5c6d7e8f', type: 'virtualPrivateGateway', region: 'us-east-1' }, ['10.4.0.0/16']);
}

export const DEMO_ASSOCIATIONS = {
  /** dxgw-transit ↔ tgw-0a1b2c3d4e5f60718. */
  transit: '3e7a1c9d-5b2f-4d8e-a6c0-8f1b3d5e7a90',
  /** dxgw-private ↔ vgw-0a1b2c3d (us-east-1). */
  usEast1Vgw: '6b4d2f8a-9c1e-4a3b-8d5f-0e2c4a6b8d13',
  /** dxgw-private ↔ vgw-4e5f6a7b (eu-west-1). */
  euWest1Vgw: '8d6f4b2c-1e3a-4c5d-9f7b-2a4c6e8f0b35',
  /** dxgw-solo ↔ vgw-5c6d7e8f (us-east-1). */
  solo: 'e5b1d7f3-2a4c-4f6e-9b8d-3c5e7a9f1d24',
} as const;

/**
 * The demo's AWS Health events, their ARN suffixes pinned: an upcoming maintenance
 * of dxcon-maint01c three days after the start or reset, for four hours, and a
 * closed one of dxcon-allow01b that ended a day before.
 */
export const DEMO_EVENT_SUFFIXES = { upcoming: 'DEMOMAINT01C0001', closed: 'DEMOALLOW01B0001' } as const;

function seedDemoEvents(stores: RegionStores, now: number): void {
  const upcomingStart = now + 3 * DAY_MS;
  const closedEnd = now - DAY_MS;
  for (const event of [
    maintenanceEvent(stores.accountId, {
      region: 'us-east-1', resourceIds: ['dxcon-maint01c'], statusCode: 'upcoming',
      startTime: upcomingStart, endTime: upcomingStart + 4 * HOUR_MS, now, suffix: DEMO_EVENT_SUFFIXES.upcoming,
    }),
    maintenanceEvent(stores.accountId, {
      region: 'us-east-1', resourceIds: ['dxcon-allow01b'], statusCode: 'closed',
      startTime: closedEnd - 4 * HOUR_MS, endTime: closedEnd, now: closedEnd, suffix: DEMO_EVENT_SUFFIXES.closed,
    }),
  ]) {
    stores.healthEvents.set(event.arn, event);
  }
}

/**
 * The large seed's gateways: the transit one associated with a transit gateway in
 * each region, each private one with a virtual private gateway in each region.
 */
function seedLargeGateways(stores: RegionStores): void {
  const { uuid: id, hex } = drawer('large:associations');
  addGateway(stores, LARGE_DX_GATEWAYS.transit, 'large-transit', 64512);
  LARGE_DX_GATEWAYS.private.forEach((gatewayId, i) => addGateway(stores, gatewayId, `large-private-${i + 1}`, 64513 + i));
  LARGE_REGIONS.forEach((region, r) => {
    associate(stores, id(), LARGE_DX_GATEWAYS.transit, { id: `tgw-${hex(17)}`, type: 'transitGateway', region }, [`10.${10 + r}.0.0/16`]);
    LARGE_DX_GATEWAYS.private.forEach((gatewayId, i) => {
      associate(stores, id(), gatewayId, { id: `vgw-${hex(8)}`, type: 'virtualPrivateGateway', region }, [`10.${20 + 3 * r + i}.0.0/16`]);
    });
  });
}

/** Both seeds as of `now` (epoch milliseconds): the traffic reaches 3 hours back from it, the Health events sit around it. */
export function seedStores(seed: EmulatorSeed, now = Date.now()): RegionStores {
  const since = now - SEEDED_TRAFFIC_MS;
  if (seed === 'demo') {
    const stores = new RegionStores(DEMO_ACCOUNT_ID, [demoUsEast1(), demoEuWest1()]);
    for (const store of stores.all()) seedDemoTraffic(store, since);
    seedDemoGateways(stores);
    seedDemoEvents(stores, now);
    return stores;
  }
  const stores = new RegionStores(DEMO_ACCOUNT_ID, LARGE_REGIONS.map(largeRegion));
  for (const store of stores.all()) seedLargeTraffic(store, since);
  seedLargeGateways(stores);
  return stores;
}
