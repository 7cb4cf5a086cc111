import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT_ID } from '../../../src/emulator/index.js';
import type { RegionStore, VirtualInterfaceRecord } from '../../../src/emulator/regionStore.js';
import { settleLagState } from '../../../src/emulator/rules.js';
import { isConnectionId, isLagId, isVirtualInterfaceId } from '../../../src/emulator/validate.js';
import {
  bandwidthBps,
  DEMO_ASSOCIATIONS,
  DEMO_DX_GATEWAYS,
  DEMO_ENDPOINTS,
  DEMO_EVENT_SUFFIXES,
  LARGE_LAGS_PER_REGION,
  LARGE_MEMBERS_PER_LAG,
  LARGE_STANDALONE_PER_REGION,
  LARGE_VIFS_PER_REGION,
  SEEDED_SECRET_MARKER,
  seedStores,
} from '../../../src/emulator/seed.js';

const vifsOf = (store: RegionStore): VirtualInterfaceRecord[] => [...store.virtualInterfaces.values()];
const allRegions = (seed: 'demo' | 'large', regions: string[]) => regions.map((region) => seedStores(seed).get(region));
const DEMO_REGIONS = ['us-east-1', 'eu-west-1'];
const LARGE_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'];

/** What must hold for every seeded VIF, demo or large. */
function expectWellFormed(store: RegionStore, vif: VirtualInterfaceRecord): void {
  const where = vif.virtualInterfaceId;
  const parent = store.lags.get(vif.connectionId) ?? store.connections.get(vif.connectionId);
  expect(parent, `${where} rides on a seeded LAG or connection`).toBeDefined();
  expect(store.connections.get(vif.connectionId)?.lagId, `${where} is not on a LAG member`).toBeUndefined();
  expect(vif.virtualInterfaceId).toMatch(/^dxvif-[a-z0-9]{8,21}$/);
  expect(vif).toMatchObject({
    ownerAccount: DEMO_ACCOUNT_ID,
    location: parent?.location,
    awsDeviceV2: parent?.awsDeviceV2,
    awsLogicalDeviceId: parent?.awsLogicalDeviceId,
    virtualInterfaceState: 'available',
    amazonSideAsn: 64512,
    mtu: vif.jumboFrameCapable ? 8500 : 1500,
  });
  const [first] = vif.bgpPeers;
  expect(first, `${where} has a BGP peer`).toBeDefined();
  expect(
    [vif.asn, vif.addressFamily, vif.amazonAddress, vif.customerAddress, vif.authKey],
    `${where}: the VIF-level fields mirror the first peer`,
  ).toEqual([first?.asn, first?.addressFamily, first?.amazonAddress, first?.customerAddress, first?.authKey]);
  for (const peer of vif.bgpPeers) {
    expect(peer.bgpPeerId).toMatch(/^dxpeer-[a-z0-9]{8,}$/);
    expect(peer.bgpPeerState).toBe('available');
    expect(['up', 'down', 'unknown']).toContain(peer.bgpStatus);
    expect(peer.authKey?.startsWith(SEEDED_SECRET_MARKER), `${where} ${peer.bgpPeerId} key carries the marker`).toBe(true);
    expect(vif.customerRouterConfig, `${where}'s router config embeds ${peer.bgpPeerId}'s key`).toContain(peer.authKey);
    expect(peer.amazonAddress).toMatch(peer.addressFamily === 'ipv4' ? /^\d+\.\d+\.\d+\.\d+\/30$/ : /^2001:db8:[0-9a-f:]+\/125$/);
    expect([peer.awsDeviceV2, peer.awsLogicalDeviceId]).toEqual([vif.awsDeviceV2, vif.awsLogicalDeviceId]);
  }
  const gateways = [vif.virtualGatewayId, vif.directConnectGatewayId].filter((id) => id !== undefined);
  // Every seeded private and transit VIF is attached to a Direct Connect gateway, none to a VGW directly.
  if (vif.virtualInterfaceType !== 'public') {
    expect(vif.virtualGatewayId, where).toBeUndefined();
    expect(vif.directConnectGatewayId, where).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  }
  if (vif.virtualInterfaceType === 'public') {
    expect(gateways, where).toEqual([]);
    expect(vif.routeFilterPrefixes.length, where).toBeGreaterThan(0);
  } else {
    expect(vif.routeFilterPrefixes, where).toEqual([]);
  }
}

// src/emulator/seed.ts: the demo seed's pinned IDs (docs/contract.md, "Emulator") and
// the large seed. The emulator over HTTP is tested in test/emulator/.

describe('the demo seed', () => {
  it('pins the IDs, minimum links and members the gateway relies on', () => {
    const stores = seedStores('demo');
    const shape = (region: string) =>
      Object.fromEntries(
        [...stores.get(region).lags.values()].map((lag) => [
          lag.lagId,
          { minimumLinks: lag.minimumLinks, members: stores.get(region).members(lag.lagId).map((c) => c.connectionId) },
        ]),
      );
    expect(shape('us-east-1')).toEqual({
      'dxlag-allow001': { minimumLinks: 1, members: ['dxcon-allow01a', 'dxcon-allow01b', 'dxcon-allow01c'] },
      'dxlag-minlink01': { minimumLinks: 2, members: ['dxcon-minlnk1a', 'dxcon-minlnk1b'] },
      'dxlag-lastmem01': { minimumLinks: 1, members: ['dxcon-lastmem1a'] },
      'dxlag-empty001': { minimumLinks: 0, members: [] },
      'dxlag-macsec01': { minimumLinks: 1, members: ['dxcon-macsec1a', 'dxcon-macsec1b'] },
      'dxlag-full0001': { minimumLinks: 1, members: ['dxcon-full001a', 'dxcon-full001b', 'dxcon-full001c', 'dxcon-full001d'] },
      'dxlag-busy0001': { minimumLinks: 1, members: ['dxcon-busy001a', 'dxcon-busy001b'] },
      'dxlag-maint001': { minimumLinks: 1, members: ['dxcon-maint01a', 'dxcon-maint01b', 'dxcon-maint01c'] },
    });
    expect(shape('eu-west-1')).toEqual({
      'dxlag-partner01': { minimumLinks: 0, members: ['dxcon-partnr1a', 'dxcon-partnr1b'] },
      'dxlag-euwest01': { minimumLinks: 1, members: ['dxcon-euwest1a', 'dxcon-euwest1b'] },
    });
  });

  it('gives every record an ID the emulator and the gateway accept (a prefix and 8 to 21 letters or digits)', () => {
    for (const store of allRegions('demo', DEMO_REGIONS)) {
      for (const id of store.connections.keys()) expect(isConnectionId(id), id).toBe(true);
      for (const id of store.lags.keys()) expect(isLagId(id), id).toBe(true);
      for (const id of store.virtualInterfaces.keys()) expect(isVirtualInterfaceId(id), id).toBe(true);
    }
  });

  it('owns everything in the demo account and marks the partner members internally', () => {
    const eu = seedStores('demo').get('eu-west-1');
    expect(DEMO_ACCOUNT_ID).toBe('123456789012');
    expect(eu.connections.get('dxcon-partnr1a')?.partnerOwned).toBe(true);
    expect(eu.connections.get('dxcon-euwest1a')?.partnerOwned).toBeUndefined();
    expect([...eu.lags.values()].every((lag) => lag.ownerAccount === DEMO_ACCOUNT_ID)).toBe(true);
  });

  it('gives seeded stores their own copies, so a reset really reseeds', () => {
    const first = seedStores('demo').get('us-east-1');
    first.connections.get('dxcon-standal1')?.tags.push({ key: 'x' });
    expect(seedStores('demo').get('us-east-1').connections.get('dxcon-standal1')?.tags).toHaveLength(2);
  });
});

/** What must hold in every seeded region: AWS puts a LAG and its members on one endpoint. */
function expectOnTheirCarriersDevice(store: RegionStore): void {
  const device = (r: { awsDevice?: string; awsDeviceV2?: string; awsLogicalDeviceId?: string } | undefined) => [
    r?.awsDevice,
    r?.awsDeviceV2,
    r?.awsLogicalDeviceId,
  ];
  for (const lag of store.lags.values()) {
    expect(lag.awsDeviceV2, lag.lagId).toBeDefined();
    for (const member of store.members(lag.lagId)) expect(device(member), `${member.connectionId} on ${lag.lagId}'s device`).toEqual(device(lag));
  }
  for (const hosted of store.ofKind('hosted')) {
    const parent = store.lags.get(hosted.parentId ?? '') ?? store.connections.get(hosted.parentId ?? '');
    expect(device(hosted), `${hosted.connectionId} on its parent's device`).toEqual(device(parent));
  }
}

/** A seeded LAG's state already agrees with its members and minimumLinks. */
function expectSettled(store: RegionStore): void {
  for (const lag of store.lags.values()) {
    const seeded = lag.lagState;
    settleLagState(store, lag);
    expect(lag.lagState, `${store.region} ${lag.lagId}`).toBe(seeded);
  }
}

describe('the demo seed\'s endpoints', () => {
  const us = () => seedStores('demo').get('us-east-1');
  const endpointOf = (store: RegionStore, id: string) => {
    const record = store.lags.get(id) ?? store.connections.get(id);
    return [record?.awsDevice, record?.awsDeviceV2, record?.awsLogicalDeviceId];
  };
  const endpoint = (name: keyof typeof DEMO_ENDPOINTS) => {
    const { awsDevice, awsDeviceV2, awsLogicalDeviceId } = DEMO_ENDPOINTS[name];
    return [awsDevice, awsDeviceV2, awsLogicalDeviceId];
  };

  it('puts every LAG member on its LAG\'s device and every hosted connection on its parent\'s', () => {
    for (const store of allRegions('demo', DEMO_REGIONS)) expectOnTheirCarriersDevice(store);
  });

  it('has six distinct endpoints at EqDC2 in us-east-1', () => {
    const names = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
    expect(new Set(names.map((name) => DEMO_ENDPOINTS[name].awsDeviceV2)).size).toBe(6);
    for (const name of names) expect(DEMO_ENDPOINTS[name].awsDeviceV2, name).toMatch(/^EqDC2-/);
  });

  it('puts four 10G LAGs and the connections that may join them on endpoint A, so members can move between them', () => {
    const store = us();
    for (const id of ['dxlag-allow001', 'dxlag-minlink01', 'dxlag-lastmem01', 'dxlag-empty001', 'dxcon-assoc01a', 'dxcon-wrongbw1']) {
      expect(endpointOf(store, id), id).toEqual(endpoint('A'));
    }
    for (const id of ['dxlag-allow001', 'dxlag-minlink01', 'dxlag-lastmem01', 'dxlag-empty001']) {
      expect([store.lags.get(id)?.location, store.lags.get(id)?.connectionsBandwidth], id).toEqual(['EqDC2', '10Gbps']);
    }
    expect(endpointOf(store, 'dxlag-macsec01')).toEqual(endpoint('B'));
    expect(endpointOf(store, 'dxlag-full0001')).toEqual(endpoint('C'));
    expect(endpointOf(store, 'dxcon-spare01a')).toEqual(endpoint('C'));
    expect(endpointOf(store, 'dxcon-otherdv1')).toEqual(endpoint('D'));
    expect(endpointOf(store, 'dxlag-busy0001')).toEqual(endpoint('E'));
    expect(endpointOf(store, 'dxlag-maint001')).toEqual(endpoint('F'));
  });

  it('seeds one standalone connection per association rule, each unfit for that rule only', () => {
    const store = us();
    const facts = (id: string) => {
      const c = store.connections.get(id);
      return [c?.kind, c?.lagId, c?.location, c?.bandwidth, c?.connectionState, c?.macSecCapable];
    };
    const ready = ['connection', undefined, 'EqDC2', '10Gbps', 'available', false];
    expect(facts('dxcon-assoc01a')).toEqual(ready);
    expect(store.connections.get('dxcon-assoc01a')?.connectionName).toBe('Standalone ready to join');
    expect(facts('dxcon-wrongbw1')).toEqual(['connection', undefined, 'EqDC2', '1Gbps', 'available', false]);
    expect(facts('dxcon-otherdv1')).toEqual(ready);
    expect(facts('dxcon-spare01a')).toEqual(ready);
    expect(store.virtualInterfacesOn('dxcon-assoc01a').map((v) => v.virtualInterfaceId)).toEqual(['dxvif-assoc01pv']);
    // Unchanged: both 1G, each on a device of its own.
    expect([store.connections.get('dxcon-standal1')?.bandwidth, store.connections.get('dxcon-standal2')?.connectionState]).toEqual(['1Gbps', 'down']);
    for (const id of ['dxcon-standal1', 'dxcon-standal2']) {
      expect(Object.values(DEMO_ENDPOINTS).map((e) => e.awsDeviceV2)).not.toContain(store.connections.get(id)?.awsDeviceV2);
    }
  });

  it('fills dxlag-full0001 to its quota of four, one member down', () => {
    const store = us();
    const full = store.lags.get('dxlag-full0001');
    expect(full).toMatchObject({ lagName: 'Full LAG', location: 'EqDC2', connectionsBandwidth: '10Gbps', minimumLinks: 1, lagState: 'available' });
    expect(full?.tags).toEqual([{ key: 'env', value: 'prod' }, { key: 'team', value: 'netops' }]);
    expect(store.members('dxlag-full0001').map((c) => `${c.connectionId} ${c.connectionState}`)).toEqual([
      'dxcon-full001a available',
      'dxcon-full001b available',
      'dxcon-full001c available',
      'dxcon-full001d down',
    ]);
  });

  it('seeds every LAG\'s state as its members and minimumLinks settle it', () => {
    for (const store of allRegions('demo', DEMO_REGIONS)) expectSettled(store);
  });
});

describe('the demo seed\'s virtual interfaces', () => {
  const layout = (store: RegionStore) =>
    Object.fromEntries(
      vifsOf(store).map((vif) => [
        vif.virtualInterfaceId,
        [vif.connectionId, vif.virtualInterfaceType, vif.vlan, vif.bgpPeers.map((p) => `${p.bgpPeerId} ${p.addressFamily} ${p.bgpStatus}`)],
      ]),
    );

  it('pins the VIFs, what they ride on and their BGP peers, which the gateway\'s tests rely on', () => {
    const stores = seedStores('demo');
    expect(layout(stores.get('us-east-1'))).toEqual({
      'dxvif-allow01pv': ['dxlag-allow001', 'private', 101, ['dxpeer-allow01pv4 ipv4 up', 'dxpeer-allow01pv6 ipv6 up']],
      'dxvif-allow01tr': ['dxlag-allow001', 'transit', 102, ['dxpeer-allow01tr4 ipv4 up']],
      'dxvif-minlnk1pv': ['dxlag-minlink01', 'private', 201, ['dxpeer-minlnk1pv4 ipv4 up']],
      'dxvif-lastmem1pv': ['dxlag-lastmem01', 'private', 301, ['dxpeer-lastmem1pv4 ipv4 up', 'dxpeer-lastmem1pv6 ipv6 up']],
      'dxvif-lastmem1pb': ['dxlag-lastmem01', 'public', 302, ['dxpeer-lastmem1pb4 ipv4 down']],
      'dxvif-macsec1pv': ['dxlag-macsec01', 'private', 401, ['dxpeer-macsec1pv4 ipv4 down']],
      'dxvif-standal1pv': ['dxcon-standal1', 'private', 501, ['dxpeer-standal1pv4 ipv4 up']],
      'dxvif-assoc01pv': ['dxcon-assoc01a', 'private', 801, ['dxpeer-assoc01pv4 ipv4 up']],
      'dxvif-busy01pv': ['dxlag-busy0001', 'private', 901, ['dxpeer-busy01pv4 ipv4 up']],
      'dxvif-maint01tr': ['dxlag-maint001', 'transit', 1001, ['dxpeer-maint01tr4 ipv4 up']],
      'dxvif-solo01pv': ['dxcon-otherdv1', 'private', 1101, ['dxpeer-solo01pv4 ipv4 up']],
    });
    expect(layout(stores.get('eu-west-1'))).toEqual({
      'dxvif-euwest1pv': ['dxlag-euwest01', 'private', 601, ['dxpeer-euwest1pv4 ipv4 up']],
      'dxvif-eustand1tr': ['dxcon-eustand1', 'transit', 701, ['dxpeer-eustand1tr4 ipv4 up', 'dxpeer-eustand1tr6 ipv6 unknown']],
    });
    expect(stores.get('us-east-1').virtualInterfacesOn('dxlag-empty001')).toEqual([]);
    expect(stores.get('eu-west-1').virtualInterfacesOn('dxlag-partner01')).toEqual([]);
  });

  it('gives every VIF the fields AWS reports, the first peer mirrored at VIF level', () => {
    for (const store of allRegions('demo', DEMO_REGIONS)) for (const vif of vifsOf(store)) expectWellFormed(store, vif);
  });

  it('makes every BGP key a distinct, searchable sentinel', () => {
    expect(SEEDED_SECRET_MARKER).toBe('SEEDED-BGP-MD5-');
    const keys = allRegions('demo', DEMO_REGIONS).flatMap((store) => vifsOf(store).flatMap((vif) => vif.bgpPeers.map((p) => p.authKey)));
    expect(keys).toContain('SEEDED-BGP-MD5-allow01pv-ipv4');
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.every((key) => key !== undefined && key.length >= 6 && key.length <= 80)).toBe(true);
  });

  it('gives seeded VIFs their own copies, so a reset really reseeds', () => {
    const first = seedStores('demo').get('us-east-1');
    const peer = first.virtualInterfaces.get('dxvif-allow01pv')?.bgpPeers[0];
    if (peer) peer.bgpStatus = 'down';
    first.virtualInterfaces.get('dxvif-allow01pv')?.tags.push({ key: 'x' });
    const again = seedStores('demo').get('us-east-1').virtualInterfaces.get('dxvif-allow01pv');
    expect(again?.bgpPeers[0]?.bgpStatus).toBe('up');
    expect(again?.tags).toHaveLength(2);
  });
});

describe('the large seed', () => {
  it('is deterministic', () => {
    const ids = () => [...seedStores('large').get('us-west-2').connections.keys()];
    expect(ids()).toEqual(ids());
    const vifs = () => JSON.stringify(vifsOf(seedStores('large').get('us-west-2')));
    expect(vifs()).toEqual(vifs());
  });

  it('puts members on their LAG\'s device and seeds every LAG\'s state as its members settle it', () => {
    for (const store of allRegions('large', LARGE_REGIONS)) {
      expectOnTheirCarriersDevice(store);
      expectSettled(store);
    }
  });

  it('keeps its connection and LAG counts', () => {
    for (const store of allRegions('large', LARGE_REGIONS)) {
      expect(store.lags.size).toBe(LARGE_LAGS_PER_REGION);
      expect(store.connections.size).toBe(LARGE_LAGS_PER_REGION * LARGE_MEMBERS_PER_LAG + LARGE_STANDALONE_PER_REGION);
    }
  });

  it('has more than a page of VIFs in every region: two on each LAG, one on every fourth standalone connection', () => {
    expect(LARGE_VIFS_PER_REGION).toBe(160);
    for (const store of allRegions('large', LARGE_REGIONS)) {
      const vifs = vifsOf(store);
      expect(vifs.length, store.region).toBe(LARGE_VIFS_PER_REGION);
      for (const lag of store.lags.values()) {
        expect(store.virtualInterfacesOn(lag.lagId).map((v) => v.bgpPeers.length).sort()).toEqual([1, 2]);
      }
      const onStandalones = vifs.filter((v) => v.connectionId.startsWith('dxcon-'));
      expect(onStandalones).toHaveLength(LARGE_STANDALONE_PER_REGION / 4);
      expect(onStandalones.every((v) => v.bgpPeers.length === 1)).toBe(true);
      for (const vif of vifs) expectWellFormed(store, vif);
      const statuses = vifs.flatMap((v) => v.bgpPeers.map((p) => p.bgpStatus));
      expect(statuses.filter((s) => s === 'down').length, `${store.region}: some peers are down`).toBeGreaterThan(0);
      const peerIds = vifs.flatMap((v) => v.bgpPeers.map((p) => p.bgpPeerId));
      expect(new Set(peerIds).size).toBe(peerIds.length);
      const keys = vifs.flatMap((v) => v.bgpPeers.map((p) => p.authKey));
      expect(new Set(keys).size).toBe(keys.length);
    }
  });
});

describe('the demo seed\'s gateways, traffic and Health events', () => {
  const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
  const HOUR = 60 * 60 * 1000;

  it('pins three global Direct Connect gateways and their four associations', () => {
    const stores = seedStores('demo', NOW);
    expect([...stores.directConnectGateways.values()].map((g) => [g.directConnectGatewayId, g.directConnectGatewayName, g.amazonSideAsn, g.directConnectGatewayState])).toEqual([
      [DEMO_DX_GATEWAYS.transit, 'dxgw-transit', 64512, 'available'],
      [DEMO_DX_GATEWAYS.private, 'dxgw-private', 64513, 'available'],
      [DEMO_DX_GATEWAYS.solo, 'dxgw-solo', 64514, 'available'],
    ]);
    expect(
      Object.fromEntries([...stores.gatewayAssociations.values()].map((a) => [a.associationId, [a.directConnectGatewayId, a.associatedGateway.id, a.associatedGateway.type, a.associatedGateway.region, a.associationState]])),
    ).toEqual({
      [DEMO_ASSOCIATIONS.transit]: [DEMO_DX_GATEWAYS.transit, 'tgw-0a1b2c3d4e5f60718', 'transitGateway', 'us-east-1', 'associated'],
      [DEMO_ASSOCIATIONS.usEast1Vgw]: [DEMO_DX_GATEWAYS.private, 'vgw-0a1b2c3d', 'virtualPrivateGateway', 'us-east-1', 'associated'],
      [DEMO_ASSOCIATIONS.euWest1Vgw]: [DEMO_DX_GATEWAYS.private, 'vgw-4e5f6a7b', 'virtualPrivateGateway', 'eu-west-1', 'associated'],
      [DEMO_ASSOCIATIONS.solo]: [DEMO_DX_GATEWAYS.solo, 'vgw-5c6d7e8f', 'virtualPrivateGateway', 'us-east-1', 'associated'],
    });
    expect(stores.gatewayAssociations.get(DEMO_ASSOCIATIONS.transit)?.allowedPrefixesToDirectConnectGateway).toEqual([{ cidr: '10.0.0.0/16' }, { cidr: '10.1.0.0/16' }]);
  });

  it('attaches every transit VIF to dxgw-transit and every private one but dxvif-solo01pv (dxgw-solo) to dxgw-private, no VIF to a VGW directly', () => {
    for (const store of allRegions('demo', DEMO_REGIONS)) {
      for (const vif of vifsOf(store)) {
        const expected =
          vif.virtualInterfaceId === 'dxvif-solo01pv'
            ? DEMO_DX_GATEWAYS.solo
            : { transit: DEMO_DX_GATEWAYS.transit, private: DEMO_DX_GATEWAYS.private, public: undefined }[vif.virtualInterfaceType as 'transit'];
        expect([vif.directConnectGatewayId, vif.virtualGatewayId], vif.virtualInterfaceId).toEqual([expected, undefined]);
      }
    }
  });

  it('seeds steady traffic over the 3 hours before the start on every connection of the account and every VIF', () => {
    const stores = seedStores('demo', NOW);
    for (const store of allRegions('demo', DEMO_REGIONS).map((s) => stores.get(s.region))) {
      for (const c of store.ofKind('connection')) {
        const rate = store.traffic.get(c.connectionId);
        expect(rate?.since, c.connectionId).toBe(NOW - 3 * HOUR);
        const expected = c.connectionState !== 'available' ? [0, 0] : c.bandwidth === '1Gbps' ? [0.2e9, 0.1e9] : undefined;
        if (expected) expect([rate?.egressBps, rate?.ingressBps], c.connectionId).toEqual(expected);
        expect(rate!.egressBps, c.connectionId).toBeLessThanOrEqual(bandwidthBps(c.bandwidth));
      }
      for (const vif of vifsOf(store)) expect(store.traffic.get(vif.virtualInterfaceId), vif.virtualInterfaceId).toMatchObject({ egressBps: 0.3e9, ingressBps: 0.2e9 });
      for (const c of [...store.ofKind('hosted'), ...store.ofKind('interconnect')]) expect(store.traffic.has(c.connectionId)).toBe(false);
    }
    const us = stores.get('us-east-1');
    const rate = (id: string) => [us.traffic.get(id)?.egressBps, us.traffic.get(id)?.ingressBps];
    expect(rate('dxcon-allow01a')).toEqual([1e9, 0.6e9]);
    expect(rate('dxcon-full001d'), 'down').toEqual([0, 0]);
    expect(rate('dxcon-maint01a')).toEqual([1e9, 0.5e9]);
    // The busy LAG's peak is its members' sum, 12 Gbps; either member alone carries 10.
    const busy = us.members('dxlag-busy0001');
    const peak = busy.reduce((sum, c) => sum + (us.traffic.get(c.connectionId)?.egressBps ?? 0), 0);
    expect(peak).toBe(12e9);
    expect(peak).toBeGreaterThan(bandwidthBps('10Gbps'));
  });

  it('seeds an upcoming maintenance of dxcon-maint01c three days after the start, and a closed one of dxcon-allow01b that ended a day before', () => {
    const events = [...seedStores('demo', NOW).healthEvents.values()];
    expect(events.map((e) => [e.arn.split('_').at(-1), e.statusCode, e.region, e.startTime - NOW, e.endTime! - NOW, e.entities.map((x) => x.entityValue)])).toEqual([
      [DEMO_EVENT_SUFFIXES.upcoming, 'upcoming', 'us-east-1', 72 * HOUR, 76 * HOUR, ['dxcon-maint01c']],
      [DEMO_EVENT_SUFFIXES.closed, 'closed', 'us-east-1', -28 * HOUR, -24 * HOUR, ['dxcon-allow01b']],
    ]);
    expect(seedStores('demo', NOW).healthSubscription).toBe(true);
  });
});

describe('the large seed\'s gateways and traffic', () => {
  it('attaches every private and transit VIF to a global gateway with associations of one kind', () => {
    const stores = seedStores('large');
    const gatewayIds = new Set(stores.directConnectGateways.keys());
    expect(gatewayIds.size).toBe(4);
    for (const store of allRegions('large', LARGE_REGIONS)) {
      for (const vif of vifsOf(store).filter((v) => v.virtualInterfaceType !== 'public')) expect(gatewayIds.has(vif.directConnectGatewayId ?? '')).toBe(true);
    }
    for (const id of gatewayIds) {
      const kinds = new Set([...stores.gatewayAssociations.values()].filter((a) => a.directConnectGatewayId === id).map((a) => a.associatedGateway.type));
      expect(kinds.size, id).toBe(1);
    }
  });

  it('has deterministic traffic on every connection and VIF, below capacity', () => {
    const traffic = () => JSON.stringify(allRegions('large', LARGE_REGIONS).map((s) => [...s.traffic].map(([id, t]) => [id, t.egressBps, t.ingressBps])));
    expect(traffic()).toEqual(traffic());
    for (const store of allRegions('large', LARGE_REGIONS)) {
      for (const c of store.ofKind('connection')) {
        const rate = store.traffic.get(c.connectionId);
        expect(rate, c.connectionId).toBeDefined();
        expect(Math.max(rate!.egressBps, rate!.ingressBps)).toBeLessThan(bandwidthBps(c.bandwidth) || 1);
        if (c.connectionState === 'available') expect(rate!.egressBps).toBeGreaterThan(0);
      }
      for (const vif of vifsOf(store)) expect(store.traffic.has(vif.virtualInterfaceId)).toBe(true);
    }
  });
});
