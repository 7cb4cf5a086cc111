import { GetMetricDataCommand, type CloudWatchClient, type MetricDataQuery, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import type { Logger } from 'pino';
import { neverFresh, NO_CACHE, type ReadCache } from '../cache/readCache.js';
import type { Metrics } from '../metrics.js';
import { awsCall } from './call.js';
import { collectPages } from './paging.js';
import { AwsCallFailed, classifyAwsError } from './classifyAwsError.js';
import type { ReadOptions } from './directConnect.js';

// Traffic from CloudWatch (docs/aws-behaviour.md, "CloudWatch for Direct Connect"):
// AWS/DX publishes each connection's and each VIF's bits per second, sampled within
// the minute, so a 1-minute Average is the rate over that minute and the peak of a
// window is the greatest of them. AWS publishes no series for a LAG: its series is the
// per-minute sum of its members' (sumTraffic), our own sum rather than metric math, so
// the number of series asked for stays what the request reaches.
//
// Every series a request needs is asked for in one GetMetricData call per region and
// window: reads that miss the cross-request cache in the same turn of the event loop
// join one batch. Up to 250 sources (two queries each, under AWS's 500 a call) are
// asked for one by one; more are asked for by SEARCH, one expression per metric name,
// which answers every such series of the region in the same single call, and the
// sources asked for are picked out by their dynamic labels. Only what a search may
// have cut off (500 series per search) is asked for again, one by one. Windows long
// enough to pass 100,800 datapoints a call are paged by CloudWatch (NextToken).

/** AWS's limits on one GetMetricData call. */
const MAX_QUERIES_PER_CALL = 500;
const MAX_DATAPOINTS_PER_CALL = 100_800;
/** One-minute periods: the finest Direct Connect publishes. */
export const PERIOD_SECONDS = 60;

/** What a series is about: a connection (a LAG member or standalone), or a VIF with what it rides on. */
export type TrafficSource =
  | { kind: 'connection'; connectionId: string }
  /** `connectionId`: what the VIF rides on (its `connectionId`, a LAG's ID for a VIF on a LAG); CloudWatch keys VIF metrics by both. */
  | { kind: 'virtualInterface'; virtualInterfaceId: string; connectionId: string };

/** One direction's 1-minute averages: epoch seconds and bits per second, oldest first. */
export interface Series {
  t: number[];
  bps: number[];
}

/** A source's traffic over a window as CloudWatch answered it, or why it is not known. */
export type Reading = { known: true; egress: Series; ingress: Series } | { known: false; reason: string };

/** The Traffic type of the schema. */
export interface Traffic {
  windowMinutes: number;
  periodSeconds: number;
  egressPeakGbps: number | null;
  ingressPeakGbps: number | null;
  egressAverageGbps: number | null;
  ingressAverageGbps: number | null;
  known: boolean;
  unknownReason: string | null;
}

const METRICS = {
  connection: { egress: 'ConnectionBpsEgress', ingress: 'ConnectionBpsIngress' },
  virtualInterface: { egress: 'VirtualInterfaceBpsEgress', ingress: 'VirtualInterfaceBpsIngress' },
} as const;

/** What a search over each kind's metrics matches on, and the dimension that names its series. */
const SEARCHES = {
  connection: { schema: 'AWS/DX,ConnectionId', labelledBy: 'ConnectionId' },
  virtualInterface: { schema: 'AWS/DX,ConnectionId,VirtualInterfaceId', labelledBy: 'VirtualInterfaceId' },
} as const;
/** CloudWatch returns at most this many series for one search expression. */
const MAX_SERIES_PER_SEARCH = 500;

const sourceId = (source: TrafficSource) => (source.kind === 'connection' ? source.connectionId : source.virtualInterfaceId);

/** How a source is named in a cache key and a message. */
const sourceKey = (source: TrafficSource, windowMinutes: number) =>
  source.kind === 'connection' ? `connection ${source.connectionId} ${windowMinutes}m` : `vif ${source.virtualInterfaceId} on ${source.connectionId} ${windowMinutes}m`;

function dimensions(source: TrafficSource) {
  return source.kind === 'connection'
    ? [{ Name: 'ConnectionId', Value: source.connectionId }]
    : [
        { Name: 'ConnectionId', Value: source.connectionId },
        { Name: 'VirtualInterfaceId', Value: source.virtualInterfaceId },
      ];
}

/** The window's bounds: it ends at the last whole minute (the current one is still being sampled). */
export function windowBounds(windowMinutes: number, now: number): { start: Date; end: Date } {
  const end = Math.floor(now / 60_000) * 60_000;
  return { start: new Date(end - windowMinutes * 60_000), end: new Date(end) };
}

interface Waiting {
  source: TrafficSource;
  resolve(reading: Reading): void;
  reject(error: unknown): void;
}

/** What a person reads when traffic is not known because a call failed. */
export function unknownBecause(error: unknown): string {
  const { code, message } = error instanceof AwsCallFailed ? error.classified : classifyAwsError(error, 'CloudWatch');
  switch (code) {
    case 'AWS_ACCESS_DENIED':
      return `The gateway may not read CloudWatch (it needs cloudwatch:GetMetricData): ${message}`;
    case 'THROTTLED':
      return 'CloudWatch throttled the gateway\'s GetMetricData call (it is asked again on the next request)';
    case 'AWS_SERVER_ERROR':
    case 'AWS_UNAVAILABLE':
      return message.replace(/\.\s*Retry later\.$/, '');
    default:
      return `CloudWatch refused the gateway's GetMetricData call: ${message}`;
  }
}

export class TrafficService {
  private readonly cache: ReadCache;
  private readonly metrics?: Metrics;
  private readonly now: () => number;
  /** Sources waiting for this turn's GetMetricData, by region and window. */
  private readonly waiting = new Map<string, { region: string; windowMinutes: number; sources: Waiting[] }>();

  constructor(
    private readonly clientFor: (region: string) => CloudWatchClient,
    private readonly logger: Logger,
    options: { cache?: ReadCache; metrics?: Metrics; now?: () => number } = {},
  ) {
    this.cache = options.cache ?? NO_CACHE;
    this.metrics = options.metrics;
    this.now = options.now ?? Date.now;
  }

  /**
   * Each source's reading over the last `windowMinutes`, through the cross-request
   * cache; a call that fails rejects the sources it carried (nothing is cached then).
   * `fresh`: from CloudWatch itself, as a plan's re-check needs.
   */
  read(region: string, source: TrafficSource, windowMinutes: number, options: ReadOptions = {}): Promise<Reading> {
    const fetch = () => this.enqueue(region, source, windowMinutes);
    if (options.fresh) {
      options.observe?.(neverFresh(region));
      return fetch();
    }
    return this.cache.read({ region, operation: 'GetMetricData', id: sourceKey(source, windowMinutes) }, fetch, options);
  }

  /** As `read`, but a failed call is a reading that is not known, with the reason: what every caller wants. */
  readOrUnknown(region: string, source: TrafficSource, windowMinutes: number, options: ReadOptions = {}): Promise<Reading> {
    return this.read(region, source, windowMinutes, options).catch((error: unknown): Reading => ({ known: false, reason: unknownBecause(error) }));
  }

  /** Joins this turn's call for the region and window; the call goes once every read of the turn has joined. */
  private enqueue(region: string, source: TrafficSource, windowMinutes: number): Promise<Reading> {
    return new Promise<Reading>((resolve, reject) => {
      const key = `${region} ${windowMinutes}`;
      let batch = this.waiting.get(key);
      if (!batch) {
        batch = { region, windowMinutes, sources: [] };
        this.waiting.set(key, batch);
        // setImmediate, not a microtask: reads that first wait for a Redis miss join too.
        setImmediate(() => {
          this.waiting.delete(key);
          void this.send(batch!);
        });
      }
      batch.sources.push({ source, resolve, reject });
    });
  }

  /** One GetMetricData call per chunk AWS's limits allow, two queries (egress, ingress) per source. */
  private async send(batch: { region: string; windowMinutes: number; sources: Waiting[] }): Promise<void> {
    // The same source asked twice in one turn (a refresh and a miss) is asked once.
    const bySource = new Map<string, Waiting[]>();
    for (const waiting of batch.sources) {
      const id = sourceKey(waiting.source, batch.windowMinutes);
      bySource.set(id, [...(bySource.get(id) ?? []), waiting]);
    }
    const sources = [...bySource.values()];
    const asked = sources.map((group) => group[0]!.source);
    const perCall = Math.max(1, Math.floor(Math.min(MAX_QUERIES_PER_CALL, MAX_DATAPOINTS_PER_CALL / batch.windowMinutes) / 2));
    const bounds = windowBounds(batch.windowMinutes, this.now());
    await this.answer(sources, () =>
      asked.length > perCall ? this.searchThenAsk(batch.region, asked, bounds, perCall) : this.getMetricData(batch.region, asked, bounds),
    );
  }

  /** Resolves each group of waiting reads with its reading, or rejects them all with the call's failure. */
  private async answer(groups: Waiting[][], read: () => Promise<Reading[]>): Promise<void> {
    try {
      const readings = await read();
      groups.forEach((group, i) => group.forEach((waiting) => waiting.resolve(readings[i]!)));
    } catch (error) {
      const failure = error instanceof AwsCallFailed ? error : new AwsCallFailed(classifyAwsError(error, 'CloudWatch'), { cause: error });
      for (const group of groups) for (const waiting of group) waiting.reject(failure);
    }
  }

  /**
   * Many sources: one call of SEARCH expressions for every series of the kinds asked
   * about, then, one by one (`perCall` sources a call), only those a search may have
   * cut off. A source a complete search did not find has no data.
   */
  private async searchThenAsk(region: string, sources: TrafficSource[], bounds: { start: Date; end: Date }, perCall: number): Promise<Reading[]> {
    const kinds = [...new Set(sources.map((source) => source.kind))];
    const queries: MetricDataQuery[] = kinds.flatMap((kind) =>
      (['egress', 'ingress'] as const).map((direction) => ({
        Id: `${kind === 'connection' ? 'c' : 'v'}${direction[0]}`,
        Expression: `SEARCH('{${SEARCHES[kind].schema}} MetricName="${METRICS[kind][direction]}"', 'Average', ${PERIOD_SECONDS})`,
        Label: `\${PROP('Dim.${SEARCHES[kind].labelledBy}')}`,
        ReturnData: true,
      })),
    );
    const found = new Map<string, Map<string, NonNullable<Collected>>>();
    const complete = new Map<string, boolean>();
    for (const query of queries) {
      found.set(query.Id!, new Map());
      complete.set(query.Id!, true);
    }
    await this.pages(region, queries, bounds, (result) => {
      const byLabel = found.get(result.Id ?? '');
      if (!byLabel || !result.Label) return;
      // Keyed by label, as collect() keys by Id: its status and messages judged by reading().
      const labelled = new Map([[result.Label, byLabel.get(result.Label) ?? { series: { t: [], bps: [] }, status: [], messages: [] }]]);
      collect(labelled, { ...result, Id: result.Label });
      byLabel.set(result.Label, labelled.get(result.Label)!);
    });
    for (const [id, byLabel] of found) if (byLabel.size >= MAX_SERIES_PER_SEARCH) complete.set(id, false);
    const pick = (source: TrafficSource) => {
      const prefix = source.kind === 'connection' ? 'c' : 'v';
      return (['e', 'i'] as const).map((d) => found.get(`${prefix}${d}`)!.get(sourceId(source)));
    };
    // A search is trusted to be complete only if it named some source asked for: one that
    // named none may come from a backend that did not fill in the labels.
    const trusted = new Set(kinds.filter((kind) => sources.some((source) => source.kind === kind && pick(source).every(Boolean))));
    const readings: Array<Reading | undefined> = sources.map((source) => {
      const [egress, ingress] = pick(source);
      // Its status (Forbidden, InternalError) and emptiness are judged as for a query by name.
      if (egress && ingress) return reading(source, egress, ingress);
      const prefix = source.kind === 'connection' ? 'c' : 'v';
      // Cut off, or not named at all: asked for again, by name.
      const searched = trusted.has(source.kind) && complete.get(`${prefix}e`) && complete.get(`${prefix}i`);
      return searched ? reading(source, undefined, undefined) : undefined;
    });
    const again = sources.filter((_, i) => readings[i] === undefined);
    for (let i = 0; i < again.length; i += perCall) {
      const chunk = again.slice(i, i + perCall);
      const asked = await this.getMetricData(region, chunk, bounds);
      chunk.forEach((source, j) => (readings[sources.indexOf(source)] = asked[j]));
    }
    return readings as Reading[];
  }

  /** Every page of one GetMetricData request, each result handed to `collect`. */
  private async pages(region: string, queries: MetricDataQuery[], bounds: { start: Date; end: Date }, collect: (result: MetricDataResult) => void): Promise<void> {
    const results = await collectPages(async (nextToken) => {
      const out = await awsCall({ logger: this.logger, metrics: this.metrics }, 'CloudWatch', region, 'GetMetricData', () =>
        this.clientFor(region).send(
          new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: bounds.start, EndTime: bounds.end, ScanBy: 'TimestampAscending', NextToken: nextToken }),
        ),
      );
      return { items: out.MetricDataResults, nextToken: out.NextToken };
    }, 'CloudWatch');
    for (const result of results) collect(result);
  }

  private async getMetricData(region: string, sources: TrafficSource[], bounds: { start: Date; end: Date }): Promise<Reading[]> {
    const queries: MetricDataQuery[] = sources.flatMap((source, i) =>
      (['egress', 'ingress'] as const).map((direction) => ({
        Id: `${direction[0]}${i}`,
        MetricStat: {
          Metric: { Namespace: 'AWS/DX', MetricName: METRICS[source.kind][direction], Dimensions: dimensions(source) },
          Period: PERIOD_SECONDS,
          Stat: 'Average',
        },
        ReturnData: true,
      })),
    );
    const results = new Map<string, { series: Series; status: string[]; messages: string[] }>();
    await this.pages(region, queries, bounds, (result) => collect(results, result));
    return sources.map((source, i) => reading(source, results.get(`e${i}`), results.get(`i${i}`)));
  }
}

/** A result's datapoints added to a series (a value that is not a number is left out). */
function appendPoints(series: Series, result: MetricDataResult): void {
  const timestamps = result.Timestamps ?? [];
  const values = result.Values ?? [];
  for (let i = 0; i < Math.min(timestamps.length, values.length); i++) {
    const value = values[i]!;
    if (!Number.isFinite(value)) continue;
    series.t.push(Math.round(timestamps[i]!.getTime() / 1000));
    series.bps.push(value);
  }
}

function collect(results: Map<string, { series: Series; status: string[]; messages: string[] }>, result: MetricDataResult): void {
  if (!result.Id) return;
  const entry = results.get(result.Id) ?? { series: { t: [], bps: [] }, status: [], messages: [] };
  appendPoints(entry.series, result);
  if (result.StatusCode) entry.status.push(result.StatusCode);
  for (const message of result.Messages ?? []) if (message.Value) entry.messages.push(message.Value);
  results.set(result.Id, entry);
}

type Collected = { series: Series; status: string[]; messages: string[] } | undefined;

/** A source is known when CloudWatch answered both directions completely and with data. */
function reading(source: TrafficSource, egress: Collected, ingress: Collected): Reading {
  const id = sourceId(source);
  for (const [direction, result] of [['egress', egress], ['ingress', ingress]] as const) {
    const metric = METRICS[source.kind][direction];
    if (!result) return { known: false, reason: `CloudWatch answered nothing for ${metric} of ${id}.` };
    const refused = result.status.find((status) => status === 'Forbidden' || status === 'InternalError');
    if (refused) {
      const why = result.messages.length > 0 ? `: ${result.messages.join('; ')}` : '';
      return { known: false, reason: `CloudWatch answered ${refused} for ${metric} of ${id}${why}.` };
    }
    if (result.series.t.length === 0) return { known: false, reason: `CloudWatch has no ${metric} data for ${id} in the window.` };
  }
  return { known: true, egress: sorted(egress!.series), ingress: sorted(ingress!.series) };
}

function sorted(series: Series): Series {
  const order = series.t.map((_, i) => i).sort((a, b) => series.t[a]! - series.t[b]!);
  return { t: order.map((i) => series.t[i]!), bps: order.map((i) => series.bps[i]!) };
}

/**
 * Per-period sums over the periods every series reported: CloudWatch leaves out a
 * minute without samples, and a member with no point in a minute is missing from
 * it, not idle, so a sum without it would understate that minute.
 */
function sumSeries(all: readonly Series[]): Series {
  const sums = new Map<number, { bps: number; parts: number }>();
  for (const series of all) {
    series.t.forEach((t, i) => {
      const sum = sums.get(t) ?? { bps: 0, parts: 0 };
      sums.set(t, { bps: sum.bps + series.bps[i]!, parts: sum.parts + 1 });
    });
  }
  const t = [...sums.keys()].filter((time) => sums.get(time)!.parts === all.length).sort((a, b) => a - b);
  return { t, bps: t.map((time) => sums.get(time)!.bps) };
}

const gbps = (bps: number) => Number((bps / 1e9).toFixed(6));
const peak = (series: Series) => (series.bps.length > 0 ? gbps(Math.max(...series.bps)) : 0);
const average = (series: Series) => (series.bps.length > 0 ? gbps(series.bps.reduce((a, b) => a + b, 0) / series.bps.length) : 0);

/**
 * The traffic of one source, or the per-minute sum of several (a LAG's members).
 * Known only if every part is: a LAG whose member's traffic is unknown has an
 * unknown peak, which is not the peak of the others. A LAG without members carries nothing.
 */
export function sumTraffic(readings: readonly Reading[], windowMinutes: number): Traffic {
  const unknown = (reason: string): Traffic => ({
    windowMinutes,
    periodSeconds: PERIOD_SECONDS,
    egressPeakGbps: null,
    ingressPeakGbps: null,
    egressAverageGbps: null,
    ingressAverageGbps: null,
    known: false,
    unknownReason: reason,
  });
  const failed = readings.find((r): r is Extract<Reading, { known: false }> => !r.known);
  if (failed) return unknown(failed.reason);
  const known = readings as ReadonlyArray<Extract<Reading, { known: true }>>;
  const egress = sumSeries(known.map((r) => r.egress));
  const ingress = sumSeries(known.map((r) => r.ingress));
  if (known.length > 0 && (egress.t.length === 0 || ingress.t.length === 0)) {
    return unknown('CloudWatch has data for every member, but in no minute for all of them at once.');
  }
  return {
    windowMinutes,
    periodSeconds: PERIOD_SECONDS,
    egressPeakGbps: peak(egress),
    ingressPeakGbps: peak(ingress),
    egressAverageGbps: average(egress),
    ingressAverageGbps: average(ingress),
    known: true,
    unknownReason: null,
  };
}

/** The peak a change must fit under: the greater of egress and ingress; null when unknown. */
export const peakGbps = (traffic: Traffic): number | null =>
  traffic.known ? Math.max(traffic.egressPeakGbps ?? 0, traffic.ingressPeakGbps ?? 0) : null;
