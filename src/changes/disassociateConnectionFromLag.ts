import type { AppliedCheck } from './models.js';
import type { ChangeRecording } from '../audit/audited.js';
import type { ResolversTypes, ResolversUnionTypes } from '../__generated__/resolvers-types.js';
import { isAwsFailure, type ClassifiedAwsError } from '../aws/classifyAwsError.js';
import type { DirectConnectService } from '../aws/directConnect.js';
import {
  connectionNotFound,
  connectionNotInLag,
  fromAwsError,
  lagNotFound,
  minimumLinksViolation,
  planRequired,
  withAwsWords,
  type RefusalMember,
  type Subject,
} from '../errors/refusals.js';
import type { ServedRegions } from '../input.js';
import type { Loaders } from '../loaders/index.js';
import { disassociationImpact, minimumLinksShortfall, type LagView } from './impact.js';
import { callAws, checkMembershipInput, emptyView, lockKey, readLagView, runChange, type ChangeInput, type MutatingCall, type ReadDeps, type RunDeps } from './lagChange.js';
import { lagState, withPlanToken, type OpenPlan, type PlannedState } from './plan.js';
import { verdictState, warningsNeedingPlan } from './planPolicy.js';

// DisassociateConnectionFromLag, the change that cuts a live link. Its rules come
// from the AWS documentation (docs/aws-behaviour.md, "Disassociating a connection
// from a LAG"): the LAG may not fall below minimumLinks operational connections,
// except for its last member. The dry run and the real call share them: the dry run
// checks them against the current state; the real call goes to AWS, which is
// authoritative, and only when AWS refuses in words we cannot classify do we
// explain the refusal from the LAG's state with the same checks. Both report the
// impact (impact.ts) from the state just before: the dry run reads it through the
// cache, as every query does; the real call reads it from AWS itself, and if it
// carries a dry run's plan (plan.ts) refuses with StateChanged when it moved.

export interface DisassociationInput extends ChangeInput {
  connectionId: string;
  lagId: string;
}

/** What the change needs, and no more: the AWS calls it makes itself, the request's loaders, plans, the served regions. */
export interface DisassociationDeps extends RunDeps {
  directConnect: ReadDeps['directConnect'] & Pick<DirectConnectService, 'disassociateConnectionFromLag'>;
  loaders: ReadDeps['loaders'] & Pick<Loaders, 'connectionById' | 'primeConnections'>;
  regions: ServedRegions;
}

type Result = ResolversUnionTypes<ResolversTypes>['DisassociateConnectionFromLagResult'];

const OPERATION = 'disassociateConnectionFromLag';

const planInput = ({ connectionId, lagId, region }: Subject) => ({ connectionId, lagId, region });

export async function disassociateConnectionFromLag(input: DisassociationInput, deps: DisassociationDeps, recording?: ChangeRecording): Promise<Result> {
  const subject = checkMembershipInput(input, deps.regions);
  if ('__typename' in subject) return subject;
  return runChange(
    input,
    {
      operation: OPERATION,
      subject,
      planInput: planInput(subject),
      locks: async () => [lockKey('connection', subject.region, subject.connectionId)],
      read: (fresh) => readLagView(subject.region, subject.lagId, deps, fresh),
      planned: (view) => plannedState(view, subject.connectionId),
      proceed: (view, plan, mutating) => (input.dryRun ? dryRun(subject, view, deps) : disassociate(subject, view, deps, mutating, plan)),
      failed: (error) => fromAwsError(subject, error),
    },
    deps,
    recording,
  );
}

/** What a plan binds: the LAG with what rides on it, and the verdicts of the traffic and maintenance checks. */
const plannedState = (view: LagView | null, connectionId: string): PlannedState => ({
  ...lagState('lag', view),
  ...verdictState('lag', view ? disassociationImpact(view, connectionId) : null),
});

async function disassociate(subject: Subject, view: LagView | null, deps: DisassociationDeps, mutating: MutatingCall, plan: OpenPlan | undefined): Promise<Result> {
  const { connectionId, lagId, region } = subject;
  // A grave change needs the plan of a dry run that showed it. One the rules refuse
  // answers that refusal, without asking AWS: were AWS to judge otherwise (its reading
  // of "operational" is not published), the LAG would go down with nobody having seen it.
  if (!plan && view) {
    const grave = warningsNeedingPlan(disassociationImpact(view, connectionId), deps.planRequiredFor);
    if (grave.length > 0) {
      const refused = await refusalFromState(view, subject, deps, undefined);
      if (!refused) return planRequired(OPERATION, grave);
      // Read fresh just now: the refusal's payload may read the LAG again without AWS.
      deps.loaders.lagById.prime({ region, id: lagId }, view.lag);
      return refused;
    }
  }
  const called = await callAws(
    mutating,
    () => deps.directConnect.disassociateConnectionFromLag(region, connectionId, lagId),
    () => deps.loaders.forget(region, { lagId, connectionId }),
  );
  if ('refused' in called) return explainRefusal(subject, view, called.refused, deps);
  const { connection, awsRequestId } = called.answer;
  deps.loaders.primeConnections([connection], region);
  return {
    __typename: 'DisassociateConnectionFromLagSuccess',
    connection,
    region,
    lagId,
    dryRun: false,
    replayed: false,
    awsRequestId: awsRequestId ?? null,
    // AWS accepted, so the connection was a member of the LAG just read (but for a race with another change).
    impact: disassociationImpact(view ?? emptyView(lagId), connectionId),
    planToken: null,
  };
}

/** The membership and minimum-links checks against the current state; changes nothing. */
async function dryRun(subject: Subject, view: LagView | null, deps: DisassociationDeps): Promise<Result> {
  const refusal = await refusalFromState(view, subject, deps, undefined);
  if (refusal) return refusal;
  const member = view!.lag.connections!.find((c) => c.connectionId === subject.connectionId)!;
  return withPlanToken(
    {
      __typename: 'DisassociateConnectionFromLagSuccess' as const,
      connection: member,
      region: subject.region,
      lagId: subject.lagId,
      dryRun: true,
      replayed: false,
      awsRequestId: null,
      impact: disassociationImpact(view!, subject.connectionId),
    },
    deps.plans,
    OPERATION,
    planInput(subject),
    () => plannedState(view, subject.connectionId),
  );
}

/** The typed refusal the LAG's state implies, or undefined if the disassociation is allowed. */
async function refusalFromState(
  view: LagView | null,
  subject: Subject,
  deps: DisassociationDeps,
  awsRequestId: string | undefined,
): Promise<RefusalMember<'ConnectionNotFound' | 'LagNotFound' | 'ConnectionNotInLag' | 'MinimumLinksViolation'> | undefined> {
  const { connectionId, region } = subject;
  const lag = view?.lag;
  const isMember = (lag?.connections ?? []).some((c) => c.connectionId === connectionId);
  if (!view || !lag || !isMember) {
    // Which is missing first: the connection, as the emulator checks (AWS's own order is unpublished).
    const connection = await deps.loaders.connectionById.load({ region, id: connectionId });
    if (!connection) return connectionNotFound(subject, awsRequestId);
    if (!lag) return lagNotFound(subject, awsRequestId);
    return connectionNotInLag(subject, connection.lagId ?? null, awsRequestId);
  }
  const shortfall = minimumLinksShortfall(lag, connectionId);
  return shortfall ? minimumLinksViolation(subject, lag, shortfall, disassociationImpact(view, connectionId), awsRequestId) : undefined;
}

/**
 * AWS said no. Known messages classify directly; for one we cannot read (AWS's
 * wording for minimum links and membership is unpublished) the state read just
 * before the call, which AWS judged and a refusal does not change, explains it;
 * failing that AWS's own message is passed on.
 */
async function explainRefusal(subject: Subject, view: LagView | null, refusal: ClassifiedAwsError, deps: DisassociationDeps): Promise<Result> {
  if (refusal.code !== 'AWS_CLIENT_ERROR') return fromAwsError(subject, refusal);
  try {
    const explained = await refusalFromState(view, subject, deps, refusal.awsRequestId);
    if (explained) {
      // AWS refused what it judged on the state just read, fresh: the refusal's payload may read the LAG again without AWS.
      if (view) deps.loaders.lagById.prime({ region: subject.region, id: subject.lagId }, view.lag);
      return withAwsWords(explained, refusal);
    }
  } catch (error) {
    if (!isAwsFailure(error)) throw error;
    // The state could not be read; AWS's own answer below is still true.
  }
  return fromAwsError(subject, refusal);
}

/**
 * Reconciliation (reconcile.ts): AWS's state shows the disassociation made once the
 * connection is no longer in the LAG. A connection AWS no longer lists tells nothing.
 */
export const disassociationApplied: AppliedCheck = async ({ connectionId, lagId }, region, { directConnect }) => {
  if (typeof connectionId !== 'string' || typeof lagId !== 'string') return undefined;
  const connection = await directConnect.describeConnection(region, connectionId, { fresh: true });
  return connection ? connection.lagId !== lagId : undefined;
};
