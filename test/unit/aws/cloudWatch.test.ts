import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { CloudWatchClient, CloudWatchServiceException, GetMetricDataCommand, type MetricDataQuery, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { capturedLogger } from '../../helpers/logger.js';
import { sumTraffic, TrafficService, windowBounds, type Reading, type TrafficSource } from '../../../src/aws/cloudWatch.js';
import { MemoryReadCache } from '../../../src/cache/memoryReadCache.js';
import { createMetrics } from '../../../src/metrics.js';

// src/aws/cloudWatch.ts, TrafficService: how the gateway asks CloudWatch for traffic
// (one call per region and window, by name or by SEARCH) and what it makes of the
// answers. Against the emulator over real HTTP: test/graphql/Query.trafficGatewaysMaintenance.test.ts.

const NOW = Date.UTC(2026, 11, 7, 12, 30, 42);
const GBPS = 1e9;

let mock: AwsClientStub<CloudWatchClient>;
let service: TrafficService;

beforeEach(() => {
  mock = mockClient(CloudWatchClient);
  const client = new CloudWatchClient({ region: 'us-east-1' });
  service = new TrafficService(() => client, capturedLogger().logger, { now: () => NOW });
});
afterEach(() => mock.restore());

const connection = (n: number): TrafficSource => ({ kind: 'connection', connectionId: `dxcon-c${String(n).padStart(7, '0')}` });
const vif = (n: number): TrafficSource => ({ kind: 'virtualInterface', virtualInterfaceId: `dxvif-v${String(n).padStart(7, '0')}`, connectionId: 'dxlag-aaaaaaaa' });
const minutes = (count: number) => Array.from({ length: count }, (_, i) => new Date(NOW - (NOW % 60_000) - (count - i) * 60_000));
const steady = (id: string, label: string | undefined, gbps: number, count = 3): MetricDataResult => ({
  Id: id,
  Label: label,
  Timestamps: minutes(count),
  Values: Array.from({ length: count }, () => gbps * GBPS),
  StatusCode: 'Complete',
});

/** Answers MetricStat queries: every source steady at 1 Gbps egress, 0.5 ingress. */
function answerByName() {
  mock.on(GetMetricDataCommand).callsFake((input: { MetricDataQueries: MetricDataQuery[] }) => ({
    MetricDataResults: input.MetricDataQueries.map((q) => steady(q.Id!, undefined, q.Id!.startsWith('e') ? 1 : 0.5)),
  }));
}

const sentQueries = () => mock.commandCalls(GetMetricDataCommand).map((call) => call.args[0].input.MetricDataQueries ?? []);

describe('Class: TrafficService', () => {
  describe('Method: read, a few sources', () => {
    it('asks for each by name in one call, 1-minute Averages over the window ending at the last whole minute', async () => {
      answerByName();
      const [a, b] = await Promise.all([service.read('us-east-1', connection(1), 60), service.read('us-east-1', vif(1), 60)]);
      expect(a).toMatchObject({ known: true, egress: { bps: [GBPS, GBPS, GBPS] } });
      expect(b.known).toBe(true);
      expect(mock.commandCalls(GetMetricDataCommand)).toHaveLength(1);
      const input = mock.commandCalls(GetMetricDataCommand)[0]!.args[0].input;
      expect(input.EndTime).toEqual(new Date(Date.UTC(2026, 11, 7, 12, 30)));
      expect(input.StartTime).toEqual(new Date(Date.UTC(2026, 11, 7, 11, 30)));
      expect(input.MetricDataQueries).toEqual([
        expect.objectContaining({
          Id: 'e0',
          MetricStat: { Metric: { Namespace: 'AWS/DX', MetricName: 'ConnectionBpsEgress', Dimensions: [{ Name: 'ConnectionId', Value: 'dxcon-c0000001' }] }, Period: 60, Stat: 'Average' },
        }),
        expect.objectContaining({ Id: 'i0', MetricStat: expect.objectContaining({ Metric: expect.objectContaining({ MetricName: 'ConnectionBpsIngress' }) }) }),
        expect.objectContaining({
          Id: 'e1',
          MetricStat: expect.objectContaining({
            Metric: {
              Namespace: 'AWS/DX',
              MetricName: 'VirtualInterfaceBpsEgress',
              Dimensions: [
                { Name: 'ConnectionId', Value: 'dxlag-aaaaaaaa' },
                { Name: 'VirtualInterfaceId', Value: 'dxvif-v0000001' },
              ],
            },
          }),
        }),
        expect.objectContaining({ Id: 'i1' }),
      ]);
    });

    it('makes separate calls for separate windows', async () => {
      answerByName();
      await Promise.all([service.read('us-east-1', connection(1), 60), service.read('us-east-1', connection(1), 5)]);
      expect(mock.commandCalls(GetMetricDataCommand)).toHaveLength(2);
    });

    it('is not known when CloudWatch has no data, or answers Forbidden, saying which', async () => {
      mock.on(GetMetricDataCommand).resolves({
        MetricDataResults: [
          { Id: 'e0', Timestamps: [], Values: [], StatusCode: 'Complete' },
          steady('i0', undefined, 1),
          { Id: 'e1', StatusCode: 'Forbidden', Messages: [{ Code: 'Forbidden', Value: 'no access to AWS/DX' }] },
          steady('i1', undefined, 1),
        ],
      });
      const [empty, forbidden] = await Promise.all([service.read('us-east-1', connection(1), 60), service.read('us-east-1', connection(2), 60)]);
      expect(empty).toEqual({ known: false, reason: 'CloudWatch has no ConnectionBpsEgress data for dxcon-c0000001 in the window.' });
      expect(forbidden).toEqual({ known: false, reason: 'CloudWatch answered Forbidden for ConnectionBpsEgress of dxcon-c0000002: no access to AWS/DX.' });
    });

    it('follows NextToken, and gives up on a repeated one', async () => {
      mock
        .on(GetMetricDataCommand)
        .resolvesOnce({ MetricDataResults: [steady('e0', undefined, 1, 2)], NextToken: 'page-2' })
        .resolvesOnce({ MetricDataResults: [steady('e0', undefined, 1, 1), steady('i0', undefined, 1)] });
      expect((await service.read('us-east-1', connection(1), 60)) as Extract<Reading, { known: true }>).toMatchObject({ egress: { bps: [GBPS, GBPS, GBPS] } });
      mock.reset();
      mock.on(GetMetricDataCommand).resolves({ MetricDataResults: [], NextToken: 'again' });
      await expect(service.read('us-east-1', connection(1), 60)).rejects.toMatchObject({ classified: { code: 'AWS_UNAVAILABLE' } });
    });

    it('rejects every source of a failed call, classified as CloudWatch\'s, and caches nothing of it', async () => {
      const cached = new TrafficService(() => new CloudWatchClient({ region: 'us-east-1' }), capturedLogger().logger, {
        now: () => NOW,
        cache: new MemoryReadCache(60_000, 1_000_000, createMetrics()),
      });
      mock.on(GetMetricDataCommand).rejectsOnce(
        new CloudWatchServiceException({ name: 'Throttling', $fault: 'client', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }),
      );
      const failures = await Promise.all([cached.read('us-east-1', connection(1), 60), cached.read('us-east-1', connection(2), 60)].map((p) => p.catch((e: unknown) => e)));
      for (const failure of failures) expect(failure).toMatchObject({ classified: { code: 'THROTTLED', message: expect.stringContaining('CloudWatch throttled the request') } });
      answerByName();
      expect((await cached.read('us-east-1', connection(1), 60)).known).toBe(true);
      expect((await cached.read('us-east-1', connection(1), 60)).known).toBe(true);
      expect(mock.commandCalls(GetMetricDataCommand)).toHaveLength(2);
    });
  });

  describe('Method: read, more sources than one call of names holds', () => {
    /** Answers SEARCH queries with a labelled series per ID, and names with steady series. */
    function answerBySearch(ids: { connections: string[]; vifs: string[] }, label = (id: string) => id) {
      mock.on(GetMetricDataCommand).callsFake((input: { MetricDataQueries: MetricDataQuery[] }) => ({
        MetricDataResults: input.MetricDataQueries.flatMap((q): MetricDataResult[] => {
          if (!q.Expression) return [steady(q.Id!, undefined, 2)];
          const listed = q.Id!.startsWith('c') ? ids.connections : ids.vifs;
          return listed.map((id) => steady(q.Id!, label(id), q.Id!.endsWith('e') ? 1 : 0.5));
        }),
      }));
    }
    const many = (count: number) => Array.from({ length: count }, (_, i) => connection(i));

    it('asks by SEARCH in one call and picks each source out by its dynamic label', async () => {
      const sources = [...many(300), vif(1)];
      answerBySearch({ connections: many(300).map((c) => (c as { connectionId: string }).connectionId), vifs: ['dxvif-v0000001'] });
      const readings = await Promise.all(sources.map((source) => service.read('us-east-1', source, 60)));
      expect(readings.every((r) => r.known)).toBe(true);
      expect(mock.commandCalls(GetMetricDataCommand)).toHaveLength(1);
      expect(sentQueries()[0]).toEqual([
        { Id: 'ce', Expression: `SEARCH('{AWS/DX,ConnectionId} MetricName="ConnectionBpsEgress"', 'Average', 60)`, Label: "${PROP('Dim.ConnectionId')}", ReturnData: true },
        { Id: 'ci', Expression: `SEARCH('{AWS/DX,ConnectionId} MetricName="ConnectionBpsIngress"', 'Average', 60)`, Label: "${PROP('Dim.ConnectionId')}", ReturnData: true },
        {
          Id: 've',
          Expression: `SEARCH('{AWS/DX,ConnectionId,VirtualInterfaceId} MetricName="VirtualInterfaceBpsEgress"', 'Average', 60)`,
          Label: "${PROP('Dim.VirtualInterfaceId')}",
          ReturnData: true,
        },
        {
          Id: 'vi',
          Expression: `SEARCH('{AWS/DX,ConnectionId,VirtualInterfaceId} MetricName="VirtualInterfaceBpsIngress"', 'Average', 60)`,
          Label: "${PROP('Dim.VirtualInterfaceId')}",
          ReturnData: true,
        },
      ]);
    });

    it('takes a source a complete search did not find for one without data, and asks for nothing more', async () => {
      answerBySearch({ connections: many(299).map((c) => (c as { connectionId: string }).connectionId), vifs: [] });
      const readings = await Promise.all(many(300).map((source) => service.read('us-east-1', source, 60)));
      expect(readings.filter((r) => !r.known)).toEqual([{ known: false, reason: 'CloudWatch answered nothing for ConnectionBpsEgress of dxcon-c0000299.' }]);
      expect(mock.commandCalls(GetMetricDataCommand)).toHaveLength(1);
    });

    it('asks again by name for what a search of 500 series may have cut off', async () => {
      const all = many(600).map((c) => (c as { connectionId: string }).connectionId);
      answerBySearch({ connections: all.slice(0, 500), vifs: [] });
      const readings = await Promise.all(many(600).map((source) => service.read('us-east-1', source, 60)));
      expect(readings.every((r) => r.known)).toBe(true);
      // One search, then the 100 it did not answer: one call of names.
      expect(sentQueries().map((queries) => queries.length)).toEqual([2, 200]);
      expect(sentQueries()[1]![0]!.MetricStat?.Metric?.Dimensions).toEqual([{ Name: 'ConnectionId', Value: 'dxcon-c0000500' }]);
    });

    it('judges a searched series by its status and points, as one asked for by name', async () => {
      const ids = many(300).map((c) => (c as { connectionId: string }).connectionId);
      mock.on(GetMetricDataCommand).callsFake((input: { MetricDataQueries: MetricDataQuery[] }) => ({
        MetricDataResults: input.MetricDataQueries.flatMap((q): MetricDataResult[] =>
          ids.map((id, i) =>
            i === 0 && q.Id === 'ce'
              ? { ...steady(q.Id!, id, 1), StatusCode: 'InternalError' }
              : i === 1 && q.Id === 'ce'
                ? { Id: q.Id!, Label: id, Timestamps: [], Values: [], StatusCode: 'Complete' }
                : steady(q.Id!, id, 1),
          ),
        ),
      }));
      const readings = await Promise.all(many(300).map((source) => service.read('us-east-1', source, 60)));
      expect(readings[0]).toEqual({ known: false, reason: 'CloudWatch answered InternalError for ConnectionBpsEgress of dxcon-c0000000.' });
      expect(readings[1]).toEqual({ known: false, reason: 'CloudWatch has no ConnectionBpsEgress data for dxcon-c0000001 in the window.' });
      expect(readings.slice(2).every((r) => r.known)).toBe(true);
    });

    it('asks by name for everything when the backend does not fill in the dynamic labels', async () => {
      answerBySearch({ connections: many(300).map((c) => (c as { connectionId: string }).connectionId), vifs: [] }, () => "${PROP('Dim.ConnectionId')}");
      const readings = await Promise.all(many(300).map((source) => service.read('us-east-1', source, 60)));
      expect(readings.every((r) => r.known)).toBe(true);
      expect(sentQueries().map((queries) => queries.length)).toEqual([2, 500, 100]);
    });
  });
});

describe('Function: sumTraffic', () => {
  const series = (points: Array<[number, number]>) => ({ t: points.map(([t]) => t), bps: points.map(([, v]) => v * GBPS) });

  it('sums per minute over the minutes every member reported, and takes the peak and mean of the sums', () => {
    const a: Reading = { known: true, egress: series([[60, 1], [120, 3], [180, 1]]), ingress: series([[60, 1], [120, 2]]) };
    const b: Reading = { known: true, egress: series([[60, 2], [120, 4], [240, 9]]), ingress: series([[60, 0.5], [120, 0.5]]) };
    expect(sumTraffic([a, b], 60)).toEqual({
      windowMinutes: 60,
      periodSeconds: 60,
      // Minutes 60 and 120 only: 180 and 240 lack a member, and a missing member is not an idle one.
      egressPeakGbps: 7,
      ingressPeakGbps: 2.5,
      egressAverageGbps: 5,
      ingressAverageGbps: 2,
      known: true,
      unknownReason: null,
    });
  });

  it('is unknown when any part is, with that part\'s reason', () => {
    const traffic = sumTraffic([{ known: true, egress: series([[60, 1]]), ingress: series([[60, 1]]) }, { known: false, reason: 'no data for dxcon-b' }], 60);
    expect(traffic).toMatchObject({ known: false, unknownReason: 'no data for dxcon-b', egressPeakGbps: null, ingressAverageGbps: null });
  });

  it('is unknown when the members reported in no common minute', () => {
    const a: Reading = { known: true, egress: series([[60, 1]]), ingress: series([[60, 1]]) };
    const b: Reading = { known: true, egress: series([[120, 1]]), ingress: series([[120, 1]]) };
    expect(sumTraffic([a, b], 60)).toMatchObject({ known: false, unknownReason: 'CloudWatch has data for every member, but in no minute for all of them at once.' });
  });

  it('says a LAG without members carries nothing', () => {
    expect(sumTraffic([], 60)).toMatchObject({ known: true, egressPeakGbps: 0, ingressPeakGbps: 0 });
  });
});

describe('Function: windowBounds', () => {
  it('ends at the last whole minute', () => {
    expect(windowBounds(15, Date.UTC(2026, 0, 1, 0, 10, 59, 999))).toEqual({ start: new Date(Date.UTC(2025, 11, 31, 23, 55)), end: new Date(Date.UTC(2026, 0, 1, 0, 10)) });
  });
});
