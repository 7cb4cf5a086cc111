import type { Logger } from 'pino';
import type { DirectConnectService } from '../aws/directConnect.js';
import type { Metrics } from '../metrics.js';
import type { Fleet, Observation } from './fleet.js';
import { indexListings, listingsFor, observedIn, parseWatchKey, watchKey, type Observed, type Watched } from './watched.js';

// The one watcher per region (docs/contract.md, "Live state"). While anything in a
// region is watched, every DX_WATCH_INTERVAL_MS it reads the region's listings the
// watched kinds need (LAGs, connections, VIFs: one Describe run each, whatever the
// number of subscribers) and hands what each watched resource looks like to the
// fleet, which brings it to every subscriber. Nothing watched, nothing read.
//
// It ticks twice an interval: to advertise what its subscribers watch, to renew (or
// take over) the region's lease, and to poll once an interval has passed, or at once
// when a change through the gateway nudged it. A poll slower than that skips ticks,
// so it renews the lease itself while it runs. Its reads go to AWS itself and are
// stored in the cross-request cache, so the events' fields, read through the cache
// right after, show what the poll saw, and queries meanwhile cost nothing more.

export type ObservationListener = (observed: Observed, readAt: number) => void;

type Reads = Pick<DirectConnectService, 'describeLags' | 'describeConnections' | 'describeVirtualInterfaces'>;

export interface WatcherOptions {
  intervalMs: number;
  directConnect: Reads;
  fleet: Fleet;
  logger: Logger;
  metrics: Metrics;
  now?: () => number;
}

/** One region's watching on this replica. */
interface RegionWatch {
  /** This replica's subscribers, by watch key. */
  listeners: Map<string, Set<ObservationListener>>;
  timer?: NodeJS.Timeout;
  /** Whether this replica polls the region (memory: always; Redis: it holds the lease). */
  holding: boolean;
  lastPollAt: number;
  ticking: boolean;
  /** A change asked for a poll while one was being made: make another. */
  nudged: boolean;
}

export class Watcher {
  private readonly regions = new Map<string, RegionWatch>();
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly options: WatcherOptions) {
    this.now = options.now ?? Date.now;
    options.fleet.listen({
      observed: (observation) => this.deliver(observation),
      nudged: (region) => this.nudged(region),
    });
  }

  /** Tells `listener` of every poll that shows the resource, until the returned function is called. */
  watch(watched: Watched, listener: ObservationListener): () => void {
    const key = watchKey(watched.kind, watched.id);
    const watch = this.regionWatch(watched.region);
    let listeners = watch.listeners.get(key);
    if (!listeners) watch.listeners.set(key, (listeners = new Set()));
    listeners.add(listener);
    if (!watch.timer) this.start(watched.region, watch);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && watch.listeners.get(key) === listeners) watch.listeners.delete(key);
    };
  }

  /** Something in the region was changed through this gateway: the region's watcher, wherever it runs, looks at once. */
  changed(region: string): void {
    this.options.fleet.nudge(region).catch((error: unknown) => this.options.logger.warn({ error: String(error), region }, 'could not pass a change on to the watcher'));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const [region, watch] of this.regions) {
      clearInterval(watch.timer);
      if (watch.holding) await this.options.fleet.release(region);
    }
    this.regions.clear();
  }

  private regionWatch(region: string): RegionWatch {
    let watch = this.regions.get(region);
    if (!watch) {
      watch = { listeners: new Map(), holding: false, lastPollAt: 0, ticking: false, nudged: false };
      this.regions.set(region, watch);
    }
    return watch;
  }

  private start(region: string, watch: RegionWatch): void {
    if (this.closed) return;
    watch.timer = setInterval(() => void this.tick(region, watch), this.options.intervalMs / 2);
    watch.timer.unref();
    void this.tick(region, watch);
  }

  private stop(region: string, watch: RegionWatch): void {
    clearInterval(watch.timer);
    watch.timer = undefined;
    if (this.regions.get(region) === watch && watch.listeners.size === 0) this.regions.delete(region);
  }

  private nudged(region: string): void {
    const watch = this.regions.get(region);
    // A replica that does not watch the region leaves it to the one that does.
    if (!watch?.timer) return;
    watch.nudged = true;
    void this.tick(region, watch);
  }

  private async tick(region: string, watch: RegionWatch): Promise<void> {
    if (watch.ticking || this.closed) return;
    watch.ticking = true;
    const { fleet, intervalMs } = this.options;
    try {
      const local = [...watch.listeners.keys()];
      await fleet.advertise(region, local);
      watch.holding = await fleet.claim(region);
      if (!watch.holding) {
        // Who watches now, not at the tick's start: one may have subscribed while the claim was pending.
        if (watch.listeners.size === 0) this.stop(region, watch);
        return;
      }
      const keys = await fleet.watched(region, local);
      if (keys.size === 0) {
        await fleet.release(region);
        watch.holding = false;
        if (watch.listeners.size === 0) this.stop(region, watch);
        return;
      }
      // A tick comes every half interval, not to the millisecond: a quarter's slack.
      if (watch.nudged || this.now() - watch.lastPollAt >= intervalMs * 0.75) {
        watch.nudged = false;
        watch.lastPollAt = this.now();
        await this.pollHolding(region, watch, keys);
      }
    } catch (error) {
      this.options.logger.warn({ error: error instanceof Error ? error.message : String(error), region }, 'a watcher tick failed');
    } finally {
      watch.ticking = false;
    }
    // Nudged while it polled: what it read may predate the change.
    if (watch.nudged && watch.timer) void this.tick(region, watch);
  }

  /**
   * A poll, the region's lease renewed every half interval while it runs: the ticks
   * that renew it wait for the poll, and a lease left to lapse mid-poll would hand the
   * region to another replica, the two then polling by turns.
   */
  private async pollHolding(region: string, watch: RegionWatch, keys: ReadonlySet<string>): Promise<void> {
    const { fleet, intervalMs, logger } = this.options;
    const renewing = setInterval(() => {
      if (this.closed) return;
      fleet.claim(region).then(
        (held) => {
          watch.holding = held;
        },
        (error: unknown) => logger.warn({ error: error instanceof Error ? error.message : String(error), region }, 'could not renew the watcher lease during a poll'),
      );
    }, intervalMs / 2);
    renewing.unref();
    try {
      await this.poll(region, keys);
    } finally {
      clearInterval(renewing);
    }
  }

  private async poll(region: string, keys: ReadonlySet<string>): Promise<void> {
    const { directConnect, fleet, metrics, logger } = this.options;
    const watched = [...keys].map(parseWatchKey).filter((parsed) => parsed !== undefined);
    const needs = listingsFor(watched.map(({ kind }) => kind));
    const readAt = this.now();
    let listings;
    try {
      const [lags, connections, virtualInterfaces] = await Promise.all([
        needs.lags ? directConnect.describeLags(region, { refresh: true }) : undefined,
        needs.connections ? directConnect.describeConnections(region, { refresh: true }) : undefined,
        directConnect.describeVirtualInterfaces(region, { refresh: true }),
      ]);
      listings = indexListings({ lags, connections, virtualInterfaces });
    } catch (error) {
      // AWS's error has been logged and counted (awsCall); subscribers keep what they saw.
      metrics.watcherPolls.inc({ region, outcome: 'failed' });
      logger.warn({ region, error: error instanceof Error ? error.message : String(error) }, 'the watcher could not read the region; trying again next interval');
      return;
    }
    metrics.watcherPolls.inc({ region, outcome: 'success' });
    const items: Record<string, Observed> = {};
    for (const { kind, id } of watched) items[watchKey(kind, id)] = observedIn(listings, kind, id);
    await fleet.publish({ region, readAt, items });
  }

  private deliver(observation: Observation): void {
    const watch = this.regions.get(observation.region);
    if (!watch) return;
    for (const [key, observed] of Object.entries(observation.items)) {
      for (const listener of watch.listeners.get(key) ?? []) listener(observed, observation.readAt);
    }
  }
}
