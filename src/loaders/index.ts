import DataLoader from 'dataloader';
import type {
  Connection,
  DirectConnectGateway,
  DirectConnectGatewayAssociation,
  DirectConnectGatewayAttachment,
  Interconnect,
  Lag,
  VirtualInterface,
  VirtualInterfaceTestHistory,
} from '@aws-sdk/client-direct-connect';
import type { Reader } from '../cache/readCache.js';
import type { DirectConnectService, ReadOptions, TestHistoryFilter } from '../aws/directConnect.js';
import type { Reading, TrafficService, TrafficSource } from '../aws/cloudWatch.js';
import type { MaintenanceReport, MaintenanceService } from '../aws/health.js';
import type { Metrics } from '../metrics.js';
import { AwsCallFailed } from '../aws/classifyAwsError.js';

// Per-request batching: any query costs at most one Describe run per resource kind
// per region (docs/contract.md, "Data loading"). Keys are region + ID. A batch with one key
// for a region asks AWS for that ID; with several it lists the whole region once
// and picks. Region lists are loaders too, so a request lists a region at most
// once, and once a region is listed its items are found there, synchronously:
// resolvers over hundreds of items then need no promise apiece.

export interface RegionalId {
  region: string;
  id: string;
}

export interface Loaders {
  lagById: DataLoader<RegionalId, Lag | null, string>;
  connectionById: DataLoader<RegionalId, Connection | null, string>;
  lagsInRegion: RegionListLoader<Lag>;
  connectionsInRegion: RegionListLoader<Connection>;
  interconnectById: DataLoader<RegionalId, Interconnect | null, string>;
  interconnectsInRegion: RegionListLoader<Interconnect>;
  /**
   * Virtual interfaces always come from the region's one listing (cached across
   * requests), never one Describe per connection or LAG: a query that reaches VIFs
   * from many places still costs one DescribeVirtualInterfaces run per region.
   */
  virtualInterfacesInRegion: RegionListLoader<VirtualInterface>;
  /** The VIFs riding on a connection or LAG (`id` is either), from the region's listing. */
  virtualInterfacesOn(key: RegionalId): Promise<VirtualInterface[]>;
  virtualInterfaceById(key: RegionalId): Promise<VirtualInterface | null>;
  /** The hosted connections on a LAG or interconnect: AWS lists them per parent only. */
  hostedConnectionsOn: DataLoader<RegionalId, Connection[], string>;
  /** Every Direct Connect gateway, listed once per request (they are global: `region` is where the gateway asks). */
  directConnectGatewaysIn: RegionListLoader<DirectConnectGateway>;
  directConnectGatewayById(key: RegionalId): Promise<DirectConnectGateway | null>;
  /** A DX gateway's associations (`id` the gateway): AWS lists them per gateway only. */
  associationsOf: DataLoader<RegionalId, DirectConnectGatewayAssociation[], string>;
  /** A DX gateway's attachments (`id` the gateway): AWS lists them per gateway only. */
  attachmentsOf: DataLoader<RegionalId, DirectConnectGatewayAttachment[], string>;
  /**
   * A VIF's BGP failover tests, newest first (`id` the VIF): one VIF of a region asks
   * AWS for its own history, several list the region's once.
   */
  testsOf: DataLoader<RegionalId, VirtualInterfaceTestHistory[], string>;
  /** A region's failover tests, or those `filter` names, newest first: one paged run per filter per request. */
  virtualInterfaceTests(region: string, filter: TestHistoryFilter): Promise<VirtualInterfaceTestHistory[]>;
  /**
   * A connection's or VIF's traffic over a window. Never fails: a CloudWatch failure
   * is a reading that is not known, with the reason. Batched by the traffic service:
   * one GetMetricData call per region and window for every series of the request.
   */
  trafficOf(region: string, source: TrafficSource, windowMinutes: number): Promise<Reading>;
  /** A region's open and upcoming maintenance (AWS Health), or why it is not known. Never fails. */
  maintenanceIn: DataLoader<string, MaintenanceReport>;
  /** Remembers connections AWS returned (a LAG's members, a mutation's result). */
  primeConnections(connections: readonly Connection[], region: string): void;
  /** A change touched these: whatever this request read of them, and of the region's listings, is stale. */
  forget(region: string, touched: { lagId?: string; connectionId?: string }): void;
  /**
   * Starts listing a region's LAGs ahead of need; never fails (a failure reaches the
   * fields that need a LAG). Does nothing without batching.
   */
  prefetchLags(region: string): Promise<void>;
}

const cacheKeyFn = (key: RegionalId) => `${key.region}/${key.id}`;

/**
 * The reads that can show a request more connections and VIFs, and so more traffic
 * to ask for: the traffic batch waits for them to settle (RequestLoaders.whenSettled).
 */
const FINDS_TRAFFIC_SOURCES = new Set([
  'lagsInRegion',
  'connectionsInRegion',
  'interconnectsInRegion',
  'virtualInterfacesInRegion',
  'lagById',
  'connectionById',
  'interconnectById',
  'hostedConnectionsOn',
]);

/**
 * An index over listings, each built once and kept as long as its listing. The
 * cross-request cache hands every request the same listing until it is refreshed,
 * so a listing is indexed once, not once per request. Listings are never changed once read.
 */
function memoIndex<T extends object, V>(build: (items: readonly T[]) => Map<string, V>): (items: readonly T[]) => Map<string, V> {
  const built = new WeakMap<readonly T[], Map<string, V>>();
  return (items) => {
    let index = built.get(items);
    if (!index) {
      index = build(items);
      built.set(items, index);
    }
    return index;
  };
}

/** A kind's listing indexed by the kind's ID, once per listing. */
const indexBy = <T extends object>(idOf: (item: T) => string | undefined) =>
  memoIndex((items: readonly T[]) => new Map(items.map((item) => [idOf(item) ?? '', item])));

const lagsById = indexBy((lag: Lag) => lag.lagId);
const connectionsById = indexBy((connection: Connection) => connection.connectionId);
const interconnectsById = indexBy((interconnect: Interconnect) => interconnect.interconnectId);
const virtualInterfacesById = indexBy((vif: VirtualInterface) => vif.virtualInterfaceId);
const gatewaysById = indexBy((gateway: DirectConnectGateway) => gateway.directConnectGatewayId);

/** A region's full listing, remembering which regions this request asked to list and what they held. */
export class RegionListLoader<T> extends DataLoader<string, T[]> {
  readonly requested = new Set<string>();
  private readonly listed = new Map<string, Map<string, T>>();

  constructor(
    batch: DataLoader.BatchLoadFn<string, T[]>,
    /** The listing by ID (memoised per listing: see memoIndex). */
    readonly indexOf: (items: readonly T[]) => Map<string, T>,
    options: DataLoader.Options<string, T[]>,
  ) {
    super(batch, options);
  }

  override load(region: string): Promise<T[]> {
    this.requested.add(region);
    return super.load(region);
  }

  override clear(region: string): this {
    this.requested.delete(region);
    this.listed.delete(region);
    return super.clear(region);
  }

  /** Records a listing as it arrives (only when the request caches at all). */
  remember(region: string, items: readonly T[]): void {
    this.listed.set(region, this.indexOf(items));
  }

  /** The item if the region is listed already (null: listed, and not there); undefined if not listed yet. */
  find(region: string, id: string): T | null | undefined {
    const items = this.listed.get(region);
    return items ? (items.get(id) ?? null) : undefined;
  }
}

function groupByRegion(keys: readonly RegionalId[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const { region, id } of keys) {
    const ids = groups.get(region) ?? [];
    if (!ids.includes(id)) ids.push(id);
    groups.set(region, ids);
  }
  return groups;
}

/**
 * The batch function shared by both by-ID loaders: per region, one Describe call
 * (one ID) or one region listing (several), run concurrently across regions.
 */
function batchById<T>(describeOne: (region: string, id: string) => Promise<T | null>, regionList: RegionListLoader<T>) {
  return async (keys: readonly RegionalId[]): Promise<Array<T | null | Error>> => {
    const found = new Map<string, T | null | Error>();
    await Promise.all(
      [...groupByRegion(keys)].map(async ([region, ids]) => {
        try {
          if (regionList.find(region, ids[0]!) !== undefined) {
            for (const id of ids) found.set(cacheKeyFn({ region, id }), regionList.find(region, id)!);
            return;
          }
          // One ID costs one Describe by ID, unless the region is being listed anyway.
          if (ids.length === 1 && !regionList.requested.has(region)) {
            const id = ids[0]!;
            found.set(cacheKeyFn({ region, id }), await describeOne(region, id));
            return;
          }
          const byId = regionList.indexOf(await regionList.load(region));
          for (const id of ids) found.set(cacheKeyFn({ region, id }), byId.get(id) ?? null);
        } catch (error) {
          const failure = AwsCallFailed.from(error);
          for (const id of ids) found.set(cacheKeyFn({ region, id }), failure);
        }
      }),
    );
    return keys.map((key) => found.get(cacheKeyFn(key)) ?? null);
  };
}

/** A region's VIFs grouped by what they ride on (a connection's or a LAG's ID). */
const virtualInterfacesByParent = memoIndex((vifs: readonly VirtualInterface[]): Map<string, VirtualInterface[]> => {
  const groups = new Map<string, VirtualInterface[]>();
  for (const vif of vifs) {
    const parent = vif.connectionId ?? '';
    const group = groups.get(parent);
    if (group) group.push(vif);
    else groups.set(parent, [vif]);
  }
  return groups;
});

export interface LoaderOptions {
  /** The request reading: what stops its waits, and who is told which cache entries it read. */
  reader?: Reader;
  /** CloudWatch, for traffic; without it every traffic reading is unknown. */
  traffic?: TrafficService;
  /** AWS Health, for maintenance; without it maintenance is unknown. */
  maintenance?: MaintenanceService;
  /** false: no batching and no per-request cache (only to measure a naive gateway). */
  batching?: boolean;
  metrics?: Metrics;
}

/**
 * One request's loaders, each made when the request first uses it: a request uses a
 * few of them (a dry run, two), and a DataLoader is costly enough to make to show in a
 * profile. A class, so that the getters live on the prototype: getters defined on each
 * object would give each object a hidden class of its own (V8 keeps accessors there),
 * in old space, pointing at the request's young objects, which would then survive
 * every minor GC until a major one.
 */
class RequestLoaders implements Loaders {
  private readonly loaderOptions: { batch: boolean; cache: boolean };
  private lagsList?: RegionListLoader<Lag>;
  private connectionsList?: RegionListLoader<Connection>;
  private interconnectsList?: RegionListLoader<Interconnect>;
  private virtualInterfacesList?: RegionListLoader<VirtualInterface>;
  private lagLoader?: Loaders['lagById'];
  private connectionLoader?: Loaders['connectionById'];
  private interconnectLoader?: Loaders['interconnectById'];
  private hostedLoader?: Loaders['hostedConnectionsOn'];
  private gatewaysList?: RegionListLoader<DirectConnectGateway>;
  private associationsLoader?: Loaders['associationsOf'];
  private attachmentsLoader?: Loaders['attachmentsOf'];
  private testsLoader?: Loaders['testsOf'];
  private readonly testListings = new Map<string, Promise<VirtualInterfaceTestHistory[]>>();
  private trafficLoader?: DataLoader<string, Reading>;
  private maintenanceLoader?: Loaders['maintenanceIn'];
  /** The source behind each traffic key this request asked for. */
  private readonly trafficSources = new Map<string, { region: string; source: TrafficSource; windowMinutes: number }>();
  /** Reads in flight that can find more traffic sources (FINDS_TRAFFIC_SOURCES), and who waits for them to settle. */
  private sourceReads = 0;
  private settledWaiters: Array<() => void> = [];

  constructor(
    private readonly service: DirectConnectService,
    /** Passed on to every read: asked for its signal only when a read must wait for AWS. */
    private readonly read: ReadOptions,
    private readonly batching: boolean,
    private readonly metrics: Metrics | undefined,
    private readonly trafficService: TrafficService | undefined,
    private readonly maintenanceService: MaintenanceService | undefined,
  ) {
    this.loaderOptions = { batch: batching, cache: batching };
  }

  get lagsInRegion(): RegionListLoader<Lag> {
    return (this.lagsList ??= this.regionList('lagsInRegion', (region) => this.service.describeLags(region, this.read), lagsById));
  }

  get connectionsInRegion(): RegionListLoader<Connection> {
    return (this.connectionsList ??= this.regionList('connectionsInRegion', (region) => this.service.describeConnections(region, this.read), connectionsById));
  }

  get interconnectsInRegion(): RegionListLoader<Interconnect> {
    return (this.interconnectsList ??= this.regionList(
      'interconnectsInRegion',
      (region) => this.service.describeInterconnects(region, this.read),
      interconnectsById,
    ));
  }

  get virtualInterfacesInRegion(): RegionListLoader<VirtualInterface> {
    return (this.virtualInterfacesList ??= this.regionList(
      'virtualInterfacesInRegion',
      (region) => this.service.describeVirtualInterfaces(region, this.read),
      virtualInterfacesById,
    ));
  }

  get lagById(): Loaders['lagById'] {
    return (this.lagLoader ??= this.byId('lagById', (region, id) => this.service.describeLag(region, id, this.read), this.lagsInRegion));
  }

  get connectionById(): Loaders['connectionById'] {
    return (this.connectionLoader ??= this.byId(
      'connectionById',
      (region, id) => this.service.describeConnection(region, id, this.read),
      this.connectionsInRegion,
    ));
  }

  get interconnectById(): Loaders['interconnectById'] {
    return (this.interconnectLoader ??= this.byId(
      'interconnectById',
      (region, id) => this.service.describeInterconnect(region, id, this.read),
      this.interconnectsInRegion,
    ));
  }

  get hostedConnectionsOn(): Loaders['hostedConnectionsOn'] {
    return (this.hostedLoader ??= new DataLoader(
      this.measured('hostedConnectionsOn', (keys: readonly RegionalId[]) =>
        Promise.all(
          keys.map((key) =>
            this.service.describeHostedConnections(key.region, key.id, this.read).then(
              (hosted) => hosted ?? [],
              (error: unknown) => AwsCallFailed.from(error),
            ),
          ),
        ),
      ),
      { cacheKeyFn, ...this.loaderOptions },
    ));
  }

  get directConnectGatewaysIn(): RegionListLoader<DirectConnectGateway> {
    return (this.gatewaysList ??= this.regionList(
      'directConnectGatewaysIn',
      (region) => this.service.describeDirectConnectGateways(region, this.read),
      gatewaysById,
    ));
  }

  async directConnectGatewayById({ region, id }: RegionalId): Promise<DirectConnectGateway | null> {
    return gatewaysById(await this.directConnectGatewaysIn.load(region)).get(id) ?? null;
  }

  get associationsOf(): Loaders['associationsOf'] {
    return (this.associationsLoader ??= this.perParent('associationsOf', (key) =>
      this.service.describeDirectConnectGatewayAssociations(key.region, key.id, this.read),
    ));
  }

  get attachmentsOf(): Loaders['attachmentsOf'] {
    return (this.attachmentsLoader ??= this.perParent('attachmentsOf', (key) =>
      this.service.describeDirectConnectGatewayAttachments(key.region, key.id, this.read),
    ));
  }

  get testsOf(): Loaders['testsOf'] {
    return (this.testsLoader ??= new DataLoader(
      this.measured('testsOf', async (keys: readonly RegionalId[]) => {
        const found = new Map<string, VirtualInterfaceTestHistory[] | Error>();
        await Promise.all(
          [...groupByRegion(keys)].map(async ([region, ids]) => {
            try {
              if (ids.length === 1) {
                const id = ids[0]!;
                found.set(cacheKeyFn({ region, id }), await this.service.listVirtualInterfaceTests(region, { virtualInterfaceId: id }, this.read));
                return;
              }
              const all = await this.service.listVirtualInterfaceTests(region, {}, this.read);
              for (const id of ids) found.set(cacheKeyFn({ region, id }), all.filter((test) => test.virtualInterfaceId === id));
            } catch (error) {
              const failure = AwsCallFailed.from(error);
              for (const id of ids) found.set(cacheKeyFn({ region, id }), failure);
            }
          }),
        );
        return keys.map((key) => found.get(cacheKeyFn(key)) ?? []);
      }),
      { cacheKeyFn, ...this.loaderOptions },
    ));
  }

  virtualInterfaceTests(region: string, filter: TestHistoryFilter): Promise<VirtualInterfaceTestHistory[]> {
    const list = () => this.service.listVirtualInterfaceTests(region, filter, this.read);
    if (!this.batching) return list();
    const key = JSON.stringify([region, filter.virtualInterfaceId ?? null, filter.testId ?? null, filter.status ?? null]);
    let listing = this.testListings.get(key);
    if (!listing) {
      listing = list();
      this.testListings.set(key, listing);
    }
    return listing;
  }

  trafficOf(region: string, source: TrafficSource, windowMinutes: number): Promise<Reading> {
    const id = source.kind === 'connection' ? source.connectionId : `${source.virtualInterfaceId}@${source.connectionId}`;
    const key = `${region} ${id} ${windowMinutes}`;
    this.trafficSources.set(key, { region, source, windowMinutes });
    this.trafficLoader ??= new DataLoader<string, Reading>(
      this.measured('trafficOf', (keys: readonly string[]) =>
        Promise.all(
          keys.map((k) => {
            const asked = this.trafficSources.get(k)!;
            if (!this.trafficService) return { known: false as const, reason: 'The gateway was started without CloudWatch.' };
            return this.trafficService.readOrUnknown(asked.region, asked.source, asked.windowMinutes, this.read);
          }),
        ),
      ),
      // Fields at every depth ask for traffic, some only once a listing arrives: the
      // batch goes when no such read is left, so the request costs one call per region and window.
      { ...this.loaderOptions, batchScheduleFn: (dispatch) => this.whenSettled(dispatch) },
    );
    return this.trafficLoader.load(key);
  }

  get maintenanceIn(): Loaders['maintenanceIn'] {
    return (this.maintenanceLoader ??= new DataLoader<string, MaintenanceReport>(
      this.measured('maintenanceIn', (regions: readonly string[]) =>
        Promise.all(
          regions.map(
            (region): Promise<MaintenanceReport> =>
              this.maintenanceService?.report(region, this.read) ??
              Promise.resolve({ known: false, unknownReason: 'The gateway was started without AWS Health.', events: [] }),
          ),
        ),
      ),
      this.loaderOptions,
    ));
  }

  async virtualInterfacesOn({ region, id }: RegionalId): Promise<VirtualInterface[]> {
    return virtualInterfacesByParent(await this.virtualInterfacesInRegion.load(region)).get(id) ?? [];
  }

  async virtualInterfaceById({ region, id }: RegionalId): Promise<VirtualInterface | null> {
    return virtualInterfacesById(await this.virtualInterfacesInRegion.load(region)).get(id) ?? null;
  }

  primeConnections(connections: readonly Connection[], region: string): void {
    for (const connection of connections) {
      if (connection.connectionId) {
        this.connectionById.prime({ region: connection.region ?? region, id: connection.connectionId }, connection);
      }
    }
  }

  async prefetchLags(region: string): Promise<void> {
    if (this.batching) await this.lagsInRegion.load(region).catch(() => undefined);
  }

  /** Only what this request has read can be stale: loaders not made yet hold nothing. */
  forget(region: string, touched: { lagId?: string; connectionId?: string }): void {
    if (touched.lagId) this.lagLoader?.clear({ region, id: touched.lagId });
    if (touched.connectionId) this.connectionLoader?.clear({ region, id: touched.connectionId });
    if (touched.lagId) this.hostedLoader?.clear({ region, id: touched.lagId });
    // A connection that joins or leaves a LAG may be, or become, an interconnect with hosted connections.
    if (touched.connectionId) {
      this.interconnectLoader?.clear({ region, id: touched.connectionId });
      this.hostedLoader?.clear({ region, id: touched.connectionId });
    }
    this.testsLoader?.clearAll();
    this.testListings.clear();
    this.lagsList?.clear(region);
    this.connectionsList?.clear(region);
    this.interconnectsList?.clear(region);
    this.virtualInterfacesList?.clear(region);
  }

  /** Runs `dispatch` once no read that can find traffic sources is in flight, and the fields they fed have asked. */
  private whenSettled(dispatch: () => void): void {
    const check = () =>
      setImmediate(() => {
        if (this.sourceReads === 0) dispatch();
        else this.settledWaiters.push(check);
      });
    check();
  }

  /** A listing AWS gives per parent only: one run per parent key, each failing alone. */
  private perParent<T>(loader: string, list: (key: RegionalId) => Promise<T[]>): DataLoader<RegionalId, T[], string> {
    return new DataLoader(
      this.measured(loader, (keys: readonly RegionalId[]) =>
        Promise.all(keys.map((key) => list(key).then((items) => items, (error: unknown) => AwsCallFailed.from(error)))),
      ),
      { cacheKeyFn, ...this.loaderOptions },
    );
  }

  private measured<K, V>(loader: string, batch: (keys: readonly K[]) => Promise<V[]>) {
    const findsSources = FINDS_TRAFFIC_SOURCES.has(loader);
    return (keys: readonly K[]) => {
      this.metrics?.loaderBatchSize.observe({ loader }, keys.length);
      if (!findsSources) return batch(keys);
      this.sourceReads++;
      return batch(keys).finally(() => {
        if (--this.sourceReads > 0) return;
        const waiters = this.settledWaiters;
        this.settledWaiters = [];
        for (const wake of waiters) wake();
      });
    };
  }

  private regionList<T>(loader: string, list: (region: string) => Promise<T[]>, indexOf: (items: readonly T[]) => Map<string, T>): RegionListLoader<T> {
    const listRegion = async (region: string): Promise<T[] | Error> => {
      try {
        const items = await list(region);
        if (this.batching) listing.remember(region, items);
        return items;
      } catch (error) {
        return AwsCallFailed.from(error);
      }
    };
    const listing: RegionListLoader<T> = new RegionListLoader<T>(
      this.measured(loader, (regions: readonly string[]) => Promise.all(regions.map(listRegion))),
      indexOf,
      this.loaderOptions,
    );
    return listing;
  }

  private byId<T>(loader: string, describeOne: (region: string, id: string) => Promise<T | null>, listing: RegionListLoader<T>) {
    return new DataLoader<RegionalId, T | null, string>(this.measured(loader, batchById(describeOne, listing)), { cacheKeyFn, ...this.loaderOptions });
  }
}

export function createLoaders(service: DirectConnectService, options: LoaderOptions = {}): Loaders {
  return new RequestLoaders(service, options.reader ?? {}, options.batching ?? true, options.metrics, options.traffic, options.maintenance);
}
