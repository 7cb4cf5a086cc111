import type { Connection, Lag } from '@aws-sdk/client-direct-connect';
import type { ResolversTypes, ResolversUnionTypes } from '../__generated__/resolvers-types.js';
import { classifyAwsError, isAwsFailure, type ClassifiedAwsError } from '../directconnect/classifyAwsError.js';
import type { DirectConnectService } from '../directconnect/service.js';
import {
  connectionNotFound,
  connectionNotInLag,
  fromAwsError,
  invalidInput,
  lagNotFound,
  minimumLinksViolation,
  stateChanged,
  withAwsWords,
  type MinimumLinksShortfall,
  type Refusal,
  type Subject,
} from '../errors/refusals.js';
import { checkConnectionId, checkLagId, resolveRegion, type ServedRegions } from '../input.js';
import type { Loaders } from '../loaders/index.js';
import { disassociationImpact, isOperational, type LagView } from './impact.js';
import { plannedState, type OpenPlan, type Plans } from './plan.js';

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

export interface DisassociationInput {
  connectionId: string;
  lagId: string;
  region?: string | null;
  dryRun?: boolean | null;
  expectedPlanToken?: string | null;
}

/** What the change needs, and no more: the AWS calls it makes itself, the request's loaders, plans, the served regions. */
export interface DisassociationDeps {
  directConnect: Pick<
    DirectConnectService,
    'disassociateConnectionFromLag' | 'describeLag' | 'describeVirtualInterfacesOn' | 'describeHostedConnections' | 'forgetRegion'
  >;
  loaders: Pick<Loaders, 'lagById' | 'connectionById' | 'virtualInterfacesOn' | 'hostedConnectionsOn' | 'primeConnections' | 'forget'>;
  plans: Plans;
  regions: ServedRegions;
}

type Result = ResolversUnionTypes<ResolversTypes>['DisassociateConnectionFromLagResult'];

const OPERATION = 'disassociateConnectionFromLag';

/** What would remain operational; undefined when the rule allows the disassociation. */
export function minimumLinksShortfall(lag: Lag, connectionId: string): MinimumLinksShortfall | undefined {
  const members = lag.connections ?? [];
  // AWS: the minimum-links refusal does not apply to the LAG's last member.
  if (members.length <= 1) return undefined;
  const operationalConnections = members.filter(isOperational).length;
  const leaving = members.find((c) => c.connectionId === connectionId);
  const remainingOperationalConnections = operationalConnections - (leaving && isOperational(leaving) ? 1 : 0);
  const minimumLinks = lag.minimumLinks ?? 0;
  if (remainingOperationalConnections >= minimumLinks) return undefined;
  return { minimumLinks, operationalConnections, remainingOperationalConnections };
}

function validate(input: DisassociationInput, regions: ServedRegions): Subject | Refusal {
  const problem = checkConnectionId(input.connectionId) ?? checkLagId(input.lagId);
  if (problem) return invalidInput(problem);
  // An explicit null (an unset form variable, say) must not be read as "not a dry run".
  if (input.dryRun === null) {
    return invalidInput({ field: 'dryRun', message: 'dryRun must be true or false, or left out (false); null is ambiguous for an operation that cuts a live link.' });
  }
  const region = resolveRegion(input.region, regions);
  if ('message' in region) return invalidInput(region);
  return { connectionId: input.connectionId, lagId: input.lagId, region: region.region };
}

const planInput = ({ connectionId, lagId, region }: Subject) => ({ connectionId, lagId, region });

export async function disassociateConnectionFromLag(input: DisassociationInput, deps: DisassociationDeps): Promise<Result> {
  const subject = validate(input, deps.regions);
  if ('__typename' in subject) return subject;
  let plan: OpenPlan | undefined;
  if (input.expectedPlanToken !== undefined && input.expectedPlanToken !== null) {
    const opened = deps.plans.open(input.expectedPlanToken, OPERATION, planInput(subject));
    if ('message' in opened) return invalidInput(opened);
    // Another input or too old: refused without reading anything.
    if (opened.staleness.length > 0) return stateChanged(opened.staleness, opened.plannedAt);
    plan = opened;
  }
  try {
    const view = input.dryRun ? await cachedView(subject, deps) : await freshView(subject, deps);
    if (plan) {
      const changes = plan.changesFrom(plannedState(view));
      if (changes.length > 0) {
        // What the plan was made on is stale wherever it is cached: the next dry run must see what AWS says now.
        deps.loaders.forget(subject.region, { lagId: subject.lagId, connectionId: subject.connectionId });
        await deps.directConnect.forgetRegion(subject.region);
        return stateChanged(changes, plan.plannedAt);
      }
    }
    return input.dryRun ? await dryRun(subject, view, deps) : await disassociate(subject, view, deps);
  } catch (error) {
    if (!isAwsFailure(error)) throw error;
    return fromAwsError(subject, classifyAwsError(error));
  }
}

/** The LAG and what rides on it, through the request's loaders and the cross-request cache; null: no such LAG. */
async function cachedView(subject: Subject, deps: DisassociationDeps): Promise<LagView | null> {
  const { region, lagId } = subject;
  const lag = await deps.loaders.lagById.load({ region, id: lagId });
  if (!lag) return null;
  const [virtualInterfaces, hostedConnections] = await Promise.all([
    deps.loaders.virtualInterfacesOn({ region, id: lagId }),
    lag.allowsHostedConnections ? deps.loaders.hostedConnectionsOn.load({ region, id: lagId }) : [],
  ]);
  return { lag, virtualInterfaces, hostedConnections };
}

/**
 * What the real call acts on: the LAG and its VIFs from AWS itself, past every
 * cache, read together, and for a LAG that can carry them its hosted connections
 * (docs/contract.md, "Plans"). A plan is checked against exactly this, and the
 * impact and any refusal are explained from it.
 */
async function freshView(subject: Subject, deps: DisassociationDeps): Promise<LagView | null> {
  const { region, lagId } = subject;
  const [lag, virtualInterfaces] = await Promise.all([
    deps.directConnect.describeLag(region, lagId, { fresh: true }),
    deps.directConnect.describeVirtualInterfacesOn(region, lagId, { fresh: true }),
  ]);
  if (!lag) return null;
  const hostedConnections = lag.allowsHostedConnections
    ? ((await deps.directConnect.describeHostedConnections(region, lagId, { fresh: true })) ?? [])
    : [];
  return { lag, virtualInterfaces: virtualInterfaces ?? [], hostedConnections };
}

async function disassociate(subject: Subject, view: LagView | null, deps: DisassociationDeps): Promise<Result> {
  const { connectionId, lagId, region } = subject;
  let connection: Connection;
  let awsRequestId: string | undefined;
  try {
    // Whatever AWS answered, what this request read of the LAG and the connection is stale.
    ({ connection, awsRequestId } = await deps.directConnect
      .disassociateConnectionFromLag(region, connectionId, lagId)
      .finally(() => deps.loaders.forget(region, { lagId, connectionId })));
  } catch (error) {
    if (!isAwsFailure(error)) throw error;
    return explainRefusal(subject, view, classifyAwsError(error), deps);
  }
  deps.loaders.primeConnections([connection], region);
  return {
    __typename: 'DisassociateConnectionFromLagSuccess',
    connection,
    region,
    lagId,
    dryRun: false,
    awsRequestId: awsRequestId ?? null,
    // AWS accepted, so the connection was a member of the LAG just read (but for a race with another change).
    impact: disassociationImpact(view ?? { lag: { lagId }, virtualInterfaces: [], hostedConnections: [] }, connectionId),
    planToken: null,
  };
}

/** The membership and minimum-links checks against the current state; changes nothing. */
async function dryRun(subject: Subject, view: LagView | null, deps: DisassociationDeps): Promise<Result> {
  const refusal = await refusalFromState(view, subject, deps, undefined);
  if (refusal) return refusal;
  const member = view!.lag.connections!.find((c) => c.connectionId === subject.connectionId)!;
  return {
    __typename: 'DisassociateConnectionFromLagSuccess',
    connection: member,
    region: subject.region,
    lagId: subject.lagId,
    dryRun: true,
    awsRequestId: null,
    impact: disassociationImpact(view!, subject.connectionId),
    planToken: deps.plans.issue(OPERATION, planInput(subject), view),
  };
}

/** The typed refusal the LAG's state implies, or undefined if the disassociation is allowed. */
async function refusalFromState(
  view: LagView | null,
  subject: Subject,
  deps: DisassociationDeps,
  awsRequestId: string | undefined,
): Promise<Refusal | undefined> {
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
