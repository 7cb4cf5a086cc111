import { isGateway, isPeer, isRef, type ConfigName, type Peer } from './configs.js';
import type { Measured } from './load.js';
import type { BenchOperation } from './operations.js';
import { confidence95, median } from './stats.js';

// From the rounds' raw numbers to what the report says: the median over rounds of
// each configuration and operation, and ratios between configurations with their
// spread over rounds (a round's ratio is between runs close in time, so the
// machine's slow drifts cancel out of it).

export type OperationName = BenchOperation['name'];

/** One measured run: a configuration on an operation in one round. */
export interface HttpRow extends Measured {
  config: ConfigName;
  operation: OperationName;
  round: number;
  /** Where the configuration ran in its round's order, from 1. */
  position: number;
  /** The sample response's data equals graphql-js's answer on the in-memory data. */
  sampleMatchesFloor: boolean;
  /** Other processes' CPU use (% of a core) in the attempts measured again because of it. */
  disturbedAttempts: number[];
}

/** A configuration on an operation, the median of every round. */
export interface MedianRow {
  config: ConfigName;
  operation: OperationName;
  rounds: number;
  requestsPerSec: number;
  /** Lowest and highest req/s of a round. */
  requestsPerSecRange: [number, number];
  p50Ms: number;
  p99Ms: number;
  /** The server's own time per request (bench/serverTimes.mjs), where it kept them. */
  serverP50Ms?: number;
  serverP99Ms?: number;
  awsCallsPerRequest: number;
  completed: number;
  /** Median CPU use by process, % of one core. */
  cpuPercent: Record<string, number>;
  /** In every round. */
  sampleMatchesFloor: boolean;
}

/** `a ÷ b` on req/s for one operation. */
export interface Comparison {
  a: ConfigName;
  b: ConfigName;
  operation: OperationName;
  /** Ratio of the medians. */
  ratio: number | null;
  /** Each round's ratio, in round order (null where a round lacks either). */
  perRound: Array<number | null>;
  /** Geometric mean of the per-round ratios: the paired estimate, centre of `confidence95`. */
  pairedMean: number | null;
  min: number | null;
  max: number | null;
  /**
   * 95% confidence interval of the typical per-round ratio, with 2 rounds or more:
   * what a difference of a few % needs, where min–max only shows how far rounds stray.
   */
  confidence95: [number, number] | null;
}

/** Where a gateway (shipped or a ref) stands against the peers on one operation. */
export interface PeerStanding {
  gateway: ConfigName;
  operation: OperationName;
  fastestPeer: Peer | null;
  versus: Comparison[];
  p99OverP50: number | null;
  /** The same of the server's own time per request. */
  serverP99OverP50: number | null;
}

export const divide = (a: number | undefined, b: number | undefined): number | null =>
  a === undefined || b === undefined || Number.isNaN(a) || Number.isNaN(b) ? null : b === 0 ? (a === 0 ? null : Infinity) : a / b;

export function medians(rows: HttpRow[], configs: readonly ConfigName[], operations: OperationName[]): MedianRow[] {
  const out: MedianRow[] = [];
  for (const config of configs) {
    for (const operation of operations) {
      const runs = rows.filter((r) => r.config === config && r.operation === operation);
      if (runs.length === 0) continue;
      const of = (pick: (r: HttpRow) => number) => median(runs.map(pick));
      const processes = [...new Set(runs.flatMap((r) => Object.keys(r.cpuPercent)))];
      const rates = runs.map((r) => r.requestsPerSec);
      const timed = runs.filter((r) => r.server && r.server.count > 0);
      const server = timed.length === runs.length ? { serverP50Ms: median(timed.map((r) => r.server!.p50Ms)), serverP99Ms: median(timed.map((r) => r.server!.p99Ms)) } : {};
      out.push({
        config,
        operation,
        rounds: runs.length,
        requestsPerSec: of((r) => r.requestsPerSec),
        requestsPerSecRange: [Math.min(...rates), Math.max(...rates)],
        p50Ms: of((r) => r.p50Ms),
        p99Ms: of((r) => r.p99Ms),
        ...server,
        awsCallsPerRequest: of((r) => r.awsCallsPerRequest),
        completed: of((r) => r.completed),
        cpuPercent: Object.fromEntries(
          processes.map((name) => [name, Math.round(median(runs.flatMap((r) => (r.cpuPercent[name] === undefined ? [] : [r.cpuPercent[name]]))))]),
        ),
        sampleMatchesFloor: runs.every((r) => r.sampleMatchesFloor),
      });
    }
  }
  return out;
}

export const findMedian = (table: MedianRow[], config: ConfigName, operation: OperationName) =>
  table.find((r) => r.config === config && r.operation === operation);

export function compare(rows: HttpRow[], table: MedianRow[], a: ConfigName, b: ConfigName, operation: OperationName): Comparison {
  const rounds = [...new Set(rows.map((r) => r.round))].sort((x, y) => x - y);
  const rate = (config: ConfigName, round: number) => rows.find((r) => r.config === config && r.operation === operation && r.round === round)?.requestsPerSec;
  const perRound = rounds.map((round) => divide(rate(a, round), rate(b, round)));
  const known = perRound.filter((v): v is number => v !== null && Number.isFinite(v));
  return {
    a,
    b,
    operation,
    ratio: divide(findMedian(table, a, operation)?.requestsPerSec, findMedian(table, b, operation)?.requestsPerSec),
    perRound,
    min: known.length ? Math.min(...known) : null,
    max: known.length ? Math.max(...known) : null,
    pairedMean: known.length ? Math.exp(known.reduce((sum, r) => sum + Math.log(r), 0) / known.length) : null,
    confidence95: known.length === perRound.length ? confidence95(known) : null,
  };
}

/** For shipped and every ref: ÷ the fastest peer by median req/s, ÷ each peer, and p99 ÷ p50. */
export function peerStandings(rows: HttpRow[], table: MedianRow[], configs: readonly ConfigName[], operations: OperationName[]): PeerStanding[] {
  const peers = configs.filter(isPeer);
  const out: PeerStanding[] = [];
  for (const gateway of configs.filter(isGateway)) {
    for (const operation of operations) {
      const own = findMedian(table, gateway, operation);
      if (!own) continue;
      const ranked = peers
        .map((peer) => ({ peer, rate: findMedian(table, peer, operation)?.requestsPerSec ?? -1 }))
        .sort((x, y) => y.rate - x.rate);
      const fastestPeer = ranked[0]?.peer ?? null;
      out.push({
        gateway,
        operation,
        fastestPeer,
        versus: peers.map((peer) => compare(rows, table, gateway, peer, operation)),
        p99OverP50: divide(own.p99Ms, own.p50Ms),
        serverP99OverP50: divide(own.serverP99Ms, own.serverP50Ms),
      });
    }
  }
  return out;
}

/**
 * shipped ÷ each ref, and each pair of refs as later ÷ earlier in the order they
 * were named: what a change costs, with how much the same pair varies by round.
 */
export function refComparisons(rows: HttpRow[], table: MedianRow[], configs: readonly ConfigName[], operations: OperationName[]): Comparison[] {
  const refs = configs.filter(isRef);
  const pairs: Array<[ConfigName, ConfigName]> = [];
  if (configs.includes('shipped')) for (const ref of refs) pairs.push(['shipped', ref]);
  refs.forEach((earlier, i) => refs.slice(i + 1).forEach((later) => pairs.push([later, earlier])));
  return pairs.flatMap(([a, b]) => operations.map((operation) => compare(rows, table, a, b, operation)));
}
