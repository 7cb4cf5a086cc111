import type { BGPPeer, VirtualInterface, VirtualInterfaceTestHistory } from '@aws-sdk/client-direct-connect';
import { peakGbps, type Traffic } from '../aws/cloudWatch.js';
import type { MaintenanceReport } from '../aws/health.js';
import { eventsNaming } from '../aws/health.js';
import type { FailoverImpact, ImpactWarning } from './models.js';
import { IMPACT_TRAFFIC_WINDOW_MINUTES } from './impact.js';
import { isGone } from './lagChange.js';
import { virtualInterfacesState, type PlannedState } from './plan.js';

// What a BGP failover test does (docs/contract.md, "Failover tests"), computed from
// the state just before it, and the rules the start and the stop share. AWS brings
// the tested sessions down for the test's duration (docs/aws-behaviour.md, "BGP
// failover tests"); the traffic they carried must then take another path: another
// VIF with BGP up that reaches the same Direct Connect gateway or, for a VIF on a
// virtual private gateway, the same one. Pure functions of the state, so the dry run,
// the real call and a refusal say the same thing.

/** How a VIF reaches AWS: through a DX gateway, straight to a virtual private gateway, or neither (a public VIF). */
export type Reach =
  | { kind: 'directConnectGateway'; id: string; name: string | null }
  | { kind: 'virtualPrivateGateway'; id: string }
  | { kind: 'none'; virtualInterfaceType: string | null };

/** Another VIF that reaches the same gateway, with what it rides on. */
export interface Sibling {
  vif: VirtualInterface;
  region: string;
  /** The connection or LAG it rides on (its `connectionId`), in its region. */
  parentKey: string;
  /** The bandwidth of that connection, or of the LAG's available members, in Gbps; 0 when it is not available or unknown. */
  parentCapacityGbps: number;
  /** The IDs AWS maintenance on this path would name: the VIF, its connection or LAG, the LAG's members. */
  resourceIds: string[];
}

/** A VIF with what a failover test of it reads. */
export interface FailoverView {
  region: string;
  vif: VirtualInterface;
  /** The VIF's tests AWS lists, newest first. */
  tests: VirtualInterfaceTestHistory[];
  reach: Reach;
  /** Every other VIF reaching the same gateway, whatever its BGP status (only the start reads them). */
  siblings: Sibling[];
  /** The VIF's traffic over the last hour (only the start reads it). */
  traffic?: Traffic;
  /** AWS's maintenance in the siblings' regions, narrowed to them (only the start reads it). */
  maintenance?: MaintenanceReport;
}

/** AWS shows a VIF under test as `testing`: the state, not the test's status string (not documented), says a test runs. */
export const isTesting = (vif: VirtualInterface): boolean => vif.virtualInterfaceState === 'testing';

/** The test running on the VIF: the newest AWS lists, while the VIF is testing; null when none runs or AWS does not list it yet. */
export function runningTest(view: Pick<FailoverView, 'vif' | 'tests'>): VirtualInterfaceTestHistory | null {
  return isTesting(view.vif) ? (view.tests[0] ?? null) : null;
}

/** The peer IDs a start names that the VIF does not have; empty when every one is the VIF's. */
export function unknownPeers(vif: VirtualInterface, bgpPeerIds: readonly string[] | undefined): string[] {
  const known = new Set((vif.bgpPeers ?? []).map((peer) => peer.bgpPeerId));
  return (bgpPeerIds ?? []).filter((id) => !known.has(id));
}

/** The sessions a test brings down: those named, or every session of the VIF. */
export function sessionsGoingDown(vif: VirtualInterface, bgpPeerIds: readonly string[] | undefined): BGPPeer[] {
  const peers = vif.bgpPeers ?? [];
  return bgpPeerIds ? peers.filter((peer) => peer.bgpPeerId !== undefined && bgpPeerIds.includes(peer.bgpPeerId)) : peers;
}

/** The address families of the sessions a test takes down that are up now: the traffic another path must carry. */
const familiesGoingDown = (going: readonly BGPPeer[]): Set<string> =>
  new Set(going.filter((peer) => peer.bgpStatus === 'up').map((peer) => peer.addressFamily ?? 'unknown'));

/**
 * Whether a sibling can carry what the test takes down: a session up in each address
 * family going down (an IPv6 session carries no IPv4 traffic), or any session up when
 * nothing up goes down. A sibling under test itself, or going away, carries nothing to rely on.
 */
function canCarry(sibling: VirtualInterface, families: ReadonlySet<string>): boolean {
  if (isGone(sibling.virtualInterfaceState) || isTesting(sibling)) return false;
  const up = new Set<string>((sibling.bgpPeers ?? []).filter((peer) => peer.bgpStatus === 'up').map((peer) => peer.addressFamily ?? 'unknown'));
  return families.size === 0 ? up.size > 0 : [...families].every((family) => up.has(family));
}

const byRegionThenId = (a: Sibling, b: Sibling) => (a.region !== b.region ? (a.region < b.region ? -1 : 1) : (a.vif.virtualInterfaceId ?? '') < (b.vif.virtualInterfaceId ?? '') ? -1 : 1);

/** The siblings that can carry what testing `going` takes down, by region then ID. */
export function alternatesOf(view: Pick<FailoverView, 'siblings'>, going: readonly BGPPeer[]): Sibling[] {
  const families = familiesGoingDown(going);
  return view.siblings.filter((sibling) => canCarry(sibling.vif, families)).sort(byRegionThenId);
}

const gbps = (n: number) => `${Number(n.toFixed(3))} Gbps`;

function reachWords(reach: Reach): string {
  switch (reach.kind) {
    case 'directConnectGateway':
      return `Direct Connect gateway ${reach.name ? `${reach.name} (${reach.id})` : reach.id}`;
    case 'virtualPrivateGateway':
      return `virtual private gateway ${reach.id}`;
    case 'none':
      return 'AWS';
  }
}

/** What testing `bgpPeerIds` (or every session) of the VIF for `minutes` does. */
export function failoverImpact(view: FailoverView, bgpPeerIds: readonly string[] | undefined, minutes: number): FailoverImpact {
  const vifId = view.vif.virtualInterfaceId ?? '';
  const going = sessionsGoingDown(view.vif, bgpPeerIds);
  const alternates = alternatesOf(view, going);
  const capacities = new Map(alternates.map((sibling) => [sibling.parentKey, sibling.parentCapacityGbps]));
  const alternateCapacityGbps = [...capacities.values()].reduce((sum, capacity) => sum + capacity, 0);
  const peak = view.traffic ? peakGbps(view.traffic) : null;
  const maintenance = view.maintenance ?? { known: false, unknownReason: 'The gateway could not read it before the change.', events: [] };
  const onAlternates = eventsNaming(maintenance.events, new Set(alternates.flatMap((sibling) => sibling.resourceIds)));
  const warnings: ImpactWarning[] = [];
  const cutsSessionsUp = going.some((peer) => peer.bgpStatus === 'up');

  if (alternates.length === 0 && cutsSessionsUp) {
    warnings.push({
      code: 'NO_ALTERNATE_PATH',
      message:
        view.reach.kind === 'none'
          ? `${vifId} is a ${view.reach.virtualInterfaceType ? `${view.reach.virtualInterfaceType} ` : ''}virtual interface on no Direct Connect gateway or virtual private gateway: ` +
            `the gateway knows of no other path that carries its traffic, so for ${minutes} minutes it may have none. Make sure another path (another VIF, a VPN) carries it first.`
          : `${vifId} is the only virtual interface with ${[...familiesGoingDown(going)].join(' and ')} BGP up to ${reachWords(view.reach)} that this gateway sees: ` +
            `for the ${minutes} minutes of the test nothing carries its traffic. Bring up another path first, or run the test knowing it is an outage.`,
    });
  }
  let alternateCapacityBelowPeak: FailoverImpact['verdicts']['alternateCapacityBelowPeak'] = 'unknown';
  if (peak === null) {
    warnings.push({
      code: 'TRAFFIC_UNKNOWN',
      message: `The traffic on ${vifId} is not known (${(view.traffic?.unknownReason ?? 'the gateway could not read it before the change').replace(/\.$/, '')}), so whether the alternate paths can carry it was not checked.`,
    });
  } else {
    alternateCapacityBelowPeak = alternates.length > 0 && alternateCapacityGbps < peak ? 'true' : 'false';
    if (alternateCapacityBelowPeak === 'true') {
      warnings.push({
        code: 'ALTERNATE_CAPACITY_BELOW_PEAK',
        message:
          `${vifId} peaked at ${gbps(peak)} in the last ${IMPACT_TRAFFIC_WINDOW_MINUTES} minutes; its alternate paths ` +
          `(${alternates.map((sibling) => sibling.vif.virtualInterfaceId).join(', ')}) ride on ${gbps(alternateCapacityGbps)}, ` +
          `before what they carry already. Test when the traffic is lower, or add capacity to the other path first.`,
      });
    }
  }
  if (alternates.length > 0) {
    if (!maintenance.known) {
      warnings.push({
        code: 'MAINTENANCE_UNKNOWN',
        message: `AWS's maintenance on the alternate paths of ${vifId} is not known: ${maintenance.unknownReason ?? 'the gateway could not read it.'}`,
      });
    } else if (onAlternates.length > 0) {
      const what = onAlternates.map(
        (event) =>
          `${event.statusCode ?? 'scheduled'} ${event.eventTypeCode} on ${event.affectedResourceIds.join(', ')} from ${event.startTime ?? 'an unknown time'}` +
          (event.endTime ? ` to ${event.endTime}` : ''),
      );
      warnings.push({
        code: 'MAINTENANCE_ON_REMAINING_PATH',
        message: `AWS has maintenance on the alternate paths of ${vifId}: ${what.join('; ')}. The path meant to carry the traffic during the test may go down in that window; AWS advises against testing then.`,
      });
    }
  }
  return {
    virtualInterfaceId: vifId,
    bgpSessionsGoingDown: going,
    alternatePaths: alternates.map((sibling) => sibling.vif),
    trafficPeakGbps: peak,
    alternateCapacityGbps,
    maintenanceEvents: onAlternates,
    verdicts: {
      alternateCapacityBelowPeak,
      maintenanceOnRemainingPath: maintenance.known ? onAlternates.map((event) => event.eventArn).sort().join(', ') : 'unknown',
    },
    warnings,
  };
}

/**
 * What a plan binds of a VIF under test: its state and sessions, the test running on
 * it, and (for a start) each sibling's state and sessions, the capacity they ride on,
 * and the verdicts of the traffic and maintenance checks, not their numbers.
 */
export function failoverState(view: FailoverView | null, impact?: FailoverImpact): PlannedState {
  if (!view) return { virtualInterface: null };
  const state: PlannedState = {
    virtualInterface: view.vif.virtualInterfaceId ?? 'exists',
    ...virtualInterfacesState([view.vif]),
    'virtualInterface.connectionId': view.vif.connectionId ?? null,
    'virtualInterface.test': runningTest(view)?.testId ?? (isTesting(view.vif) ? 'running' : 'none'),
    // The newest test AWS lists: a plan starts one test, not another each time the last one ends.
    'virtualInterface.lastTest': view.tests[0]?.testId ?? 'none',
  };
  if (!impact) return state;
  for (const sibling of view.siblings) Object.assign(state, virtualInterfacesState([sibling.vif]));
  return {
    ...state,
    'failover.alternateCapacityGbps': String(impact.alternateCapacityGbps),
    'failover.alternateCapacityBelowPeak': impact.verdicts.alternateCapacityBelowPeak,
    'failover.maintenanceOnRemainingPath': impact.verdicts.maintenanceOnRemainingPath,
  };
}
