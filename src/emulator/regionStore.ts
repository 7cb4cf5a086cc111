import { randomInt } from 'node:crypto';

/**
 * The emulator's state, one RegionStore per region, apart from the wire protocol.
 * Records hold the AWS member names so shapes.ts can pick them; the fields marked
 * internal never reach the wire.
 */

export interface Tag {
  key: string;
  value?: string;
}

export interface MacSecKey {
  secretARN: string;
  ckn: string;
  state: string;
  startOn: string;
}

/**
 * `connection`: a dedicated connection (standalone or a LAG member);
 * `hosted`: a hosted connection of another account, riding on `parentId`;
 * `interconnect`: a partner's interconnect.
 */
export type ConnectionKind = 'connection' | 'hosted' | 'interconnect';

export interface ConnectionRecord {
  kind: ConnectionKind;
  /** Internal: owned by a Direct Connect partner, so it becomes an interconnect when it leaves its LAG. */
  partnerOwned?: boolean;
  /** Internal: for hosted connections, the interconnect or LAG they ride on. */
  parentId?: string;
  /** Internal: epoch milliseconds until which Associate/Disassociate on it are refused. */
  transitioningUntil?: number;

  connectionId: string;
  connectionName: string;
  connectionState: string;
  ownerAccount: string;
  location: string;
  bandwidth: string;
  vlan?: number;
  partnerName?: string;
  /** Epoch seconds, as on the wire. */
  loaIssueTime?: number;
  lagId?: string;
  awsDevice?: string;
  jumboFrameCapable?: boolean;
  awsDeviceV2?: string;
  awsLogicalDeviceId?: string;
  hasLogicalRedundancy?: string;
  tags: Tag[];
  providerName?: string;
  macSecCapable?: boolean;
  portEncryptionStatus?: string;
  encryptionMode?: string;
  macSecKeys?: MacSecKey[];
  partnerInterconnectMacSecCapable?: boolean;
}

export interface LagRecord {
  lagId: string;
  lagName: string;
  lagState: string;
  ownerAccount: string;
  location: string;
  connectionsBandwidth: string;
  minimumLinks: number;
  awsDevice?: string;
  awsDeviceV2?: string;
  awsLogicalDeviceId?: string;
  allowsHostedConnections?: boolean;
  jumboFrameCapable?: boolean;
  hasLogicalRedundancy?: string;
  tags: Tag[];
  providerName?: string;
  macSecCapable?: boolean;
  encryptionMode?: string;
  macSecKeys?: MacSecKey[];
}

/**
 * Where a connection or LAG terminates: `awsDeviceV2` is the Direct Connect endpoint
 * (`awsDevice` its deprecated name), `awsLogicalDeviceId` the logical device. A LAG
 * and its members share all three (docs/aws-behaviour.md, "Associating, updating and deleting").
 */
export type Device = Pick<ConnectionRecord, 'awsDevice' | 'awsDeviceV2' | 'awsLogicalDeviceId'>;

/** Just the device members of a record, to copy onto another. */
export const deviceOf = (record: Device): Device => ({
  awsDevice: record.awsDevice,
  awsDeviceV2: record.awsDeviceV2,
  awsLogicalDeviceId: record.awsLogicalDeviceId,
});

export interface BgpPeerRecord {
  bgpPeerId: string;
  asn: number;
  asnLong?: number;
  /** A secret: the BGP MD5 key (docs/aws-behaviour.md, "Virtual interfaces and secrets"). */
  authKey?: string;
  addressFamily: string;
  amazonAddress?: string;
  customerAddress?: string;
  bgpPeerState: string;
  bgpStatus: string;
  awsDeviceV2?: string;
  awsLogicalDeviceId?: string;
}

export interface RouteFilterPrefix {
  cidr: string;
}

/**
 * A virtual interface. `connectionId` is what it rides on: a `dxcon-` connection
 * or, for a VIF on a LAG, the `dxlag-` LAG ID (docs/aws-behaviour.md, "Virtual
 * interfaces and secrets"). The VIF-level `asn`, addresses, `addressFamily` and
 * `authKey` mirror its first BGP peer.
 */
export interface VirtualInterfaceRecord {
  ownerAccount: string;
  virtualInterfaceId: string;
  location: string;
  connectionId: string;
  virtualInterfaceType: string;
  virtualInterfaceName: string;
  vlan: number;
  asn: number;
  asnLong?: number;
  amazonSideAsn?: number;
  authKey?: string;
  amazonAddress?: string;
  customerAddress?: string;
  addressFamily?: string;
  virtualInterfaceState: string;
  /** A secret: a router configuration that contains the BGP keys. */
  customerRouterConfig?: string;
  mtu?: number;
  jumboFrameCapable?: boolean;
  virtualGatewayId?: string;
  directConnectGatewayId?: string;
  routeFilterPrefixes: RouteFilterPrefix[];
  bgpPeers: BgpPeerRecord[];
  awsDeviceV2?: string;
  awsLogicalDeviceId?: string;
  tags: Tag[];
  siteLinkEnabled?: boolean;
}

/**
 * A Direct Connect gateway. Gateways are global: they belong to the account, not to
 * a region, and every region's endpoint lists all of them (docs/aws-behaviour.md,
 * "Direct Connect gateways").
 */
export interface DirectConnectGatewayRecord {
  directConnectGatewayId: string;
  directConnectGatewayName: string;
  amazonSideAsn: number;
  ownerAccount: string;
  directConnectGatewayState: string;
  tags: Tag[];
}

/** What a Direct Connect gateway is associated with: a transit gateway or a virtual private gateway. */
export interface AssociatedGateway {
  id: string;
  type: 'transitGateway' | 'virtualPrivateGateway';
  ownerAccount: string;
  region: string;
}

export interface GatewayAssociationRecord {
  associationId: string;
  directConnectGatewayId: string;
  directConnectGatewayOwnerAccount: string;
  associationState: string;
  associatedGateway: AssociatedGateway;
  allowedPrefixesToDirectConnectGateway: RouteFilterPrefix[];
}

/**
 * What CloudWatch recorded for one connection or VIF: a steady rate in bits per
 * second from `since` (epoch milliseconds) up to whatever "now" a request has. The
 * store is what CloudWatch holds, apart from the resource's state: a connection
 * that went down still reports what was recorded.
 */
export interface TrafficRecord {
  egressBps: number;
  ingressBps: number;
  since: number;
}

/**
 * A BGP failover test (docs/aws-behaviour.md, "BGP failover tests"): StartBgpFailoverTest
 * puts the VIF `testing` and the tested peers `down`; StopBgpFailoverTest, or the end of
 * its duration, ends it. Times are epoch milliseconds; the shape hands them out as
 * timestamps. While it runs, `endTime` is the scheduled end.
 */
export interface FailoverTestRecord {
  /** Internal: the VIF's state before the test, restored when the test ends. */
  stateBefore: string;

  testId: string;
  virtualInterfaceId: string;
  /** The BGP peer IDs the test put down. */
  bgpPeers: string[];
  status: FailoverTestStatus;
  ownerAccount: string;
  testDurationInMinutes: number;
  startTime: number;
  endTime: number;
}

/**
 * The emulator's wire strings: AWS documents the statuses as "In progress",
 * "Completed", "Cancelled" and "Failed" but not how they are spelled on the wire
 * (docs/aws-behaviour.md, "BGP failover tests"). No test fails here.
 */
export type FailoverTestStatus = 'in-progress' | 'completed' | 'cancelled';

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export class RegionStore {
  readonly connections = new Map<string, ConnectionRecord>();
  readonly lags = new Map<string, LagRecord>();
  readonly virtualInterfaces = new Map<string, VirtualInterfaceRecord>();
  /** CloudWatch's AWS/DX data, by connection ID (`dxcon-`) or VIF ID (`dxvif-`). */
  readonly traffic = new Map<string, TrafficRecord>();
  /** The BGP failover tests run in the region, by testId, running or ended. */
  readonly failoverTests = new Map<string, FailoverTestRecord>();

  constructor(
    readonly region: string,
    readonly accountId: string,
  ) {}

  addConnection(record: ConnectionRecord): ConnectionRecord {
    this.connections.set(record.connectionId, record);
    return record;
  }

  addLag(record: LagRecord): LagRecord {
    this.lags.set(record.lagId, record);
    return record;
  }

  addVirtualInterface(record: VirtualInterfaceRecord): VirtualInterfaceRecord {
    this.virtualInterfaces.set(record.virtualInterfaceId, record);
    return record;
  }

  /** The VIFs riding on a connection or a LAG, by the ID they report as `connectionId`. */
  virtualInterfacesOn(parentId: string): VirtualInterfaceRecord[] {
    return [...this.virtualInterfaces.values()].filter((v) => v.connectionId === parentId);
  }

  /** The physical members of a LAG; hosted connections ride on it but are not members. */
  members(lagId: string): ConnectionRecord[] {
    return [...this.connections.values()].filter((c) => c.kind !== 'hosted' && c.lagId === lagId);
  }

  hostedOn(parentId: string): ConnectionRecord[] {
    return [...this.connections.values()].filter((c) => c.kind === 'hosted' && c.parentId === parentId);
  }

  ofKind(kind: ConnectionKind): ConnectionRecord[] {
    return [...this.connections.values()].filter((c) => c.kind === kind);
  }

  /**
   * A fresh ID like AWS's examples (`dxcon-fg9607vm`): the prefix and 8 lowercase
   * letters or digits. `dxtest` is the emulator's own prefix for failover test IDs:
   * AWS documents no format for a testId.
   */
  newId(prefix: 'dxcon' | 'dxlag' | 'dxvif' | 'dxtest'): string {
    for (;;) {
      let suffix = '';
      for (let i = 0; i < 8; i++) suffix += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
      const id = `${prefix}-${suffix}`;
      if (!this.connections.has(id) && !this.lags.has(id) && !this.virtualInterfaces.has(id) && !this.failoverTests.has(id)) return id;
    }
  }

  /** The failover test running on a VIF, if any: there is at most one. */
  runningTest(virtualInterfaceId: string): FailoverTestRecord | undefined {
    return [...this.failoverTests.values()].find((t) => t.virtualInterfaceId === virtualInterfaceId && t.status === 'in-progress');
  }
}

/**
 * An AWS Health event of the account, with the resources it names. Times are epoch
 * milliseconds; the operations hand them out as timestamps.
 */
export interface HealthEventRecord {
  arn: string;
  service: string;
  eventTypeCode: string;
  eventTypeCategory: string;
  region: string;
  availabilityZone?: string;
  startTime: number;
  endTime?: number;
  lastUpdatedTime: number;
  statusCode: 'open' | 'closed' | 'upcoming';
  eventScopeCode: string;
  entities: AffectedEntityRecord[];
}

export interface AffectedEntityRecord {
  entityArn: string;
  entityValue: string;
  awsAccountId: string;
  lastUpdatedTime: number;
  statusCode: string;
  tags: Record<string, string>;
}

/**
 * Every region's store, and what belongs to the account rather than to a region:
 * its Direct Connect gateways and their associations, and its AWS Health events
 * and Premium Support subscription. A region nobody seeded is simply an empty store.
 */
export class RegionStores {
  private readonly stores = new Map<string, RegionStore>();
  readonly directConnectGateways = new Map<string, DirectConnectGatewayRecord>();
  readonly gatewayAssociations = new Map<string, GatewayAssociationRecord>();
  readonly healthEvents = new Map<string, HealthEventRecord>();
  /** AWS Health answers only accounts with a Business, Enterprise On-Ramp or Enterprise Support plan. */
  healthSubscription = true;

  constructor(
    readonly accountId: string,
    seeded: RegionStore[] = [],
  ) {
    for (const store of seeded) this.stores.set(store.region, store);
  }

  /** The regions that have a store, seeded or reached by a request. */
  all(): RegionStore[] {
    return [...this.stores.values()];
  }

  get(region: string): RegionStore {
    let store = this.stores.get(region);
    if (!store) {
      store = new RegionStore(region, this.accountId);
      this.stores.set(region, store);
    }
    return store;
  }
}
