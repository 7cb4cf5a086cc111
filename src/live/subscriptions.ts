import { GatewayError, assertValid } from '../errors/GatewayError.js';
import { checkConnectionId, checkLagId, checkVirtualInterfaceId, resolveRegion } from '../input.js';
import type { Loaders } from '../loaders/index.js';
import type { Metrics } from '../metrics.js';
import { Feed } from './feed.js';
import type { Live, SubscriberContext } from './live.js';
import type { Watcher } from './watcher.js';
import { connectionObserved, lagObserved, virtualInterfaceObserved, type Observed, type WatchedKind } from './watched.js';

// The subscriptions' one entry point (src/resolvers/Subscription.ts): checks the
// input, reads the baseline through the request's loaders (so a thousand subscribers
// share the cached reads), refuses what does not exist, and starts a feed fed by the
// region's watcher.

const SUBSCRIPTION_FIELD: Record<WatchedKind, string> = {
  lag: 'lagChanged',
  connection: 'connectionChanged',
  virtualInterface: 'virtualInterfaceChanged',
};

export class Subscriptions implements Live {
  constructor(
    private readonly watcher: Watcher,
    private readonly metrics: Metrics,
    private readonly now: () => number = Date.now,
  ) {}

  /** A change through the gateway: subscribers hear of it at once (through the watcher, wherever it runs). */
  changed(region: string): void {
    this.watcher.changed(region);
  }

  lagChanges(lagId: string, region: string | null | undefined, context: SubscriberContext): Promise<Feed> {
    assertValid(checkLagId(lagId));
    return this.feed('lag', lagId, region, context, async (loaders, key) => {
      const lag = await loaders.lagById.load(key);
      if (!lag) throw new GatewayError('LAG_NOT_FOUND', `No LAG ${lagId} exists in ${key.region}.`);
      return lagObserved(lag, await loaders.virtualInterfacesOn(key));
    });
  }

  connectionChanges(connectionId: string, region: string | null | undefined, context: SubscriberContext): Promise<Feed> {
    assertValid(checkConnectionId(connectionId));
    return this.feed('connection', connectionId, region, context, async (loaders, key) => {
      const connection = await loaders.connectionById.load(key);
      if (!connection) throw new GatewayError('CONNECTION_NOT_FOUND', `No connection ${connectionId} exists in ${key.region}.`);
      return connectionObserved(connectionId, connection, await loaders.virtualInterfacesOn(key));
    });
  }

  virtualInterfaceChanges(virtualInterfaceId: string, region: string | null | undefined, context: SubscriberContext): Promise<Feed> {
    assertValid(checkVirtualInterfaceId(virtualInterfaceId));
    return this.feed('virtualInterface', virtualInterfaceId, region, context, async (loaders, key) => {
      const vif = await loaders.virtualInterfaceById(key);
      if (!vif) throw new GatewayError('VIRTUAL_INTERFACE_NOT_FOUND', `No virtual interface ${virtualInterfaceId} exists in ${key.region}.`);
      return virtualInterfaceObserved(virtualInterfaceId, vif);
    });
  }

  private async feed(
    kind: WatchedKind,
    id: string,
    requestedRegion: string | null | undefined,
    context: SubscriberContext,
    baselineOf: (loaders: Loaders, key: { region: string; id: string }) => Promise<Observed>,
  ): Promise<Feed> {
    const served = resolveRegion(requestedRegion, context.regions);
    assertValid(served);
    const { region } = served;
    // Polls that began before the baseline was asked for are no newer than it.
    const readFrom = this.now();
    const observed = await baselineOf(context.loaders, { region, id });
    // A resource listed as deleted is not found either.
    if (observed.entity === null) {
      const what = kind === 'lag' ? 'LAG_NOT_FOUND' : kind === 'connection' ? 'CONNECTION_NOT_FOUND' : 'VIRTUAL_INTERFACE_NOT_FOUND';
      throw new GatewayError(what, `${id} has been deleted in ${region}.`);
    }
    const field = SUBSCRIPTION_FIELD[kind];
    const { subscriptions, liveEvents } = this.metrics;
    let feed: Feed | undefined;
    const unwatch = this.watcher.watch({ kind, region, id }, (latest, readAt) => feed?.offer(latest, readAt));
    subscriptions.inc({ field });
    feed = new Feed(
      { observed, readFrom },
      {
        ended: () => {
          unwatch();
          subscriptions.dec({ field });
        },
        beforeEach: () => context.renewLoaders(),
        queued: () => liveEvents.inc({ field }),
      },
    );
    return feed;
  }
}
