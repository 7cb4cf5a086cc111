import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT_ID } from '../../../src/emulator/index.js';
import type { RegionStore, VirtualInterfaceRecord } from '../../../src/emulator/regionStore.js';
import {
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
  if (vif.virtualInterfaceType === 'private') expect(gateways, where).toHaveLength(1);
  if (vif.virtualInterfaceType === 'transit') expect(vif.directConnectGatewayId, where).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  if (vif.virtualInterfaceType === 'public') {
    expect(gateways, where).toEqual([]);
    expect(vif.routeFilterPrefixes.length, where).toBeGreaterThan(0);
  } else {
    expect(vif.routeFilterPrefixes, where).toEqual([]);
  }
  if (vif.virtualGatewayId !== undefined) expect(vif.virtualGatewayId).toMatch(/^vgw-[0-9a-f]{8}$/);
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
    });
    expect(shape('eu-west-1')).toEqual({
      'dxlag-partner01': { minimumLinks: 0, members: ['dxcon-partnr1a', 'dxcon-partnr1b'] },
      'dxlag-euwest01': { minimumLinks: 1, members: ['dxcon-euwest1a', 'dxcon-euwest1b'] },
    });
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
