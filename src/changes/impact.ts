import type { AssociatedGateway, Connection, DirectConnectGateway, DirectConnectGatewayAssociation, Lag, VirtualInterface } from '@aws-sdk/client-direct-connect';
import { peakGbps, type Traffic } from '../aws/cloudWatch.js';
import type { MaintenanceReport } from '../aws/health.js';
import type { ImpactWarning, LagImpact } from './models.js';

export interface MinimumLinksShortfall {
  minimumLinks: number;
  operationalConnections: number;
  remainingOperationalConnections: number;
}

// What a change to a LAG does (docs/contract.md, "Impact"), computed from the state
// just before it, and the minimum-links rule the changes share. The rules are AWS's
// (docs/aws-behaviour.md, "Disassociating a connection from a LAG", "Associating,
// updating and deleting"): VIFs and hosted connections stay with the LAG a member
// leaves; a connection's own VIFs (and an interconnect's hosted connections) move
// with it into a LAG; a LAG with fewer operational members than minimumLinks is
// down; a partner's connection leaves as an interconnect. Pure functions of the
// state, so the dry run, the real call and a refusal all say the same thing.

/** A LAG with what rides on it: what a change's checks and its impact read. */
export interface LagView {
  lag: Lag;
  virtualInterfaces: VirtualInterface[];
  hostedConnections: Connection[];
  /** What the change touches beyond the LAG; absent when it could not be read (all unknown then). */
  surroundings?: Surroundings;
}

/**
 * What a change touches beyond the LAG itself (docs/contract.md, "Impact"): the LAG's
 * traffic over the last 60 minutes, AWS's maintenance on it and its members (and a
 * joining connection), and the DX gateways its VIFs (and those moving with a joining
 * connection) reach, with their associations.
 */
export interface Surroundings {
  traffic: Traffic;
  maintenance: MaintenanceReport;
  directConnectGateways: DirectConnectGateway[];
  associations: DirectConnectGatewayAssociation[];
  /** The virtual private gateways private VIFs attach to directly, without a DX gateway. */
  virtualPrivateGateways: AssociatedGateway[];
}

/** The window the impact judges traffic on: the last hour. */
export const IMPACT_TRAFFIC_WINDOW_MINUTES = 60;

/** AWS writes bandwidth as `1Gbps`, `10Gbps`, `100Gbps`, `400Gbps`, `500Mbps`, …; undefined for anything else. */
export function bandwidthGbps(bandwidth: string | undefined): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([GM])bps\s*$/i.exec(bandwidth ?? '');
  if (!match) return undefined;
  const value = Number(match[1]);
  return match[2]!.toUpperCase() === 'G' ? value : value / 1000;
}

/** What counts as operational towards minimumLinks: `available` only (our reading; AWS does not say). */
export const isOperational = (c: Connection): boolean => c.connectionState === 'available';
const capacity = (members: readonly Connection[]) =>
  members.filter(isOperational).reduce((sum, c) => sum + (bandwidthGbps(c.bandwidth) ?? 0), 0);

/** `1 virtual interface`, `3 virtual interfaces`. */
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
const gbps = (n: number) => `${Number(n.toFixed(3))} Gbps`;
const ids = (vifs: readonly VirtualInterface[]) => vifs.map((vif) => vif.virtualInterfaceId).join(', ');

export function bgpSessionsUp(vifs: readonly VirtualInterface[]): number {
  return vifs.reduce((sum, vif) => sum + (vif.bgpPeers ?? []).filter((peer) => peer.bgpStatus === 'up').length, 0);
}

/**
 * Whether minimum links lets `connectionId` leave `lag` (a disassociation, or a move
 * to another LAG): undefined when it may, else what would remain. AWS: the LAG may
 * not fall below minimumLinks operational members, except for its last member.
 */
export function minimumLinksShortfall(lag: Lag, connectionId: string): MinimumLinksShortfall | undefined {
  const members = lag.connections ?? [];
  if (members.length <= 1) return undefined;
  const operationalConnections = members.filter(isOperational).length;
  const leaving = members.find((c) => c.connectionId === connectionId);
  const remainingOperationalConnections = operationalConnections - (leaving && isOperational(leaving) ? 1 : 0);
  const minimumLinks = lag.minimumLinks ?? 0;
  if (remainingOperationalConnections >= minimumLinks) return undefined;
  return { minimumLinks, operationalConnections, remainingOperationalConnections };
}

/** AWS's member quota (docs/aws-behaviour.md, "Service quotas"): 4 connections per LAG below 100G, 2 at 100G and above. */
export function memberQuota(connectionsBandwidth: string | undefined): number {
  return (bandwidthGbps(connectionsBandwidth) ?? 0) >= 100 ? 2 : 4;
}

/** A LAG as it would be after a change: its members and its minimumLinks. */
interface After {
  members: Connection[];
  minimumLinks: number;
}

/** The numbers every impact reports, and the warnings that follow from them alone. */
function measure(view: LagView, after: After): { impact: LagImpact; before: number; needed: number; goesDown: boolean } {
  const { lag, virtualInterfaces, hostedConnections } = view;
  const lagId = lag.lagId ?? '';
  const membersBefore = lag.connections ?? [];
  const before = membersBefore.filter(isOperational).length;
  const operationalAfter = after.members.filter(isOperational).length;
  // A LAG needs at least minimumLinks operational members, and at least one to carry anything.
  const neededBefore = Math.max(lag.minimumLinks ?? 0, 1);
  const needed = Math.max(after.minimumLinks, 1);
  const goesDown = before >= neededBefore && operationalAfter < needed;
  const afterLag: Lag = { ...lag, connections: after.members, minimumLinks: after.minimumLinks };
  const free = after.members.filter((c) => !minimumLinksShortfall(afterLag, c.connectionId ?? ''));
  const warnings: ImpactWarning[] = [];
  if (goesDown) {
    warnings.push({
      code: 'LAG_GOES_DOWN',
      message:
        operationalAfter < after.minimumLinks
          ? `Afterwards LAG ${lagId} has ${count(operationalAfter, 'operational connection')}, below its minimumLinks of ${after.minimumLinks}: ` +
            `the LAG goes down and carries no traffic.`
          : `Afterwards LAG ${lagId} has no operational connection: nothing on it has a path.`,
    });
  } else if (operationalAfter > 0 && operationalAfter === needed) {
    warnings.push({
      code: 'AT_MINIMUM_LINKS',
      message:
        `Afterwards LAG ${lagId} has ${count(operationalAfter, 'operational connection')}, ` +
        (after.minimumLinks > 0 ? `exactly its minimumLinks of ${after.minimumLinks}` : 'its last one') +
        `: one more failure takes it down. Bring another member to available first if that risk is not acceptable.`,
    });
  }
  const around = surroundingsOf(view, after, capacity(membersBefore), capacity(after.members));
  warnings.push(...around.warnings);
  return {
    before,
    needed: neededBefore,
    goesDown,
    impact: {
      lagId,
      operationalConnectionsBefore: before,
      operationalConnectionsAfter: operationalAfter,
      minimumLinks: after.minimumLinks,
      minimumLinksBefore: lag.minimumLinks ?? 0,
      capacityBeforeGbps: capacity(membersBefore),
      capacityAfterGbps: capacity(after.members),
      virtualInterfacesStaying: virtualInterfaces,
      hostedConnectionsStaying: hostedConnections,
      bgpSessionsUp: bgpSessionsUp(virtualInterfaces),
      virtualInterfacesMoving: [],
      hostedConnectionsMoving: [],
      membersFreeToLeave: free.map((c) => c.connectionId ?? ''),
      membersHeldByMinimumLinks: after.members.filter((c) => !free.includes(c)).map((c) => c.connectionId ?? ''),
      previousLag: null,
      trafficPeakGbps: around.trafficPeakGbps,
      directConnectGatewaysAffected: around.directConnectGatewaysAffected,
      associatedGatewaysAffected: around.associatedGatewaysAffected,
      maintenanceEvents: around.maintenanceEvents,
      verdicts: around.verdicts,
      warnings,
    },
  };
}

const UNREAD = 'The gateway could not read it before the change.';

/**
 * The impact's traffic, gateways and maintenance, and their warnings: capacity below
 * the peak when the change lowers capacity under it (a change that does not lower it
 * is not what the traffic must fit), maintenance naming the LAG or a member that
 * stays, and what could not be known.
 */
function surroundingsOf(view: LagView, after: After, capacityBefore: number, capacityAfter: number) {
  const lagId = view.lag.lagId ?? '';
  const s = view.surroundings;
  const traffic = s?.traffic;
  const maintenance = s?.maintenance ?? { known: false, unknownReason: UNREAD, events: [] };
  const peak = traffic ? peakGbps(traffic) : null;
  const warnings: ImpactWarning[] = [];
  let capacityBelowPeak: LagImpact['verdicts']['capacityBelowPeak'] = 'unknown';
  if (peak === null) {
    warnings.push({
      code: 'TRAFFIC_UNKNOWN',
      message: `The traffic on LAG ${lagId} is not known (${(traffic?.unknownReason ?? UNREAD).replace(/\.$/, '')}), so whether the members that stay can carry it was not checked.`,
    });
  } else {
    capacityBelowPeak = capacityAfter < capacityBefore && capacityAfter < peak ? 'true' : 'false';
    if (capacityBelowPeak === 'true') {
      warnings.push({
        code: 'CAPACITY_BELOW_PEAK',
        message:
          `LAG ${lagId} peaked at ${gbps(peak)} in the last ${IMPACT_TRAFFIC_WINDOW_MINUTES} minutes; afterwards its operational members carry ` +
          `${gbps(capacityAfter)}. Move traffic to another path first, or make the change when the traffic is lower.`,
      });
    }
  }
  const staying = new Set([lagId, ...after.members.map((c) => c.connectionId ?? '')]);
  const onRemainingPath = maintenance.events.filter((event) => event.affectedResourceIds.some((id) => staying.has(id)));
  if (!maintenance.known) {
    warnings.push({
      code: 'MAINTENANCE_UNKNOWN',
      message: `AWS's maintenance on LAG ${lagId} and its members is not known: ${maintenance.unknownReason ?? UNREAD}`,
    });
  } else if (onRemainingPath.length > 0) {
    const what = onRemainingPath.map((event) => {
      const named = event.affectedResourceIds.filter((id) => staying.has(id)).join(', ');
      return `${event.statusCode ?? 'scheduled'} ${event.eventTypeCode} on ${named} from ${event.startTime ?? 'an unknown time'}${event.endTime ? ` to ${event.endTime}` : ''}`;
    });
    warnings.push({
      code: 'MAINTENANCE_ON_REMAINING_PATH',
      message: `AWS has maintenance on what stays of LAG ${lagId}: ${what.join('; ')}. The path left to carry the traffic may go down in that window.`,
    });
  }
  const gateways = s?.directConnectGateways ?? [];
  const behind = new Map<string, AssociatedGateway>();
  for (const association of s?.associations ?? []) {
    const gateway = association.associatedGateway;
    if (gateway?.id && association.associationState !== 'disassociated') behind.set(gateway.id, gateway);
  }
  for (const vgw of s?.virtualPrivateGateways ?? []) if (vgw.id && !behind.has(vgw.id)) behind.set(vgw.id, vgw);
  return {
    warnings,
    trafficPeakGbps: peak,
    directConnectGatewaysAffected: gateways,
    associatedGatewaysAffected: [...behind.values()],
    maintenanceEvents: maintenance.events,
    verdicts: {
      capacityBelowPeak,
      maintenanceOnRemainingPath: maintenance.known ? onRemainingPath.map((event) => event.eventArn).sort().join(', ') : 'unknown',
    },
  };
}

const carryingSessions = (vifs: readonly VirtualInterface[]) => vifs.filter((vif) => (vif.bgpPeers ?? []).some((peer) => peer.bgpStatus === 'up'));

/** "2 virtual interfaces with 3 BGP sessions up", and whether that is one VIF (for the verb). */
function sessions(vifs: readonly VirtualInterface[]): { what: string; one: boolean; which: string } {
  const carrying = carryingSessions(vifs);
  return {
    what: `${count(carrying.length, 'virtual interface')} with ${count(bgpSessionsUp(vifs), 'BGP session')} up`,
    one: carrying.length === 1,
    which: ids(carrying),
  };
}

/** What taking `connectionId` out of the LAG does; also what a refused disassociation would have done. */
export function disassociationImpact(view: LagView, connectionId: string): LagImpact {
  const { lag, virtualInterfaces, hostedConnections } = view;
  const lagId = lag.lagId ?? '';
  const members = lag.connections ?? [];
  const leaving = members.find((c) => c.connectionId === connectionId);
  const staying = members.filter((c) => c !== leaving);
  const { impact, before, needed, goesDown } = measure(view, { members: staying, minimumLinks: lag.minimumLinks ?? 0 });
  const after = impact.operationalConnectionsAfter;
  const emptied = leaving !== undefined && staying.length === 0;
  const warnings: ImpactWarning[] = [];

  if (emptied) {
    const riding = [
      ...(virtualInterfaces.length > 0 ? [`${count(virtualInterfaces.length, 'virtual interface')} (${ids(virtualInterfaces)})`] : []),
      ...(hostedConnections.length > 0 ? [`${count(hostedConnections.length, 'hosted connection')} (${hostedConnections.map((c) => c.connectionId).join(', ')})`] : []),
    ];
    warnings.push({
      code: 'LAG_EMPTIED',
      message:
        `${connectionId} is the last member of LAG ${lagId}. The LAG stays, empty` +
        (riding.length > 0
          ? `, and its ${riding.join(' and ')} ` +
            (leaving && isOperational(leaving) ? 'lose their only path' : 'are left with no member at all') +
            '. Associate another connection with the LAG first if they must keep working.'
          : '; nothing rides on it.'),
    });
  }
  warnings.push(...impact.warnings);
  if (leaving && lag.allowsHostedConnections === true) {
    // Only a Direct Connect partner's LAG can carry hosted connections, so its members are the partner's.
    warnings.push({
      code: 'BECOMES_INTERCONNECT',
      message:
        `${connectionId} belongs to a Direct Connect partner's LAG (it allows hosted connections): it leaves as an ` +
        `interconnect, not as a standalone connection, and the LAG's ${count(hostedConnections.length, 'hosted connection')} stay on the LAG.`,
    });
  }
  // Only a LAG that carries traffic now has sessions to lose; one already down has lost them.
  const pathLost = emptied || goesDown;
  if (impact.bgpSessionsUp > 0 && before >= needed && (pathLost || after < before)) {
    const { what, one, which } = sessions(virtualInterfaces);
    warnings.push({
      code: 'BGP_SESSIONS_AFFECTED',
      message: pathLost
        ? `${what} ${one ? 'loses its' : 'lose their'} only path (${which}).`
        : `${what} ${one ? 'goes' : 'go'} from ${count(before, 'operational connection')} (${gbps(impact.capacityBeforeGbps)}) ` +
          `to ${after} (${gbps(impact.capacityAfterGbps)}): ${which}.`,
    });
  }
  return { ...impact, warnings };
}

/** What the association of a connection, with what rides on it, does to the LAG it joins and any LAG it leaves. */
export interface Joining {
  connection: Connection;
  /** The VIFs directly on the connection: they move to the LAG. */
  virtualInterfaces: VirtualInterface[];
  /** For an interconnect, its hosted connections: they move with it. */
  hostedConnections: Connection[];
  /** The LAG the connection leaves, if it is in another one. */
  previous: LagView | null;
}

export function associationImpact(view: LagView, joining: Joining): LagImpact {
  const { lag } = view;
  const { connection, previous } = joining;
  const lagId = lag.lagId ?? '';
  const members = lag.connections ?? [];
  const { impact } = measure(view, { members: [...members, connection], minimumLinks: lag.minimumLinks ?? 0 });
  const warnings: ImpactWarning[] = [];
  if (!isOperational(connection)) {
    warnings.push({
      code: 'CONNECTION_NOT_OPERATIONAL',
      message:
        `${connection.connectionId} is ${connection.connectionState ?? 'in an unknown state'}, not available: it joins LAG ${lagId} ` +
        `but adds no capacity and does not count towards its minimumLinks until it is available.`,
    });
  }
  if (previous) {
    warnings.push({
      code: 'LEAVES_ANOTHER_LAG',
      message:
        `${connection.connectionId} leaves LAG ${previous.lag.lagId} to join ${lagId}; that LAG keeps its own virtual interfaces ` +
        `and hosted connections. See previousLag for what leaving does to it.`,
    });
  }
  if (bgpSessionsUp(joining.virtualInterfaces) > 0) {
    const { what, one, which } = sessions(joining.virtualInterfaces);
    warnings.push({
      code: 'BGP_SESSIONS_AFFECTED',
      message:
        `${what} on ${connection.connectionId} itself ${one ? 'is' : 'are'} interrupted while the connection is re-established ` +
        `as a member of ${lagId}, and ${one ? 'moves' : 'move'} to the LAG (${which}).`,
    });
  }
  return {
    ...impact,
    virtualInterfacesMoving: joining.virtualInterfaces,
    hostedConnectionsMoving: joining.hostedConnections,
    previousLag: previous ? leavingForAnotherLag(previous, connection.connectionId ?? '') : null,
    warnings: [...warnings, ...impact.warnings],
  };
}

/** A move is a disassociation for the LAG left behind, but the connection stays a connection: no BECOMES_INTERCONNECT. */
export function leavingForAnotherLag(previous: LagView, connectionId: string): LagImpact {
  const impact = disassociationImpact(previous, connectionId);
  return { ...impact, warnings: impact.warnings.filter((w) => w.code !== 'BECOMES_INTERCONNECT') };
}

/**
 * Whether a new minimumLinks takes the LAG down (or keeps it down): above its
 * operational members, and a raise. The update's plan gate and its warning share it.
 */
export function takesLagDown(lag: Lag, minimumLinks: number): boolean {
  const operational = (lag.connections ?? []).filter(isOperational).length;
  return minimumLinks > operational && minimumLinks > (lag.minimumLinks ?? 0);
}

/** What setting the LAG's minimumLinks to `minimumLinks` does. */
export function minimumLinksImpact(view: LagView, minimumLinks: number): LagImpact {
  const { impact } = measure(view, { members: view.lag.connections ?? [], minimumLinks });
  const warnings = impact.warnings.filter((w) => w.code !== 'LAG_GOES_DOWN');
  if (takesLagDown(view.lag, minimumLinks)) {
    const operational = impact.operationalConnectionsAfter;
    warnings.unshift({
      code: 'LAG_GOES_DOWN',
      message:
        `LAG ${impact.lagId} has ${count(operational, 'operational connection')}, below the new minimumLinks of ${minimumLinks}: ` +
        `it goes down (or stays down) and carries no traffic until ${minimumLinks} of its members are available.`,
    });
    if (impact.bgpSessionsUp > 0) {
      const { what, one, which } = sessions(view.virtualInterfaces);
      warnings.push({ code: 'BGP_SESSIONS_AFFECTED', message: `${what} ${one ? 'loses its' : 'lose their'} only path (${which}).` });
    }
  }
  return { ...impact, warnings };
}
