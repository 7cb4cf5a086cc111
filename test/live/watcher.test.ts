import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { Fleet, FleetHandlers } from '../../src/live/fleet.js';
import { createRedisFleet } from '../../src/live/redisFleet.js';
import { Watcher } from '../../src/live/watcher.js';
import { watchKey, type Watched } from '../../src/live/watched.js';
import { createMetrics } from '../../src/metrics.js';
import { sleep } from '../helpers/emulator.js';
import { redisAvailable, startRedis, type RedisServer } from '../helpers/redis.js';
import { until } from '../helpers/subscriptions.js';

// The region watcher against fleets that take their time (src/live/watcher.ts): a
// lease claim still pending when subscribers come and go, and a poll slower than the
// interval, which must not let the lease lapse to another replica mid-poll.

const logger = pino({ level: 'silent' });
const WATCHED: Watched = { kind: 'lag', region: 'us-east-1', id: 'dxlag-allow001' };
const KEY = watchKey(WATCHED.kind, WATCHED.id);

/** AWS's listings, each read taking `readMs`; `polled` is told of every poll. */
function slowReads(readMs: number, polled: () => void = () => undefined) {
  return {
    describeLags: async () => {
      polled();
      await sleep(readMs);
      return [];
    },
    describeConnections: async () => {
      await sleep(readMs);
      return [];
    },
    describeVirtualInterfaces: async () => {
      await sleep(readMs);
      return [];
    },
  };
}

interface Claim {
  /** What the tick advertised just before. */
  after: readonly string[];
  ended: boolean;
}

/**
 * Another replica holds every lease: each claim answers false, after 100 ms.
 * What is advertised is kept, in order; `claimed` is told as each claim begins.
 */
function fleetHeldElsewhere(claimed: (claim: Claim) => void) {
  let handlers: FleetHandlers | undefined;
  const advertised: string[][] = [];
  const claims: Claim[] = [];
  const fleet: Fleet = {
    listen: (given) => {
      handlers = given;
    },
    claim: async () => {
      const claim = { after: advertised.at(-1) ?? [], ended: false };
      claims.push(claim);
      claimed(claim);
      await sleep(100);
      claim.ended = true;
      return false;
    },
    release: async () => {},
    advertise: async (_region, keys) => {
      advertised.push([...keys]);
    },
    watched: async (_region, local) => new Set(local),
    publish: async () => {},
    nudge: async (region) => handlers?.nudged(region),
    close: async () => {},
  };
  return { fleet, advertised, claims };
}

describe('a subscriber arriving while the lease claim is pending', () => {
  it('is advertised, and its region\'s nudges heeded, though the last subscriber left just before', async () => {
    const intervalMs = 1000;
    let pending: Claim | undefined;
    const { fleet, advertised, claims } = fleetHeldElsewhere((claim) => {
      // The tick after the last subscriber left has nothing to advertise; while its claim is pending, another subscribes.
      if (claim.after.length > 0 || pending) return;
      pending = claim;
      watcher.watch(WATCHED, () => undefined);
    });
    const watcher = new Watcher({ intervalMs, directConnect: slowReads(0), fleet, logger, metrics: createMetrics() });
    try {
      const first = watcher.watch(WATCHED, () => undefined);
      await until(() => claims[0]?.ended === true, 'the first claim');
      first();
      await until(() => pending?.ended === true, 'the claim pending as the new subscriber came');
      const seen = advertised.length;
      await until(() => advertised.slice(seen).some((keys) => keys.includes(KEY)), 'the new subscriber advertised', 2 * intervalMs);
      const nudgedAt = claims.length;
      await fleet.nudge(WATCHED.region);
      await until(() => claims.length > nudgedAt, 'the nudge heeded', intervalMs);
    } finally {
      await watcher.close();
    }
  });
});

describe.skipIf(!redisAvailable)('a poll slower than the interval, two replicas sharing Redis', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('keeps the lease with the replica polling: the other never polls meanwhile', async () => {
    const intervalMs = 1000;
    const readMs = 1300;
    const pollers: string[] = [];
    const replicas = await Promise.all(
      ['A', 'B'].map(async (name) => {
        const fleet = await createRedisFleet(redis.url, { intervalMs }, logger);
        const watcher = new Watcher({ intervalMs, directConnect: slowReads(readMs, () => pollers.push(name)), fleet, logger, metrics: createMetrics() });
        return { fleet, watcher };
      }),
    );
    try {
      for (const { watcher } of replicas) watcher.watch(WATCHED, () => undefined);
      await sleep(6 * intervalMs);
      // The first poll may be either's; every one after is the same replica's.
      expect(pollers.length).toBeGreaterThanOrEqual(3);
      expect(pollers.filter((name) => name !== pollers[0])).toEqual([]);
    } finally {
      for (const { watcher, fleet } of replicas) {
        await watcher.close();
        await fleet.close();
      }
    }
  }, 20_000);
});
