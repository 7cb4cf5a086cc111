import type { AssociatedGateway, BGPPeer, Connection, DirectConnectGateway, VirtualInterface, VirtualInterfaceTestHistory } from '@aws-sdk/client-direct-connect';
import type { DirectConnectService } from '../aws/directConnect.js';
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
  'NO_ALTERNATE_PATH',
  'ALTERNATE_CAPACITY_BELOW_PEAK',
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

/** What a BGP failover test does (docs/contract.md, "Failover tests"): failoverImpact.ts computes it. */
export interface FailoverImpact {
  virtualInterfaceId: string;
  bgpSessionsGoingDown: BGPPeer[];
  alternatePaths: VirtualInterface[];
  /** The greater of the VIF's egress and ingress peaks over the last 60 minutes, in Gbps; null when unknown. */
  trafficPeakGbps: number | null;
  alternateCapacityGbps: number;
  maintenanceEvents: MaintenanceEvent[];
  /** Not in the schema: what a plan binds of the checks whose numbers move every minute (planPolicy.ts). */
  verdicts: { alternateCapacityBelowPeak: 'true' | 'false' | 'unknown'; maintenanceOnRemainingPath: string };
  warnings: ImpactWarning[];
}

/** A failover test as AWS lists it, with the region it was read in (AWS's shape has none): VirtualInterfaceTest's parent. */
export type VirtualInterfaceTestModel = VirtualInterfaceTestHistory & { region: string };

/** A started or ended failover test (dry run or real call): its success type resolves `virtualInterface` from these. */
export interface FailoverTestSuccess {
  region: string;
  virtualInterfaceId: string;
  /** AWS's answer for the real call; for a dry run of a stop, the running test; null for a dry run of a start. */
  test: VirtualInterfaceTestModel | null;
  dryRun: boolean;
  replayed: boolean;
  awsRequestId: string | null;
  planToken: string | null;
}

export interface FailoverTestStarted extends FailoverTestSuccess {
  impact: FailoverImpact;
}

export type FailoverTestStopped = FailoverTestSuccess;

/** Reconciliation (reconcile.ts): what AWS's state says of a recorded change: made (true), not made (false), or cannot tell (undefined: looked at again later). */
export type AppliedCheck = (
  input: Record<string, unknown>,
  region: string,
  aws: { directConnect: Pick<DirectConnectService, 'describeConnection' | 'describeLag' | 'describeVirtualInterface' | 'listVirtualInterfaceTests'> },
  requestedAt: Date,
) => Promise<boolean | undefined>;
