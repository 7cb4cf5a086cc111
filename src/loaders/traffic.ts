import type { Connection, Lag, VirtualInterface } from '@aws-sdk/client-direct-connect';
import { sumTraffic, type Reading, type Traffic, type TrafficSource } from '../aws/cloudWatch.js';
import { eventsNaming, type MaintenanceReport } from '../aws/health.js';

// What the fields and the impact read of traffic and maintenance, in the terms of a
// connection, a LAG or a VIF. A LAG's traffic is its members' summed per minute
// (CloudWatch has no series for a LAG); its maintenance is its own and its members'.

/** Reads one source's traffic: the request's loader (batched), or the traffic service itself for a fresh read. */
export type ReadTraffic = (region: string, source: TrafficSource, windowMinutes: number) => Promise<Reading>;

export async function connectionTraffic(read: ReadTraffic, connection: Connection, region: string, windowMinutes: number): Promise<Traffic> {
  return sumTraffic([await read(region, { kind: 'connection', connectionId: connection.connectionId ?? '' }, windowMinutes)], windowMinutes);
}

/**
 * A LAG's traffic: the sum of its operational members'. One that is not `available`
 * carries nothing, and CloudWatch may well have no data on it: leaving it out keeps
 * the LAG's traffic known.
 */
export async function lagTraffic(read: ReadTraffic, lag: Lag, region: string, windowMinutes: number): Promise<Traffic> {
  const members = (lag.connections ?? []).filter((member) => member.connectionState === 'available' && member.connectionId);
  const readings = await Promise.all(
    members.map((member) => read(region, { kind: 'connection', connectionId: member.connectionId ?? '' }, windowMinutes)),
  );
  return sumTraffic(readings, windowMinutes);
}

export async function virtualInterfaceTraffic(read: ReadTraffic, vif: VirtualInterface, region: string, windowMinutes: number): Promise<Traffic> {
  const source: TrafficSource = { kind: 'virtualInterface', virtualInterfaceId: vif.virtualInterfaceId ?? '', connectionId: vif.connectionId ?? '' };
  return sumTraffic([await read(region, source, windowMinutes)], windowMinutes);
}

/** The IDs whose maintenance is a LAG's: the LAG itself and every member. */
export const lagResourceIds = (lag: Lag): Set<string> =>
  new Set([lag.lagId ?? '', ...(lag.connections ?? []).map((c) => c.connectionId ?? '')].filter(Boolean));

/** The part of a region's report that names any of `ids`; unknown stays unknown. */
export function reportFor(report: MaintenanceReport, ids: ReadonlySet<string>): MaintenanceReport {
  return { ...report, events: eventsNaming(report.events, ids) };
}
