import { describe, expect, it } from 'vitest';
import type { Lag, VirtualInterface } from '@aws-sdk/client-direct-connect';
import type { LagView } from '../../../src/changes/impact.js';
import { compareStates, connectionState, createPlans, describeChanges, lagState, PLAN_LIFETIME_MS, withPlanToken, type OpenPlan } from '../../../src/changes/plan.js';

// src/changes/plan.ts: plan tokens bound to an input, a time and the state a dry run
// read (docs/contract.md, "Plans"). Through GraphQL against the emulator, with the
// state moved under a plan: test/graphql/Mutation.disassociateConnectionFromLag.plan.test.ts.

const OPERATION = 'disassociateConnectionFromLag';
const INPUT = { connectionId: 'dxcon-member01', lagId: 'dxlag-ffrz71kw', region: 'us-east-1' };

const lag = (overrides: Partial<Lag> = {}): Lag => ({
  lagId: 'dxlag-ffrz71kw',
  lagState: 'available',
  minimumLinks: 1,
  connections: [
    { connectionId: 'dxcon-member01', connectionState: 'available' },
    { connectionId: 'dxcon-member02', connectionState: 'available' },
  ],
  ...overrides,
});
const vif = (bgpStatus: 'up' | 'down' = 'up'): VirtualInterface => ({
  virtualInterfaceId: 'dxvif-aaaaaaaa',
  virtualInterfaceState: 'available',
  bgpPeers: [{ bgpPeerId: 'dxpeer-aaaaaaaa', bgpStatus }],
});
const viewOf = (l: Lag, vifs: VirtualInterface[] = [vif()]): LagView => ({ lag: l, virtualInterfaces: vifs, hostedConnections: [] });

function clock(start = Date.parse('2026-11-26T10:00:00Z')) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const opened = (result: ReturnType<ReturnType<typeof createPlans>['open']>): OpenPlan => {
  if ('message' in result) throw new Error(`expected a plan, got: ${result.message}`);
  return result;
};

describe('Function: createPlans', () => {
  describe('Method: open', () => {
    it('opens its own token for the same input with no staleness and no change against the same state', () => {
      const plans = createPlans();
      const plan = opened(plans.open(plans.issue(OPERATION, INPUT, lagState('lag', viewOf(lag()))), OPERATION, INPUT));
      expect(plan.staleness).toEqual([]);
      expect(plan.changesFrom(lagState('lag', viewOf(lag())))).toEqual([]);
    });

    it('reports a token made for another connection, LAG or region, field by field', () => {
      const plans = createPlans();
      const token = plans.issue(OPERATION, INPUT, lagState('lag', viewOf(lag())));
      const plan = opened(plans.open(token, OPERATION, { ...INPUT, connectionId: 'dxcon-member02', region: 'eu-west-1' }));
      expect(plan.staleness).toEqual([
        { field: 'input.connectionId', planned: 'dxcon-member01', current: 'dxcon-member02' },
        { field: 'input.region', planned: 'us-east-1', current: 'eu-west-1' },
      ]);
      expect(opened(plans.open(token, 'associateConnectionWithLag', INPUT)).staleness).toEqual([
        { field: 'operation', planned: OPERATION, current: 'associateConnectionWithLag' },
      ]);
    });

    it('expires a plan older than 15 minutes, and not one a millisecond younger', () => {
      const time = clock();
      const plans = createPlans({ now: time.now });
      const token = plans.issue(OPERATION, INPUT, lagState('lag', viewOf(lag())));
      time.advance(PLAN_LIFETIME_MS);
      expect(opened(plans.open(token, OPERATION, INPUT)).staleness).toEqual([]);
      time.advance(1);
      const plan = opened(plans.open(token, OPERATION, INPUT));
      expect(plan.staleness).toEqual([{ field: 'plan.age', planned: '2026-11-26T10:00:00.000Z', current: '2026-11-26T10:15:00.001Z' }]);
      expect(plan.plannedAt.toISOString()).toBe('2026-11-26T10:00:00.000Z');
    });

    it.each([
      ['empty', ''],
      ['not a token', 'hello'],
      ['another version', (t: string) => t.replace(/^p1\./, 'p2.')],
      ['an altered body', (t: string) => { const [v, body, sig] = t.split('.'); return `${v}.${body!.slice(0, -2)}${body!.slice(-2) === 'fQ' ? 'fX' : 'fQ'}.${sig}`; }],
      ['an altered signature', (t: string) => `${t.slice(0, -3)}${t.endsWith('AAA') ? 'BBB' : 'AAA'}`],
      ['an extra part', (t: string) => `${t}.more`],
      ['characters appended that a base64 decoder would skip', (t: string) => `${t}!!`],
      ['a line break inside', (t: string) => `${t.slice(0, 10)}\n${t.slice(10)}`],
      ['the last character nudged within its spare bits', (t: string) => `${t.slice(0, -1)}${t.endsWith('A') ? 'B' : 'A'}`],
      ['megabytes', 'p1.' + 'a'.repeat(100_000) + '.b'],
    ])('refuses %s as not a plan this gateway made, on expectedPlanToken', (_name, alter) => {
      const plans = createPlans();
      const token = plans.issue(OPERATION, INPUT, lagState('lag', viewOf(lag())));
      const result = plans.open(typeof alter === 'string' ? alter : alter(token), OPERATION, INPUT);
      expect(result).toMatchObject({ field: 'expectedPlanToken', message: expect.stringContaining('not a plan this gateway made') });
    });

    it('allows a minute of clock skew between replicas, and says so when a plan is dated later than that', () => {
      const time = clock();
      const plans = createPlans({ now: time.now });
      const token = plans.issue(OPERATION, INPUT, lagState('lag', viewOf(lag())));
      time.advance(-60_000);
      expect(opened(plans.open(token, OPERATION, INPUT)).staleness).toEqual([]);
      time.advance(-1);
      const plan = opened(plans.open(token, OPERATION, INPUT));
      expect(plan.staleness).toEqual([expect.objectContaining({ field: 'plan.age' })]);
      expect(describeChanges(plan.staleness, plan.plannedAt)).toContain("later than this gateway's clock");
    });

    it('refuses a token signed with another secret, and accepts it where the secret is shared', () => {
      const secret = 'x'.repeat(32);
      const token = createPlans({ secret }).issue(OPERATION, INPUT, lagState('lag', viewOf(lag())));
      expect(createPlans({ secret: 'y'.repeat(32) }).open(token, OPERATION, INPUT)).toHaveProperty('field', 'expectedPlanToken');
      expect(createPlans().open(token, OPERATION, INPUT)).toHaveProperty('field', 'expectedPlanToken');
      expect(opened(createPlans({ secret }).open(token, OPERATION, INPUT)).staleness).toEqual([]);
    });
  });
});

describe('Function: compareStates', () => {
  const before = lagState('lag', viewOf(lag()));

  it('names a member whose state moved', () => {
    const current = lagState('lag', viewOf(lag({ connections: [{ connectionId: 'dxcon-member01', connectionState: 'available' }, { connectionId: 'dxcon-member02', connectionState: 'down' }] })));
    expect(compareStates(before, current)).toEqual([{ field: 'connection(dxcon-member02).connectionState', planned: 'available', current: 'down' }]);
  });

  it('names a member that left, minimumLinks and the LAG state', () => {
    const current = lagState('lag', viewOf(lag({ lagState: 'down', minimumLinks: 2, connections: [{ connectionId: 'dxcon-member01', connectionState: 'available' }] })));
    expect(compareStates(before, current)).toEqual([
      { field: 'connection(dxcon-member02).connectionState', planned: 'available', current: null },
      { field: 'connection(dxcon-member02).macSecCapable', planned: 'false', current: null },
      { field: 'lag.lagState', planned: 'available', current: 'down' },
      { field: 'lag.members', planned: 'dxcon-member01, dxcon-member02', current: 'dxcon-member01' },
      { field: 'lag.minimumLinks', planned: '1', current: '2' },
    ]);
  });

  it('names a BGP session that went down and a VIF that appeared or went away', () => {
    expect(compareStates(before, lagState('lag', viewOf(lag(), [vif('down')])))).toEqual([
      { field: 'bgpPeer(dxpeer-aaaaaaaa).bgpStatus', planned: 'up', current: 'down' },
    ]);
    expect(compareStates(before, lagState('lag', viewOf(lag(), [])))).toEqual([
      { field: 'bgpPeer(dxpeer-aaaaaaaa).bgpStatus', planned: 'up', current: null },
      { field: 'virtualInterface(dxvif-aaaaaaaa)', planned: 'available', current: null },
    ]);
  });

  it("names what the impact rests on: a member's bandwidth, the hosted connections, whether the LAG is a partner's", () => {
    const withBandwidth = (bandwidth: string) =>
      lag({ connections: [{ connectionId: 'dxcon-member01', connectionState: 'available', bandwidth }, { connectionId: 'dxcon-member02', connectionState: 'available', bandwidth: '10Gbps' }] });
    const planned = lagState('lag', { lag: withBandwidth('10Gbps'), virtualInterfaces: [], hostedConnections: [{ connectionId: 'dxcon-hosted01' }] });
    const current = lagState('lag', { lag: { ...withBandwidth('1Gbps'), allowsHostedConnections: true }, virtualInterfaces: [], hostedConnections: [] });
    expect(compareStates(planned, current)).toEqual([
      { field: 'connection(dxcon-member01).bandwidth', planned: '10Gbps', current: '1Gbps' },
      { field: 'lag.allowsHostedConnections', planned: 'false', current: 'true' },
      { field: 'lag.hostedConnections', planned: 'dxcon-hosted01', current: '' },
    ]);
  });

  it('names a LAG that no longer exists', () => {
    expect(compareStates(before, lagState('lag', null))).toContainEqual({ field: 'lag', planned: 'dxlag-ffrz71kw', current: null });
  });

  it("names the connection's own fields, under the name of what it is to the change", () => {
    const joining = { connectionId: 'dxcon-joining1', connectionState: 'available' as const, bandwidth: '10Gbps', awsDeviceV2: 'EqDC2-a', lagId: undefined };
    expect(compareStates(connectionState(joining), connectionState({ ...joining, awsDeviceV2: 'EqDC2-b', lagId: 'dxlag-ffrz71kw' }))).toEqual([
      { field: 'connection(dxcon-joining1).awsDeviceV2', planned: 'EqDC2-a', current: 'EqDC2-b' },
      { field: 'connection(dxcon-joining1).lagId', planned: null, current: 'dxlag-ffrz71kw' },
    ]);
  });

  it('sees no change in the order AWS lists things', () => {
    const reordered = lag({ connections: [...lag().connections!].reverse() });
    expect(compareStates(before, lagState('lag', viewOf(reordered)))).toEqual([]);
  });
});

describe('Function: withPlanToken', () => {
  it('signs nothing until planToken is read, then dates the plan when the dry run read the state', () => {
    const time = clock();
    const plans = createPlans({ now: time.now });
    let signed = 0;
    const counting = { ...plans, issue: (...args: Parameters<typeof plans.issue>) => (signed++, plans.issue(...args)) };
    let statesBuilt = 0;
    const answer = withPlanToken({ dryRun: true }, counting, OPERATION, INPUT, () => (statesBuilt++, lagState('lag', viewOf(lag()))));
    expect(answer.dryRun).toBe(true);
    expect([signed, statesBuilt]).toEqual([0, 0]);
    time.advance(PLAN_LIFETIME_MS - 1000);
    const token = answer.planToken;
    expect(answer.planToken).toBe(token);
    expect([signed, statesBuilt]).toEqual([1, 1]);
    // Dated at the dry run, not at the read: 2 s later it is past its 15 minutes.
    time.advance(2000);
    expect(opened(plans.open(token, OPERATION, INPUT)).staleness.map((s) => s.field)).toEqual(['plan.age']);
  });

  it('carries the token when the answer is serialized (a kept outcome, a log line)', () => {
    const plans = createPlans();
    const answer = withPlanToken({ dryRun: true }, plans, OPERATION, INPUT, () => lagState('lag', viewOf(lag())));
    const copy = JSON.parse(JSON.stringify(answer)) as { planToken: string };
    expect(copy.planToken).toBe(answer.planToken);
    expect('message' in plans.open(copy.planToken, OPERATION, INPUT)).toBe(false);
  });
});
