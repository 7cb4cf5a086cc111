import { describe, expect, it } from 'vitest';
import { totalCalls, useTestGateway } from '../helpers/gateway.js';

// Virtual interfaces, BGP peers and interconnects over real HTTP against npm start's
// wiring and the demo seed (docs/contract.md, "Schema"): Query.virtualInterfaces,
// Query.virtualInterface, Query.interconnects, Query.interconnect, and the relations
// Lag.virtualInterfaces, Lag.hostedConnections, Connection.virtualInterfaces,
// VirtualInterface.connection / .lag. What the loaders cost: awsCallsPerQuery.test.ts.

const gw = useTestGateway();

const VIF_FIELDS = `
  virtualInterfaceId ownerAccount location connectionId virtualInterfaceType virtualInterfaceName vlan asn asnLong
  amazonSideAsn amazonAddress customerAddress addressFamily virtualInterfaceState mtu jumboFrameCapable
  virtualGatewayId directConnectGatewayId routeFilterPrefixes { cidr } region awsDeviceV2 awsLogicalDeviceId
  tags { key value } siteLinkEnabled
  bgpPeers { bgpPeerId asn asnLong addressFamily amazonAddress customerAddress bgpPeerState bgpStatus awsDeviceV2 awsLogicalDeviceId }
`;

const ids = (items: Array<{ virtualInterfaceId: string }>) => items.map((v) => v.virtualInterfaceId).sort();

describe('Query.virtualInterfaces', () => {
  it('lists every VIF of the region with AWS field names and GraphQL enum values', async () => {
    const { body } = await gw.graphql(`{ virtualInterfaces { ${VIF_FIELDS} } }`);
    expect(body.errors).toBeUndefined();
    expect(ids(body.data.virtualInterfaces)).toEqual([
      'dxvif-allow01pv',
      'dxvif-allow01tr',
      'dxvif-assoc01pv',
      'dxvif-busy01pv',
      'dxvif-lastmem1pb',
      'dxvif-lastmem1pv',
      'dxvif-macsec1pv',
      'dxvif-maint01tr',
      'dxvif-minlnk1pv',
      'dxvif-solo01pv',
      'dxvif-standal1pv',
    ]);
    const vif = body.data.virtualInterfaces.find((v: { virtualInterfaceId: string }) => v.virtualInterfaceId === 'dxvif-allow01pv');
    expect(vif).toMatchObject({
      connectionId: 'dxlag-allow001',
      virtualInterfaceType: 'private',
      vlan: 101,
      asn: 65001,
      addressFamily: 'IPV4',
      virtualInterfaceState: 'AVAILABLE',
      region: 'us-east-1',
      routeFilterPrefixes: [],
    });
    expect(vif.bgpPeers.map((p: { addressFamily: string; bgpStatus: string; bgpPeerState: string }) => [p.addressFamily, p.bgpStatus, p.bgpPeerState])).toEqual([
      ['IPV4', 'UP', 'AVAILABLE'],
      ['IPV6', 'UP', 'AVAILABLE'],
    ]);
  });

  it('lists the VIFs on one LAG or one connection, and none on a LAG member itself', async () => {
    const { body } = await gw.graphql(`{
      lag: virtualInterfaces(connectionId: "dxlag-lastmem01") { virtualInterfaceId }
      connection: virtualInterfaces(connectionId: "dxcon-standal1") { virtualInterfaceId }
      member: virtualInterfaces(connectionId: "dxcon-lastmem1a") { virtualInterfaceId }
      eu: virtualInterfaces(region: "eu-west-1", connectionId: "dxcon-eustand1") { virtualInterfaceId bgpPeers { bgpStatus } }
    }`);
    expect(body.errors).toBeUndefined();
    expect(ids(body.data.lag)).toEqual(['dxvif-lastmem1pb', 'dxvif-lastmem1pv']);
    expect(ids(body.data.connection)).toEqual(['dxvif-standal1pv']);
    expect(body.data.member).toEqual([]);
    expect(body.data.eu).toEqual([{ virtualInterfaceId: 'dxvif-eustand1tr', bgpPeers: [{ bgpStatus: 'UP' }, { bgpStatus: 'UNKNOWN' }] }]);
  });

  it('says which connection or LAG does not exist, rather than listing nothing', async () => {
    const { body } = await gw.graphql(`{
      a: virtualInterfaces(connectionId: "dxlag-zzzzzzzz") { virtualInterfaceId }
    }`);
    expect(body.errors).toEqual([expect.objectContaining({ path: ['a'], extensions: expect.objectContaining({ code: 'LAG_NOT_FOUND' }) })]);
    const other = await gw.graphql(`{ b: virtualInterfaces(connectionId: "dxcon-zzzzzzzz") { virtualInterfaceId } }`);
    expect(other.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'CONNECTION_NOT_FOUND' }) })]);
  });

  it.each([
    ['virtualInterfaces(connectionId: "dxvif-allow01pv")', 'connectionId'],
    ['virtualInterfaces(connectionId: "dxlag-BAD")', 'connectionId'],
    ['virtualInterface(virtualInterfaceId: "vif-1234")', 'virtualInterfaceId'],
    ['virtualInterface(virtualInterfaceId: "dxvif-UPPER123")', 'virtualInterfaceId'],
    ['interconnect(interconnectId: "dxlag-allow001")', 'interconnectId'],
    ['virtualInterfaces(region: "mars-north-1")', 'region'],
  ])('refuses %s before any AWS call', async (field, argument) => {
    const { body } = await gw.graphql(`{ x: ${field} { __typename } }`);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toContain(argument);
    expect(totalCalls(await gw.awsCalls())).toBe(0);
  });
});

describe('Query.virtualInterface', () => {
  it('returns one VIF by ID, and null for a well-formed ID that does not exist', async () => {
    const { body } = await gw.graphql(`{
      one: virtualInterface(virtualInterfaceId: "dxvif-macsec1pv") { virtualInterfaceId bgpPeers { bgpStatus } lag { lagId } connection { connectionId } }
      none: virtualInterface(virtualInterfaceId: "dxvif-zzzzzzzz") { virtualInterfaceId }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.one).toEqual({ virtualInterfaceId: 'dxvif-macsec1pv', bgpPeers: [{ bgpStatus: 'DOWN' }], lag: { lagId: 'dxlag-macsec01' }, connection: null });
    expect(body.data.none).toBeNull();
  });
});

describe('relations', () => {
  it('Lag.virtualInterfaces and VirtualInterface.lag point at each other; a VIF on a LAG has no connection', async () => {
    const { body } = await gw.graphql(`{ lag(lagId: "dxlag-allow001") { virtualInterfaces { virtualInterfaceId lag { lagId } connection { connectionId } } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.lag.virtualInterfaces).toEqual([
      { virtualInterfaceId: 'dxvif-allow01pv', lag: { lagId: 'dxlag-allow001' }, connection: null },
      { virtualInterfaceId: 'dxvif-allow01tr', lag: { lagId: 'dxlag-allow001' }, connection: null },
    ]);
  });

  it('Connection.virtualInterfaces holds the VIFs on the connection itself, and VirtualInterface.connection leads back', async () => {
    const { body } = await gw.graphql(`{ connection(connectionId: "dxcon-standal1") { virtualInterfaces { virtualInterfaceId lag { lagId } connection { connectionId } } } }`);
    expect(body.data.connection.virtualInterfaces).toEqual([
      { virtualInterfaceId: 'dxvif-standal1pv', lag: null, connection: { connectionId: 'dxcon-standal1' } },
    ]);
  });

  it('Lag.hostedConnections lists what rides on a partner LAG, and costs no call for a LAG that allows none', async () => {
    const { body } = await gw.graphql(`{ lag(lagId: "dxlag-partner01", region: "eu-west-1") { hostedConnections { connectionId vlan bandwidth ownerAccount } } }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.lag.hostedConnections).toEqual([
      { connectionId: 'dxcon-hosted01', vlan: 101, bandwidth: '500Mbps', ownerAccount: '210987654321' },
      { connectionId: 'dxcon-hosted02', vlan: 102, bandwidth: '1Gbps', ownerAccount: '109876543210' },
    ]);
    await gw.reset();
    const plain = await gw.graphql(`{ lags { lagId hostedConnections { connectionId } } }`);
    expect(plain.body.data.lags.every((l: { hostedConnections: unknown[] }) => l.hostedConnections.length === 0)).toBe(true);
    expect(await gw.awsCalls()).toEqual({ DescribeLags: 1 });
  });
});

describe('Query.interconnects and Query.interconnect', () => {
  const FIELDS = `interconnectId interconnectName interconnectState region location bandwidth loaIssueTime lagId awsDevice
    jumboFrameCapable awsDeviceV2 awsLogicalDeviceId hasLogicalRedundancy tags { key value } providerName macSecCapable
    portEncryptionStatus encryptionMode macSecKeys { ckn }`;

  it('lists the interconnects of a region and finds one by ID; null for one that does not exist', async () => {
    const { body } = await gw.graphql(`{
      all: interconnects(region: "eu-west-1") { ${FIELDS} }
      one: interconnect(interconnectId: "dxcon-intrcon01", region: "eu-west-1") { interconnectId interconnectState }
      none: interconnect(interconnectId: "dxcon-zzzzzzzz", region: "eu-west-1") { interconnectId }
      us: interconnects { interconnectId }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.all).toEqual([
      expect.objectContaining({
        interconnectId: 'dxcon-intrcon01',
        interconnectName: 'Partner interconnect EqLD5',
        interconnectState: 'AVAILABLE',
        location: 'EqLD5',
        providerName: 'Example Partner Networks',
        tags: [{ key: 'env', value: 'prod' }, { key: 'team', value: 'partner-ops' }],
      }),
    ]);
    expect(body.data.one).toEqual({ interconnectId: 'dxcon-intrcon01', interconnectState: 'AVAILABLE' });
    expect(body.data.none).toBeNull();
    expect(body.data.us).toEqual([]);
  });

  it('shows a partner connection as an interconnect once it leaves its LAG', async () => {
    const { body } = await gw.graphql(`mutation { disassociateConnectionFromLag(input: { connectionId: "dxcon-partnr1a", lagId: "dxlag-partner01", region: "eu-west-1" }) { __typename } }`);
    expect(body.data.disassociateConnectionFromLag.__typename).toBe('DisassociateConnectionFromLagSuccess');
    const after = await gw.graphql(`{ interconnect(interconnectId: "dxcon-partnr1a", region: "eu-west-1") { interconnectId lagId } }`);
    expect(after.body.data.interconnect).toEqual({ interconnectId: 'dxcon-partnr1a', lagId: null });
  });
});
