import type { Connection, Lag, VirtualInterface } from '@aws-sdk/client-direct-connect';
import type { ImpactWarning, LagImpact } from './models.js';

// What a change to a LAG's membership does (docs/contract.md, "Impact"), computed
// from the state just before it. The rules are AWS's (docs/aws-behaviour.md,
// "Disassociating a connection from a LAG"): VIFs and hosted connections stay with
// the LAG; a LAG with fewer operational members than minimumLinks is down; a
// partner's connection leaves as an interconnect. Pure functions of the state, so
// the dry run, the real call and a refusal all say the same thing.

/** A LAG with what rides on it: what a change's checks and its impact read. */
export interface LagView {
  lag: Lag;
  virtualInterfaces: VirtualInterface[];
  hostedConnections: Connection[];
}

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

/** What taking `connectionId` out of the LAG does; also what a refused disassociation would have done. */
export function disassociationImpact(view: LagView, connectionId: string): LagImpact {
  const { lag, virtualInterfaces, hostedConnections } = view;
  const lagId = lag.lagId ?? '';
  const members = lag.connections ?? [];
  const leaving = members.find((c) => c.connectionId === connectionId);
  const staying = members.filter((c) => c !== leaving);
  const minimumLinks = lag.minimumLinks ?? 0;
  const before = members.filter(isOperational).length;
  const after = staying.filter(isOperational).length;
  const capacityBeforeGbps = capacity(members);
  const capacityAfterGbps = capacity(staying);
  const sessionsUp = bgpSessionsUp(virtualInterfaces);

  // A LAG needs at least minimumLinks operational members, and at least one to carry anything.
  const needed = Math.max(minimumLinks, 1);
  const emptied = leaving !== undefined && staying.length === 0;
  const goesDown = before >= needed && after < needed;
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
  if (goesDown) {
    warnings.push({
      code: 'LAG_GOES_DOWN',
      message:
        after < minimumLinks
          ? `Afterwards LAG ${lagId} has ${count(after, 'operational connection')}, below its minimumLinks of ${minimumLinks}: ` +
            `the LAG goes down and carries no traffic.`
          : `Afterwards LAG ${lagId} has no operational connection: nothing on it has a path.`,
    });
  } else if (after > 0 && after === needed) {
    warnings.push({
      code: 'AT_MINIMUM_LINKS',
      message:
        `Afterwards LAG ${lagId} has ${count(after, 'operational connection')}, ` +
        (minimumLinks > 0 ? `exactly its minimumLinks of ${minimumLinks}` : 'its last one') +
        `: one more failure takes it down. Bring another member to available first if that risk is not acceptable.`,
    });
  }
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
  const carriesTraffic = before >= needed;
  if (sessionsUp > 0 && carriesTraffic && (pathLost || after < before)) {
    const carrying = virtualInterfaces.filter((vif) => (vif.bgpPeers ?? []).some((peer) => peer.bgpStatus === 'up'));
    const what = `${count(carrying.length, 'virtual interface')} with ${count(sessionsUp, 'BGP session')} up`;
    const one = carrying.length === 1;
    warnings.push({
      code: 'BGP_SESSIONS_AFFECTED',
      message: pathLost
        ? `${what} ${one ? 'loses its' : 'lose their'} only path (${ids(carrying)}).`
        : `${what} ${one ? 'goes' : 'go'} from ${count(before, 'operational connection')} (${gbps(capacityBeforeGbps)}) ` +
          `to ${after} (${gbps(capacityAfterGbps)}): ${ids(carrying)}.`,
    });
  }

  return {
    lagId,
    operationalConnectionsBefore: before,
    operationalConnectionsAfter: after,
    minimumLinks,
    capacityBeforeGbps,
    capacityAfterGbps,
    virtualInterfacesStaying: virtualInterfaces,
    hostedConnectionsStaying: hostedConnections,
    bgpSessionsUp: sessionsUp,
    warnings,
  };
}
