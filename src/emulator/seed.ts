import { RegionStore, RegionStores, type ConnectionRecord, type LagRecord, type MacSecKey, type Tag } from './regionStore.js';
import { LARGE_REGIONS, type EmulatorSeed } from './seedRegions.js';


/**
 * Deterministic seed data. The demo IDs are pinned: the gateway's tests and
 * README use them. Each demo LAG exists to exercise one disassociation rule.
 */

export const DEMO_ACCOUNT_ID = '123456789012';

const tag = (key: string, value: string): Tag => ({ key, value });
const PROD = [tag('env', 'prod'), tag('team', 'netops')];
const copyTags = (tags: Tag[] = []): Tag[] => tags.map((t) => ({ ...t }));

function device(location: string, n: number): Pick<ConnectionRecord, 'awsDevice' | 'awsDeviceV2' | 'awsLogicalDeviceId'> {
  return {
    awsDevice: `${location}-${(0x1a2b3c + n).toString(36)}`,
    awsDeviceV2: `${location}-${(0x2b3c4d + n).toString(36)}`,
    awsLogicalDeviceId: `${location}-${(0x3c4d5e + n).toString(36)}`,
  };
}

function connection(
  store: RegionStore,
  fields: Partial<ConnectionRecord> & Pick<ConnectionRecord, 'connectionId' | 'connectionName' | 'location'>,
  n: number,
): ConnectionRecord {
  return store.addConnection({
    kind: 'connection',
    connectionState: 'available',
    ownerAccount: store.accountId,
    bandwidth: '10Gbps',
    ...device(fields.location, n),
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

function members(store: RegionStore, lagRecord: LagRecord, ids: string[], extra: Partial<ConnectionRecord> = {}): void {
  ids.forEach((connectionId, i) =>
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

/** 2023-11-14T22:13:20Z, as epoch seconds like the wire. */
const LOA_ISSUED = 1_700_000_000;

function demoUsEast1(): RegionStore {
  const store = new RegionStore('us-east-1', DEMO_ACCOUNT_ID);
  const location = 'EqDC2';

  const allowed = lag(store, { lagId: 'dxlag-allow001', lagName: 'Allowed LAG', location, minimumLinks: 1, tags: PROD }, 1);
  members(store, allowed, ['dxcon-allow01a', 'dxcon-allow01b', 'dxcon-allow01c'], { loaIssueTime: LOA_ISSUED });

  const minLinks = lag(store, { lagId: 'dxlag-minlink01', lagName: 'Minimum-links LAG', location, minimumLinks: 2, tags: PROD }, 2);
  members(store, minLinks, ['dxcon-minlnk1a', 'dxcon-minlnk1b']);

  const lastMember = lag(
    store,
    { lagId: 'dxlag-lastmem01', lagName: 'Last-member LAG', location, minimumLinks: 1, tags: [tag('env', 'staging'), tag('team', 'netops')] },
    3,
  );
  members(store, lastMember, ['dxcon-lastmem1a']);

  lag(store, { lagId: 'dxlag-empty001', lagName: 'Empty LAG', location, minimumLinks: 0, tags: [tag('env', 'dev')] }, 4);

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
    },
    5,
  );
  members(store, macSec, ['dxcon-macsec1a', 'dxcon-macsec1b'], {
    macSecCapable: true,
    encryptionMode: 'must_encrypt',
    portEncryptionStatus: 'Encryption Up',
    macSecKeys: [macSecKey('us-east-1', 'macsec01', cknA)],
  });

  connection(
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

  connection(
    store,
    { connectionId: 'dxcon-eustand1', connectionName: 'EU standalone', location, loaIssueTime: LOA_ISSUED, tags: PROD },
    90,
  );
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
      if (!store.connections.has(id) && !store.lags.has(id)) return id;
    }
  };
  const locations = LARGE_LOCATIONS[region] ?? ['EqDC2'];
  const tagsFor = (): Tag[] => [tag('env', pick(['prod', 'staging', 'dev'])), tag('team', pick(['netops', 'platform', 'edge']))];
  let n = 0;

  for (let l = 1; l <= LARGE_LAGS_PER_REGION; l++) {
    const lagRecord = lag(
      store,
      { lagId: newId('dxlag'), lagName: `Large LAG ${l}`, location: pick(locations), minimumLinks: 1 + Math.floor(random() * 2), tags: tagsFor() },
      l,
    );
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
    connection(
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
  }
  return store;
}


export function seedStores(seed: EmulatorSeed): RegionStores {
  const stores = seed === 'demo' ? [demoUsEast1(), demoEuWest1()] : LARGE_REGIONS.map(largeRegion);
  return new RegionStores(DEMO_ACCOUNT_ID, stores);
}
