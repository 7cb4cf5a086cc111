import type { AppliedCheck } from './models.js';
import type { ChangeRecording } from '../audit/audited.js';
import type { Connection, Interconnect, Lag } from '@aws-sdk/client-direct-connect';
import type { ResolversTypes, ResolversUnionTypes } from '../__generated__/resolvers-types.js';
import type { ClassifiedAwsError } from '../aws/classifyAwsError.js';
import type { DirectConnectService } from '../aws/directConnect.js';
import {
  connectionAlreadyInLag,
  connectionNotFound,
  fromAwsError,
  incompatibleConnection,
  lagFull,
  lagNotFound,
  minimumLinksViolation,
  planRequired,
  resourceBusy,
  withAwsWords,
  type Mismatch,
  type RefusalMember,
  type Subject,
} from '../errors/refusals.js';
import type { ServedRegions } from '../input.js';
import type { Loaders } from '../loaders/index.js';
import { associationImpact, leavingForAnotherLag, memberQuota, minimumLinksShortfall, type Joining, type LagView } from './impact.js';
import {
  callAws,
  checkMembershipInput,
  emptyView,
  isGone,
  lockKey,
  readLagView,
  readSurroundings,
  runChange,
  type ChangeInput,
  type MutatingCall,
  type ReadDeps,
  type RunDeps,
} from './lagChange.js';
import { connectionState, lagState, virtualInterfacesState, withPlanToken, type OpenPlan, type PlannedState } from './plan.js';
import { verdictState, warningsNeedingPlan } from './planPolicy.js';

// AssociateConnectionWithLag, the way back after a disassociation. Its rules come
// from the AWS documentation (docs/aws-behaviour.md, "Associating, updating and
// deleting"): the connection must be on the LAG's Direct Connect endpoint with the
// LAG's bandwidth and MACsec consistent with it; the LAG must have room; a
// connection in another LAG may move only if that LAG keeps its minimum links (its
// last member may always leave). The connection's own VIFs, and an interconnect's
// hosted connections, move with it. As for the disassociation, the dry run checks
// the rules on the state read through the cache, the real call reads the state from
// AWS itself, lets AWS decide, and explains a refusal it cannot classify from it.

export interface AssociationInput extends ChangeInput {
  connectionId: string;
  lagId: string;
}

export interface AssociationDeps extends RunDeps {
  directConnect: ReadDeps['directConnect'] &
    Pick<DirectConnectService, 'associateConnectionWithLag' | 'describeConnection' | 'describeInterconnect'>;
  loaders: ReadDeps['loaders'] & Pick<Loaders, 'connectionById' | 'interconnectById' | 'primeConnections' | 'prefetchLags'>;
  regions: ServedRegions;
}

type Result = ResolversUnionTypes<ResolversTypes>['AssociateConnectionWithLagResult'];

const OPERATION = 'associateConnectionWithLag';

/** Everything the checks and the impact read: the LAG, the connection with what rides on it, the LAG it leaves. */
interface AssociationState {
  view: LagView | null;
  joining: Joining | null;
}

const planInput = ({ connectionId, lagId, region }: Subject) => ({ connectionId, lagId, region });

export async function associateConnectionWithLag(input: AssociationInput, deps: AssociationDeps, recording?: ChangeRecording): Promise<Result> {
  const subject = checkMembershipInput(input, deps.regions);
  if ('__typename' in subject) return subject;
  // The LAG a connection leaves is locked too; which one it is comes from AWS before
  // the locks are taken, and is checked again under them.
  let lockedPrevious: string | undefined;
  return runChange(
    input,
    {
      operation: OPERATION,
      subject,
      planInput: planInput(subject),
      locks: async () => {
        const { region, connectionId } = subject;
        const known =
          (await deps.directConnect.describeConnection(region, connectionId, { fresh: true })) ??
          (await deps.directConnect.describeInterconnect(region, connectionId, { fresh: true }));
        lockedPrevious = known?.lagId && known.lagId !== subject.lagId ? known.lagId : undefined;
        return [lockKey('connection', subject.region, subject.connectionId), ...(lockedPrevious ? [lockKey('lag', subject.region, lockedPrevious)] : [])];
      },
      read: (fresh) => readState(subject, deps, fresh),
      planned: plannedState,
      proceed: async (state, plan, mutating) => {
        if (input.dryRun) return dryRun(subject, state, deps);
        const previous = state.joining?.previous?.lag.lagId;
        if (previous !== undefined && previous !== lockedPrevious) {
          return resourceBusy(`Connection ${subject.connectionId} moved to LAG ${previous} while this change was taking its locks. Nothing was changed; retry.`);
        }
        return associate(subject, state, deps, mutating, plan);
      },
      failed: (error) => fromAwsError(subject, error),
    },
    deps,
    recording,
  );
}

/** An interconnect joins a LAG like a connection; the checks read the same fields. */
const asConnection = (i: Interconnect): Connection => ({
  connectionId: i.interconnectId,
  connectionName: i.interconnectName,
  connectionState: i.interconnectState,
  region: i.region,
  location: i.location,
  bandwidth: i.bandwidth,
  lagId: i.lagId,
  awsDevice: i.awsDevice,
  awsDeviceV2: i.awsDeviceV2,
  awsLogicalDeviceId: i.awsLogicalDeviceId,
  macSecCapable: i.macSecCapable,
  encryptionMode: i.encryptionMode,
});

/** The state through the cache (a dry run) or from AWS itself (the real call). */
async function readState(subject: Subject, deps: AssociationDeps, fresh: boolean): Promise<AssociationState> {
  const { region, connectionId, lagId } = subject;
  const key = { region, id: connectionId };
  const [lagAlone, connection] = await Promise.all([
    // Its surroundings are read below, with what the connection brings.
    readLagView(region, lagId, deps, fresh, false),
    fresh ? deps.directConnect.describeConnection(region, connectionId, { fresh }) : deps.loaders.connectionById.load(key),
    // A dry run of a move reads two LAGs: one listing of the region serves both (one DescribeLags run).
    fresh ? undefined : deps.loaders.prefetchLags(region),
  ]);
  // Interconnects share the dxcon- form but are not listed with connections.
  const interconnect = connection
    ? null
    : fresh
      ? await deps.directConnect.describeInterconnect(region, connectionId, { fresh })
      : await deps.loaders.interconnectById.load(key);
  const joiner = connection ?? (interconnect ? asConnection(interconnect) : null);
  if (!joiner) return { view: lagAlone, joining: null };
  const previousLagId = joiner.lagId && joiner.lagId !== lagId ? joiner.lagId : undefined;
  const [virtualInterfaces, hostedConnections, previous] = await Promise.all([
    fresh
      ? deps.directConnect.describeVirtualInterfacesOn(region, connectionId, { fresh }).then((vifs) => vifs ?? [])
      : deps.loaders.virtualInterfacesOn(key),
    !interconnect
      ? []
      : fresh
        ? deps.directConnect.describeHostedConnections(region, connectionId, { fresh }).then((hosted) => hosted ?? [])
        : deps.loaders.hostedConnectionsOn.load(key),
    previousLagId ? readLagView(region, previousLagId, deps, fresh) : null,
  ]);
  // The LAG it joins: its traffic and maintenance with the joining connection's, and the DX gateways of both's VIFs.
  const view = lagAlone && {
    ...lagAlone,
    surroundings: await readSurroundings(region, lagAlone, [...lagAlone.virtualInterfaces, ...virtualInterfaces], deps, fresh, [joiner]),
  };
  return { view, joining: { connection: joiner, virtualInterfaces, hostedConnections, previous } };
}

/** What a plan binds: the LAG, the connection and its own VIFs, and the LAG it leaves. */
function plannedState({ view, joining }: AssociationState): PlannedState {
  return {
    ...lagState('lag', view),
    ...(joining
      ? {
          ...connectionState(joining.connection),
          ...virtualInterfacesState(joining.virtualInterfaces),
          [`connection(${joining.connection.connectionId}).hostedConnections`]: joining.hostedConnections.map((c) => c.connectionId).sort().join(', '),
        }
      : { connection: null }),
    ...(joining?.previous ? lagState('previousLag', joining.previous) : {}),
    ...verdictState('lag', view && joining ? associationImpact(view, joining) : null),
  };
}

/** MACsec must be consistent with the LAG: one that requires it takes only MACsec-capable members. */
const requiresMacSec = (lag: Lag) => lag.encryptionMode === 'must_encrypt' || (lag.macSecCapable === true && (lag.macSecKeys?.length ?? 0) > 0);

/** Every field on which the connection does not fit the LAG. */
export function mismatches(connection: Connection, lag: Lag): Mismatch[] {
  const found: Mismatch[] = [];
  const lagDevice = lag.awsDeviceV2 ?? lag.awsDevice;
  const device = connection.awsDeviceV2 ?? connection.awsDevice;
  if (lagDevice && device !== lagDevice) found.push({ field: 'awsDeviceV2', connectionValue: device ?? null, lagValue: lagDevice });
  if (lag.connectionsBandwidth && connection.bandwidth !== lag.connectionsBandwidth) {
    found.push({ field: 'bandwidth', connectionValue: connection.bandwidth ?? null, lagValue: lag.connectionsBandwidth });
  }
  if (requiresMacSec(lag) && connection.macSecCapable !== true) {
    found.push({ field: 'macSecCapable', connectionValue: 'false', lagValue: `true (encryptionMode ${lag.encryptionMode ?? 'unset'})` });
  }
  return found;
}

type AssociationRefusal = RefusalMember<
  'ConnectionNotFound' | 'LagNotFound' | 'ConnectionAlreadyInLag' | 'IncompatibleConnection' | 'LagFull' | 'MinimumLinksViolation'
>;

/** The typed refusal the state implies, in the order the emulator checks (AWS's own order is unpublished). */
function refusalFromState({ view, joining }: AssociationState, subject: Subject, awsRequestId?: string): AssociationRefusal | undefined {
  if (!joining) return connectionNotFound(subject, awsRequestId);
  if (!view) return lagNotFound(subject, awsRequestId);
  const { lag } = view;
  const { connection, previous } = joining;
  if (isGone(connection.connectionState)) return connectionNotFound(subject, awsRequestId, connection.connectionState);
  if (isGone(lag.lagState)) return lagNotFound(subject, awsRequestId, lag.lagState);
  if (connection.lagId === subject.lagId) return connectionAlreadyInLag(subject, awsRequestId);
  const misfits = mismatches(connection, lag);
  if (misfits.length > 0) return incompatibleConnection(subject, misfits, awsRequestId);
  const quota = memberQuota(lag.connectionsBandwidth);
  const memberCount = lag.connections?.length ?? 0;
  if (memberCount >= quota) return lagFull(subject, quota, memberCount, awsRequestId);
  const shortfall = previous ? minimumLinksShortfall(previous.lag, subject.connectionId) : undefined;
  if (previous && shortfall) {
    return minimumLinksViolation(subject, previous.lag, shortfall, leavingForAnotherLag(previous, subject.connectionId), awsRequestId);
  }
  return undefined;
}

function dryRun(subject: Subject, state: AssociationState, deps: AssociationDeps): Result {
  const refusal = refusalFromState(state, subject);
  if (refusal) return refusal;
  const { view, joining } = state as { view: LagView; joining: Joining };
  return withPlanToken(
    {
      __typename: 'AssociateConnectionWithLagSuccess' as const,
      connection: joining.connection,
      region: subject.region,
      lagId: subject.lagId,
      dryRun: true,
      replayed: false,
      awsRequestId: null,
      impact: associationImpact(view, joining),
    },
    deps.plans,
    OPERATION,
    planInput(subject),
    () => plannedState(state),
  );
}

async function associate(subject: Subject, state: AssociationState, deps: AssociationDeps, mutating: MutatingCall, plan: OpenPlan | undefined): Promise<Result> {
  const { connectionId, lagId, region } = subject;
  // A grave change (here or on the LAG it leaves) needs the plan of a dry run that showed
  // it; one the rules refuse answers that refusal, without asking AWS (as for the disassociation).
  if (!plan && state.view && state.joining) {
    const grave = warningsNeedingPlan(associationImpact(state.view, state.joining), deps.planRequiredFor);
    if (grave.length > 0) return refusalFromState(state, subject) ?? planRequired(OPERATION, grave);
  }
  const called = await callAws(
    mutating,
    () => deps.directConnect.associateConnectionWithLag(region, connectionId, lagId),
    () => {
      deps.loaders.forget(region, { lagId, connectionId });
      if (state.joining?.previous) deps.loaders.forget(region, { lagId: state.joining.connection.lagId });
    },
  );
  if ('refused' in called) return explainRefusal(subject, state, called.refused);
  const { connection, awsRequestId } = called.answer;
  deps.loaders.primeConnections([connection], region);
  const joining = state.joining ?? { connection: { connectionId }, virtualInterfaces: [], hostedConnections: [], previous: null };
  return {
    __typename: 'AssociateConnectionWithLagSuccess',
    connection,
    region,
    lagId,
    dryRun: false,
    replayed: false,
    awsRequestId: awsRequestId ?? null,
    impact: associationImpact(state.view ?? emptyView(lagId), joining),
    planToken: null,
  };
}

/** AWS said no: classify its words, else explain from the state read just before (a refusal changes nothing), else pass them on. */
function explainRefusal(subject: Subject, state: AssociationState, refusal: ClassifiedAwsError): Result {
  if (refusal.code !== 'AWS_CLIENT_ERROR') return fromAwsError(subject, refusal);
  const explained = refusalFromState(state, subject, refusal.awsRequestId);
  return explained ? withAwsWords(explained, refusal) : fromAwsError(subject, refusal);
}

/** Reconciliation (reconcile.ts): AWS's state shows the association made once the connection is in the LAG. */
export const associationApplied: AppliedCheck = async ({ connectionId, lagId }, region, { directConnect }) => {
  if (typeof connectionId !== 'string' || typeof lagId !== 'string') return undefined;
  const connection = await directConnect.describeConnection(region, connectionId, { fresh: true });
  return connection ? connection.lagId === lagId : undefined;
};
