import { afterEach, describe, expect, it } from 'vitest';
import { totalCalls, useTestGateway } from '../helpers/gateway.js';
import { subscribe, subscriber, subscriptionsRunning } from '../helpers/subscriptions.js';

// startBgpFailoverTest and stopBgpFailoverTest over real HTTP against npm start's
// wiring and the demo seed (docs/contract.md, "Failover tests"): the drain and the
// rehearsal before a maintenance, with the care of a cut: a dry run with its impact
// (the sessions that go down, the paths that stay), a plan when no other path has BGP
// up, exactly once, typed refusals that reach no mutating API, the test in AWS's
// history, its end by itself on the emulator's clock, and live state while it runs.
// The demo's dxvif-allow01tr reaches dxgw-transit with dxvif-maint01tr (us-east-1)
// and dxvif-eustand1tr (eu-west-1); dxvif-solo01pv is dxgw-solo's only VIF.

const gw = useTestGateway({ DX_EMULATOR_TRANSITION_MS: '0', DX_WATCH_INTERVAL_MS: '1000' });

const MUTATING = ['StartBgpFailoverTest', 'StopBgpFailoverTest'];

const START_RESULT = `__typename
  ... on StartBgpFailoverTestSuccess {
    dryRun replayed awsRequestId planToken
    test { testId virtualInterfaceId bgpPeers status testDurationInMinutes startTime endTime ownerAccount }
    virtualInterface { virtualInterfaceId virtualInterfaceState bgpPeers { bgpPeerId bgpStatus } }
    impact {
      virtualInterfaceId trafficPeakGbps alternateCapacityGbps
      bgpSessionsGoingDown { bgpPeerId bgpStatus }
      alternatePaths { virtualInterfaceId region }
      maintenanceEvents { eventArn }
      warnings { code message }
    }
  }
  ... on DirectConnectError { code message retryable replayed }
  ... on InvalidInput { field }
  ... on VirtualInterfaceNotFound { virtualInterfaceId region }
  ... on TestAlreadyRunning { virtualInterfaceId testId test { testId status } }
  ... on PlanRequired { warnings { code } }`;

const STOP_RESULT = `__typename
  ... on StopBgpFailoverTestSuccess {
    dryRun replayed awsRequestId planToken
    test { testId status startTime endTime bgpPeers }
    virtualInterface { virtualInterfaceState bgpPeers { bgpPeerId bgpStatus } }
  }
  ... on DirectConnectError { code message retryable }
  ... on InvalidInput { field }
  ... on NoTestRunning { virtualInterfaceId }`;

async function start(input: Record<string, unknown>) {
  const { body } = await gw.graphql(`mutation($input: StartBgpFailoverTestInput!) { startBgpFailoverTest(input: $input) { ${START_RESULT} } }`, { input });
  expect(body.errors).toBeUndefined();
  return body.data.startBgpFailoverTest;
}

async function stop(input: Record<string, unknown>) {
  const { body } = await gw.graphql(`mutation($input: StopBgpFailoverTestInput!) { stopBgpFailoverTest(input: $input) { ${STOP_RESULT} } }`, { input });
  expect(body.errors).toBeUndefined();
  return body.data.stopBgpFailoverTest;
}

async function vif(id: string) {
  const { body } = await gw.graphql(
    `query($id: ID!) { virtualInterface(virtualInterfaceId: $id) {
      virtualInterfaceState bgpPeers { bgpPeerId bgpStatus }
      tests { testId status testDurationInMinutes startTime endTime bgpPeers virtualInterface { virtualInterfaceId } }
    } }`,
    { id },
  );
  expect(body.errors).toBeUndefined();
  return body.data.virtualInterface;
}

async function mutatingCalls() {
  const calls = await gw.awsCalls();
  return Object.fromEntries(MUTATING.map((operation) => [operation, calls[operation] ?? 0]));
}

async function advanceClock(minutes: number) {
  const response = await fetch(`${gw.emulatorUrl}/_emulator/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advanceMinutes: minutes }),
  });
  expect(response.status).toBe(200);
}

const codes = (warnings: Array<{ code: string }>) => warnings.map((w) => w.code);

describe('startBgpFailoverTest: the dry run', () => {
  it('names the sessions that go down and the other VIFs with BGP up on the same DX gateway, in every served region', async () => {
    const dry = await start({ virtualInterfaceId: 'dxvif-allow01tr', dryRun: true });
    expect(dry).toMatchObject({
      __typename: 'StartBgpFailoverTestSuccess',
      dryRun: true,
      replayed: false,
      awsRequestId: null,
      test: null,
      virtualInterface: { virtualInterfaceId: 'dxvif-allow01tr', virtualInterfaceState: 'AVAILABLE' },
      impact: {
        virtualInterfaceId: 'dxvif-allow01tr',
        bgpSessionsGoingDown: [{ bgpPeerId: 'dxpeer-allow01tr4', bgpStatus: 'UP' }],
        // By region, then ID.
        alternatePaths: [
          { virtualInterfaceId: 'dxvif-eustand1tr', region: 'eu-west-1' },
          { virtualInterfaceId: 'dxvif-maint01tr', region: 'us-east-1' },
        ],
      },
    });
    // dxlag-maint001's three 10G members and dxcon-eustand1's bandwidth, each once.
    expect(dry.impact.alternateCapacityGbps).toBeGreaterThanOrEqual(30);
    expect(dry.impact.trafficPeakGbps).toEqual(expect.any(Number));
    expect(codes(dry.impact.warnings)).not.toContain('NO_ALTERNATE_PATH');
    expect(dry.planToken).toMatch(/^p1\./);
    expect(await mutatingCalls()).toEqual({ StartBgpFailoverTest: 0, StopBgpFailoverTest: 0 });
  });

  it('warns MAINTENANCE_ON_REMAINING_PATH when AWS maintenance names an alternate path (dxlag-maint001 carries dxvif-maint01tr)', async () => {
    const dry = await start({ virtualInterfaceId: 'dxvif-allow01tr', dryRun: true });
    const warning = dry.impact.warnings.find((w: { code: string }) => w.code === 'MAINTENANCE_ON_REMAINING_PATH');
    expect(warning?.message).toContain('dxcon-maint01c');
    expect(dry.impact.maintenanceEvents).toHaveLength(1);
  });

  it('warns NO_ALTERNATE_PATH for the only VIF with BGP up on its DX gateway, saying which gateway and for how long', async () => {
    const dry = await start({ virtualInterfaceId: 'dxvif-solo01pv', testDurationInMinutes: 45, dryRun: true });
    expect(dry.__typename).toBe('StartBgpFailoverTestSuccess');
    expect(dry.impact.alternatePaths).toEqual([]);
    expect(dry.impact.alternateCapacityGbps).toBe(0);
    const warning = dry.impact.warnings.find((w: { code: string }) => w.code === 'NO_ALTERNATE_PATH');
    expect(warning?.message).toMatch(/^dxvif-solo01pv is the only virtual interface with ipv4 BGP up to Direct Connect gateway dxgw-solo \(.+\) that this gateway sees: for the 45 minutes/);
  });

  it('counts a path whose BGP went down as no path: NO_ALTERNATE_PATH once the other transit VIFs are down', async () => {
    for (const [region, virtualInterfaceId] of [
      ['us-east-1', 'dxvif-maint01tr'],
      ['eu-west-1', 'dxvif-eustand1tr'],
    ]) {
      await fetch(`${gw.emulatorUrl}/_emulator/bgp-status`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ region, virtualInterfaceId, bgpStatus: 'down' }),
      });
    }
    const dry = await start({ virtualInterfaceId: 'dxvif-allow01tr', dryRun: true });
    expect(dry.impact.alternatePaths).toEqual([]);
    expect(codes(dry.impact.warnings)).toContain('NO_ALTERNATE_PATH');
  });
});

describe('startBgpFailoverTest and stopBgpFailoverTest: the real calls', () => {
  it('refuses a test with no alternate path without a plan, runs it with one; the VIF is TESTING, its peers DOWN; the stop brings them back', async () => {
    const unplanned = await start({ virtualInterfaceId: 'dxvif-solo01pv', testDurationInMinutes: 30 });
    expect(unplanned).toMatchObject({ __typename: 'PlanRequired', code: 'PLAN_REQUIRED', retryable: false, warnings: [{ code: 'NO_ALTERNATE_PATH' }] });
    expect(await mutatingCalls()).toEqual({ StartBgpFailoverTest: 0, StopBgpFailoverTest: 0 });

    const dry = await start({ virtualInterfaceId: 'dxvif-solo01pv', testDurationInMinutes: 30, dryRun: true });
    const real = await start({ virtualInterfaceId: 'dxvif-solo01pv', testDurationInMinutes: 30, expectedPlanToken: dry.planToken });
    expect(real).toMatchObject({
      __typename: 'StartBgpFailoverTestSuccess',
      dryRun: false,
      planToken: null,
      test: { virtualInterfaceId: 'dxvif-solo01pv', testDurationInMinutes: 30, bgpPeers: ['dxpeer-solo01pv4'], status: 'in-progress' },
      virtualInterface: { virtualInterfaceState: 'TESTING', bgpPeers: [{ bgpStatus: 'DOWN' }] },
    });
    expect(real.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(real.test.endTime) - Date.parse(real.test.startTime)).toBe(30 * 60_000);
    expect(await mutatingCalls()).toEqual({ StartBgpFailoverTest: 1, StopBgpFailoverTest: 0 });

    const dryStop = await stop({ virtualInterfaceId: 'dxvif-solo01pv', dryRun: true });
    expect(dryStop).toMatchObject({ __typename: 'StopBgpFailoverTestSuccess', dryRun: true, test: { testId: real.test.testId, status: 'in-progress' } });
    const stopped = await stop({ virtualInterfaceId: 'dxvif-solo01pv', expectedPlanToken: dryStop.planToken });
    expect(stopped).toMatchObject({
      __typename: 'StopBgpFailoverTestSuccess',
      dryRun: false,
      test: { testId: real.test.testId, status: 'cancelled' },
      virtualInterface: { virtualInterfaceState: 'AVAILABLE', bgpPeers: [{ bgpStatus: 'UP' }] },
    });
    expect(Date.parse(stopped.test.endTime)).toBeLessThan(Date.parse(real.test.endTime));

    const after = await vif('dxvif-solo01pv');
    expect(after.tests).toEqual([
      expect.objectContaining({ testId: real.test.testId, status: 'cancelled', testDurationInMinutes: 30, bgpPeers: ['dxpeer-solo01pv4'], startTime: real.test.startTime, virtualInterface: { virtualInterfaceId: 'dxvif-solo01pv' } }),
    ]);
    const { body } = await gw.graphql('{ virtualInterfaceTests(status: "cancelled") { testId virtualInterfaceId } }');
    expect(body.data.virtualInterfaceTests).toEqual([{ testId: real.test.testId, virtualInterfaceId: 'dxvif-solo01pv' }]);
  });

  it('starts one test per reviewed plan: the same plan again, after that test ended, is StateChanged', async () => {
    const input = { virtualInterfaceId: 'dxvif-solo01pv', testDurationInMinutes: 30 };
    const dry = await start({ ...input, dryRun: true });
    expect((await start({ ...input, expectedPlanToken: dry.planToken })).__typename).toBe('StartBgpFailoverTestSuccess');
    expect((await stop({ virtualInterfaceId: 'dxvif-solo01pv' })).__typename).toBe('StopBgpFailoverTestSuccess');
    const again = await start({ ...input, expectedPlanToken: dry.planToken });
    expect(again).toMatchObject({ __typename: 'StateChanged', code: 'STATE_CHANGED' });
    expect(again.message).toContain('virtualInterface.lastTest was none and is now dxtest-');
    expect(await mutatingCalls()).toEqual({ StartBgpFailoverTest: 1, StopBgpFailoverTest: 1 });
  });

  it('answers NoTestRunning for a stop that the test\'s own end overtook while the stop was on its way to AWS', async () => {
    await start({ virtualInterfaceId: 'dxvif-allow01pv', testDurationInMinutes: 60 });
    await gw.fault({ type: 'latency', operation: 'StopBgpFailoverTest', latencyMs: 1500, count: 1 });
    const stopping = stop({ virtualInterfaceId: 'dxvif-allow01pv', clientRequestId: 'stop-late' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await advanceClock(61);
    const stopped = await stopping;
    expect(stopped).toMatchObject({ __typename: 'NoTestRunning', code: 'NO_TEST_RUNNING', virtualInterfaceId: 'dxvif-allow01pv' });
    expect(stopped.message).toContain('AWS said: There is no failover test in progress');
    expect((await stop({ virtualInterfaceId: 'dxvif-allow01pv', clientRequestId: 'stop-late' })).__typename).toBe('NoTestRunning');
  });

  it('refuses with ResourceBusy, sending nothing, a test whose VIF moved onto a LAG while the test waited for its locks', async () => {
    await gw.fault({ type: 'latency', operation: 'AssociateConnectionWithLag', latencyMs: 1500, count: 1 });
    const { body: joining } = { body: gw.graphql('mutation { associateConnectionWithLag(input: { connectionId: "dxcon-assoc01a", lagId: "dxlag-allow001" }) { __typename } }') };
    await new Promise((resolve) => setTimeout(resolve, 300));
    const moved = await start({ virtualInterfaceId: 'dxvif-assoc01pv', testDurationInMinutes: 30 });
    expect((await joining).body.data.associateConnectionWithLag.__typename).toBe('AssociateConnectionWithLagSuccess');
    expect(moved).toMatchObject({ __typename: 'ResourceBusy', code: 'RESOURCE_BUSY', retryable: true });
    expect(moved.message).toContain('dxvif-assoc01pv moved from dxcon-assoc01a to dxlag-allow001');
    expect(await mutatingCalls()).toEqual({ StartBgpFailoverTest: 0, StopBgpFailoverTest: 0 });
  });

  it('ends a test by itself after its duration on the emulator\'s clock: completed, the VIF available, its peers up', async () => {
    const real = await start({ virtualInterfaceId: 'dxvif-allow01pv', testDurationInMinutes: 60, bgpPeerIds: ['dxpeer-allow01pv4'] });
    expect(real.__typename).toBe('StartBgpFailoverTestSuccess');
    expect(real.virtualInterface.bgpPeers).toEqual([
      { bgpPeerId: 'dxpeer-allow01pv4', bgpStatus: 'DOWN' },
      { bgpPeerId: 'dxpeer-allow01pv6', bgpStatus: 'UP' },
    ]);
    await advanceClock(61);
    const after = await vif('dxvif-allow01pv');
    expect(after.virtualInterfaceState).toBe('AVAILABLE');
    expect(after.bgpPeers.every((peer: { bgpStatus: string }) => peer.bgpStatus === 'UP')).toBe(true);
    expect(after.tests[0]).toMatchObject({ testId: real.test.testId, status: 'completed', endTime: real.test.endTime });
  });

  it('runs once per clientRequestId: the same ID twice is one StartBgpFailoverTest, the second replayed', async () => {
    const input = { virtualInterfaceId: 'dxvif-allow01pv', testDurationInMinutes: 20, clientRequestId: 'rehearse-allow01pv' };
    const first = await start(input);
    const again = await start(input);
    expect(first).toMatchObject({ __typename: 'StartBgpFailoverTestSuccess', replayed: false });
    expect(again).toMatchObject({
      __typename: 'StartBgpFailoverTestSuccess',
      replayed: true,
      awsRequestId: first.awsRequestId,
      test: { testId: first.test.testId },
      // The VIF as it is now, read afresh: still under the test the first call started.
      virtualInterface: { virtualInterfaceState: 'TESTING' },
    });
    expect(await mutatingCalls()).toEqual({ StartBgpFailoverTest: 1, StopBgpFailoverTest: 0 });
  });
});

describe('refusals: typed, and nothing reaches the mutating API', () => {
  afterEach(async () => {
    expect(await mutatingCalls()).toEqual({ StartBgpFailoverTest: 0, StopBgpFailoverTest: 0 });
  });

  it('an unknown VIF is VirtualInterfaceNotFound, for the start and the stop, dry or real', async () => {
    for (const dryRun of [true, false]) {
      expect(await start({ virtualInterfaceId: 'dxvif-nosuch01', dryRun })).toMatchObject({
        __typename: 'VirtualInterfaceNotFound',
        code: 'VIRTUAL_INTERFACE_NOT_FOUND',
        virtualInterfaceId: 'dxvif-nosuch01',
        region: 'us-east-1',
        retryable: false,
      });
      expect(await stop({ virtualInterfaceId: 'dxvif-nosuch01', dryRun })).toMatchObject({ __typename: 'VirtualInterfaceNotFound' });
    }
  });

  it('malformed IDs, durations of 0, 4321 and null, and bad peer lists are InvalidInput on their field, before any AWS call', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ virtualInterfaceId: 'dxcon-allow01a' }, 'virtualInterfaceId'],
      [{ virtualInterfaceId: 'not-a-vif' }, 'virtualInterfaceId'],
      [{ virtualInterfaceId: 'dxvif-allow01pv', testDurationInMinutes: 0 }, 'testDurationInMinutes'],
      [{ virtualInterfaceId: 'dxvif-allow01pv', testDurationInMinutes: 4321 }, 'testDurationInMinutes'],
      [{ virtualInterfaceId: 'dxvif-allow01pv', testDurationInMinutes: null }, 'testDurationInMinutes'],
      [{ virtualInterfaceId: 'dxvif-allow01pv', bgpPeerIds: [] }, 'bgpPeerIds'],
      [{ virtualInterfaceId: 'dxvif-allow01pv', bgpPeerIds: ['dxpeer-allow01pv4', 'dxpeer-allow01pv4'] }, 'bgpPeerIds'],
      [{ virtualInterfaceId: 'dxvif-allow01pv', region: 'mars-north-1' }, 'region'],
    ];
    for (const [input, field] of cases) {
      await gw.reset();
      const refused = await start(input);
      expect(refused, JSON.stringify(input)).toMatchObject({ __typename: 'InvalidInput', code: 'BAD_USER_INPUT', field });
      expect(totalCalls(await gw.awsCalls()), JSON.stringify(input)).toBe(0);
    }
    expect((await start({ virtualInterfaceId: 'dxvif-allow01pv', testDurationInMinutes: 4321 })).message).toContain('1 to 4320 minutes');
    expect(await stop({ virtualInterfaceId: 'dxvif-' })).toMatchObject({ __typename: 'InvalidInput', field: 'virtualInterfaceId' });
  });

  it('a peer ID the VIF does not have is InvalidInput on bgpPeerIds, naming the VIF\'s own', async () => {
    const refused = await start({ virtualInterfaceId: 'dxvif-allow01pv', bgpPeerIds: ['dxpeer-allow01pv4', 'dxpeer-nosuch'] });
    expect(refused).toMatchObject({ __typename: 'InvalidInput', field: 'bgpPeerIds' });
    expect(refused.message).toBe(
      'dxvif-allow01pv has no BGP peer dxpeer-nosuch; its peers are dxpeer-allow01pv4, dxpeer-allow01pv6. Name those, or leave bgpPeerIds out to test every session.',
    );
  });

  it('a stop with nothing running is NoTestRunning', async () => {
    const refused = await stop({ virtualInterfaceId: 'dxvif-allow01pv' });
    expect(refused).toMatchObject({ __typename: 'NoTestRunning', code: 'NO_TEST_RUNNING', virtualInterfaceId: 'dxvif-allow01pv', retryable: false });
    expect(refused.message).toContain('No BGP failover test is running on dxvif-allow01pv (it is available)');
  });
});

describe('one test at a time', () => {
  it('a second start while one runs is TestAlreadyRunning with the running test, and calls no mutating API', async () => {
    const first = await start({ virtualInterfaceId: 'dxvif-allow01pv', testDurationInMinutes: 30 });
    for (const dryRun of [true, false]) {
      const second = await start({ virtualInterfaceId: 'dxvif-allow01pv', testDurationInMinutes: 30, dryRun });
      expect(second).toMatchObject({
        __typename: 'TestAlreadyRunning',
        code: 'TEST_ALREADY_RUNNING',
        retryable: false,
        testId: first.test.testId,
        test: { testId: first.test.testId, status: 'in-progress' },
      });
      expect(second.message).toContain(`Test ${first.test.testId} has been running on dxvif-allow01pv since`);
    }
    expect(await mutatingCalls()).toEqual({ StartBgpFailoverTest: 1, StopBgpFailoverTest: 0 });
  });
});

describe('live state', () => {
  it('virtualInterfaceChanged and lagChanged emit when a test starts and when it ends', async () => {
    const client = subscriber(gw.url);
    try {
      const vifEvents = subscribe(client, 'subscription { virtualInterfaceChanged(virtualInterfaceId: "dxvif-allow01pv") { changes { field planned current } } }');
      const lagEvents = subscribe(client, 'subscription { lagChanged(lagId: "dxlag-allow001") { changes { field planned current } } }');
      await subscriptionsRunning(gw.url, 2);
      await start({ virtualInterfaceId: 'dxvif-allow01pv', testDurationInMinutes: 30 });
      const [started] = await vifEvents.waitFor(1, 5000);
      expect(started!.data.virtualInterfaceChanged.changes).toEqual(
        expect.arrayContaining([
          { field: 'virtualInterface(dxvif-allow01pv)', planned: 'available', current: 'testing' },
          { field: 'bgpPeer(dxpeer-allow01pv4).bgpStatus', planned: 'up', current: 'down' },
        ]),
      );
      const [lagStarted] = await lagEvents.waitFor(1, 5000);
      expect(lagStarted!.data.lagChanged.changes).toEqual(expect.arrayContaining([{ field: 'virtualInterface(dxvif-allow01pv)', planned: 'available', current: 'testing' }]));

      await stop({ virtualInterfaceId: 'dxvif-allow01pv' });
      const [, ended] = await vifEvents.waitFor(2, 5000);
      expect(ended!.data.virtualInterfaceChanged.changes).toEqual(
        expect.arrayContaining([{ field: 'virtualInterface(dxvif-allow01pv)', planned: 'testing', current: 'available' }]),
      );
      await lagEvents.waitFor(2, 5000);
    } finally {
      await client.dispose();
    }
  });
});
