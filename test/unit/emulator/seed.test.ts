import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT_ID } from '../../../src/emulator/index.js';
import { seedStores } from '../../../src/emulator/seed.js';

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

describe('the large seed', () => {
  it('is deterministic', () => {
    const ids = () => [...seedStores('large').get('us-west-2').connections.keys()];
    expect(ids()).toEqual(ids());
  });
});
