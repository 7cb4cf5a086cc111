import type { AssociatedGateway, Connection, DirectConnectGateway, VirtualInterface } from '@aws-sdk/client-direct-connect';
import type { MaintenanceEvent } from '../aws/health.js';

// What the changes return on success, before GraphQL shapes it: codegen maps each
// mutation's success type and the impact to one of these (codegen.ts, `mappers`), and
// their resolvers (src/resolvers/<Type>.ts) fill in the fields that need a load.

/**
 * The SDL's ImpactWarningCode, written here because the generated types import this
 * module (a test keeps the two equal).
 */
export const IMPACT_WARNING_CODES = [
  'LAG_EMPTIED',
  'AT_MINIMUM_LINKS',
  'BECOMES_INTERCONNECT',
  'LAG_GOES_DOWN',
  'BGP_SESSIONS_AFFECTED',
  'CONNECTION_NOT_OPERATIONAL',
  'LEAVES_ANOTHER_LAG',
  'CAPACITY_BELOW_PEAK',
  'MAINTENANCE_ON_REMAINING_PATH',
  'TRAFFIC_UNKNOWN',
  'MAINTENANCE_UNKNOWN',
] as const;
export type ImpactWarningCode = (typeof IMPACT_WARNING_CODES)[number];

export interface ImpactWarning {
  code: ImpactWarningCode;
  message: string;
}

/** What a change to a LAG's membership does (docs/contract.md, "Impact"). */
export interface LagImpact {
  lagId: string;
  operationalConnectionsBefore: number;
  operationalConnectionsAfter: number;
  minimumLinks: number;
  minimumLinksBefore: number;
  capacityBeforeGbps: number;
  capacityAfterGbps: number;
  virtualInterfacesStaying: VirtualInterface[];
  hostedConnectionsStaying: Connection[];
  bgpSessionsUp: number;
  virtualInterfacesMoving: VirtualInterface[];
  hostedConnectionsMoving: Connection[];
  membersFreeToLeave: string[];
  membersHeldByMinimumLinks: string[];
  previousLag: LagImpact | null;
  /** The greater of the LAG's egress and ingress peaks over the last 60 minutes, in Gbps; null when unknown. */
  trafficPeakGbps: number | null;
  directConnectGatewaysAffected: DirectConnectGateway[];
  associatedGatewaysAffected: AssociatedGateway[];
  maintenanceEvents: MaintenanceEvent[];
  /**
   * Not in the schema: what a plan binds of the traffic and maintenance checks (their
   * verdicts, not the numbers, which move every minute), by `planVerdicts`.
   */
  verdicts: { capacityBelowPeak: 'true' | 'false' | 'unknown'; maintenanceOnRemainingPath: string };
  warnings: ImpactWarning[];
}

/** A successful change to one LAG (dry run or real call): its success type resolves `lag` from these. */
export interface LagChangeSuccess {
  region: string;
  lagId: string;
  dryRun: boolean;
  /** True when answered again from an earlier attempt with the same clientRequestId. */
  replayed: boolean;
  awsRequestId: string | null;
  impact: LagImpact;
  planToken: string | null;
}

export interface DisassociationSuccess extends LagChangeSuccess {
  connection: Connection;
}

export interface AssociationSuccess extends LagChangeSuccess {
  connection: Connection;
}

export type MinimumLinksUpdateSuccess = LagChangeSuccess;
