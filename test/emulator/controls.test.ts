import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DescribeConnectionsCommand,
  DescribeLagsCommand,
  DescribeVirtualInterfacesCommand,
  DisassociateConnectionFromLagCommand,
} from '@aws-sdk/client-direct-connect';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeEventsCommand } from '@aws-sdk/client-health';
import { describe, expect, it } from 'vitest';
import { createRequestListener } from '../../src/emulator/router.js';
import { EmulatorState } from '../../src/emulator/state.js';
import { caught, dxMetricQuery, expectClientError, useEmulator, UUID } from '../helpers/emulator.js';

const h = useEmulator();
const json = async (response: Response) => (await response.json()) as Record<string, unknown>;

describe('GET /_emulator/stats', () => {
  it('counts AWS calls per operation in the pinned shape, errors included', async () => {
    const client = h.client();
    await client.send(new DescribeLagsCommand({}));
    await client.send(new DescribeLagsCommand({ lagId: 'dxlag-allow001' }));
    await caught(client.send(new DescribeConnectionsCommand({ connectionId: 'foobar' })));
    const response = await h.control('stats');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ requests: { DescribeLags: 2, DescribeConnections: 1 } });
    expect(h.emulator.stats()).toEqual({ DescribeLags: 2, DescribeConnections: 1 });
  });

  it('does not count the controls themselves', async () => {
    await h.control('stats');
    await h.control('faults');
    expect(await json(await h.control('stats'))).toEqual({ requests: {} });
  });

  it('answers 405 to other methods', async () => {
    const response = await h.control('stats', { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('x-amzn-requestid')).toMatch(UUID);
  });
});

describe('POST /_emulator/reset', () => {
  it('reseeds the stores and zeroes the stats', async () => {
    await h.client().send(new DisassociateConnectionFromLagCommand({ connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001' }));
    expect(h.emulator.stats()).toEqual({ DisassociateConnectionFromLag: 1 });
    const response = await h.control('reset', { method: 'POST' });
    expect(response.status).toBe(200);
    expect(h.emulator.stats()).toEqual({});
    const { lags } = await h.client().send(new DescribeLagsCommand({ lagId: 'dxlag-allow001' }));
    expect(lags?.[0]?.numberOfConnections).toBe(3);
  });

  it('clears the fault rules', async () => {
    await h.control('faults', { method: 'POST', body: { type: 'throttle' } });
    await h.control('reset', { method: 'POST' });
    expect(await json(await h.control('faults'))).toEqual({ faults: [] });
  });
});

describe('/_emulator/faults', () => {
  const fault = (body: unknown) => h.control('faults', { method: 'POST', body });

  it('adds, lists and clears fault rules', async () => {
    const added = await fault({ type: 'throttle', operation: 'DescribeLags', count: 2 });
    expect(added.status).toBe(200);
    const expected = { faults: [{ id: 'fault-1', type: 'throttle', operation: 'DescribeLags', rate: 1, count: 2 }] };
    expect(await added.json()).toEqual(expected);
    expect(await json(await h.control('faults'))).toEqual(expected);
    expect(await json(await h.control('faults', { method: 'DELETE' }))).toEqual({ faults: [] });
    expect(await json(await h.control('faults'))).toEqual({ faults: [] });
  });

  it('rejects an invalid body with every problem named', async () => {
    const response = await fault({ type: 'explode', operation: 'Nope', rate: 2, count: 0, extra: 1 });
    expect(response.status).toBe(400);
    const { message } = (await response.json()) as { message: string };
    for (const part of ['unknown member "extra"', 'type must be one of', 'operation must be one of', 'rate must be', 'count must be']) {
      expect(message).toContain(part);
    }
    expect((await fault('{not json')).status).toBe(400);
    expect((await fault({ type: 'latency' })).status).toBe(400);
  });

  it('throttles with ThrottlingException "Rate exceeded"', async () => {
    await fault({ type: 'throttle' });
    const error = await caught(h.client('us-east-1', { maxAttempts: 1 }).send(new DescribeLagsCommand({})));
    expect(error.name).toBe('ThrottlingException');
    expect(error.message).toBe('Rate exceeded');
    expect((error.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(400);
  });

  it('answers a server error with DirectConnectServerException and HTTP 500', async () => {
    await fault({ type: 'server-error' });
    const error = await caught(h.client('us-east-1', { maxAttempts: 1 }).send(new DescribeLagsCommand({})));
    expect(error.name).toBe('DirectConnectServerException');
    expect((error.$metadata as { httpStatusCode: number }).httpStatusCode).toBe(500);
  });

  it('drops the connection without answering, which the SDK sees as a network error', async () => {
    await fault({ type: 'drop', count: 1 });
    const error = await caught(h.client('us-east-1', { maxAttempts: 1 }).send(new DescribeLagsCommand({})));
    expect((error.$metadata as { httpStatusCode?: number }).httpStatusCode).toBeUndefined();
    expect(String(error.code ?? error.message)).toMatch(/ECONNRESET|socket hang up/);
    expect((await h.client().send(new DescribeLagsCommand({}))).lags).toHaveLength(8);
  });

  it('answers garbage or truncated JSON with HTTP 200, which the SDK cannot deserialize, and keeps serving', async () => {
    for (const type of ['garbage', 'malformed-json']) {
      await fault({ type, count: 1 });
      const error = await caught(h.client('us-east-1', { maxAttempts: 1 }).send(new DescribeLagsCommand({})));
      expect(error.name, type).toBe('SyntaxError');
      expect(error.message, type).toContain('Deserialization error');
      expect((error.$metadata as { httpStatusCode?: number } | undefined)?.httpStatusCode, type).toBe(200);
      expect((await h.client().send(new DescribeLagsCommand({}))).lags).toHaveLength(8);
    }
  });

  it('delays calls by latencyMs and then answers normally', async () => {
    await fault({ type: 'latency', latencyMs: 150 });
    const start = Date.now();
    const { lags } = await h.client().send(new DescribeLagsCommand({}));
    expect(Date.now() - start).toBeGreaterThanOrEqual(140);
    expect(lags).toHaveLength(8);
  });

  it('applies to the next count matching calls, then expires', async () => {
    await fault({ type: 'throttle', count: 2 });
    const client = h.client('us-east-1', { maxAttempts: 1 });
    expect((await caught(client.send(new DescribeLagsCommand({})))).name).toBe('ThrottlingException');
    expect((await caught(client.send(new DescribeConnectionsCommand({})))).name).toBe('ThrottlingException');
    await client.send(new DescribeLagsCommand({}));
    expect(await json(await h.control('faults'))).toEqual({ faults: [] });
    expect(h.emulator.stats()).toEqual({ DescribeLags: 2, DescribeConnections: 1 });
  });

  it('applies only to the named operation', async () => {
    await fault({ type: 'server-error', operation: 'DescribeConnections' });
    const client = h.client('us-east-1', { maxAttempts: 1 });
    await client.send(new DescribeLagsCommand({}));
    expect((await caught(client.send(new DescribeConnectionsCommand({})))).name).toBe('DirectConnectServerException');
  });

  it('never fires at rate 0', async () => {
    await fault({ type: 'throttle', rate: 0 });
    await h.client('us-east-1', { maxAttempts: 1 }).send(new DescribeLagsCommand({}));
  });

  it('lets the SDK\'s retries ride out a short fault', async () => {
    await fault({ type: 'throttle', count: 1 });
    const { lags } = await h.client('us-east-1', { maxAttempts: 3 }).send(new DescribeLagsCommand({}));
    expect(lags).toHaveLength(8);
    expect(h.emulator.stats()).toEqual({ DescribeLags: 2 });
  });

  it('is also available programmatically', async () => {
    h.emulator.faults.add({ type: 'throttle', operation: 'DescribeLags', count: 1 });
    expect(h.emulator.faults.list()).toHaveLength(1);
    h.emulator.faults.clear();
    await h.client('us-east-1', { maxAttempts: 1 }).send(new DescribeLagsCommand({}));
  });
});

/** Posts to a control and answers its status, its Allow header and its JSON body. */
async function post(path: string, body: unknown, method = 'POST') {
  const response = await h.control(path, { method, body });
  return { status: response.status, allow: response.headers.get('allow'), body: (await response.json()) as Record<string, any> };
}

describe('POST /_emulator/connection-state', () => {
  const setState = (body: unknown) => post('connection-state', body);

  it('sets a connection\'s state and answers the connection as DescribeConnections shows it', async () => {
    const answer = await setState({ region: 'us-east-1', connectionId: 'dxcon-allow01b', connectionState: 'down' });
    expect(answer.status).toBe(200);
    expect(answer.body.connection).toMatchObject({
      connectionId: 'dxcon-allow01b',
      connectionState: 'down',
      lagId: 'dxlag-allow001',
      region: 'us-east-1',
      loaIssueTime: 1_700_000_000,
    });
    const { connections } = await h.client().send(new DescribeConnectionsCommand({ connectionId: 'dxcon-allow01b' }));
    expect(connections?.[0]?.connectionState).toBe('down');
    expect(h.emulator.stats(), 'the controls are not AWS calls').toEqual({ DescribeConnections: 1 });
  });

  it('moves state under a plan: with two members down, the third may not leave its LAG', async () => {
    for (const connectionId of ['dxcon-allow01b', 'dxcon-allow01c']) {
      await setState({ region: 'us-east-1', connectionId, connectionState: 'down' });
    }
    await expectClientError(
      h.client().send(new DisassociateConnectionFromLagCommand({ connectionId: 'dxcon-allow01a', lagId: 'dxlag-allow001' })),
      /with 0 operational connection\(s\), below its minimumLinks of 1/,
    );
  });

  it('accepts every ConnectionState of AWS, in any region, and a reset undoes it', async () => {
    for (const connectionState of ['ordering', 'requested', 'pending', 'available', 'down', 'deleting', 'deleted', 'rejected', 'unknown']) {
      const answer = await setState({ region: 'eu-west-1', connectionId: 'dxcon-eustand1', connectionState });
      expect(answer.body.connection?.connectionState, connectionState).toBe(connectionState);
    }
    await h.control('reset', { method: 'POST' });
    const { connections } = await h.client('eu-west-1').send(new DescribeConnectionsCommand({ connectionId: 'dxcon-eustand1' }));
    expect(connections?.[0]?.connectionState).toBe('available');
  });

  it('rejects a bad body with a 400 ValidationException naming every problem', async () => {
    const answer = await setState({ region: 'US East', connectionId: 'dxlag-allow001', connectionState: 'broken', extra: 1 });
    expect(answer.status).toBe(400);
    expect(answer.body.__type).toBe('ValidationException');
    for (const part of ['unknown member "extra"', 'region must be', 'connectionId must be', 'connectionState must be one of ordering, requested']) {
      expect(answer.body.message).toContain(part);
    }
    const missing = await setState({ region: 'us-east-1' });
    expect(missing.body.message).toBe('Invalid connection-state body: connectionId is required; connectionState is required.');
    const notJson = await setState('{"region":');
    expect([notJson.status, notJson.body.message]).toEqual([400, 'The connection-state body is not valid JSON.']);
    const notObject = await setState([1]);
    expect([notObject.status, notObject.body.message]).toEqual([400, 'The connection-state body must be a JSON object.']);
    expect((await setState({ region: 'us-east-1', connectionId: 'dxcon-allow01b', connectionState: 7 })).status).toBe(400);
  });

  it('answers an unknown connection, or one of another region, with a 404 NotFoundException', async () => {
    const unknown = await setState({ region: 'us-east-1', connectionId: 'dxcon-nosuch01', connectionState: 'down' });
    expect([unknown.status, unknown.body.__type, unknown.body.message]).toEqual([404, 'NotFoundException', 'No connection dxcon-nosuch01 in us-east-1.']);
    const elsewhere = await setState({ region: 'eu-west-1', connectionId: 'dxcon-allow01b', connectionState: 'down' });
    expect(elsewhere.status).toBe(404);
  });

  it('answers 405 with Allow: POST to other methods', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const answer = await post('connection-state', undefined, method);
      expect([answer.status, answer.allow, answer.body.__type], method).toEqual([405, 'POST', 'MethodNotAllowedException']);
    }
  });
});

describe('POST /_emulator/bgp-status', () => {
  const setStatus = (body: unknown) => post('bgp-status', body);
  const statuses = (vif: { bgpPeers?: Array<{ bgpStatus?: string }> } | undefined) => vif?.bgpPeers?.map((p) => p.bgpStatus);

  it('sets one BGP peer\'s status and answers the VIF as DescribeVirtualInterfaces shows it', async () => {
    const answer = await setStatus({ region: 'us-east-1', virtualInterfaceId: 'dxvif-allow01pv', bgpPeerId: 'dxpeer-allow01pv6', bgpStatus: 'down' });
    expect(answer.status).toBe(200);
    expect(answer.body.virtualInterface).toMatchObject({ virtualInterfaceId: 'dxvif-allow01pv', connectionId: 'dxlag-allow001', region: 'us-east-1' });
    expect(statuses(answer.body.virtualInterface)).toEqual(['up', 'down']);
    const { virtualInterfaces } = await h.client().send(new DescribeVirtualInterfacesCommand({ virtualInterfaceId: 'dxvif-allow01pv' }));
    expect(statuses(virtualInterfaces?.[0])).toEqual(['up', 'down']);
    // Only the peer changes; the VIF's own state is the emulator's to leave alone.
    expect(virtualInterfaces?.[0]?.virtualInterfaceState).toBe('available');
  });

  it('sets every peer of the VIF when bgpPeerId is absent', async () => {
    const answer = await setStatus({ region: 'eu-west-1', virtualInterfaceId: 'dxvif-eustand1tr', bgpStatus: 'down' });
    expect(statuses(answer.body.virtualInterface)).toEqual(['down', 'down']);
    const back = await setStatus({ region: 'eu-west-1', virtualInterfaceId: 'dxvif-eustand1tr', bgpStatus: 'up' });
    expect(statuses(back.body.virtualInterface)).toEqual(['up', 'up']);
  });

  it('rejects a bad body with a 400 ValidationException naming every problem', async () => {
    const answer = await setStatus({ region: 'us-east-1', virtualInterfaceId: 'dxcon-allow01a', bgpPeerId: 5, bgpStatus: 'sideways' });
    expect([answer.status, answer.body.__type]).toEqual([400, 'ValidationException']);
    for (const part of ['virtualInterfaceId must be', 'bgpPeerId must be a BGP peer ID', 'bgpStatus must be one of up, down, unknown']) {
      expect(answer.body.message).toContain(part);
    }
    const missing = await setStatus({});
    expect(missing.body.message).toBe('Invalid bgp-status body: region is required; virtualInterfaceId is required; bgpStatus is required.');
    expect((await setStatus('not json')).status).toBe(400);
  });

  it('answers an unknown VIF or a peer the VIF does not have with a 404 NotFoundException', async () => {
    const vif = await setStatus({ region: 'us-east-1', virtualInterfaceId: 'dxvif-nosuch01', bgpStatus: 'down' });
    expect([vif.status, vif.body.__type, vif.body.message]).toEqual([404, 'NotFoundException', 'No virtual interface dxvif-nosuch01 in us-east-1.']);
    const peer = await setStatus({ region: 'us-east-1', virtualInterfaceId: 'dxvif-allow01tr', bgpPeerId: 'dxpeer-allow01pv4', bgpStatus: 'down' });
    expect([peer.status, peer.body.message]).toEqual([404, 'Virtual interface dxvif-allow01tr has no BGP peer dxpeer-allow01pv4.']);
    const { virtualInterfaces } = await h.client().send(new DescribeVirtualInterfacesCommand({ virtualInterfaceId: 'dxvif-allow01pv' }));
    expect(statuses(virtualInterfaces?.[0]), 'a refused call changes nothing').toEqual(['up', 'up']);
  });

  it('answers 405 with Allow: POST to other methods', async () => {
    const answer = await post('bgp-status', undefined, 'GET');
    expect([answer.status, answer.allow]).toEqual([405, 'POST']);
  });
});

describe('POST /_emulator/traffic', () => {
  const setTraffic = (body: unknown) => post('traffic', body);
  const egress = async (connectionId: string) => {
    const end = Math.floor(Date.now() / 60_000) * 60_000;
    const { MetricDataResults } = await h.cloudWatch().send(
      new GetMetricDataCommand({
        StartTime: new Date(end - 3 * 60 * 60_000),
        EndTime: new Date(end),
        MetricDataQueries: [dxMetricQuery('m1', 'ConnectionBpsEgress', { ConnectionId: connectionId })],
      }),
    );
    return MetricDataResults?.[0]?.Values ?? [];
  };

  it('sets a steady rate over the last 3 hours, answers what it set, and a reset restores the seed\'s', async () => {
    const answer = await setTraffic({ region: 'us-east-1', resourceId: 'dxcon-allow01a', egressGbps: 7.5, ingressGbps: 0.25 });
    expect(answer.status).toBe(200);
    expect(answer.body.traffic).toEqual({ region: 'us-east-1', resourceId: 'dxcon-allow01a', egressGbps: 7.5, ingressGbps: 0.25, since: expect.any(String) });
    expect(Date.now() - Date.parse(answer.body.traffic.since)).toBeGreaterThanOrEqual(3 * 60 * 60_000);
    const values = await egress('dxcon-allow01a');
    // The minute the 3 hours begin in is recorded only in part, so it may hold no sample.
    expect(values.length).toBeGreaterThanOrEqual(179);
    expect(new Set(values)).toEqual(new Set([7.5e9]));
    await h.control('reset', { method: 'POST' });
    expect(new Set(await egress('dxcon-allow01a'))).toEqual(new Set([1e9]));
  });

  it('sets a VIF\'s rate too, in the VIF\'s region', async () => {
    expect((await setTraffic({ region: 'eu-west-1', resourceId: 'dxvif-euwest1pv', egressGbps: 0, ingressGbps: 1 })).status).toBe(200);
  });

  it('rejects a bad body with a 400 ValidationException naming every problem', async () => {
    const answer = await setTraffic({ region: 'us-east-1', resourceId: 'dxlag-allow001', egressGbps: -1, ingressGbps: '2', extra: true });
    expect([answer.status, answer.body.__type]).toEqual([400, 'ValidationException']);
    for (const part of ['unknown member "extra"', 'resourceId must be a connection or virtual interface ID', 'egressGbps must be a number of Gbps from 0 to 1000', 'ingressGbps must be a number']) {
      expect(answer.body.message).toContain(part);
    }
    expect((await setTraffic({})).body.message).toBe('Invalid traffic body: region is required; resourceId is required; egressGbps is required; ingressGbps is required.');
  });

  it('answers a resource not in that region with a 404', async () => {
    const answer = await setTraffic({ region: 'eu-west-1', resourceId: 'dxcon-allow01a', egressGbps: 1, ingressGbps: 1 });
    expect([answer.status, answer.body.__type, answer.body.message]).toEqual([404, 'NotFoundException', 'No connection or virtual interface dxcon-allow01a in eu-west-1.']);
  });
});

describe('POST /_emulator/maintenance', () => {
  const addEvent = (body: unknown) => post('maintenance', body);
  const valid = { region: 'us-east-1', resourceIds: ['dxcon-allow01a', 'dxlag-allow001'], statusCode: 'upcoming', startTime: '2026-12-24T02:00:00Z', endTime: '2026-12-24T06:00:00.000Z' };

  it('adds a DIRECTCONNECT maintenance event naming the resources, and answers its ARN', async () => {
    const answer = await addEvent(valid);
    expect(answer.status).toBe(200);
    expect(answer.body.eventArn).toMatch(/^arn:aws:health:us-east-1::event\/DIRECTCONNECT\/AWS_DIRECTCONNECT_MAINTENANCE_SCHEDULED\//);
    const { events } = await h.health().send(new DescribeEventsCommand({ filter: { eventArns: [answer.body.eventArn] } }));
    expect(events?.[0]).toMatchObject({ statusCode: 'upcoming', startTime: new Date('2026-12-24T02:00:00Z'), endTime: new Date('2026-12-24T06:00:00Z') });
  });

  it('rejects a bad body with a 400 ValidationException naming every problem', async () => {
    const answer = await addEvent({ region: 'us-east-1', resourceIds: [], statusCode: 'scheduled', startTime: 'tomorrow', endTime: 5 });
    expect([answer.status, answer.body.__type]).toEqual([400, 'ValidationException']);
    for (const part of ['resourceIds must be a list of 1 to 99 resource IDs', 'statusCode must be one of open, upcoming, closed', 'startTime must be an ISO 8601 time', 'endTime must be an ISO 8601 time']) {
      expect(answer.body.message).toContain(part);
    }
    const backwards = await addEvent({ ...valid, endTime: valid.startTime });
    expect([backwards.status, backwards.body.message]).toEqual([400, 'Invalid maintenance body: endTime must be after startTime.']);
  });

  it('answers IDs not in that region with a 404 naming them, and adds nothing', async () => {
    const answer = await addEvent({ ...valid, region: 'eu-west-1', resourceIds: ['dxcon-euwest1a', 'dxcon-allow01a', 'dxvif-nosuch01'] });
    expect([answer.status, answer.body.message]).toEqual([404, 'No resource dxcon-allow01a, dxvif-nosuch01 in eu-west-1.']);
    expect((await h.health().send(new DescribeEventsCommand({}))).events).toHaveLength(2);
  });
});

describe('a bug in a handler', () => {
  it('is answered with HTTP 500 DirectConnectServerException, not a crash', async () => {
    const state = new EmulatorState('demo', 0, 0);
    state.stores = { get: () => { throw new Error('boom'); } } as unknown as EmulatorState['stores'];
    const server = createServer(createRequestListener(state));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: { 'X-Amz-Target': 'OvertureService.DescribeLags' }, body: '{}' });
      expect(response.status).toBe(500);
      expect(response.headers.get('x-amzn-requestid')).toMatch(UUID);
      expect(await response.json()).toMatchObject({ __type: 'DirectConnectServerException' });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
