import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteLagCommand, DirectConnectClient } from '@aws-sdk/client-direct-connect';
import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { auditLines, attemptsIn } from '../helpers/authRequests.js';
import { CREDENTIALS, sleep } from '../helpers/emulator.js';
import { useTestGateway, type TestGateway } from '../helpers/gateway.js';
import { metricValue, runOnce, subscribe, subscriber, subscriptionsRunning, until } from '../helpers/subscriptions.js';

// Live state end to end (docs/contract.md, "Live state"): graphql-ws's own client
// over a real WebSocket to the gateway as `npm start` wires it, the emulator behind
// it playing AWS, changed through its control routes ("elsewhere") or through the gateway.

const INTERVAL_MS = 1000;
/** One read of the emulator (no latency) with room for a loaded machine. */
const ONE_READ_MS = 500;

const LAG_CHANGED = `subscription Watch($lagId: ID!) {
  lagChanged(lagId: $lagId) {
    lag { lagId lagState minimumLinks connections { connectionId connectionState } }
    changes { field planned current }
    observedAt
  }
}`;

const auditDir = await mkdtemp(join(tmpdir(), 'dxgraph-live-'));
const auditFile = join(auditDir, 'audit.jsonl');
const gw = useTestGateway({ DX_WATCH_INTERVAL_MS: String(INTERVAL_MS), AUDIT_LOG_FILE: auditFile });

const clients: Client[] = [];
const connect = (target: TestGateway = gw) => {
  const client = subscriber(target.url);
  clients.push(client);
  return client;
};
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
  // Every feed has ended before the emulator is reseeded under the next test.
  await until(async () => (await metricValue(gw.url, 'dxgraph_subscriptions')) === 0, 'no subscription left');
});

const control = async (path: string, body: unknown) => {
  const response = await fetch(`${gw.emulatorUrl}/_emulator/${path}`, { method: 'POST', body: JSON.stringify(body) });
  expect(response.status).toBe(200);
};

describe('lagChanged', () => {
  it('sends one StateChange per field that moved, compared with the baseline and then with the last event, within the interval plus one read', async () => {
    const events = subscribe(connect(), LAG_CHANGED, { lagId: 'dxlag-allow001' });
    await subscriptionsRunning(gw.url, 1);
    // Nothing moved yet: no event.
    await sleep(INTERVAL_MS * 1.5);
    expect(events.results).toEqual([]);

    let flippedAt = Date.now();
    await control('connection-state', { region: 'us-east-1', connectionId: 'dxcon-allow01b', connectionState: 'down' });
    const [first] = await events.waitFor(1, INTERVAL_MS + ONE_READ_MS + 500);
    expect(Date.now() - flippedAt).toBeLessThanOrEqual(INTERVAL_MS + ONE_READ_MS);
    expect(first!.errors).toBeUndefined();
    const event = first!.data.lagChanged;
    expect(event.changes).toEqual([{ field: 'connection(dxcon-allow01b).connectionState', planned: 'available', current: 'down' }]);
    // The entity is the LAG as that same poll read it.
    expect(event.lag.connections).toContainEqual({ connectionId: 'dxcon-allow01b', connectionState: 'DOWN' });
    expect(Date.parse(event.observedAt)).toBeGreaterThanOrEqual(flippedAt - 5);

    flippedAt = Date.now();
    await control('connection-state', { region: 'us-east-1', connectionId: 'dxcon-allow01b', connectionState: 'available' });
    const [, second] = await events.waitFor(2, INTERVAL_MS + ONE_READ_MS + 500);
    expect(second!.data.lagChanged.changes).toEqual([{ field: 'connection(dxcon-allow01b).connectionState', planned: 'down', current: 'available' }]);
    expect(Date.now() - flippedAt).toBeLessThanOrEqual(INTERVAL_MS + ONE_READ_MS);
  });

  it('reports a BGP session of one of the LAG\'s VIFs going down', async () => {
    const events = subscribe(connect(), 'subscription { lagChanged(lagId: "dxlag-allow001") { changes { field planned current } } }');
    await subscriptionsRunning(gw.url, 1);
    await control('bgp-status', { region: 'us-east-1', virtualInterfaceId: 'dxvif-allow01pv', bgpPeerId: 'dxpeer-allow01pv6', bgpStatus: 'down' });
    const [result] = await events.waitFor(1);
    expect(result!.data.lagChanged.changes).toEqual([{ field: 'bgpPeer(dxpeer-allow01pv6).bgpStatus', planned: 'up', current: 'down' }]);
  });

  it('sends a last event with the LAG null once it is deleted, then completes', async () => {
    const events = subscribe(connect(), 'subscription { lagChanged(lagId: "dxlag-empty001") { lag { lagId } changes { field planned current } } }');
    await subscriptionsRunning(gw.url, 1);
    // Deleted elsewhere: through the AWS SDK, straight at the emulator.
    const aws = new DirectConnectClient({ endpoint: gw.emulatorUrl, region: 'us-east-1', credentials: CREDENTIALS });
    await aws.send(new DeleteLagCommand({ lagId: 'dxlag-empty001' }));
    aws.destroy();
    const [result] = await events.waitFor(1);
    expect(result!.data.lagChanged.lag).toBeNull();
    expect(result!.data.lagChanged.changes).toContainEqual({ field: 'lag', planned: 'dxlag-empty001', current: null });
    expect(await events.ended).toEqual({ complete: true });
  });
});

describe('connectionChanged and virtualInterfaceChanged', () => {
  it('report a standalone connection\'s state and the BGP sessions of the VIF riding on it', async () => {
    const client = connect();
    const connection = subscribe(client, 'subscription { connectionChanged(connectionId: "dxcon-standal1") { connection { connectionId connectionState } changes { field planned current } } }');
    const vif = subscribe(client, 'subscription { virtualInterfaceChanged(virtualInterfaceId: "dxvif-standal1pv") { virtualInterface { virtualInterfaceId bgpPeers { bgpStatus } } changes { field planned current } } }');
    await subscriptionsRunning(gw.url, 2);
    await control('bgp-status', { region: 'us-east-1', virtualInterfaceId: 'dxvif-standal1pv', bgpStatus: 'down' });
    const [onConnection] = await connection.waitFor(1);
    const [onVif] = await vif.waitFor(1);
    const moved = { field: 'bgpPeer(dxpeer-standal1pv4).bgpStatus', planned: 'up', current: 'down' };
    expect(onConnection!.data.connectionChanged.changes).toEqual([moved]);
    expect(onVif!.data.virtualInterfaceChanged).toEqual({ virtualInterface: { virtualInterfaceId: 'dxvif-standal1pv', bgpPeers: [{ bgpStatus: 'DOWN' }] }, changes: [moved] });

    await control('connection-state', { region: 'us-east-1', connectionId: 'dxcon-standal1', connectionState: 'down' });
    const [, second] = await connection.waitFor(2);
    expect(second!.data.connectionChanged.changes).toEqual([{ field: 'connection(dxcon-standal1).connectionState', planned: 'available', current: 'down' }]);
    expect(second!.data.connectionChanged.connection).toEqual({ connectionId: 'dxcon-standal1', connectionState: 'DOWN' });
  });
});

describe('refusals at subscribe', () => {
  it.each([
    ['lagChanged(lagId: "dxlag-nothere01")', 'LAG_NOT_FOUND'],
    ['connectionChanged(connectionId: "dxcon-nothere01")', 'CONNECTION_NOT_FOUND'],
    ['virtualInterfaceChanged(virtualInterfaceId: "dxvif-nothere01")', 'VIRTUAL_INTERFACE_NOT_FOUND'],
    ['lagChanged(lagId: "not-a-lag")', 'BAD_USER_INPUT'],
    ['lagChanged(lagId: "dxlag-allow001", region: "mars-north-1")', 'BAD_USER_INPUT'],
  ])('%s is refused with %s, and nothing is watched', async (field, code) => {
    const before = await gw.awsCalls();
    const events = subscribe(connect(), `subscription { ${field} { changes { field } } }`);
    const [result] = await events.waitFor(1);
    expect(result!.data ?? null).toBeNull();
    expect(result!.errors?.[0]?.extensions?.code).toBe(code);
    expect(await events.ended).toEqual({ complete: true });
    expect(await metricValue(gw.url, 'dxgraph_subscriptions')).toBe(0);
    if (code === 'BAD_USER_INPUT') expect(await gw.awsCalls()).toEqual(before);
  });

  it('a subscription over HTTP is refused with where to send it', async () => {
    const answer = await gw.graphql('subscription { lagChanged(lagId: "dxlag-allow001") { changes { field } } }');
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.message).toMatch(/WebSocket .*graphql-transport-ws.* \/graphql/);
  });
});

describe('queries and mutations over the socket', () => {
  it('run with the same rules as over HTTP: data, typed results, and the audit record', async () => {
    const client = connect();
    const query = await runOnce(client, '{ lag(lagId: "dxlag-allow001") { lagId numberOfConnections } }');
    expect(query).toEqual({ data: { lag: { lagId: 'dxlag-allow001', numberOfConnections: 3 } } });

    const change = await runOnce(
      client,
      `mutation { disassociateConnectionFromLag(input: { connectionId: "dxcon-allow01c", lagId: "dxlag-allow001", clientRequestId: "ws-change-1" }) {
        __typename ... on DisassociateConnectionFromLagSuccess { connection { connectionId lagId } } } }`,
    );
    expect(change.data.disassociateConnectionFromLag).toEqual({ __typename: 'DisassociateConnectionFromLagSuccess', connection: { connectionId: 'dxcon-allow01c', lagId: null } });
    const attempts = attemptsIn(await auditLines(auditFile)).filter((record) => record.clientRequestId === 'ws-change-1');
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ operation: 'disassociateConnectionFromLag', outcome: 'SUCCESS', caller: 'anonymous' });
  });

  it('a malformed document is refused with Apollo\'s code, the socket stays open', async () => {
    const client = connect();
    await expect(runOnce(client, '{ lags { lagId ')).rejects.toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'GRAPHQL_PARSE_FAILED' }) })]);
    await expect(runOnce(client, '{ lags { noSuchField } }')).rejects.toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }) })]);
    expect((await runOnce(client, '{ lags { lagId } }')).data.lags.length).toBeGreaterThan(0);
  });

  it.each([
    ['of the wrong type', 'query ($r: String) { lags(region: $r) { lagId } }', { r: { a: 1 } }],
    ['missing though required', 'query ($id: ID!) { lag(lagId: $id) { lagId } }', {}],
  ])('variables %s are refused with BAD_USER_INPUT, as over HTTP, never masked, and nothing runs', async (_what, query, variables) => {
    const before = await gw.awsCalls();
    const overHttp = await gw.graphql(query, variables);
    expect(overHttp.status).toBe(400);
    const errors = await runOnce(connect(), query, variables).then(
      () => undefined,
      (refused: unknown) => refused as Array<{ message: string; locations?: unknown[]; extensions?: Record<string, unknown> }>,
    );
    expect(errors).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', retryable: false } })]);
    expect(errors![0]!.message).toMatch(/^Variable "\$(r|id)"/);
    // The shape HTTP answers with (graphql-jit words the message its own way).
    const shape = ({ locations, extensions }: { locations?: unknown[]; extensions?: Record<string, unknown> }) => ({ locations, extensions });
    expect(errors!.map(shape)).toEqual(overHttp.body.errors!.map(shape));
    expect(await gw.awsCalls()).toEqual(before);
  });
});

describe('what a watched region costs', () => {
  it('one DescribeLags and one DescribeVirtualInterfaces per interval while a LAG is watched, nothing once nothing is', async () => {
    const client = connect();
    const events = subscribe(client, 'subscription { lagChanged(lagId: "dxlag-allow001") { changes { field } } }');
    await subscriptionsRunning(gw.url, 1);
    const polls = () => metricValue(gw.url, 'dxgraph_watcher_polls_total', { outcome: 'success' });
    await until(async () => (await polls()) >= 1, 'the first poll');
    const [calls0, polls0] = [await gw.awsCalls(), await polls()];
    await sleep(INTERVAL_MS * 3.2);
    const [calls1, polls1] = [await gw.awsCalls(), await polls()];
    const made = polls1 - polls0;
    expect(made).toBeGreaterThanOrEqual(2);
    expect(made).toBeLessThanOrEqual(4);
    const delta = (operation: string) => (calls1[operation] ?? 0) - (calls0[operation] ?? 0);
    expect({ lags: delta('DescribeLags'), vifs: delta('DescribeVirtualInterfaces'), connections: delta('DescribeConnections') }).toEqual({ lags: made, vifs: made, connections: 0 });

    events.dispose();
    await until(async () => (await metricValue(gw.url, 'dxgraph_subscriptions')) === 0, 'the subscription to end');
    await sleep(INTERVAL_MS);
    const idle = await gw.awsCalls();
    await sleep(INTERVAL_MS * 2.5);
    expect(await gw.awsCalls()).toEqual(idle);
  });
});

describe('a change through the gateway', () => {
  // A watcher that polls once a minute: only the gateway's own news can explain an event within a second.
  const slow = useTestGateway({ DX_WATCH_INTERVAL_MS: '60000' });

  it('reaches the subscribers within a second, with what the change moved', async () => {
    const events = subscribe(connect(slow), LAG_CHANGED, { lagId: 'dxlag-allow001' });
    await subscriptionsRunning(slow.url, 1);
    // The subscribe-time poll has happened; the next would be a minute away.
    await until(async () => (await metricValue(slow.url, 'dxgraph_watcher_polls_total')) >= 1, 'the first poll');
    const answer = await slow.graphql(
      'mutation { disassociateConnectionFromLag(input: { connectionId: "dxcon-allow01c", lagId: "dxlag-allow001" }) { __typename } }',
    );
    const answeredAt = Date.now();
    expect(answer.body.data?.disassociateConnectionFromLag.__typename).toBe('DisassociateConnectionFromLagSuccess');
    const [result] = await events.waitFor(1, 2000);
    expect(Date.now() - answeredAt).toBeLessThan(1000);
    const changes = result!.data.lagChanged.changes as Array<{ field: string; planned: string | null; current: string | null }>;
    expect(changes).toContainEqual({ field: 'lag.members', planned: 'dxcon-allow01a, dxcon-allow01b, dxcon-allow01c', current: 'dxcon-allow01a, dxcon-allow01b' });
    expect(changes).toContainEqual({ field: 'connection(dxcon-allow01c).connectionState', planned: 'available', current: null });
    expect(result!.data.lagChanged.lag.connections.map((c: { connectionId: string }) => c.connectionId)).toEqual(['dxcon-allow01a', 'dxcon-allow01b']);
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
    await until(async () => (await metricValue(slow.url, 'dxgraph_subscriptions')) === 0, 'no subscription left');
  });
});
