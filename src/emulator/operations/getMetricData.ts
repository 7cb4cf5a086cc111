import { createHash } from 'node:crypto';
import { AwsError, isJsonObject, type JsonObject } from '../protocol.js';
import type { Operation } from '../operation.js';
import type { RegionStore, TrafficRecord } from '../regionStore.js';
import type { QueryTypes } from '../wire.js';

/**
 * CloudWatch GetMetricData over the AWS/DX traffic the store holds
 * (docs/aws-behaviour.md, "CloudWatch for Direct Connect"). Validation follows CloudWatch's
 * kinds of refusal: constraint violations are `ValidationError` in the form of
 * AWS's "N validation error(s) detected: Value … at '…' failed to satisfy
 * constraint: …" messages; values CloudWatch's own checks refuse are
 * `InvalidParameterValue`, conflicting members `InvalidParameterCombination`. The
 * wordings beyond those forms are the emulator's own.
 *
 * Of metric math, the emulator evaluates one form only, the one the gateway sends
 * when a request needs more series than one call of MetricStat queries holds: a
 * SEARCH over one AWS/DX schema and metric name,
 * `SEARCH('{AWS/DX,ConnectionId} MetricName="ConnectionBpsEgress"', 'Average', 60)`,
 * answering one result per matching metric (at most 500, CloudWatch's limit for one
 * search), each labelled by the query's Label with its dynamic `${PROP('Dim.<name>')}`
 * parts filled in. Which Id AWS gives each result of a search is not recorded: here
 * each carries the expression's Id.
 */

/** The member types of GetMetricData's input, for the query protocol's strings. */
export const GET_METRIC_DATA_QUERY_TYPES: QueryTypes = {
  StartTime: 'timestamp',
  EndTime: 'timestamp',
  Period: 'integer',
  MaxDatapoints: 'integer',
  ReturnData: 'boolean',
};

/** CloudWatch's query codes and the SDK model's shape names for them. */
const SHAPES: Record<string, string> = {
  InvalidParameterValue: 'InvalidParameterValueException',
  InvalidParameterCombination: 'InvalidParameterCombinationException',
  MissingParameter: 'MissingRequiredParameterException',
  InternalServiceError: 'InternalServiceFault',
  InvalidNextToken: 'InvalidNextToken',
};

/** A CloudWatch error by its query code; JSON and CBOR name its shape, the query protocol and `x-amzn-query-error` the code. */
export const cloudWatchError = (code: string, message: string, status = 400): AwsError =>
  new AwsError(SHAPES[code] ?? code, message, status, code);

const invalidValue = (message: string): AwsError => cloudWatchError('InvalidParameterValue', message);

const MAX_QUERIES = 500;
const DEFAULT_MAX_DATAPOINTS = 100_800;
const METRIC_ID = /^[a-z][a-zA-Z0-9_]*$/;
const STATISTICS = ['Average', 'Maximum', 'Minimum', 'Sum', 'SampleCount'];
/** pNN and pNN.NN: the percentiles, from p0 to p100. */
const PERCENTILE = /^p(\d{1,2}(\.\d{1,2})?|100)$/;
const SCAN_BY = ['TimestampDescending', 'TimestampAscending'];
/** The unit AWS publishes the AWS/DX Bps metrics in. */
const DX_UNIT = 'Bits/Second';
const MINUTE_MS = 60_000;

interface MetricQuery {
  id: string;
  label: string;
  returnData: boolean;
  metric: { namespace: string; name: string; dimensions: Map<string, string> };
  periodMs: number;
  stat: string;
  unit?: string;
}

/** A SEARCH expression the emulator evaluates: a schema of dimension names and a metric name. */
interface SearchQuery {
  id: string;
  label?: string;
  returnData: boolean;
  search: { namespace: string; dimensionNames: string[]; metricName: string };
  periodMs: number;
  stat: string;
}

/** CloudWatch returns at most this many time series for one search expression. */
const MAX_SEARCH_SERIES = 500;
/** `SEARCH('{AWS/DX,ConnectionId} MetricName="ConnectionBpsEgress"', 'Average', 60)`. */
const SEARCH = /^\s*SEARCH\(\s*'\{([A-Za-z0-9/._-]+)((?:\s*,\s*[A-Za-z0-9_]+)+)\}\s+MetricName\s*=\s*"([A-Za-z0-9_]+)"\s*'\s*,\s*'([A-Za-z0-9.]+)'\s*,\s*(\d+)\s*\)\s*$/;

function readSearch(draft: { id: string; n: number; label?: string; returnData: boolean }, expression: string): SearchQuery {
  const match = SEARCH.exec(expression);
  if (!match) {
    throw invalidValue(
      `The emulator evaluates no metric math but SEARCH('{Namespace,Dimension,…} MetricName="…"', 'Stat', Period) (query ${draft.id}: ${expression}); ask for each metric with MetricStat.`,
    );
  }
  const [, namespace, names, metricName, stat, period] = match as unknown as [string, string, string, string, string, string];
  if (Number(period) < 60 || Number(period) % 60 !== 0) throw invalidValue(`The period of the search in query ${draft.id} must be a multiple of 60; got ${period}.`);
  if (!STATISTICS.includes(stat) && !PERCENTILE.test(stat)) throw invalidValue(`The statistic ${stat} of the search in query ${draft.id} is not valid.`);
  const dimensionNames = names.split(',').map((name) => name.trim()).filter(Boolean);
  return { id: draft.id, label: draft.label, returnData: draft.returnData, search: { namespace, dimensionNames, metricName }, periodMs: Number(period) * 1000, stat };
}

/** Every metric of the store a search's schema and name match, as MetricStat queries; at most MAX_SEARCH_SERIES. */
function searchMetrics(store: RegionStore, query: SearchQuery): MetricQuery[] {
  const { namespace, dimensionNames, metricName } = query.search;
  const schema = [...dimensionNames].sort().join(',');
  const found: Array<Map<string, string>> = [];
  if (namespace === 'AWS/DX' && /^Connection(Bps)(Egress|Ingress)$/.test(metricName) && schema === 'ConnectionId') {
    for (const id of store.traffic.keys()) if (store.connections.has(id)) found.push(new Map([['ConnectionId', id]]));
  } else if (namespace === 'AWS/DX' && /^VirtualInterface(Bps)(Egress|Ingress)$/.test(metricName) && schema === 'ConnectionId,VirtualInterfaceId') {
    for (const id of store.traffic.keys()) {
      const vif = store.virtualInterfaces.get(id);
      if (vif) found.push(new Map([['ConnectionId', vif.connectionId], ['VirtualInterfaceId', id]]));
    }
  }
  return found.slice(0, MAX_SEARCH_SERIES).map((dimensions) => ({
    id: query.id,
    // Dynamic labels: ${PROP('Dim.<name>')} is the metric's value of that dimension.
    label: (query.label ?? `\${PROP('Dim.${dimensionNames[0]}')} ${metricName}`).replace(/\$\{PROP\('Dim\.([A-Za-z0-9_]+)'\)\}/g, (_all, name: string) => dimensions.get(name) ?? ''),
    returnData: query.returnData,
    metric: { namespace, name: metricName, dimensions },
    periodMs: query.periodMs,
    stat: query.stat,
  }));
}

/** Coral's constraint messages: "Value null at 'startTime' failed to satisfy constraint: Member must not be null". */
class Constraints {
  readonly problems: string[] = [];
  add(value: unknown, at: string, constraint: string): void {
    const shown = value === undefined || value === null ? 'null' : `'${typeof value === 'object' ? JSON.stringify(value) : String(value)}'`;
    this.problems.push(`Value ${shown} at '${at}' failed to satisfy constraint: Member must ${constraint}`);
  }
  throwIfAny(): void {
    const n = this.problems.length;
    if (n > 0) throw cloudWatchError('ValidationError', `${n} validation error${n === 1 ? '' : 's'} detected: ${this.problems.join('; ')}`);
  }
}

function typeError(name: string, expected: string): never {
  throw new AwsError('SerializationException', `Expected ${name} to be ${expected}.`);
}

/** Epoch milliseconds of a timestamp: epoch seconds in JSON, a Date from CBOR and the query protocol. */
function timestamp(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number' && Number.isFinite(value)) return value * 1000;
  return typeError(name, 'a timestamp');
}

function optional<T>(value: unknown, name: string, kind: 'string' | 'number' | 'boolean', expected: string): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== kind || (kind === 'number' && !Number.isInteger(value))) typeError(name, expected);
  return value as T;
}

const str = (object: JsonObject, name: string, at: string) => optional<string>(object[name], at, 'string', 'a string');
const int = (object: JsonObject, name: string, at: string) => optional<number>(object[name], at, 'number', 'an integer');

function list(value: unknown, at: string): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) typeError(at, 'a list');
  return value;
}

function struct(value: unknown, at: string): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) typeError(at, 'a structure');
  return value;
}

/** One MetricDataQuery as read, before CloudWatch's own checks. */
interface QueryDraft {
  n: number;
  id: string;
  label?: string;
  returnData: boolean;
  expression?: string;
  stat?: { metric: MetricQuery['metric']; period: number; statistic: string; unit?: string };
  /** MetricStat was given but lacks what it needs; its problems are in the constraints. */
  brokenStat: boolean;
}

/** Reads one MetricDataQuery, adding its constraint problems; undefined without a usable Id. */
function readQuery(raw: unknown, n: number, constraints: Constraints): QueryDraft | undefined {
  const at = `metricDataQueries.${n}.member`;
  const query = struct(raw, at) ?? {};
  const id = str(query, 'Id', `${at}.id`);
  if (id === undefined) constraints.add(id, `${at}.id`, 'not be null');
  else if (id.length < 1 || id.length > 255) constraints.add(id, `${at}.id`, 'have length between 1 and 255');
  else if (!METRIC_ID.test(id)) constraints.add(id, `${at}.id`, 'satisfy regular expression pattern: ^[a-z][a-zA-Z0-9_]*$');
  const returnData = optional<boolean>(query.ReturnData, `${at}.returnData`, 'boolean', 'a boolean') ?? true;
  const label = str(query, 'Label', `${at}.label`);
  const expression = str(query, 'Expression', `${at}.expression`);
  const rawStat = struct(query.MetricStat, `${at}.metricStat`);
  const stat = rawStat === undefined ? undefined : readMetricStat(rawStat, `${at}.metricStat`, constraints);
  if (id === undefined) return undefined;
  return { n, id, label, returnData, expression, stat, brokenStat: rawStat !== undefined && stat === undefined };
}

function readMetricStat(stat: JsonObject, at: string, constraints: Constraints): QueryDraft['stat'] {
  const metric = struct(stat.Metric, `${at}.metric`);
  const period = int(stat, 'Period', `${at}.period`);
  const statistic = str(stat, 'Stat', `${at}.stat`);
  const unit = str(stat, 'Unit', `${at}.unit`);
  if (metric === undefined) constraints.add(undefined, `${at}.metric`, 'not be null');
  if (period === undefined) constraints.add(undefined, `${at}.period`, 'not be null');
  else if (period < 1) constraints.add(period, `${at}.period`, 'have value greater than or equal to 1');
  if (statistic === undefined) constraints.add(undefined, `${at}.stat`, 'not be null');
  const namespace = metric === undefined ? undefined : str(metric, 'Namespace', `${at}.metric.namespace`);
  const name = metric === undefined ? undefined : str(metric, 'MetricName', `${at}.metric.metricName`);
  if (metric !== undefined && name === undefined) constraints.add(undefined, `${at}.metric.metricName`, 'not be null');
  const dimensions = new Map<string, string>();
  (list(metric?.Dimensions, `${at}.metric.dimensions`) ?? []).forEach((raw, i) => {
    const where = `${at}.metric.dimensions.${i + 1}.member`;
    const dimension = struct(raw, where) ?? {};
    const dimName = str(dimension, 'Name', `${where}.name`);
    const value = str(dimension, 'Value', `${where}.value`);
    if (dimName === undefined) constraints.add(undefined, `${where}.name`, 'not be null');
    if (value === undefined) constraints.add(undefined, `${where}.value`, 'not be null');
    if (dimName !== undefined && value !== undefined) dimensions.set(dimName, value);
  });
  if (name === undefined || period === undefined || statistic === undefined || period < 1) return undefined;
  return { metric: { namespace: namespace ?? '', name, dimensions }, period, statistic, unit };
}

/**
 * Every query, once all of them pass the constraints (every problem reported
 * together, as AWS does), then CloudWatch's own checks, the first failing one
 * reported.
 */
function readQueries(input: JsonObject, constraints: Constraints): Array<MetricQuery | SearchQuery> {
  const raw = list(input.MetricDataQueries, 'MetricDataQueries');
  if (raw === undefined) constraints.add(undefined, 'metricDataQueries', 'not be null');
  else if (raw.length < 1 || raw.length > MAX_QUERIES) constraints.add(`[${raw.length} queries]`, 'metricDataQueries', `have length between 1 and ${MAX_QUERIES}`);
  const drafts = (raw ?? []).slice(0, MAX_QUERIES).map((query, i) => readQuery(query, i + 1, constraints));
  constraints.throwIfAny();

  const seen = new Set<string>();
  return drafts.flatMap((draft): Array<MetricQuery | SearchQuery> => {
    if (draft === undefined) return [];
    const { n, id } = draft;
    if (seen.has(id)) throw invalidValue(`The value ${id} for parameter MetricDataQueries.member.${n}.Id is already used by another query; every Id must be unique.`);
    seen.add(id);
    if ((draft.stat === undefined && !draft.brokenStat) === (draft.expression === undefined)) {
      throw cloudWatchError('InvalidParameterCombination', `The query ${id} (MetricDataQueries.member.${n}) must have exactly one of MetricStat and Expression.`);
    }
    if (draft.expression !== undefined) return [readSearch(draft, draft.expression)];
    const { stat } = draft;
    if (stat === undefined) return [];
    const param = `MetricDataQueries.member.${n}.MetricStat`;
    if (stat.period % 60 !== 0) {
      throw invalidValue(`The parameter ${param}.Period must be a multiple of 60; got ${stat.period}. (Periods below 60 are for high-resolution custom metrics, which AWS/DX does not publish.)`);
    }
    if (!STATISTICS.includes(stat.statistic) && !PERCENTILE.test(stat.statistic)) {
      throw invalidValue(`The value ${stat.statistic} for parameter ${param}.Stat is not valid; use Average, Maximum, Minimum, Sum, SampleCount or a percentile such as p99.`);
    }
    return [{ id, label: draft.label || stat.metric.name, returnData: draft.returnData, metric: stat.metric, periodMs: stat.period * 1000, stat: stat.statistic, unit: stat.unit }];
  });
}

/**
 * The recorded rate a metric stands for, or undefined for a metric with no data.
 * AWS/DX publishes connection metrics with the dimension ConnectionId, and VIF
 * metrics with ConnectionId (what the VIF rides on: a connection or a LAG) and
 * VirtualInterfaceId; as in CloudWatch, a metric is its exact set of dimensions.
 */
function recordedRate(store: RegionStore, query: MetricQuery): { rate: number; since: number } | undefined {
  const { namespace, name, dimensions } = query.metric;
  if (namespace !== 'AWS/DX' || (query.unit !== undefined && query.unit !== DX_UNIT)) return undefined;
  const direction = name.endsWith('Egress') ? 'egressBps' : name.endsWith('Ingress') ? 'ingressBps' : undefined;
  const connectionId = dimensions.get('ConnectionId');
  const vifId = dimensions.get('VirtualInterfaceId');
  let record: TrafficRecord | undefined;
  if ((name === 'ConnectionBpsEgress' || name === 'ConnectionBpsIngress') && dimensions.size === 1 && connectionId?.startsWith('dxcon-')) {
    record = store.traffic.get(connectionId);
  } else if ((name === 'VirtualInterfaceBpsEgress' || name === 'VirtualInterfaceBpsIngress') && dimensions.size === 2 && vifId !== undefined) {
    const vif = store.virtualInterfaces.get(vifId);
    if (vif !== undefined && vif.connectionId === connectionId) record = store.traffic.get(vifId);
  }
  return record === undefined || direction === undefined ? undefined : { rate: record[direction], since: record.since };
}

interface Point {
  at: number;
  value: number;
}

/**
 * One datapoint per period, at period boundaries within [start, end), wherever the
 * steady rate was recorded: from the record's `since` up to the request's now. A
 * period's samples are the whole minutes recorded in it, so Sum and SampleCount
 * follow the minutes and every other statistic of a steady rate is the rate itself.
 */
function datapoints(store: RegionStore, query: MetricQuery, start: number, end: number, now: number): Point[] {
  const recorded = recordedRate(store, query);
  if (recorded === undefined) return [];
  const { rate, since } = recorded;
  const p = query.periodMs;
  const points: Point[] = [];
  for (let at = Math.max(Math.ceil(start / p) * p, Math.floor(since / p) * p); at < end && at < now; at += p) {
    const samples = Math.ceil(Math.min(at + p, now) / MINUTE_MS) - Math.ceil(Math.max(at, since) / MINUTE_MS);
    if (samples <= 0) continue;
    points.push({ at, value: query.stat === 'Sum' ? rate * samples : query.stat === 'SampleCount' ? samples : rate });
  }
  return points;
}

/** Tokens hold how many points were handed out, bound to the request they page through. */
function requestDigest(input: JsonObject, region: string): string {
  const { NextToken: _token, MaxDatapoints: _max, ...rest } = input;
  const canonical = JSON.stringify(rest, (_key, value: unknown) => (value instanceof Date ? value.getTime() / 1000 : value));
  return createHash('sha256').update(`${region}:${canonical}`).digest('base64url').slice(0, 22);
}

function readToken(token: string | undefined, digest: string): number {
  if (token === undefined) return 0;
  const [tokenDigest, offset] = Buffer.from(token, 'base64url').toString('utf8').split(':');
  if (tokenDigest !== digest || offset === undefined || !/^\d+$/.test(offset)) {
    // Emulator's own wording: AWS's is not recorded.
    throw cloudWatchError('InvalidNextToken', 'The NextToken provided is not valid for this request.');
  }
  return Number(offset);
}

export const getMetricData: Operation = (input, { store, now }) => {
  const constraints = new Constraints();
  const start = timestamp(input.StartTime, 'StartTime');
  const end = timestamp(input.EndTime, 'EndTime');
  if (start === undefined) constraints.add(undefined, 'startTime', 'not be null');
  if (end === undefined) constraints.add(undefined, 'endTime', 'not be null');
  const scanBy = str(input, 'ScanBy', 'ScanBy') ?? 'TimestampDescending';
  if (!SCAN_BY.includes(scanBy)) constraints.add(scanBy, 'scanBy', `satisfy enum value set: [${SCAN_BY.join(', ')}]`);
  const maxDatapoints = int(input, 'MaxDatapoints', 'MaxDatapoints') ?? DEFAULT_MAX_DATAPOINTS;
  if (maxDatapoints < 1) constraints.add(maxDatapoints, 'maxDatapoints', 'have value greater than or equal to 1');
  const token = str(input, 'NextToken', 'NextToken');
  // Throws every constraint problem found so far, the times' included.
  const queries = readQueries(input, constraints);
  if (start === undefined || end === undefined) throw new Error('unreachable: readQueries reports missing times');
  // CloudWatch's wording (GetMetricStatistics and GetMetricData alike).
  if (start >= end) throw invalidValue('The parameter StartTime must be less than the parameter EndTime.');

  const digest = requestDigest(input, store.region);
  const offset = readToken(token, digest);
  const ascending = scanBy === 'TimestampAscending';
  const series = queries
    .filter((query) => query.returnData)
    .flatMap((query) => ('search' in query ? searchMetrics(store, query) : [query]))
    .map((query) => {
      const points = datapoints(store, query, start, end, now);
      return { query, points: ascending ? points : points.reverse() };
    });
  // MaxDatapoints counts the points of every query together, in query order.
  let skip = offset;
  let room = maxDatapoints;
  let more = false;
  const results = series.map(({ query, points }) => {
    const from = Math.min(skip, points.length);
    skip -= from;
    const page = points.slice(from, from + room);
    room -= page.length;
    const partial = from + page.length < points.length;
    more ||= partial;
    return {
      Id: query.id,
      Label: query.label,
      Timestamps: page.map((point) => new Date(point.at)),
      Values: page.map((point) => point.value),
      StatusCode: partial ? 'PartialData' : 'Complete',
    };
  });
  const handedOut = offset + maxDatapoints;
  return {
    MetricDataResults: results,
    NextToken: more ? Buffer.from(`${digest}:${handedOut}`).toString('base64url') : undefined,
    Messages: [],
  };
};
