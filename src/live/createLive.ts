import type { Logger } from 'pino';
import type { DirectConnectService } from '../aws/directConnect.js';
import type { Metrics } from '../metrics.js';
import { createLocalFleet } from './fleet.js';
import type { Live } from './live.js';
import { Subscriptions } from './subscriptions.js';
import { createRedisFleet } from './redisFleet.js';
import { Watcher } from './watcher.js';

// Subscriptions' wiring: with REDIS_URL the replicas share one watcher per region
// and every poll (redisFleet.ts); without it this replica watches alone.

export interface LiveSettings {
  redisUrl?: string;
  watchIntervalMs: number;
}

export async function createLive(settings: LiveSettings, directConnect: DirectConnectService, logger: Logger, metrics: Metrics): Promise<{ live: Live; close(): Promise<void> }> {
  const fleet = settings.redisUrl ? await createRedisFleet(settings.redisUrl, { intervalMs: settings.watchIntervalMs }, logger) : createLocalFleet();
  const watcher = new Watcher({ intervalMs: settings.watchIntervalMs, directConnect, fleet, logger, metrics });
  return {
    live: new Subscriptions(watcher, metrics),
    async close() {
      await watcher.close();
      await fleet.close();
    },
  };
}
