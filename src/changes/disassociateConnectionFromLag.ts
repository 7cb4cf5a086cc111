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
  withAwsWords,
  type MinimumLinksShortfall,
  type Refusal,
  type Subject,
} from '../errors/refusals.js';
import { checkConnectionId, checkLagId, resolveRegion, type ServedRegions } from '../input.js';
import type { Loaders } from '../loaders/index.js';

// DisassociateConnectionFromLag, the change that cuts a live link. Its rules come
// from the AWS documentation (docs/aws-behaviour.md, "Disassociating a connection
// from a LAG"): the LAG may not fall below minimumLinks operational connections,
// except for its last member. The dry run and the real call share them: the dry run
// checks them against the current state; the real call goes to AWS, which is
// authoritative, and only when AWS refuses in words we cannot classify do we
// explain the refusal from the LAG's state with the same checks.

export interface DisassociationInput {
  connectionId: string;
  lagId: string;
  region?: string | null;
  dryRun?: boolean | null;
}

/** What the change needs, and no more: the one mutating call, the request's loaders, the served regions. */
export interface DisassociationDeps {
  directConnect: Pick<DirectConnectService, 'disassociateConnectionFromLag'>;
  loaders: Pick<Loaders, 'lagById' | 'connectionById' | 'primeConnections' | 'forget'>;
  regions: ServedRegions;
}

type Result = ResolversUnionTypes<ResolversTypes>['DisassociateConnectionFromLagResult'];

/** What would remain operational; undefined when the rule allows the disassociation. */
export function minimumLinksShortfall(lag: Lag, connectionId: string): MinimumLinksShortfall | undefined {
  const members = lag.connections ?? [];
  // AWS: the minimum-links refusal does not apply to the LAG's last member.
  if (members.length <= 1) return undefined;
  const isOperational = (c: Connection) => c.connectionState === 'available';
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

export async function disassociateConnectionFromLag(input: DisassociationInput, deps: DisassociationDeps): Promise<Result> {
  const subject = validate(input, deps.regions);
  if ('__typename' in subject) return subject;
  return input.dryRun ? dryRun(subject, deps) : disassociate(subject, deps);
}

async function disassociate(subject: Subject, deps: DisassociationDeps): Promise<Result> {
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
    return explainRefusal(subject, classifyAwsError(error), deps);
  }
  deps.loaders.primeConnections([connection], region);
  return { __typename: 'DisassociateConnectionFromLagSuccess', connection, region, lagId, dryRun: false, awsRequestId: awsRequestId ?? null };
}

/** The membership and minimum-links checks against the current state; changes nothing. */
async function dryRun(subject: Subject, deps: DisassociationDeps): Promise<Result> {
  const { connectionId, lagId, region } = subject;
  try {
    const lag = await deps.loaders.lagById.load({ region, id: lagId });
    const refusal = await refusalFromState(lag, subject, deps, undefined);
    if (refusal) return refusal;
    const member = lag!.connections!.find((c) => c.connectionId === connectionId)!;
    return { __typename: 'DisassociateConnectionFromLagSuccess', connection: member, region, lagId, dryRun: true, awsRequestId: null };
  } catch (error) {
    if (!isAwsFailure(error)) throw error;
    return fromAwsError(subject, classifyAwsError(error));
  }
}

/** The typed refusal the LAG's state implies, or undefined if the disassociation is allowed. */
async function refusalFromState(
  lag: Lag | null,
  subject: Subject,
  deps: DisassociationDeps,
  awsRequestId: string | undefined,
): Promise<Refusal | undefined> {
  const { connectionId, region } = subject;
  const isMember = (lag?.connections ?? []).some((c) => c.connectionId === connectionId);
  if (!lag || !isMember) {
    // Which is missing first: the connection, as the emulator checks (AWS's own order is unpublished).
    const connection = await deps.loaders.connectionById.load({ region, id: connectionId });
    if (!connection) return connectionNotFound(subject, awsRequestId);
    if (!lag) return lagNotFound(subject, awsRequestId);
    return connectionNotInLag(subject, connection.lagId ?? null, awsRequestId);
  }
  const shortfall = minimumLinksShortfall(lag, connectionId);
  return shortfall ? minimumLinksViolation(subject, lag, shortfall, awsRequestId) : undefined;
}

/**
 * AWS said no. Known messages classify directly; for one we cannot read (AWS's
 * wording for minimum links and membership is unpublished) the LAG's current
 * state explains it, and failing that AWS's own message is passed on.
 */
async function explainRefusal(subject: Subject, refusal: ClassifiedAwsError, deps: DisassociationDeps): Promise<Result> {
  if (refusal.code !== 'AWS_CLIENT_ERROR') return fromAwsError(subject, refusal);
  try {
    const lag = await deps.loaders.lagById.load({ region: subject.region, id: subject.lagId });
    const explained = await refusalFromState(lag, subject, deps, refusal.awsRequestId);
    if (explained) return withAwsWords(explained, refusal);
  } catch (error) {
    if (!isAwsFailure(error)) throw error;
    // The state could not be read; AWS's own answer below is still true.
  }
  return fromAwsError(subject, refusal);
}
