import { GetMetricDataCommand, type GetMetricDataCommandInput, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { cbor, tag } from '@smithy/core/cbor';
import { describe, expect, it } from 'vitest';
import { caught, dxMetricQuery, useEmulator, UUID } from '../helpers/emulator.js';

// CloudWatch GetMetricData over the emulator's AWS/DX traffic (docs/aws-behaviour.md,
// "CloudWatch for Direct Connect"), through the pinned JS SDK (AWS JSON 1.0) and raw
// Smithy RPC v2 CBOR and query-protocol requests; the CLIs are in awsCli.cloudwatchHealthGateways.test.ts.

const h = useEmulator();
const GBPS = 1e9;
const MINUTE = 60_000;

/** The last `minutes` whole minutes before now, ending on a boundary of `align` minutes: every bucket in it is fully recorded. */
function lastMinutes(minutes: number, align = 1): { StartTime: Date; EndTime: Date } {
  const end = Math.floor(Date.now() / (align * MINUTE)) * align * MINUTE;
  return { StartTime: new Date(end - minutes * MINUTE), EndTime: new Date(end) };
}

const getMetricData = (input: Partial<GetMetricDataCommandInput>, region = 'us-east-1') =>
  h.cloudWatch(region, { maxAttempts: 1 }).send(new GetMetricDataCommand({ ...lastMinutes(60), MetricDataQueries: [], ...input }));

const connection = (id: string, metric = 'ConnectionBpsEgress', options?: { period?: number; stat?: string }) =>
  dxMetricQuery('m1', metric, { ConnectionId: id }, options);

async function onlyResult(input: Partial<GetMetricDataCommandInput>, region?: string): Promise<MetricDataResult> {
  const { MetricDataResults } = await getMetricData(input, region);
  expect(MetricDataResults).toHaveLength(1);
  return MetricDataResults![0]!;
}

describe('GetMetricData over the demo seed\'s traffic', () => {
  it('answers one 1-minute point per minute, newest first, at the seeded steady rate in bits per second', async () => {
    const range = lastMinutes(60);
    const result = await onlyResult({ ...range, MetricDataQueries: [connection('dxcon-busy001a')] });
    expect(result).toMatchObject({ Id: 'm1', Label: 'ConnectionBpsEgress', StatusCode: 'Complete' });
    expect(result.Timestamps).toHaveLength(60);
    expect(result.Timestamps?.[0]).toEqual(new Date(range.EndTime.getTime() - MINUTE));
    expect(result.Timestamps?.at(-1)).toEqual(range.StartTime);
    expect(new Set(result.Values)).toEqual(new Set([6 * GBPS]));
    const ingress = await onlyResult({ MetricDataQueries: [connection('dxcon-busy001b', 'ConnectionBpsIngress')] });
    expect(new Set(ingress.Values)).toEqual(new Set([4 * GBPS]));
  });

  it('seeds the busy LAG so that its per-minute peak, the sum of its members, is above what one member carries', async () => {
    const { MetricDataResults } = await getMetricData({
      MetricDataQueries: [dxMetricQuery('a', 'ConnectionBpsEgress', { ConnectionId: 'dxcon-busy001a' }), dxMetricQuery('b', 'ConnectionBpsEgress', { ConnectionId: 'dxcon-busy001b' })],
    });
    const [a, b] = MetricDataResults ?? [];
    const sums = a?.Values?.map((value, i) => value + (b?.Values?.[i] ?? 0));
    expect(Math.max(...(sums ?? []))).toBe(12 * GBPS);
    expect(a?.Timestamps).toEqual(b?.Timestamps);
  });

  it('follows the seed\'s rules: 1/0.6 Gbps on a 10G connection, 0.2/0.1 on a 1G, 0 on one not available, 1/0.5 on the maintenance LAG', async () => {
    const rate = async (id: string, metric: string) => (await onlyResult({ MetricDataQueries: [connection(id, metric)] })).Values?.[0];
    expect(await rate('dxcon-allow01a', 'ConnectionBpsEgress')).toBe(1 * GBPS);
    expect(await rate('dxcon-allow01a', 'ConnectionBpsIngress')).toBe(0.6 * GBPS);
    expect(await rate('dxcon-standal1', 'ConnectionBpsEgress')).toBe(0.2 * GBPS);
    expect(await rate('dxcon-standal1', 'ConnectionBpsIngress')).toBe(0.1 * GBPS);
    expect(await rate('dxcon-standal2', 'ConnectionBpsEgress'), 'down: recorded as 0, not missing').toBe(0);
    expect(await rate('dxcon-maint01c', 'ConnectionBpsIngress')).toBe(0.5 * GBPS);
  });

  it('answers VIF metrics only under both dimensions, ConnectionId being what the VIF rides on', async () => {
    const vif = (dimensions: Record<string, string>) => onlyResult({ MetricDataQueries: [dxMetricQuery('v', 'VirtualInterfaceBpsEgress', dimensions)] });
    const both = await vif({ ConnectionId: 'dxlag-busy0001', VirtualInterfaceId: 'dxvif-busy01pv' });
    expect(new Set(both.Values)).toEqual(new Set([0.3 * GBPS]));
    for (const dimensions of [{ VirtualInterfaceId: 'dxvif-busy01pv' }, { ConnectionId: 'dxcon-busy001a', VirtualInterfaceId: 'dxvif-busy01pv' }] as Record<string, string>[]) {
      const none = await vif(dimensions);
      expect([none.StatusCode, none.Values, none.Timestamps], JSON.stringify(dimensions)).toEqual(['Complete', [], []]);
    }
  });

  it('answers a metric without data as Complete with no points, as CloudWatch does', async () => {
    for (const query of [
      connection('dxcon-nosuch01'),
      dxMetricQuery('m1', 'ConnectionBpsEgress', { ConnectionId: 'dxcon-allow01a', VirtualInterfaceId: 'dxvif-allow01pv' }),
      dxMetricQuery('m1', 'ConnectionLightLevelTx', { ConnectionId: 'dxcon-allow01a' }),
      { ...connection('dxcon-allow01a'), MetricStat: { ...connection('dxcon-allow01a').MetricStat, Metric: { ...connection('dxcon-allow01a').MetricStat.Metric, Namespace: 'AWS/EC2' } } },
      { ...connection('dxcon-allow01a'), MetricStat: { ...connection('dxcon-allow01a').MetricStat, Unit: 'Bytes' as const } },
    ]) {
      const result = await onlyResult({ MetricDataQueries: [query] });
      expect([result.StatusCode, result.Timestamps, result.Values], JSON.stringify(query)).toEqual(['Complete', [], []]);
    }
    const bits = await onlyResult({ MetricDataQueries: [{ ...connection('dxcon-allow01a'), MetricStat: { ...connection('dxcon-allow01a').MetricStat, Unit: 'Bits/Second' } }] });
    expect(bits.Values).toHaveLength(60);
  });

  it('reads the region of the credential scope: eu-west-1\'s connections are not in us-east-1', async () => {
    expect((await onlyResult({ MetricDataQueries: [connection('dxcon-euwest1a')] }, 'eu-west-1')).Values?.[0]).toBe(1 * GBPS);
    expect((await onlyResult({ MetricDataQueries: [connection('dxcon-euwest1a')] })).Values).toEqual([]);
  });

  it('aligns points to period boundaries inside [StartTime, EndTime), and Sum and SampleCount count the minutes', async () => {
    const end = Math.floor(Date.now() / (5 * MINUTE)) * 5 * MINUTE;
    const range = { StartTime: new Date(end - 30 * MINUTE + 10_000), EndTime: new Date(end - 5 * MINUTE) };
    const queries = ['Average', 'Sum', 'SampleCount', 'p99', 'Maximum'].map((stat, i) => ({ ...connection('dxcon-allow01a', 'ConnectionBpsEgress', { period: 300, stat }), Id: `s${i}` }));
    const { MetricDataResults } = await getMetricData({ ...range, MetricDataQueries: queries, ScanBy: 'TimestampAscending' });
    const [average, sum, count, p99, max] = MetricDataResults ?? [];
    // The first boundary at or after StartTime, then every 5 minutes up to but not including EndTime.
    expect(average?.Timestamps).toEqual([-25, -20, -15, -10].map((m) => new Date(end + m * MINUTE)));
    expect(average?.Values).toEqual([1, 1, 1, 1].map((v) => v * GBPS));
    expect(sum?.Values).toEqual([5, 5, 5, 5].map((v) => v * GBPS));
    expect(count?.Values).toEqual([5, 5, 5, 5]);
    expect([p99?.Values?.[0], max?.Values?.[0]]).toEqual([1 * GBPS, 1 * GBPS]);
  });

  it('has no data from before the seeded 3 hours, nor after now', async () => {
    const now = Date.now();
    const result = await onlyResult({
      StartTime: new Date(now - 6 * 60 * MINUTE),
      EndTime: new Date(now + 60 * MINUTE),
      MetricDataQueries: [connection('dxcon-allow01a', 'ConnectionBpsEgress', { period: 3600, stat: 'SampleCount' })],
    });
    const total = (result.Values ?? []).reduce((a, b) => a + b, 0);
    // 180 minutes recorded, give or take the minute the reset and this call fall in.
    expect(total).toBeGreaterThanOrEqual(180);
    expect(total).toBeLessThanOrEqual(182);
    expect(result.Timestamps?.[0]?.getTime()).toBeLessThanOrEqual(now);
  });

  it('takes the query\'s Label, and leaves out queries with ReturnData false', async () => {
    const { MetricDataResults } = await getMetricData({
      MetricDataQueries: [{ ...connection('dxcon-allow01a'), Label: 'allow01a out' }, { ...connection('dxcon-allow01b'), Id: 'hidden', ReturnData: false }],
    });
    expect(MetricDataResults?.map((r) => [r.Id, r.Label])).toEqual([['m1', 'allow01a out']]);
  });

  it('reports what the store holds for a connection that went down, and what the traffic control sets', async () => {
    await h.control('connection-state', { method: 'POST', body: { region: 'us-east-1', connectionId: 'dxcon-busy001a', connectionState: 'down' } });
    expect((await onlyResult({ MetricDataQueries: [connection('dxcon-busy001a')] })).Values?.[0]).toBe(6 * GBPS);
    await h.control('traffic', { method: 'POST', body: { region: 'us-east-1', resourceId: 'dxcon-busy001a', egressGbps: 2.5, ingressGbps: 0 } });
    const result = await onlyResult({ MetricDataQueries: [connection('dxcon-busy001a')] });
    expect(new Set(result.Values)).toEqual(new Set([2.5 * GBPS]));
    expect(result.Values).toHaveLength(60);
  });
});

describe('GetMetricData paging', () => {
  it('caps an answer at MaxDatapoints across all queries and pages the rest with NextToken', async () => {
    const range = lastMinutes(60);
    const queries = [connection('dxcon-allow01a'), { ...connection('dxcon-allow01b'), Id: 'm2' }];
    const whole = await getMetricData({ ...range, MetricDataQueries: queries });
    expect(whole.NextToken).toBeUndefined();

    const first = await getMetricData({ ...range, MetricDataQueries: queries, MaxDatapoints: 50 });
    expect(first.MetricDataResults?.map((r) => [r.Id, r.Values?.length, r.StatusCode])).toEqual([['m1', 50, 'PartialData'], ['m2', 0, 'PartialData']]);
    const second = await getMetricData({ ...range, MetricDataQueries: queries, MaxDatapoints: 50, NextToken: first.NextToken });
    expect(second.MetricDataResults?.map((r) => [r.Id, r.Values?.length, r.StatusCode])).toEqual([['m1', 10, 'Complete'], ['m2', 40, 'PartialData']]);
    const third = await getMetricData({ ...range, MetricDataQueries: queries, MaxDatapoints: 50, NextToken: second.NextToken });
    expect(third.MetricDataResults?.map((r) => [r.Id, r.Values?.length, r.StatusCode])).toEqual([['m1', 0, 'Complete'], ['m2', 20, 'Complete']]);
    expect(third.NextToken).toBeUndefined();
    const joined = (id: string) => [first, second, third].flatMap((page) => page.MetricDataResults?.find((r) => r.Id === id)?.Timestamps ?? []);
    expect(joined('m1')).toEqual(whole.MetricDataResults?.[0]?.Timestamps);
    expect(joined('m2')).toEqual(whole.MetricDataResults?.[1]?.Timestamps);
  });

  it('refuses a token of another request with InvalidNextToken', async () => {
    const range = lastMinutes(60);
    const { NextToken } = await getMetricData({ ...range, MetricDataQueries: [connection('dxcon-allow01a')], MaxDatapoints: 10 });
    for (const token of [NextToken, 'not-a-token']) {
      const error = await caught(getMetricData({ ...range, MetricDataQueries: [connection('dxcon-allow01b')], MaxDatapoints: 10, NextToken: token }));
      expect([error.name, (error.$metadata as { httpStatusCode: number }).httpStatusCode]).toEqual(['InvalidNextToken', 400]);
    }
  });
});

describe('GetMetricData validation, in CloudWatch\'s kinds of error', () => {
  const refusal = async (input: Partial<GetMetricDataCommandInput>) => {
    const error = await caught(getMetricData(input));
    expect((error.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(400);
    return { name: error.name, message: error.message, code: error.Code };
  };

  it('refuses an empty or oversized query list, and a bad Id, as ValidationError', async () => {
    expect(await refusal({ MetricDataQueries: [] })).toMatchObject({ name: 'ValidationError', message: expect.stringContaining("at 'metricDataQueries' failed to satisfy constraint: Member must have length between 1 and 500") });
    const many = Array.from({ length: 501 }, (_, i) => ({ ...connection('dxcon-allow01a'), Id: `m${i}` }));
    expect((await refusal({ MetricDataQueries: many })).name).toBe('ValidationError');
    for (const Id of ['M1', '1m', 'm-1']) {
      expect(await refusal({ MetricDataQueries: [{ ...connection('dxcon-allow01a'), Id }] })).toMatchObject({
        name: 'ValidationError',
        message: expect.stringContaining(`Value '${Id}' at 'metricDataQueries.1.member.id' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z][a-zA-Z0-9_]*$`),
      });
    }
  });

  it('names every constraint problem at once', async () => {
    const { message } = await refusal({ MetricDataQueries: [{ Id: 'Bad', MetricStat: { Metric: { Namespace: 'AWS/DX' }, Period: 60, Stat: 'Average' } }] });
    expect(message).toMatch(/^2 validation errors detected: /);
    expect(message).toContain("at 'metricDataQueries.1.member.id'");
  });

  it('refuses duplicate Ids, a StartTime not before EndTime, a Period not a multiple of 60 and an unknown Stat as InvalidParameterValue', async () => {
    const now = new Date();
    const cases: [Partial<GetMetricDataCommandInput>, RegExp][] = [
      [{ MetricDataQueries: [connection('dxcon-allow01a'), connection('dxcon-allow01b')] }, /m1 .*MetricDataQueries\.member\.2\.Id.*unique/],
      [{ StartTime: now, EndTime: now, MetricDataQueries: [connection('dxcon-allow01a')] }, /^The parameter StartTime must be less than the parameter EndTime\.$/],
      [{ MetricDataQueries: [connection('dxcon-allow01a', 'ConnectionBpsEgress', { period: 90 })] }, /MetricDataQueries\.member\.1\.MetricStat\.Period must be a multiple of 60; got 90/],
      [{ MetricDataQueries: [connection('dxcon-allow01a', 'ConnectionBpsEgress', { period: 30 })] }, /multiple of 60; got 30/],
      [{ MetricDataQueries: [connection('dxcon-allow01a', 'ConnectionBpsEgress', { stat: 'Median' })] }, /The value Median for parameter MetricDataQueries\.member\.1\.MetricStat\.Stat is not valid/],
      [{ MetricDataQueries: [connection('dxcon-allow01a', 'ConnectionBpsEgress', { stat: 'p101' })] }, /p101/],
    ];
    for (const [input, message] of cases) {
      // The JS SDK reports the modelled shape; the query code rides in Code.
      expect(await refusal(input), String(message)).toMatchObject({ name: 'InvalidParameterValueException', code: 'InvalidParameterValue', message: expect.stringMatching(message) });
    }
  });

  it('refuses a query with both or neither of MetricStat and Expression as InvalidParameterCombination', async () => {
    for (const query of [{ Id: 'm1' }, { ...connection('dxcon-allow01a'), Expression: 'm2 * 2' }]) {
      expect(await refusal({ MetricDataQueries: [query] })).toMatchObject({
        name: 'InvalidParameterCombinationException',
        message: 'The query m1 (MetricDataQueries.member.1) must have exactly one of MetricStat and Expression.',
      });
    }
  });

  it('says plainly that it evaluates no metric math but SEARCH', async () => {
    const error = await refusal({ MetricDataQueries: [connection('dxcon-allow01a'), { Id: 'total', Expression: 'SUM(METRICS())' }] });
    expect(error).toMatchObject({ name: 'InvalidParameterValueException', message: expect.stringContaining('The emulator evaluates no metric math but SEARCH(') });
    expect(error.message).toContain('(query total: SUM(METRICS()))');
  });

  it('refuses an unknown ScanBy and a MaxDatapoints below 1', async () => {
    expect((await refusal({ MetricDataQueries: [connection('dxcon-allow01a')], ScanBy: 'Sideways' as never })).message).toContain('Member must satisfy enum value set: [TimestampDescending, TimestampAscending]');
    expect((await refusal({ MetricDataQueries: [connection('dxcon-allow01a')], MaxDatapoints: 0 })).name).toBe('ValidationError');
  });
});

const CBOR_PATH = '/service/GraniteServiceVersion20100801/operation/GetMetricData';
const SCOPE = (region = 'us-east-1') => `AWS4-HMAC-SHA256 Credential=test/20261207/${region}/monitoring/aws4_request, SignedHeaders=host, Signature=00`;
const cborCall = (body: unknown, region?: string) =>
  fetch(`${h.url}${CBOR_PATH}`, {
    method: 'POST',
    headers: { 'smithy-protocol': 'rpc-v2-cbor', 'Content-Type': 'application/cbor', Accept: 'application/cbor', Authorization: SCOPE(region) },
    body: cbor.serialize(body),
  });
const decoded = async (response: Response) => cbor.deserialize(new Uint8Array(await response.arrayBuffer())) as Record<string, any>;
const queryCall = (form: Record<string, string>) =>
  fetch(`${h.url}/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8', Authorization: SCOPE() },
    body: new URLSearchParams({ Action: 'GetMetricData', Version: '2010-08-01', ...form }).toString(),
  });
const queryForm = (range: { StartTime: Date; EndTime: Date }, connectionId = 'dxcon-allow01a') => ({
  'MetricDataQueries.member.1.Id': 'm1',
  'MetricDataQueries.member.1.MetricStat.Metric.Namespace': 'AWS/DX',
  'MetricDataQueries.member.1.MetricStat.Metric.MetricName': 'ConnectionBpsEgress',
  'MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name': 'ConnectionId',
  'MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value': connectionId,
  'MetricDataQueries.member.1.MetricStat.Period': '300',
  'MetricDataQueries.member.1.MetricStat.Stat': 'Average',
  StartTime: range.StartTime.toISOString(),
  EndTime: range.EndTime.toISOString(),
});

describe('GetMetricData on each protocol', () => {
  it('AWS JSON 1.0: epoch-second timestamps, and errors that name the query code in x-amzn-query-error', async () => {
    const range = lastMinutes(10);
    const call = (body: unknown) =>
      fetch(`${h.url}/`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'GraniteServiceVersion20100801.GetMetricData', 'x-amzn-query-mode': 'true', Authorization: SCOPE() },
        body: JSON.stringify(body),
      });
    const ok = await call({ StartTime: range.StartTime.getTime() / 1000, EndTime: range.EndTime.getTime() / 1000, MetricDataQueries: [connection('dxcon-allow01a')] });
    expect([ok.status, ok.headers.get('content-type')]).toEqual([200, 'application/x-amz-json-1.0']);
    const body = (await ok.json()) as { MetricDataResults: { Timestamps: unknown[] }[] };
    expect(body.MetricDataResults[0]?.Timestamps[0]).toBe(range.EndTime.getTime() / 1000 - 60);
    const bad = await call({ StartTime: 10, EndTime: 5, MetricDataQueries: [connection('dxcon-allow01a')] });
    expect([bad.status, bad.headers.get('x-amzn-query-error')]).toEqual([400, 'InvalidParameterValue;Sender']);
    expect(await bad.json()).toEqual({ __type: 'InvalidParameterValueException', message: 'The parameter StartTime must be less than the parameter EndTime.' });
  });

  it('Smithy RPC v2 CBOR: tag-1 timestamps both ways and the smithy-protocol header on the answer', async () => {
    const range = lastMinutes(15, 5);
    const response = await cborCall({
      StartTime: tag({ tag: 1, value: range.StartTime.getTime() / 1000 }),
      EndTime: tag({ tag: 1, value: range.EndTime.getTime() / 1000 }),
      MetricDataQueries: [connection('dxcon-busy001a', 'ConnectionBpsEgress', { period: 300 })],
    });
    expect([response.status, response.headers.get('smithy-protocol'), response.headers.get('content-type')]).toEqual([200, 'rpc-v2-cbor', 'application/cbor']);
    expect(response.headers.get('x-amzn-requestid')).toMatch(UUID);
    const body = await decoded(response);
    const result = body.MetricDataResults[0];
    expect(result.Timestamps.map((t: { tag: number; value: number }) => [t.tag, t.value * 1000])).toEqual(
      [5, 10, 15].map((m) => [1, range.EndTime.getTime() - m * MINUTE]),
    );
    expect([result.Id, result.Values, result.StatusCode]).toEqual(['m1', [6 * GBPS, 6 * GBPS, 6 * GBPS], 'Complete']);
    expect(body).not.toHaveProperty('NextToken');
  });

  it('Smithy RPC v2 CBOR: errors as {__type, message} with the shape ID, the query code in the header', async () => {
    const response = await cborCall({ MetricDataQueries: [connection('dxcon-allow01a')] });
    expect([response.status, response.headers.get('smithy-protocol'), response.headers.get('x-amzn-query-error')]).toEqual([400, 'rpc-v2-cbor', 'ValidationError;Sender']);
    expect(await decoded(response)).toEqual({
      __type: 'com.amazonaws.cloudwatch#ValidationError',
      message: "2 validation errors detected: Value null at 'startTime' failed to satisfy constraint: Member must not be null; Value null at 'endTime' failed to satisfy constraint: Member must not be null",
    });
    const notCbor = await fetch(`${h.url}${CBOR_PATH}`, { method: 'POST', headers: { 'smithy-protocol': 'rpc-v2-cbor' }, body: '{"json": true}' });
    expect([notCbor.status, (await decoded(notCbor)).__type]).toEqual([400, 'com.amazonaws.cloudwatch#SerializationException']);
    const unknown = await fetch(`${h.url}/service/GraniteServiceVersion20100801/operation/PutMetricData`, { method: 'POST', body: cbor.serialize({}) });
    expect((await decoded(unknown)).__type).toBe('com.amazonaws.cloudwatch#UnknownOperationException');
  });

  it('the query protocol: form-encoded in, XML out, the request ID in the header and in ResponseMetadata', async () => {
    const range = lastMinutes(10, 5);
    const response = await queryCall(queryForm(range));
    expect([response.status, response.headers.get('content-type')]).toEqual([200, 'text/xml']);
    const requestId = response.headers.get('x-amzn-requestid');
    const xml = await response.text();
    const first = new Date(range.EndTime.getTime() - 5 * MINUTE).toISOString();
    expect(xml).toContain(
      '<GetMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><GetMetricDataResult><MetricDataResults><member>' +
        `<Id>m1</Id><Label>ConnectionBpsEgress</Label><Timestamps><member>${first}</member>`,
    );
    expect(xml).toContain('<Values><member>1000000000</member><member>1000000000</member></Values><StatusCode>Complete</StatusCode>');
    expect(xml).toContain(`<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></GetMetricDataResponse>`);
  });

  it('the query protocol: errors as an ErrorResponse with Type, Code and Message, and unknown actions refused', async () => {
    const range = lastMinutes(10);
    const response = await queryCall({ ...queryForm(range), 'MetricDataQueries.member.1.MetricStat.Period': '45' });
    expect(response.status).toBe(400);
    const requestId = response.headers.get('x-amzn-requestid');
    expect(await response.text()).toMatch(
      new RegExp(
        '<ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><Error><Type>Sender</Type><Code>InvalidParameterValue</Code>' +
          `<Message>The parameter MetricDataQueries.member.1.MetricStat.Period must be a multiple of 60; got 45.*</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>$`,
      ),
    );
    const action = await queryCall({ Action: 'PutMetricData' });
    expect([action.status, (await action.text()).match(/<Code>(\w+)<\/Code>/)?.[1]]).toEqual([400, 'InvalidAction']);
    expect(h.emulator.stats()).toEqual({ GetMetricData: 1 });
  });
});

describe('faults on GetMetricData, in each protocol\'s shape', () => {
  const fault = (body: unknown) => h.control('faults', { method: 'POST', body });
  const range = () => lastMinutes(10);

  it('throttles with Throttling, which the JS SDK retries', async () => {
    await fault({ type: 'throttle', operation: 'GetMetricData', count: 1 });
    const error = await caught(getMetricData({ MetricDataQueries: [connection('dxcon-allow01a')] }));
    expect([error.name, error.message, (error.$metadata as { httpStatusCode: number }).httpStatusCode]).toEqual(['Throttling', 'Rate exceeded', 400]);
    await fault({ type: 'throttle', operation: 'GetMetricData', count: 1 });
    const retried = await h.cloudWatch('us-east-1', { maxAttempts: 3 }).send(new GetMetricDataCommand({ ...range(), MetricDataQueries: [connection('dxcon-allow01a')] }));
    expect(retried.$metadata.attempts).toBe(2);
    expect(h.emulator.stats()).toEqual({ GetMetricData: 3 });
  });

  it('throttles CBOR and query callers with Throttling in their own shapes', async () => {
    await fault({ type: 'throttle', operation: 'GetMetricData', count: 2 });
    const viaCbor = await cborCall({});
    expect([viaCbor.status, viaCbor.headers.get('x-amzn-query-error'), (await decoded(viaCbor)).__type]).toEqual([400, 'Throttling;Sender', 'com.amazonaws.cloudwatch#Throttling']);
    const viaQuery = await queryCall(queryForm(range()));
    expect(await viaQuery.text()).toContain('<Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>');
  });

  it('answers a server error as CloudWatch\'s InternalServiceFault, HTTP 500, in every protocol', async () => {
    await fault({ type: 'server-error', operation: 'GetMetricData', count: 3 });
    const error = await caught(getMetricData({ MetricDataQueries: [connection('dxcon-allow01a')] }));
    expect([error.name, error.Code, (error.$metadata as { httpStatusCode: number }).httpStatusCode]).toEqual(['InternalServiceFault', 'InternalServiceError', 500]);
    const viaCbor = await cborCall({});
    expect([viaCbor.status, viaCbor.headers.get('x-amzn-query-error')]).toEqual([500, 'InternalServiceError;Receiver']);
    const viaQuery = await queryCall(queryForm(range()));
    expect([viaQuery.status, (await viaQuery.text()).includes('<Type>Receiver</Type><Code>InternalServiceError</Code>')]).toEqual([500, true]);
  });

  it('cuts an answer short in the protocol\'s own encoding, and keeps serving', async () => {
    await fault({ type: 'malformed-json', operation: 'GetMetricData', count: 3 });
    const error = await caught(getMetricData({ MetricDataQueries: [connection('dxcon-allow01a')] }));
    expect(error.message).toContain('Deserialization error');
    const viaCbor = await cborCall({});
    expect(viaCbor.status).toBe(200);
    const bytes = new Uint8Array(await viaCbor.arrayBuffer());
    expect(() => cbor.deserialize(bytes)).toThrow();
    const viaQuery = await queryCall(queryForm(range()));
    expect(await viaQuery.text()).not.toContain('</GetMetricDataResponse>');
    expect((await getMetricData({ MetricDataQueries: [connection('dxcon-allow01a')] })).MetricDataResults).toHaveLength(1);
  });

  it('leaves Direct Connect alone when the fault names GetMetricData', async () => {
    await fault({ type: 'server-error', operation: 'GetMetricData' });
    expect((await h.call('DescribeLags')).status).toBe(200);
  });
});

describe('GetMetricData with a SEARCH expression', () => {
  const search = (id: string, schema: string, metric: string, label?: string) => ({
    Id: id,
    Expression: `SEARCH('{${schema}} MetricName="${metric}"', 'Average', 60)`,
    ...(label ? { Label: label } : {}),
  });

  it('answers one series per connection of the region, each labelled by its dynamic label', async () => {
    const { MetricDataResults } = await getMetricData({ MetricDataQueries: [search('ce', 'AWS/DX,ConnectionId', 'ConnectionBpsEgress', "${PROP('Dim.ConnectionId')}")] });
    const byLabel = new Map((MetricDataResults ?? []).map((r) => [r.Label, r]));
    expect(byLabel.get('dxcon-busy001a')).toMatchObject({ Id: 'ce', StatusCode: 'Complete' });
    expect(new Set(byLabel.get('dxcon-busy001a')?.Values)).toEqual(new Set([6 * GBPS]));
    expect(byLabel.has('dxcon-allow01a')).toBe(true);
    // Only connections: VIF metrics have another set of dimensions.
    expect([...byLabel.keys()].every((label) => label?.startsWith('dxcon-'))).toBe(true);
    // Only this region's: eu-west-1's connections are not here.
    expect(byLabel.has('dxcon-euwest1a')).toBe(false);
  });

  it('finds VIF series by their two dimensions and labels them by either', async () => {
    const { MetricDataResults } = await getMetricData({
      MetricDataQueries: [search('vi', 'AWS/DX,ConnectionId,VirtualInterfaceId', 'VirtualInterfaceBpsIngress', "${PROP('Dim.VirtualInterfaceId')} on ${PROP('Dim.ConnectionId')}")],
    });
    const labels = (MetricDataResults ?? []).map((r) => r.Label);
    expect(labels).toContain('dxvif-busy01pv on dxlag-busy0001');
    expect(new Set(MetricDataResults?.find((r) => r.Label === 'dxvif-busy01pv on dxlag-busy0001')?.Values)).toEqual(new Set([0.2 * GBPS]));
  });

  it('matches nothing for a schema or metric no AWS/DX series has', async () => {
    const { MetricDataResults } = await getMetricData({ MetricDataQueries: [search('x', 'AWS/DX,VirtualInterfaceId', 'VirtualInterfaceBpsIngress')] });
    expect(MetricDataResults).toEqual([]);
  });

  it('refuses a search with a period that is not a whole number of minutes', async () => {
    const error = await caught(getMetricData({ MetricDataQueries: [{ Id: 's', Expression: `SEARCH('{AWS/DX,ConnectionId} MetricName="ConnectionBpsEgress"', 'Average', 30)` }] }));
    expect(error).toMatchObject({ name: 'InvalidParameterValueException', message: 'The period of the search in query s must be a multiple of 60; got 30.' });
  });
});

