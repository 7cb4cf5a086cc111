import type { Lag } from '@aws-sdk/client-direct-connect';
import type { DirectConnectErrorCode, ResolversTypes, ResolversUnionTypes } from '../__generated__/resolvers-types.js';
import type { LagImpact } from '../changes/models.js';
import { describeChanges, type StateChange } from '../changes/plan.js';
import type { ClassifiedAwsError } from '../directconnect/classifyAwsError.js';
import type { InputProblem } from '../input.js';
import { isRetryable } from './codes.js';

// The typed errors a mutation returns as data: members of its result union that
// implement DirectConnectError. Built only here, so every one gets its `retryable`
// from its code and its wording from one place.

type Result = ResolversUnionTypes<ResolversTypes>['DisassociateConnectionFromLagResult'];

/** Every member of a mutation's result union but its success (one mutation today). */
export type Refusal = Exclude<Result, { __typename: `${string}Success` }>;

type Member<N extends Refusal['__typename']> = Extract<Refusal, { __typename: N }>;
type Fields<N extends Refusal['__typename']> = Omit<Member<N>, '__typename' | 'code' | 'retryable' | 'message'>;

/** Each member's one code; AwsServiceError carries whichever AWS failure it reports. */
const CODE_OF = {
  InvalidInput: 'BAD_USER_INPUT',
  ConnectionNotFound: 'CONNECTION_NOT_FOUND',
  LagNotFound: 'LAG_NOT_FOUND',
  ConnectionNotInLag: 'CONNECTION_NOT_IN_LAG',
  MinimumLinksViolation: 'MINIMUM_LINKS_VIOLATION',
  StateChanged: 'STATE_CHANGED',
  ResourceBusy: 'RESOURCE_BUSY',
  Throttled: 'THROTTLED',
} as const satisfies Record<Exclude<Refusal['__typename'], 'AwsServiceError'>, DirectConnectErrorCode>;

function refusal<N extends keyof typeof CODE_OF>(__typename: N, message: string, fields: Fields<N>): Member<N> {
  const code = CODE_OF[__typename];
  return { __typename, code, message, retryable: isRetryable(code), ...fields } as Member<N>;
}

/** What a refusal is about: the resources a change names, in its region. */
export interface Subject {
  connectionId: string;
  lagId: string;
  region: string;
}

export const invalidInput = (problem: InputProblem): Member<'InvalidInput'> =>
  refusal('InvalidInput', problem.message, { field: problem.field });

export const connectionNotFound = ({ connectionId, region }: Subject, awsRequestId?: string): Member<'ConnectionNotFound'> =>
  refusal('ConnectionNotFound', `No connection ${connectionId} exists in ${region}.`, {
    connectionId,
    region,
    awsRequestId: awsRequestId ?? null,
  });

export const lagNotFound = ({ lagId, region }: Subject, awsRequestId?: string): Member<'LagNotFound'> =>
  refusal('LagNotFound', `No LAG ${lagId} exists in ${region}.`, { lagId, region, awsRequestId: awsRequestId ?? null });

export function connectionNotInLag({ connectionId, lagId }: Subject, actualLagId: string | null, awsRequestId?: string): Member<'ConnectionNotInLag'> {
  const message = actualLagId
    ? `Connection ${connectionId} is a member of LAG ${actualLagId}, not of ${lagId}.`
    : `Connection ${connectionId} is a standalone connection, not a member of LAG ${lagId}.`;
  return refusal('ConnectionNotInLag', message, { connectionId, lagId, actualLagId, awsRequestId: awsRequestId ?? null });
}

export interface MinimumLinksShortfall {
  minimumLinks: number;
  operationalConnections: number;
  remainingOperationalConnections: number;
}

export function minimumLinksViolation(
  { connectionId, lagId }: Subject,
  lag: Lag,
  shortfall: MinimumLinksShortfall,
  impact: LagImpact,
  awsRequestId?: string,
): Member<'MinimumLinksViolation'> {
  const members = lag.connections?.length ?? 0;
  const message =
    `Disassociating ${connectionId} would leave LAG ${lagId} with ${shortfall.remainingOperationalConnections} ` +
    `operational connection(s), below its minimumLinks of ${shortfall.minimumLinks} ` +
    `(${shortfall.operationalConnections} of its ${members} members are available now). ` +
    `Lower the LAG's minimumLinks first, or bring another member to available.`;
  return refusal('MinimumLinksViolation', message, { ...shortfall, lag, impact, awsRequestId: awsRequestId ?? null });
}

/** A plan's state moved, it expired, or it was made for another input: nothing was changed. */
export const stateChanged = (changes: StateChange[], plannedAt: Date): Member<'StateChanged'> =>
  refusal('StateChanged', describeChanges(changes, plannedAt), { changes, plannedAt });

/** A refusal explained from the state, with AWS's own words after the gateway's. */
export const withAwsWords = <R extends Refusal>(explained: R, aws: ClassifiedAwsError): R => ({
  ...explained,
  message: `${explained.message} AWS said: ${aws.message}`,
});

/** An AWS failure as the mutation's typed member. */
export function fromAwsError(subject: Subject, error: ClassifiedAwsError): Refusal {
  const awsRequestId = error.awsRequestId ?? null;
  switch (error.code) {
    case 'CONNECTION_NOT_FOUND':
      return connectionNotFound(subject, error.awsRequestId);
    case 'LAG_NOT_FOUND':
      return lagNotFound(subject, error.awsRequestId);
    case 'BAD_USER_INPUT':
      return invalidInput({ field: /\bLag ID\b/i.test(error.message) ? 'lagId' : 'connectionId', message: error.message });
    case 'RESOURCE_BUSY':
      return refusal('ResourceBusy', `${error.message} The connection or LAG is changing state; retry in a minute.`, { awsRequestId });
    case 'THROTTLED':
      return refusal('Throttled', error.message, { awsRequestId });
    default:
      return {
        __typename: 'AwsServiceError',
        code: error.code,
        message: error.message,
        retryable: isRetryable(error.code),
        awsErrorName: error.awsErrorName ?? null,
        awsRequestId,
      };
  }
}
