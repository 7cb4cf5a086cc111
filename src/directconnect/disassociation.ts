import type { Connection, Lag } from '@aws-sdk/client-direct-connect';
import type { ResolversTypes, ResolversUnionTypes } from '../__generated__/resolvers-types.js';
import type { GatewayContext } from '../context.js';
import { classifyAwsError, isAwsFailure, type ClassifiedAwsError } from './errors.js';
import { checkConnectionId, checkLagId, resolveRegion, type InputProblem } from './input.js';

// DisassociateConnectionFromLag, the one call here that cuts a live link. The
// rules come from the AWS documentation (DESIGN.md §7): the LAG may not fall
// below minimumLinks operational connections, except for its last member.
// AWS is authoritative: a real call goes to AWS, and only when AWS refuses in
// words we cannot classify do we explain the refusal from the LAG's state.

export interface DisassociationSuccess {
  connection: Connection;
  region: string;
  lagId: string;
  dryRun: boolean;
  awsRequestId: string | null;
}

export interface DisassociationInput {
  connectionId: string;
  lagId: string;
  region?: string | null;
  dryRun?: boolean | null;
}

type Result = ResolversUnionTypes<ResolversTypes>['DisassociateConnectionFromLagResult'];
type Refusal = Exclude<Result, { __typename: 'DisassociateConnectionFromLagSuccess' }>;

interface Target {
  connectionId: string;
  lagId: string;
  region: string;
}

/** What would remain operational; undefined when the rule allows the disassociation. */
export function minimumLinksShortfall(
  lag: Lag,
  connectionId: string,
): { minimumLinks: number; operationalConnections: number; remainingOperationalConnections: number } | undefined {
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

const invalidInput = (problem: InputProblem): Refusal => ({
  __typename: 'InvalidInput',
  code: 'BAD_USER_INPUT',
  retryable: false,
  ...problem,
});

function validate(input: DisassociationInput, ctx: GatewayContext): Target | Refusal {
  const problem = checkConnectionId(input.connectionId) ?? checkLagId(input.lagId);
  if (problem) return invalidInput(problem);
  // An explicit null (an unset form variable, say) must not be read as "not a dry run".
  if (input.dryRun === null) {
    return invalidInput({ field: 'dryRun', message: 'dryRun must be true or false, or left out (false); null is ambiguous for an operation that cuts a live link.' });
  }
  const region = resolveRegion(input.region, ctx.regions);
  if ('message' in region) return invalidInput(region);
  return { connectionId: input.connectionId, lagId: input.lagId, region: region.region };
}

export async function disassociateConnectionFromLag(input: DisassociationInput, ctx: GatewayContext): Promise<Result> {
  const target = validate(input, ctx);
  if ('__typename' in target) return target;
  return input.dryRun ? dryRun(target, ctx) : disassociate(target, ctx);
}

async function disassociate(target: Target, ctx: GatewayContext): Promise<Result> {
  const { connectionId, lagId, region } = target;
  let connection: Connection;
  let awsRequestId: string | undefined;
  try {
    ({ connection, awsRequestId } = await ctx.directConnect.disassociateConnectionFromLag(region, connectionId, lagId));
  } catch (error) {
    if (!isAwsFailure(error)) throw error;
    forgetTouched(target, ctx);
    return explainRefusal(target, classifyAwsError(error), ctx);
  }
  forgetTouched(target, ctx);
  ctx.loaders.primeConnections([connection], region);
  return { __typename: 'DisassociateConnectionFromLagSuccess', connection, region, lagId, dryRun: false, awsRequestId: awsRequestId ?? null };
}

/** The membership and minimum-links checks against the current state; changes nothing. */
async function dryRun(target: Target, ctx: GatewayContext): Promise<Result> {
  const { connectionId, lagId, region } = target;
  try {
    const lag = await ctx.loaders.lagById.load({ region, id: lagId });
    const refusal = await checkAgainst(lag, target, ctx, undefined);
    if (refusal) return refusal;
    const member = lag!.connections!.find((c) => c.connectionId === connectionId)!;
    return { __typename: 'DisassociateConnectionFromLagSuccess', connection: member, region, lagId, dryRun: true, awsRequestId: null };
  } catch (error) {
    if (!isAwsFailure(error)) throw error;
    return fromAwsError(target, classifyAwsError(error));
  }
}

/** The typed refusal the LAG's state implies, or undefined if the disassociation is allowed. */
async function checkAgainst(
  lag: Lag | null,
  target: Target,
  ctx: GatewayContext,
  awsRequestId: string | undefined,
): Promise<Refusal | undefined> {
  const { connectionId, lagId, region } = target;
  const isMember = (lag?.connections ?? []).some((c) => c.connectionId === connectionId);
  if (!lag || !isMember) {
    // Which is missing first: the connection, as the emulator checks (AWS's own order is unpublished).
    const connection = await ctx.loaders.connectionById.load({ region, id: connectionId });
    if (!connection) return connectionNotFound(target, awsRequestId);
    if (!lag) return lagNotFound(target, awsRequestId);
    const actualLagId = connection.lagId ?? null;
    return {
      __typename: 'ConnectionNotInLag',
      code: 'CONNECTION_NOT_IN_LAG',
      retryable: false,
      message: actualLagId
        ? `Connection ${connectionId} is a member of LAG ${actualLagId}, not of ${lagId}.`
        : `Connection ${connectionId} is a standalone connection, not a member of LAG ${lagId}.`,
      connectionId,
      lagId,
      actualLagId,
      awsRequestId: awsRequestId ?? null,
    };
  }
  const shortfall = minimumLinksShortfall(lag, connectionId);
  if (!shortfall) return undefined;
  const members = lag.connections?.length ?? 0;
  return {
    __typename: 'MinimumLinksViolation',
    code: 'MINIMUM_LINKS_VIOLATION',
    retryable: false,
    message:
      `Disassociating ${connectionId} would leave LAG ${lagId} with ${shortfall.remainingOperationalConnections} ` +
      `operational connection(s), below its minimumLinks of ${shortfall.minimumLinks} ` +
      `(${shortfall.operationalConnections} of its ${members} members are available now). ` +
      `Lower the LAG's minimumLinks first, or bring another member to available.`,
    ...shortfall,
    lag,
    awsRequestId: awsRequestId ?? null,
  };
}

/**
 * AWS said no. Known messages classify directly; for one we cannot read (AWS's
 * wording for minimum links and membership is unpublished) the LAG's current
 * state explains it, and failing that AWS's own message is passed on.
 */
async function explainRefusal(target: Target, refusal: ClassifiedAwsError, ctx: GatewayContext): Promise<Result> {
  if (refusal.code !== 'AWS_CLIENT_ERROR') return fromAwsError(target, refusal);
  try {
    const lag = await ctx.loaders.lagById.load({ region: target.region, id: target.lagId });
    const explained = await checkAgainst(lag, target, ctx, refusal.awsRequestId);
    if (explained) {
      return { ...explained, message: `${explained.message} AWS said: ${refusal.message}` };
    }
  } catch (error) {
    if (!isAwsFailure(error)) throw error;
    // The state could not be read; AWS's own answer below is still true.
  }
  return fromAwsError(target, refusal);
}

function fromAwsError(target: Target, error: ClassifiedAwsError): Refusal {
  const awsRequestId = error.awsRequestId ?? null;
  switch (error.code) {
    case 'CONNECTION_NOT_FOUND':
      return connectionNotFound(target, error.awsRequestId);
    case 'LAG_NOT_FOUND':
      return lagNotFound(target, error.awsRequestId);
    case 'BAD_USER_INPUT':
      return invalidInput({ field: /\bLag ID\b/i.test(error.message) ? 'lagId' : 'connectionId', message: error.message });
    case 'RESOURCE_BUSY':
      return {
        __typename: 'ResourceBusy',
        code: error.code,
        retryable: true,
        message: `${error.message} The connection or LAG is changing state; retry in a minute.`,
        awsRequestId,
      };
    case 'THROTTLED':
      return { __typename: 'Throttled', code: error.code, retryable: true, message: error.message, awsRequestId };
    default:
      return {
        __typename: 'AwsServiceError',
        code: error.code,
        retryable: error.retryable,
        message: error.message,
        awsErrorName: error.awsErrorName ?? null,
        awsRequestId,
      };
  }
}

const connectionNotFound = (target: Target, awsRequestId: string | undefined): Refusal => ({
  __typename: 'ConnectionNotFound',
  code: 'CONNECTION_NOT_FOUND',
  retryable: false,
  message: `No connection ${target.connectionId} exists in ${target.region}.`,
  connectionId: target.connectionId,
  region: target.region,
  awsRequestId: awsRequestId ?? null,
});

const lagNotFound = (target: Target, awsRequestId: string | undefined): Refusal => ({
  __typename: 'LagNotFound',
  code: 'LAG_NOT_FOUND',
  retryable: false,
  message: `No LAG ${target.lagId} exists in ${target.region}.`,
  lagId: target.lagId,
  region: target.region,
  awsRequestId: awsRequestId ?? null,
});

/** Whatever this request read about the touched resources is now stale. */
function forgetTouched({ connectionId, lagId, region }: Target, ctx: GatewayContext): void {
  ctx.loaders.lagById.clear({ region, id: lagId });
  ctx.loaders.connectionById.clear({ region, id: connectionId });
  ctx.loaders.lagsInRegion.clear(region);
  ctx.loaders.connectionsInRegion.clear(region);
}
