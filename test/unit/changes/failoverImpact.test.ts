import { describe, expect, it } from 'vitest';
import type { VirtualInterface } from '@aws-sdk/client-direct-connect';
import type { Traffic } from '../../../src/aws/cloudWatch.js';
import { failoverImpact, failoverState, runningTest, sessionsGoingDown, unknownPeers, type FailoverView, type Sibling } from '../../../src/changes/failoverImpact.js';
import { compareStates } from '../../../src/changes/plan.js';

// src/changes/failoverImpact.ts: what a BGP failover test does, from the state just
// before it (docs/contract.md, "Failover tests"). The change as a whole is tested
// through GraphQL: test/graphql/Mutation.bgpFailoverTest.test.ts.

const DX_GW = '5f0c8e2a-3b1d-4c7e-9a6f-2d4b8c1e0a37';

const vif = (id: string, statuses: Array<'up' | 'down' | 'unknown'>, extra: Partial<VirtualInterface> = {}): VirtualInterface => ({
  virtualInterfaceId: id,
  virtualInterfaceState: 'available',
  virtualInterfaceType: 'transit',
  connectionId: 'dxlag-ffrz71kw',
  directConnectGatewayId: DX_GW,
  bgpPeers: statuses.map((bgpStatus, i) => ({ bgpPeerId: `dxpeer-${id.slice(6)}${i === 0 ? 4 : 6}`, addressFamily: i === 0 ? 'ipv4' : 'ipv6', bgpStatus })),
  ...extra,
});

const sibling = (v: VirtualInterface, region: string, parent: string, capacity: number, ids: string[] = []): Sibling => ({
  vif: v,
  region,
  parentKey: `${region}/${parent}`,
  parentCapacityGbps: capacity,
  resourceIds: [v.virtualInterfaceId!, parent, ...ids],
});

const traffic = (peak: number | null): Traffic => ({
  windowMinutes: 60,
  periodSeconds: 60,
  egressPeakGbps: peak,
  ingressPeakGbps: peak === null ? null : peak / 2,
  egressAverageGbps: peak,
  ingressAverageGbps: peak,
  known: peak !== null,
  unknownReason: peak === null ? 'CloudWatch failed.' : null,
});

const tested = vif('dxvif-tested01', ['up', 'up']);

function view(siblings: Sibling[], extra: Partial<FailoverView> = {}): FailoverView {
  return {
    region: 'us-east-1',
    vif: tested,
    tests: [],
    reach: { kind: 'directConnectGateway', id: DX_GW, name: 'dxgw-transit' },
    siblings,
    traffic: traffic(4),
    maintenance: { known: true, unknownReason: null, events: [] },
    ...extra,
  };
}

const codes = (impact: { warnings: Array<{ code: string }> }) => impact.warnings.map((w) => w.code);

describe('Function: failoverImpact', () => {
  it('lists the other VIFs with BGP up as alternate paths, by region then ID, and sums what they ride on once per connection or LAG', () => {
    const impact = failoverImpact(
      view([
        sibling(vif('dxvif-b0000001', ['up']), 'us-east-1', 'dxlag-shared01', 20),
        sibling(vif('dxvif-a0000001', ['up']), 'us-east-1', 'dxlag-shared01', 20),
        sibling(vif('dxvif-z0000001', ['up', 'down']), 'eu-west-1', 'dxcon-eu000001', 10),
        sibling(vif('dxvif-down0001', ['down']), 'us-east-1', 'dxcon-other001', 10),
        sibling(vif('dxvif-gone0001', ['up'], { virtualInterfaceState: 'deleting' }), 'us-east-1', 'dxcon-other002', 10),
      ]),
      ['dxpeer-tested014'],
      180,
    );
    expect(impact.alternatePaths.map((v) => v.virtualInterfaceId)).toEqual(['dxvif-z0000001', 'dxvif-a0000001', 'dxvif-b0000001']);
    expect(impact.alternateCapacityGbps).toBe(30);
    expect(impact.bgpSessionsGoingDown.map((p) => p.bgpPeerId)).toEqual(['dxpeer-tested014']);
    expect(impact.trafficPeakGbps).toBe(4);
    expect(impact.warnings).toEqual([]);
  });

  it('warns NO_ALTERNATE_PATH, naming the DX gateway and the duration, when no other VIF has BGP up', () => {
    const impact = failoverImpact(view([sibling(vif('dxvif-down0001', ['down']), 'us-east-1', 'dxcon-other001', 10)]), undefined, 45);
    expect(codes(impact)).toEqual(['NO_ALTERNATE_PATH']);
    expect(impact.warnings[0]!.message).toBe(
      `dxvif-tested01 is the only virtual interface with ipv4 and ipv6 BGP up to Direct Connect gateway dxgw-transit (${DX_GW}) that this gateway sees: for the 45 minutes of the test nothing carries its traffic. Bring up another path first, or run the test knowing it is an outage.`,
    );
    expect(impact.verdicts.alternateCapacityBelowPeak).toBe('false');
  });

  it('counts a sibling only if it has a session up in every address family going down, and not while it is testing itself', () => {
    const ipv6Only = sibling(vif('dxvif-v6only01', ['down', 'up']), 'us-east-1', 'dxcon-v6only01', 10);
    const testing = sibling(vif('dxvif-testing1', ['up'], { virtualInterfaceState: 'testing' }), 'us-east-1', 'dxcon-testing1', 10);
    const ipv4Test = failoverImpact(view([ipv6Only, testing]), ['dxpeer-tested014'], 30);
    expect(ipv4Test.alternatePaths).toEqual([]);
    expect(codes(ipv4Test)).toEqual(['NO_ALTERNATE_PATH']);
    expect(ipv4Test.warnings[0]!.message).toContain('the only virtual interface with ipv4 BGP up');
    // Its IPv6 session carries what an IPv6-only test takes down.
    expect(failoverImpact(view([ipv6Only, testing]), ['dxpeer-tested016'], 30).alternatePaths.map((v) => v.virtualInterfaceId)).toEqual(['dxvif-v6only01']);
    // Testing both families needs both up on one path.
    expect(failoverImpact(view([ipv6Only]), undefined, 30).alternatePaths).toEqual([]);
  });

  it('does not warn NO_ALTERNATE_PATH when the sessions tested are down already: the test takes nothing down', () => {
    const impact = failoverImpact(view([], { vif: vif('dxvif-tested01', ['down', 'up']) }), ['dxpeer-tested014'], 30);
    expect(impact.bgpSessionsGoingDown).toEqual([{ bgpPeerId: 'dxpeer-tested014', addressFamily: 'ipv4', bgpStatus: 'down' }]);
    expect(codes(impact)).toEqual([]);
  });

  it('names a public VIF on no gateway as having no known alternate path', () => {
    const impact = failoverImpact(view([], { reach: { kind: 'none', virtualInterfaceType: 'public' } }), undefined, 30);
    expect(impact.warnings[0]!.message).toMatch(/^dxvif-tested01 is a public virtual interface on no Direct Connect gateway/);
  });

  it('warns ALTERNATE_CAPACITY_BELOW_PEAK when the alternate paths ride on less than the peak, and TRAFFIC_UNKNOWN when it is not known', () => {
    const small = [sibling(vif('dxvif-a0000001', ['up']), 'us-east-1', 'dxcon-small001', 1)];
    const below = failoverImpact(view(small), ['dxpeer-tested014'], 30);
    expect(codes(below)).toEqual(['ALTERNATE_CAPACITY_BELOW_PEAK']);
    expect(below.warnings[0]!.message).toContain('peaked at 4 Gbps');
    expect(below.verdicts.alternateCapacityBelowPeak).toBe('true');

    const unknown = failoverImpact(view(small, { traffic: traffic(null) }), ['dxpeer-tested014'], 30);
    expect(codes(unknown)).toEqual(['TRAFFIC_UNKNOWN']);
    expect(unknown.trafficPeakGbps).toBeNull();
    expect(unknown.verdicts.alternateCapacityBelowPeak).toBe('unknown');
  });

  it('warns MAINTENANCE_ON_REMAINING_PATH for an event naming an alternate path (a LAG member), and MAINTENANCE_UNKNOWN when Health cannot be read', () => {
    const paths = [sibling(vif('dxvif-a0000001', ['up']), 'us-east-1', 'dxlag-maint001', 30, ['dxcon-maint01c'])];
    const event = {
      eventArn: 'arn:aws:health:us-east-1::event/DIRECTCONNECT/X/1',
      eventTypeCode: 'AWS_DIRECTCONNECT_MAINTENANCE_SCHEDULED',
      statusCode: 'upcoming',
      startTime: '2026-12-10T13:00:00.000Z',
      endTime: '2026-12-10T17:00:00.000Z',
      region: 'us-east-1',
      affectedResourceIds: ['dxcon-maint01c'],
    };
    const elsewhere = { ...event, eventArn: 'arn:other', affectedResourceIds: ['dxcon-unrelat1'] };
    const impact = failoverImpact(view(paths, { maintenance: { known: true, unknownReason: null, events: [event, elsewhere] } }), ['dxpeer-tested014'], 30);
    expect(codes(impact)).toEqual(['MAINTENANCE_ON_REMAINING_PATH']);
    expect(impact.maintenanceEvents).toEqual([event]);
    expect(impact.verdicts.maintenanceOnRemainingPath).toBe(event.eventArn);

    const unread = failoverImpact(view(paths, { maintenance: { known: false, unknownReason: 'No support plan.', events: [] } }), ['dxpeer-tested014'], 30);
    expect(codes(unread)).toEqual(['MAINTENANCE_UNKNOWN']);
  });
});

describe('Functions: the rules the start and the stop share', () => {
  it('finds the peers a start names that the VIF does not have, and the sessions it brings down', () => {
    expect(unknownPeers(tested, ['dxpeer-tested014', 'dxpeer-nosuch'])).toEqual(['dxpeer-nosuch']);
    expect(unknownPeers(tested, undefined)).toEqual([]);
    expect(sessionsGoingDown(tested, ['dxpeer-tested016']).map((p) => p.bgpPeerId)).toEqual(['dxpeer-tested016']);
  });

  it('takes the running test from the VIF\'s state: the newest listed while it is testing, none otherwise', () => {
    const tests = [{ testId: 'dxtest-new' }, { testId: 'dxtest-old' }];
    expect(runningTest({ vif: { ...tested, virtualInterfaceState: 'testing' }, tests })?.testId).toBe('dxtest-new');
    expect(runningTest({ vif: tested, tests })).toBeNull();
  });

  it("binds a sibling's BGP status and the verdicts in the plan, so a path going down since the dry run is a StateChanged", () => {
    const up = view([sibling(vif('dxvif-a0000001', ['up']), 'us-east-1', 'dxcon-a0000001', 10)]);
    const down = view([sibling(vif('dxvif-a0000001', ['down']), 'us-east-1', 'dxcon-a0000001', 10)]);
    const planned = failoverState(up, failoverImpact(up, ['dxpeer-tested014'], 30));
    const now = failoverState(down, failoverImpact(down, ['dxpeer-tested014'], 30));
    expect(compareStates(planned, now)).toEqual([
      { field: 'bgpPeer(dxpeer-a00000014).bgpStatus', planned: 'up', current: 'down' },
      { field: 'failover.alternateCapacityGbps', planned: '10', current: '0' },
    ]);
    expect(failoverState(null)).toEqual({ virtualInterface: null });
  });

  it('binds the newest test in the plan, so one reviewed plan starts one test, not one each time the last ended', () => {
    const before = view([]);
    const after = view([], { tests: [{ testId: 'dxtest-ended001', status: 'cancelled' }] });
    expect(compareStates(failoverState(before), failoverState(after))).toEqual([{ field: 'virtualInterface.lastTest', planned: 'none', current: 'dxtest-ended001' }]);
  });
});
