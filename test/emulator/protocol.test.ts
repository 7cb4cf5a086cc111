import { DescribeLagsCommand } from '@aws-sdk/client-direct-connect';
import { describe, expect, it } from 'vitest';
import { operationNames } from '../../src/emulator/operations/index.js';
import { useEmulator, UUID } from '../helpers/emulator.js';

const h = useEmulator();

describe('the AWS JSON 1.1 wire', () => {
  it('answers with the AWS JSON content type and a request ID', async () => {
    const response = await h.call('DescribeLags');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(response.headers.get('x-amzn-requestid')).toMatch(UUID);
  });

  it('puts a request ID on errors too, with x-amzn-ErrorType and an AWS error body', async () => {
    const response = await h.call('DescribeConnections', { connectionId: 'foobar' });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-requestid')).toMatch(UUID);
    expect(response.headers.get('x-amzn-errortype')).toBe('DirectConnectClientException');
    expect(await response.json()).toEqual({
      __type: 'DirectConnectClientException',
      message: 'Connection ID foobar has an invalid format.',
    });
  });

  it('never sends null, leaving absent members out', async () => {
    for (const [operation, region] of [
      ['DescribeConnections', 'us-east-1'],
      ['DescribeLags', 'us-east-1'],
      ['DescribeLags', 'eu-west-1'],
      ['DescribeInterconnects', 'eu-west-1'],
      ['DescribeVirtualInterfaces', 'us-east-1'],
      ['DescribeVirtualInterfaces', 'eu-west-1'],
    ] as const) {
      const text = await (await h.call(operation, {}, { region })).text();
      expect(text).not.toContain('null');
    }
    const hosted = await h.call('DescribeHostedConnections', { connectionId: 'dxlag-partner01' }, { region: 'eu-west-1' });
    expect(await hosted.text()).not.toContain('null');
  });

  it('sends loaIssueTime as epoch seconds, a JSON number', async () => {
    const body = (await (await h.call('DescribeConnections', { connectionId: 'dxcon-standal1' })).json()) as {
      connections: { loaIssueTime: unknown }[];
    };
    expect(body.connections[0]?.loaIssueTime).toBe(1_700_000_000);
  });

  it('matches the target header name case-insensitively, as botocore and the JS SDK spell it differently', async () => {
    const response = await fetch(`${h.url}/`, {
      method: 'POST',
      headers: { 'x-amz-target': 'OvertureService.DescribeLags', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    });
    expect(response.status).toBe(200);
    const upper = await fetch(`${h.url}/`, { method: 'POST', headers: { 'X-AMZ-TARGET': 'OvertureService.DescribeLags' }, body: '{}' });
    expect(upper.status).toBe(200);
  });

  it('takes the region from the SigV4 credential scope and defaults to us-east-1', async () => {
    const eu = (await (await h.call('DescribeLags', {}, { region: 'eu-west-1' })).json()) as { lags: { region: string }[] };
    expect(eu.lags.every((l) => l.region === 'eu-west-1')).toBe(true);
    const unsigned = await fetch(`${h.url}/`, { method: 'POST', headers: { 'X-Amz-Target': 'OvertureService.DescribeLags' }, body: '{}' });
    const body = (await unsigned.json()) as { lags: { region: string }[] };
    expect(body.lags[0]?.region).toBe('us-east-1');
  });

  it('answers UnknownOperationException for an operation it does not know or a missing target', async () => {
    const unknown = await h.call('DescribeRouterConfiguration');
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('x-amzn-requestid')).toMatch(UUID);
    expect(((await unknown.json()) as { __type: string }).__type).toBe('UnknownOperationException');
    const missing = await fetch(`${h.url}/`, { method: 'POST', body: '{}' });
    expect(((await missing.json()) as { __type: string }).__type).toBe('UnknownOperationException');
    expect(h.emulator.stats(), 'unknown operations are not counted').toEqual({});
  });

  it('answers SerializationException for a body that is not a JSON object or a member of the wrong type', async () => {
    for (const body of ['{"lagId":', '[1,2]', '{"lagId": 42}']) {
      const response = await h.call('DescribeLags', body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { __type: string }).__type).toBe('SerializationException');
    }
  });

  it('treats an empty body as an empty input', async () => {
    expect((await h.call('DescribeLags', '')).status).toBe(200);
  });

  it('answers 405 to other methods on / and 404 to other paths, in AWS\'s error shape', async () => {
    const get = await fetch(`${h.url}/`);
    expect(get.status).toBe(405);
    expect(get.headers.get('x-amzn-requestid')).toMatch(UUID);
    expect(await get.json()).toMatchObject({ __type: 'MethodNotAllowedException' });
    const elsewhere = await fetch(`${h.url}/2012-10-25/lags`, { method: 'POST' });
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.json()).toMatchObject({ __type: 'NotFoundException' });
  });

  it('keeps the test controls out of reach of POST /', async () => {
    await h.client().send(new DescribeLagsCommand({}));
    for (const target of ['OvertureService.reset', 'OvertureService._emulator/reset', '_emulator.reset']) {
      const response = await fetch(`${h.url}/`, { method: 'POST', headers: { 'X-Amz-Target': target }, body: '{}' });
      expect(((await response.json()) as { __type: string }).__type).toBe('UnknownOperationException');
    }
    const withQuery = await fetch(`${h.url}/?_emulator/reset`, { method: 'POST', headers: { 'X-Amz-Target': 'OvertureService.Reset' } });
    expect(withQuery.status).toBe(400);
    expect(h.emulator.stats().DescribeLags).toBe(1);
  });

  it('implements every operation of the contract', () => {
    expect([...operationNames].sort()).toEqual([
      'AssociateConnectionWithLag', 'CreateConnection', 'CreateLag', 'DeleteConnection', 'DeleteLag',
      'DescribeAffectedEntities', 'DescribeConnections', 'DescribeDirectConnectGatewayAssociations',
      'DescribeDirectConnectGatewayAttachments', 'DescribeDirectConnectGateways', 'DescribeEvents',
      'DescribeHostedConnections', 'DescribeInterconnects', 'DescribeLags', 'DescribeTags',
      'DescribeVirtualInterfaces', 'DisassociateConnectionFromLag', 'GetMetricData',
      'ListVirtualInterfaceTestHistory', 'StartBgpFailoverTest', 'StopBgpFailoverTest', 'TagResource',
      'UntagResource', 'UpdateLag',
    ]);
  });

  it('tells the services apart on one port by target, path and form, and counts them by operation name', async () => {
    const target = (value: string) => fetch(`${h.url}/`, { method: 'POST', headers: { 'X-Amz-Target': value }, body: '{}' });
    expect((await target('AWSHealth_20160804.DescribeEvents')).headers.get('content-type')).toBe('application/x-amz-json-1.1');
    const cloudWatch = await target('GraniteServiceVersion20100801.GetMetricData');
    // Reached CloudWatch: refused in its own terms, in JSON 1.0.
    expect([cloudWatch.status, cloudWatch.headers.get('content-type'), cloudWatch.headers.get('x-amzn-query-error')]).toEqual([400, 'application/x-amz-json-1.0', 'ValidationError;Sender']);
    expect(((await (await target('AWSHealth_20160804.DescribeLags')).json()) as { __type: string }).__type).toBe('UnknownOperationException');
    expect(((await (await target('GraniteServiceVersion20100801.DescribeLags')).json()) as { __type: string }).__type).toBe('UnknownOperationException');
    const form = await fetch(`${h.url}/`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'Version=2010-08-01' });
    expect([form.status, (await form.text()).includes('<Code>MissingAction</Code>')]).toEqual([400, true]);
    expect(h.emulator.stats()).toEqual({ DescribeEvents: 1, GetMetricData: 1 });
  });

  it('never sends null from the new operations either', async () => {
    for (const [operation, body] of [
      ['DescribeDirectConnectGateways', {}],
      ['DescribeDirectConnectGatewayAssociations', { directConnectGatewayId: '9c2d7b14-6e8a-4f03-b5d1-7a9e3c6f2b80' }],
      ['DescribeDirectConnectGatewayAttachments', { directConnectGatewayId: '5f0c8e2a-3b1d-4c7e-9a6f-2d4b8c1e0a37' }],
    ] as const) {
      const text = await (await h.call(operation, body)).text();
      expect(text, operation).not.toContain('null');
    }
  });

  it('survives hostile input and keeps serving', async () => {
    const inputs: [string, unknown][] = [
      ['DescribeConnections', { connectionId: { nested: true } }],
      ['DescribeTags', { resourceArns: 'not-a-list' }],
      ['TagResource', { resourceArn: 'arn:aws:directconnect:us-east-1:123456789012:dxcon/dxcon-standal1', tags: [null] }],
      ['CreateLag', { numberOfConnections: 1.5 }],
      ['DescribeLags', { maxResults: 'ten' }],
      ['DescribeLags', { nextToken: '%%%' }],
      ['UntagResource', { resourceArn: 7, tagKeys: [] }],
      ['__proto__', {}],
      ['constructor', {}],
    ];
    for (const [operation, body] of inputs) {
      const response = await h.call(operation, body);
      expect(response.status, operation).toBe(400);
    }
    expect((await h.call('DescribeLags')).status).toBe(200);
  });
});
