import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { redactor } from '../coordination/redisGuards.js';
import type { Fleet, FleetHandlers, Observation } from './fleet.js';

// The fleet through Redis (fleet.ts). Keys and channels:
//   dxgraph:live:lease:<region>    the polling replica's ID, PX one interval, renewed every half (mid-poll too)
//   dxgraph:live:watched:<region>  sorted set of watch keys, scored by when their advertisement lapses
//   dxgraph:live:observations      channel: every poll, as JSON
//   dxgraph:live:nudges            channel: a region where something was just changed
// A replica that dies stops renewing its lease; another that watches the region
// takes it within half an interval of its lapse, so polls resume within two intervals.
// If Redis fails, every replica polls for its own subscribers (events keep coming; the
// calls then grow with replicas until Redis is back), and says so in its log.

const PREFIX = 'dxgraph:live';
const OBSERVATIONS = `${PREFIX}:observations`;
const NUDGES = `${PREFIX}:nudges`;
const leaseKey = (region: string) => `${PREFIX}:lease:${region}`;
const watchedKey = (region: string) => `${PREFIX}:watched:${region}`;

/** Renews the lease if this replica holds it, takes it if nobody does: 1 if this replica holds it now. */
const CLAIM = `local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if holder == false then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;
const RELEASE_IF_OURS = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export interface RedisFleetOptions {
  /** The watch interval: the lease lasts one, advertisements two. */
  intervalMs: number;
  commandTimeoutMs?: number;
  /** Epoch ms; advertisements are dated by it. */
  now?: () => number;
}

export async function createRedisFleet(url: string, options: RedisFleetOptions, logger: Logger): Promise<Fleet> {
  const redact = redactor(url);
  const describe = (error: unknown) => redact(error instanceof Error ? error.message : String(error));
  const now = options.now ?? Date.now;
  const replica = randomUUID();
  const leaseMs = Math.ceil(options.intervalMs);
  const advertisedMs = Math.ceil(2 * options.intervalMs);
  const connect = async (role: string) => {
    const redis = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      connectTimeout: 3000,
      commandTimeout: options.commandTimeoutMs ?? 1000,
    });
    redis.on('error', (error: Error) => logger.warn({ error: describe(error), role }, 'Redis connection problem; subscriptions are watched by each replica alone meanwhile'));
    try {
      await redis.connect();
    } catch (error) {
      redis.disconnect();
      throw new Error(`REDIS_URL: cannot connect to Redis for subscriptions (${describe(error)})`);
    }
    return redis;
  };
  const commands = await connect('commands');
  // A connection in subscriber mode can run nothing else.
  const subscriber = await connect('subscriber').catch((error: unknown) => {
    commands.disconnect();
    throw error;
  });
  let handlers: FleetHandlers | undefined;
  /** Whether Redis failed last time: logged once per outage, not once per tick. */
  let troubled = false;
  const trouble = (error: unknown, doing: string) => {
    if (!troubled) logger.warn({ error: describe(error) }, `Redis failed ${doing}; this replica watches its own subscriptions alone until it answers again`);
    troubled = true;
  };
  const fine = () => {
    if (troubled) logger.info('Redis answers again; subscriptions are watched fleet-wide');
    troubled = false;
  };

  subscriber.on('message', (channel: string, message: string) => {
    if (!handlers) return;
    if (channel === NUDGES) {
      handlers.nudged(message);
      return;
    }
    let observation: Observation;
    try {
      observation = JSON.parse(message) as Observation;
    } catch (error) {
      logger.warn({ error: describe(error) }, 'an unreadable observation arrived through Redis; ignored');
      return;
    }
    handlers.observed(observation);
  });
  await subscriber.subscribe(OBSERVATIONS, NUDGES);

  return {
    listen: (given) => {
      handlers = given;
    },
    async claim(region) {
      try {
        const held = (await commands.eval(CLAIM, 1, leaseKey(region), replica, leaseMs)) === 1;
        fine();
        return held;
      } catch (error) {
        trouble(error, 'to renew a watcher lease');
        return true;
      }
    },
    async release(region) {
      await commands.eval(RELEASE_IF_OURS, 1, leaseKey(region), replica).catch(() => undefined);
    },
    async advertise(region, keys) {
      if (keys.length === 0) return;
      const until = now() + advertisedMs;
      try {
        await commands.zadd(watchedKey(region), ...keys.flatMap((key) => [until, key]));
      } catch (error) {
        trouble(error, 'to advertise what is watched');
      }
    },
    async watched(region, local) {
      try {
        const key = watchedKey(region);
        const at = now();
        const [, live] = (await commands.multi().zremrangebyscore(key, '-inf', at).zrangebyscore(key, at, '+inf').exec()) ?? [];
        const fleetWide = (live?.[1] as string[] | undefined) ?? [];
        return new Set([...local, ...fleetWide]);
      } catch (error) {
        trouble(error, 'to read what is watched');
        return new Set(local);
      }
    },
    async publish(observation) {
      try {
        await commands.publish(OBSERVATIONS, JSON.stringify(observation));
      } catch (error) {
        trouble(error, 'to publish a poll');
        handlers?.observed(observation);
      }
    },
    async nudge(region) {
      try {
        await commands.publish(NUDGES, region);
      } catch (error) {
        trouble(error, 'to pass on a change');
        handlers?.nudged(region);
      }
    },
    async close() {
      await Promise.all([commands.quit().catch(() => commands.disconnect()), subscriber.quit().catch(() => subscriber.disconnect())]);
    },
  };
}
