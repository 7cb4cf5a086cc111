import { describe, expect, it } from 'vitest';
import type { Connection, ConnectionState, Lag, VirtualInterface } from '@aws-sdk/client-direct-connect';
import {
  associationImpact,
  bandwidthGbps,
  disassociationImpact,
  memberQuota,
  minimumLinksImpact,
  minimumLinksShortfall,
  takesLagDown,
  type LagView,
  type Surroundings,
} from '../../../src/changes/impact.js';
import type { Traffic } from '../../../src/aws/cloudWatch.js';
import type { MaintenanceEvent } from '../../../src/aws/health.js';

// src/changes/impact.ts: the minimum-links rule the changes share (a member may not
// leave a LAG with fewer operational members than minimumLinks, except its last
// member) and what each change does, from the state just before it
// (docs/contract.md, "Impact"). Through GraphQL on the demo seed:
// test/graphql/Mutation.disassociateConnectionFromLag.impact.test.ts.

const member = (n: number, state: ConnectionState = 'available', bandwidth = '10Gbps'): Connection => ({
  connectionId: `dxcon-member0${n}`,
  connectionState: state,
  bandwidth,
  lagId: 'dxlag-ffrz71kw',
});

const vif = (id: string, ...statuses: Array<'up' | 'down' | 'unknown'>): VirtualInterface => ({
  virtualInterfaceId: id,
  connectionId: 'dxlag-ffrz71kw',
  bgpPeers: statuses.map((bgpStatus, i) => ({ bgpPeerId: `dxpeer-${id.slice(6)}${i}`, bgpStatus })),
});

const traffic = (peakGbps: number): Traffic => ({
  windowMinutes: 60,
  periodSeconds: 60,
  egressPeakGbps: peakGbps,
  ingressPeakGbps: peakGbps / 2,
  egressAverageGbps: peakGbps / 2,
  ingressAverageGbps: peakGbps / 4,
  known: true,
  unknownReason: null,
});

/** Light traffic, no maintenance, no DX gateway: surroundings that warn of nothing. */
const QUIET: Surroundings = {
  traffic: traffic(0),
  maintenance: { known: true, unknownReason: null, events: [] },
  directConnectGateways: [],
  associations: [],
  virtualPrivateGateways: [],
};

function view(
  lag: Partial<Lag> & { connections: Connection[] },
  vifs: VirtualInterface[] = [],
  hosted: Connection[] = [],
  /** null: none could be read. */
  surroundings: Surroundings | null = QUIET,
): LagView {
  return { lag: { lagId: 'dxlag-ffrz71kw', minimumLinks: 1, ...lag }, virtualInterfaces: vifs, hostedConnections: hosted, surroundings: surroundings ?? undefined };
}

const codes = (v: LagView, id: string) => disassociationImpact(v, id).warnings.map((w) => w.code);

describe('Function: bandwidthGbps', () => {
  it.each([
    ['1Gbps', 1],
    ['10Gbps', 10],
    ['100Gbps', 100],
    ['400Gbps', 400],
    ['500Mbps', 0.5],
    ['50Mbps', 0.05],
    ['25Gbps', 25],
  ])('reads AWS form %s as %d Gbps', (form, gbps) => {
    expect(bandwidthGbps(form)).toBe(gbps);
  });

  it.each(['', 'fast', '10', '10Tbps', 'Gbps'])('refuses to guess at %j', (form) => {
    expect(bandwidthGbps(form)).toBeUndefined();
  });
});

describe('Function: disassociationImpact', () => {
  it('counts operational members and the capacity of available members only', () => {
    const impact = disassociationImpact(
      view({ connections: [member(1), member(2), member(3, 'down'), member(4, 'available', '500Mbps')] }),
      'dxcon-member01',
    );
    expect(impact).toMatchObject({
      lagId: 'dxlag-ffrz71kw',
      operationalConnectionsBefore: 3,
      operationalConnectionsAfter: 2,
      minimumLinks: 1,
      capacityBeforeGbps: 20.5,
      capacityAfterGbps: 10.5,
    });
  });

  it('loses no capacity when the leaving member is down', () => {
    const impact = disassociationImpact(view({ connections: [member(1, 'down'), member(2), member(3)] }, [vif('dxvif-aaaaaaaa', 'up')]), 'dxcon-member01');
    expect(impact.capacityAfterGbps).toBe(impact.capacityBeforeGbps);
    expect(impact.warnings.map((w) => w.code)).not.toContain('BGP_SESSIONS_AFFECTED');
  });

  it('warns LAG_EMPTIED, LAG_GOES_DOWN and BGP_SESSIONS_AFFECTED for the last member, naming the VIFs that lose their path', () => {
    const impact = disassociationImpact(
      view({ connections: [member(1)] }, [vif('dxvif-aaaaaaaa', 'up', 'up'), vif('dxvif-bbbbbbbb', 'down')]),
      'dxcon-member01',
    );
    expect(impact.warnings.map((w) => w.code)).toEqual(['LAG_EMPTIED', 'LAG_GOES_DOWN', 'BGP_SESSIONS_AFFECTED']);
    expect(impact.warnings[0]!.message).toContain('2 virtual interfaces (dxvif-aaaaaaaa, dxvif-bbbbbbbb) lose their only path');
    expect(impact.warnings[2]!.message).toBe('1 virtual interface with 2 BGP sessions up loses its only path (dxvif-aaaaaaaa).');
    expect(impact.bgpSessionsUp).toBe(2);
    expect(impact.virtualInterfacesStaying.map((v) => v.virtualInterfaceId)).toEqual(['dxvif-aaaaaaaa', 'dxvif-bbbbbbbb']);
  });

  it('says an emptied LAG with nothing on it loses nothing but its member', () => {
    const impact = disassociationImpact(view({ connections: [member(1)], minimumLinks: 0 }), 'dxcon-member01');
    expect(impact.warnings.map((w) => w.code)).toEqual(['LAG_EMPTIED', 'LAG_GOES_DOWN']);
    expect(impact.warnings[0]!.message).toContain('nothing rides on it');
  });

  it('warns AT_MINIMUM_LINKS when exactly minimumLinks operational members stay', () => {
    expect(codes(view({ connections: [member(1), member(2), member(3)], minimumLinks: 2 }), 'dxcon-member01')).toEqual(['AT_MINIMUM_LINKS']);
    expect(codes(view({ connections: [member(1), member(2), member(3)], minimumLinks: 1 }), 'dxcon-member01')).toEqual([]);
  });

  it('treats a minimumLinks of 0 as needing one operational member to carry anything', () => {
    expect(codes(view({ connections: [member(1), member(2)], minimumLinks: 0 }), 'dxcon-member01')).toEqual(['AT_MINIMUM_LINKS']);
  });

  it('warns LAG_GOES_DOWN, not AT_MINIMUM_LINKS, for a disassociation below minimumLinks (what a refusal would have done)', () => {
    const impact = disassociationImpact(view({ connections: [member(1), member(2)], minimumLinks: 2 }, [vif('dxvif-aaaaaaaa', 'up')]), 'dxcon-member01');
    expect(impact.warnings.map((w) => w.code)).toEqual(['LAG_GOES_DOWN', 'BGP_SESSIONS_AFFECTED']);
    expect(impact.warnings[0]!.message).toContain('1 operational connection, below its minimumLinks of 2');
  });

  it('does not say a LAG that is already down goes down', () => {
    expect(codes(view({ connections: [member(1), member(2, 'down')], minimumLinks: 2 }), 'dxcon-member01')).not.toContain('LAG_GOES_DOWN');
  });

  it('warns BECOMES_INTERCONNECT for a member of a LAG that allows hosted connections, counting what stays', () => {
    const hosted: Connection[] = [{ connectionId: 'dxcon-hosted01' }, { connectionId: 'dxcon-hosted02' }];
    const impact = disassociationImpact(view({ connections: [member(1), member(2), member(3)], allowsHostedConnections: true }, [], hosted), 'dxcon-member01');
    expect(impact.warnings.map((w) => w.code)).toEqual(['BECOMES_INTERCONNECT']);
    expect(impact.warnings[0]!.message).toContain('2 hosted connections stay on the LAG');
    expect(impact.hostedConnectionsStaying).toBe(hosted);
    expect(codes(view({ connections: [member(1), member(2), member(3)], allowsHostedConnections: false }), 'dxcon-member01')).toEqual([]);
  });

  it('warns BGP_SESSIONS_AFFECTED with the capacity change when sessions that are up lose capacity', () => {
    const impact = disassociationImpact(
      view({ connections: [member(1), member(2), member(3)] }, [vif('dxvif-aaaaaaaa', 'up', 'up'), vif('dxvif-bbbbbbbb', 'up'), vif('dxvif-cccccccc', 'down')]),
      'dxcon-member02',
    );
    expect(impact.warnings).toEqual([
      { code: 'BGP_SESSIONS_AFFECTED', message: '2 virtual interfaces with 3 BGP sessions up go from 3 operational connections (30 Gbps) to 2 (20 Gbps): dxvif-aaaaaaaa, dxvif-bbbbbbbb.' },
    ]);
  });

  it('warns about BGP sessions by operational members lost, even when a bandwidth cannot be read', () => {
    const impact = disassociationImpact(
      view({ connections: [member(1, 'available', 'fast'), member(2), member(3)] }, [vif('dxvif-aaaaaaaa', 'up')]),
      'dxcon-member01',
    );
    expect(impact).toMatchObject({ capacityBeforeGbps: 20, capacityAfterGbps: 20 });
    expect(impact.warnings[0]!.message).toBe('1 virtual interface with 1 BGP session up goes from 3 operational connections (20 Gbps) to 2 (20 Gbps): dxvif-aaaaaaaa.');
  });

  it('says nothing of BGP sessions on a LAG that is down already, and does not call a member that was down a lost path', () => {
    const down = view({ connections: [member(1), member(2, 'down'), member(3, 'down')], minimumLinks: 2 }, [vif('dxvif-aaaaaaaa', 'up')]);
    expect(codes(down, 'dxcon-member02')).toEqual([]);
    const emptied = disassociationImpact(view({ connections: [member(1, 'down')] }, [vif('dxvif-aaaaaaaa', 'up')]), 'dxcon-member01');
    expect(emptied.warnings.map((w) => w.code)).toEqual(['LAG_EMPTIED']);
    expect(emptied.warnings[0]!.message).toContain('are left with no member at all');
  });

  it('does not warn about BGP when no session is up', () => {
    expect(codes(view({ connections: [member(1), member(2), member(3)] }, [vif('dxvif-aaaaaaaa', 'down', 'unknown')]), 'dxcon-member01')).toEqual([]);
  });
});

// minimumLinksShortfall

const lagMember = (n: number, state: ConnectionState = 'available'): Connection => ({
  connectionId: `dxcon-member0${n}`,
  connectionState: state,
  lagId: 'dxlag-ffrz71kw',
});

const lagWith = (minimumLinks: number | undefined, ...connections: Connection[]): Lag => ({
  lagId: 'dxlag-ffrz71kw',
  lagState: 'available',
  minimumLinks,
  numberOfConnections: connections.length,
  connections,
});

describe('Function: minimumLinksShortfall', () => {
  describe('allows the disassociation', () => {
    it('when the operational connections left stay above minimumLinks', () => {
      expect(minimumLinksShortfall(lagWith(1, lagMember(1), lagMember(2), lagMember(3)), 'dxcon-member01')).toBeUndefined();
    });

    it('when the operational connections left equal minimumLinks', () => {
      expect(minimumLinksShortfall(lagWith(2, lagMember(1), lagMember(2), lagMember(3)), 'dxcon-member02')).toBeUndefined();
    });

    it('when minimumLinks is 0, even if nothing stays operational', () => {
      expect(minimumLinksShortfall(lagWith(0, lagMember(1), lagMember(2)), 'dxcon-member01')).toBeUndefined();
    });

    it('when minimumLinks is absent, treating it as 0', () => {
      expect(minimumLinksShortfall(lagWith(undefined, lagMember(1), lagMember(2)), 'dxcon-member01')).toBeUndefined();
      expect(minimumLinksShortfall(lagWith(undefined, lagMember(1, 'down'), lagMember(2, 'down')), 'dxcon-member01')).toBeUndefined();
    });

    it('when the leaving member is not operational, so the operational count is unchanged', () => {
      // Two available members stay; minimumLinks 2 is still met.
      expect(minimumLinksShortfall(lagWith(2, lagMember(1), lagMember(2), lagMember(3, 'down')), 'dxcon-member03')).toBeUndefined();
    });
  });

  describe('refuses the disassociation', () => {
    it('when fewer operational connections than minimumLinks would remain, with the numbers', () => {
      expect(minimumLinksShortfall(lagWith(2, lagMember(1), lagMember(2)), 'dxcon-member01')).toEqual({
        minimumLinks: 2,
        operationalConnections: 2,
        remainingOperationalConnections: 1,
      });
    });

    it('counts only available members as operational', () => {
      const lag = lagWith(2, lagMember(1), lagMember(2), lagMember(3, 'down'), lagMember(4, 'pending'));
      expect(minimumLinksShortfall(lag, 'dxcon-member01')).toEqual({
        minimumLinks: 2,
        operationalConnections: 2,
        remainingOperationalConnections: 1,
      });
    });

    it('when the LAG is already below minimumLinks and a non-operational member leaves', () => {
      // Removing a down member does not lower the count, but the count is already short.
      const lag = lagWith(2, lagMember(1), lagMember(2, 'down'));
      expect(minimumLinksShortfall(lag, 'dxcon-member02')).toEqual({
        minimumLinks: 2,
        operationalConnections: 1,
        remainingOperationalConnections: 1,
      });
    });

    it('for minimumLinks 1 when the only other member is down', () => {
      expect(minimumLinksShortfall(lagWith(1, lagMember(1), lagMember(2, 'down')), 'dxcon-member01')).toEqual({
        minimumLinks: 1,
        operationalConnections: 1,
        remainingOperationalConnections: 0,
      });
    });
  });

  describe('the last-member exception', () => {
    it('allows taking the only member out even with minimumLinks 1', () => {
      expect(minimumLinksShortfall(lagWith(1, lagMember(1)), 'dxcon-member01')).toBeUndefined();
    });

    it('allows taking the only member out whatever minimumLinks says', () => {
      expect(minimumLinksShortfall(lagWith(4, lagMember(1)), 'dxcon-member01')).toBeUndefined();
    });

    it('allows it for a single member that is down', () => {
      expect(minimumLinksShortfall(lagWith(1, lagMember(1, 'down')), 'dxcon-member01')).toBeUndefined();
    });

    it('does not apply to a LAG with two members', () => {
      expect(minimumLinksShortfall(lagWith(2, lagMember(1), lagMember(2)), 'dxcon-member02')).toBeDefined();
    });
  });

  it('does not throw for a LAG without a connections list', () => {
    expect(minimumLinksShortfall({ lagId: 'dxlag-ffrz71kw', minimumLinks: 1 }, 'dxcon-member01')).toBeUndefined();
  });
});

describe('Function: memberQuota', () => {
  it.each([
    ['1Gbps', 4],
    ['10Gbps', 4],
    ['100Gbps', 2],
    ['400Gbps', 2],
    [undefined, 4],
  ])('allows %s LAGs %d members', (bandwidth, quota) => {
    expect(memberQuota(bandwidth)).toBe(quota);
  });
});

describe('Function: associationImpact', () => {
  const joining = (state: ConnectionState = 'available') => ({
    connection: { connectionId: 'dxcon-joining1', connectionState: state, bandwidth: '10Gbps' },
    virtualInterfaces: [vif('dxvif-own00001', 'up', 'down')],
    hostedConnections: [{ connectionId: 'dxcon-hosted01' }],
    previous: null,
  });

  it('adds the joining member to the operational count and the capacity, lists what moves, and who may leave after', () => {
    const impact = associationImpact(view({ connections: [member(1), member(2)], minimumLinks: 2 }, [vif('dxvif-aaaaaaaa', 'up')]), joining());
    expect(impact).toMatchObject({
      operationalConnectionsBefore: 2,
      operationalConnectionsAfter: 3,
      capacityBeforeGbps: 20,
      capacityAfterGbps: 30,
      membersFreeToLeave: ['dxcon-member01', 'dxcon-member02', 'dxcon-joining1'],
      membersHeldByMinimumLinks: [],
      previousLag: null,
    });
    expect(impact.virtualInterfacesMoving.map((v) => v.virtualInterfaceId)).toEqual(['dxvif-own00001']);
    expect(impact.hostedConnectionsMoving).toEqual([{ connectionId: 'dxcon-hosted01' }]);
    expect(impact.warnings).toEqual([
      {
        code: 'BGP_SESSIONS_AFFECTED',
        message: '1 virtual interface with 1 BGP session up on dxcon-joining1 itself is interrupted while the connection is re-established as a member of dxlag-ffrz71kw, and moves to the LAG (dxvif-own00001).',
      },
    ]);
  });

  it('warns CONNECTION_NOT_OPERATIONAL for a member that adds nothing, and counts it so', () => {
    const impact = associationImpact(view({ connections: [member(1)] }), { ...joining('down'), virtualInterfaces: [] });
    expect(impact.warnings.map((w) => w.code)).toEqual(['CONNECTION_NOT_OPERATIONAL', 'AT_MINIMUM_LINKS']);
    expect(impact).toMatchObject({ operationalConnectionsAfter: 1, capacityAfterGbps: 10 });
  });

  it("warns LEAVES_ANOTHER_LAG and gives that LAG's impact, without calling the move an interconnect", () => {
    const previous = view({ connections: [member(1), member(2)], allowsHostedConnections: true, lagId: 'dxlag-previous1' });
    const moving = { connection: member(1), virtualInterfaces: [], hostedConnections: [], previous };
    const impact = associationImpact(view({ connections: [member(3), member(4)] }), moving);
    expect(impact.warnings.map((w) => w.code)).toEqual(['LEAVES_ANOTHER_LAG']);
    expect(impact.previousLag).toMatchObject({ operationalConnectionsBefore: 2, operationalConnectionsAfter: 1 });
    expect(impact.previousLag!.warnings.map((w) => w.code)).toEqual(['AT_MINIMUM_LINKS']);
  });
});

describe('Function: takesLagDown and minimumLinksImpact', () => {
  it('call a raise above the operational members taking the LAG down, whether it is up or down now', () => {
    const up = lagWith(1, lagMember(1), lagMember(2), lagMember(3, 'down'));
    expect(takesLagDown(up, 3)).toBe(true);
    expect(takesLagDown(up, 2)).toBe(false);
    const down = lagWith(3, lagMember(1), lagMember(2, 'down'), lagMember(3, 'down'));
    expect(takesLagDown(down, 2)).toBe(false);
    expect(takesLagDown(down, 3)).toBe(false);
    expect(takesLagDown(down, 4)).toBe(true);
  });

  it('warns LAG_GOES_DOWN exactly when takesLagDown says so, with the BGP sessions that lose their path', () => {
    const lag = lagWith(1, lagMember(1), lagMember(2), lagMember(3, 'down'));
    const at = (n: number) => minimumLinksImpact({ lag, virtualInterfaces: [vif('dxvif-aaaaaaaa', 'up')], hostedConnections: [], surroundings: QUIET }, n);
    expect(at(3).warnings.map((w) => w.code)).toEqual(['LAG_GOES_DOWN', 'BGP_SESSIONS_AFFECTED']);
    expect(at(2).warnings.map((w) => w.code)).toEqual(['AT_MINIMUM_LINKS']);
    expect(at(0).warnings.map((w) => w.code)).toEqual([]);
    // Below its minimumLinks even a down member may not leave: the rule counts what would remain.
    expect(at(3)).toMatchObject({ minimumLinks: 3, minimumLinksBefore: 1, membersFreeToLeave: [], membersHeldByMinimumLinks: ['dxcon-member01', 'dxcon-member02', 'dxcon-member03'] });
    expect(at(2)).toMatchObject({ membersFreeToLeave: ['dxcon-member03'], membersHeldByMinimumLinks: ['dxcon-member01', 'dxcon-member02'] });
  });
});

describe('What a change touches beyond the LAG (its surroundings)', () => {
  const event = (id: string, ...names: string[]): MaintenanceEvent => ({
    eventArn: `arn:aws:health:us-east-1::event/DIRECTCONNECT/AWS_DIRECTCONNECT_MAINTENANCE_SCHEDULED/${id}`,
    eventTypeCode: 'AWS_DIRECTCONNECT_MAINTENANCE_SCHEDULED',
    statusCode: 'upcoming',
    startTime: '2026-12-10T02:00:00.000Z',
    endTime: '2026-12-10T06:00:00.000Z',
    region: 'us-east-1',
    affectedResourceIds: names,
  });
  const around = (changes: Partial<Surroundings>): Surroundings => ({ ...QUIET, ...changes });
  const two = [member(1), member(2)];

  it('reports the peak as the greater of egress and ingress, and warns CAPACITY_BELOW_PEAK when what stays is below it', () => {
    const impact = disassociationImpact(view({ connections: two }, [], [], around({ traffic: traffic(12) })), 'dxcon-member01');
    expect(impact.trafficPeakGbps).toBe(12);
    expect(impact.capacityAfterGbps).toBe(10);
    const warning = impact.warnings.find((w) => w.code === 'CAPACITY_BELOW_PEAK');
    expect(warning?.message).toContain('peaked at 12 Gbps');
    expect(warning?.message).toContain('10 Gbps');
    expect(impact.verdicts.capacityBelowPeak).toBe('true');
  });

  it('does not warn CAPACITY_BELOW_PEAK when what stays carries the peak, or when the change does not lower capacity', () => {
    expect(codes(view({ connections: two }, [], [], around({ traffic: traffic(9.5) })), 'dxcon-member01')).not.toContain('CAPACITY_BELOW_PEAK');
    // A member that is down adds nothing, so taking it out lowers nothing.
    const withDown = view({ connections: [member(1), member(2, 'down')] }, [], [], around({ traffic: traffic(12) }));
    expect(codes(withDown, 'dxcon-member02')).not.toContain('CAPACITY_BELOW_PEAK');
    expect(minimumLinksImpact(view({ connections: two }, [], [], around({ traffic: traffic(30) })), 1).warnings.map((w) => w.code)).not.toContain(
      'CAPACITY_BELOW_PEAK',
    );
  });

  it('warns CAPACITY_BELOW_PEAK for the last member of a LAG that carries traffic', () => {
    expect(codes(view({ connections: [member(1)] }, [], [], around({ traffic: traffic(0.5) })), 'dxcon-member01')).toContain('CAPACITY_BELOW_PEAK');
  });

  it('warns TRAFFIC_UNKNOWN with CloudWatch\'s reason, and has no peak', () => {
    const unknown: Traffic = { ...traffic(0), known: false, unknownReason: 'CloudWatch throttled the call', egressPeakGbps: null, ingressPeakGbps: null };
    const impact = disassociationImpact(view({ connections: two }, [], [], around({ traffic: unknown })), 'dxcon-member01');
    expect(impact.trafficPeakGbps).toBeNull();
    expect(impact.warnings.find((w) => w.code === 'TRAFFIC_UNKNOWN')?.message).toContain('CloudWatch throttled the call');
    expect(impact.warnings.map((w) => w.code)).not.toContain('CAPACITY_BELOW_PEAK');
    expect(impact.verdicts.capacityBelowPeak).toBe('unknown');
  });

  it('warns MAINTENANCE_ON_REMAINING_PATH for an event on a member that stays, not for one on the member that leaves', () => {
    const onStaying = event('A1', 'dxcon-member02');
    const onLeaving = event('B2', 'dxcon-member01');
    const impact = disassociationImpact(view({ connections: two }, [], [], around({ maintenance: { known: true, unknownReason: null, events: [onStaying] } })), 'dxcon-member01');
    expect(impact.maintenanceEvents).toEqual([onStaying]);
    expect(impact.warnings.find((w) => w.code === 'MAINTENANCE_ON_REMAINING_PATH')?.message).toContain('dxcon-member02');
    expect(impact.verdicts.maintenanceOnRemainingPath).toBe(onStaying.eventArn);
    const leaving = disassociationImpact(view({ connections: two }, [], [], around({ maintenance: { known: true, unknownReason: null, events: [onLeaving] } })), 'dxcon-member01');
    expect(leaving.maintenanceEvents).toEqual([onLeaving]);
    expect(leaving.warnings.map((w) => w.code)).not.toContain('MAINTENANCE_ON_REMAINING_PATH');
    expect(leaving.verdicts.maintenanceOnRemainingPath).toBe('');
  });

  it('counts an event on the LAG itself as on the remaining path', () => {
    const onLag = event('C3', 'dxlag-ffrz71kw');
    expect(codes(view({ connections: two }, [], [], around({ maintenance: { known: true, unknownReason: null, events: [onLag] } })), 'dxcon-member01')).toContain(
      'MAINTENANCE_ON_REMAINING_PATH',
    );
  });

  it('warns MAINTENANCE_UNKNOWN with Health\'s reason', () => {
    const impact = disassociationImpact(
      view({ connections: two }, [], [], around({ maintenance: { known: false, unknownReason: 'SubscriptionRequiredException', events: [] } })),
      'dxcon-member01',
    );
    expect(impact.warnings.find((w) => w.code === 'MAINTENANCE_UNKNOWN')?.message).toContain('SubscriptionRequiredException');
    expect(impact.verdicts.maintenanceOnRemainingPath).toBe('unknown');
  });

  it('knows nothing of a view whose surroundings could not be read', () => {
    const impact = disassociationImpact(view({ connections: two }, [], [], null), 'dxcon-member01');
    expect(impact.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['TRAFFIC_UNKNOWN', 'MAINTENANCE_UNKNOWN']));
  });

  it('lists the DX gateways and the gateways behind them, and the virtual private gateways VIFs attach to directly', () => {
    const impact = disassociationImpact(
      view(
        { connections: two },
        [],
        [],
        around({
          directConnectGateways: [{ directConnectGatewayId: 'gw-1' }],
          associations: [
            { directConnectGatewayId: 'gw-1', associationState: 'associated', associatedGateway: { id: 'tgw-1', type: 'transitGateway', region: 'us-east-1' } },
            { directConnectGatewayId: 'gw-1', associationState: 'disassociated', associatedGateway: { id: 'vgw-old', type: 'virtualPrivateGateway' } },
          ],
          virtualPrivateGateways: [{ id: 'vgw-1', type: 'virtualPrivateGateway', region: 'us-east-1' }],
        }),
      ),
      'dxcon-member01',
    );
    expect(impact.directConnectGatewaysAffected.map((g) => g.directConnectGatewayId)).toEqual(['gw-1']);
    expect(impact.associatedGatewaysAffected.map((g) => g.id)).toEqual(['tgw-1', 'vgw-1']);
  });
});
