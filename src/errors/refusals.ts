import type { Lag, VirtualInterfaceTestHistory } from '@aws-sdk/client-direct-connect';
import type { DirectConnectErrorCode, ResolversTypes, ResolversUnionTypes } from '../__generated__/resolvers-types.js';
import type { MinimumLinksShortfall } from '../changes/impact.js';
import type { ImpactWarning, LagImpact } from '../changes/models.js';
import { describeChanges, type StateChange } from '../changes/plan.js';
import type { ClassifiedAwsError } from '../aws/classifyAwsError.js';
import type { InputProblem } from '../input.js';
import { isRetryable } from './codes.js';

// The typed errors a mutation returns as data: members of its result union that
// implement DirectConnectError. Built only here, so every one gets its `retryable`
// from its code and its wording from one place.

type Results = ResolversUnionTypes<ResolversTypes>;
type Result =
  | Results['DisassociateConnectionFromLagResult']
  | Results['AssociateConnectionWithLagResult']
  | Results['UpdateLagMinimumLinksResult']
  | Results['StartBgpFailoverTestResult']
  | Results['StopBgpFailoverTestResult'];

/** Every member of the mutations' result unions but their successes (and an earlier change answered from the record). */
export type Refusal = Exclude<Result, { __typename: `${string}Success` | 'RecordedChange' }>;

/** One typed member by its name, e.g. `RefusalMember<'StateChanged'>`. */
export type RefusalMember<N extends Refusal['__typename']> = Extract<Refusal, { __typename: N }>;
type Member<N extends Refusal['__typename']> = RefusalMember<N>;
type Fields<N extends Refusal['__typename']> = Omit<Member<N>, '__typename' | 'code' | 'retryable' | 'message' | 'replayed'>;

/** Each member's one code; AwsServiceError carries whichever AWS failure it reports. */
const CODE_OF = {
  InvalidInput: 'BAD_USER_INPUT',
  ConnectionNotFound: 'CONNECTION_NOT_FOUND',
  LagNotFound: 'LAG_NOT_FOUND',
  ConnectionNotInLag: 'CONNECTION_NOT_IN_LAG',
  MinimumLinksViolation: 'MINIMUM_LINKS_VIOLATION',
  StateChanged: 'STATE_CHANGED',
  IncompatibleConnection: 'INCOMPATIBLE_CONNECTION',
  LagFull: 'LAG_FULL',
  ConnectionAlreadyInLag: 'CONNECTION_ALREADY_IN_LAG',
  AuditUnavailable: 'AUDIT_UNAVAILABLE',
  CoordinationUnavailable: 'COORDINATION_UNAVAILABLE',
  ResourceBusy: 'RESOURCE_BUSY',
  Throttled: 'THROTTLED',
  PlanRequired: 'PLAN_REQUIRED',
  VirtualInterfaceNotFound: 'VIRTUAL_INTERFACE_NOT_FOUND',
  TestAlreadyRunning: 'TEST_ALREADY_RUNNING',
  NoTestRunning: 'NO_TEST_RUNNING',
} as const satisfies Record<Exclude<Refusal['__typename'], 'AwsServiceError'>, DirectConnectErrorCode>;

function refusal<N extends keyof typeof CODE_OF>(__typename: N, message: string, fields: Fields<N>): Member<N> {
  const code = CODE_OF[__typename];
  return { __typename, code, message, retryable: isRetryable(code), replayed: false, ...fields } as Member<N>;
}

/** What a refusal is about: the resources a change names, in its region. */
export interface LagSubject {
  lagId: string;
  region: string;
}

export interface Subject extends LagSubject {
  connectionId: string;
}

/** What a failover test is about: a VIF, in its region. */
export interface VifSubject {
  virtualInterfaceId: string;
  region: string;
}

export const invalidInput = (problem: InputProblem): Member<'InvalidInput'> =>
  refusal('InvalidInput', problem.message, { field: problem.field });

/** `state`: it exists, but deleted (AWS lists it for a while), being deleted or rejected, so nothing can change it. */
export const connectionNotFound = ({ connectionId, region }: Subject, awsRequestId?: string, state?: string): Member<'ConnectionNotFound'> =>
  refusal(
    'ConnectionNotFound',
    state ? `Connection ${connectionId} in ${region} is ${state}: nothing can change it any more.` : `No connection ${connectionId} exists in ${region}.`,
    { connectionId, region, awsRequestId: awsRequestId ?? null },
  );

export const lagNotFound = ({ lagId, region }: LagSubject, awsRequestId?: string, state?: string): Member<'LagNotFound'> =>
  refusal('LagNotFound', state ? `LAG ${lagId} in ${region} is ${state}: nothing can change it any more.` : `No LAG ${lagId} exists in ${region}.`, {
    lagId,
    region,
    awsRequestId: awsRequestId ?? null,
  });

export function connectionNotInLag({ connectionId, lagId }: Subject, actualLagId: string | null, awsRequestId?: string): Member<'ConnectionNotInLag'> {
  const message = actualLagId
    ? `Connection ${connectionId} is a member of LAG ${actualLagId}, not of ${lagId}.`
    : `Connection ${connectionId} is a standalone connection, not a member of LAG ${lagId}.`;
  return refusal('ConnectionNotInLag', message, { connectionId, lagId, actualLagId, awsRequestId: awsRequestId ?? null });
}

/** `state`: it exists, but deleted (AWS lists it for 15 minutes), being deleted or rejected, so nothing can test it. */
export const virtualInterfaceNotFound = ({ virtualInterfaceId, region }: VifSubject, awsRequestId?: string, state?: string): Member<'VirtualInterfaceNotFound'> =>
  refusal(
    'VirtualInterfaceNotFound',
    state
      ? `Virtual interface ${virtualInterfaceId} in ${region} is ${state}: nothing can test it any more.`
      : `No virtual interface ${virtualInterfaceId} exists in ${region}.`,
    { virtualInterfaceId, region, awsRequestId: awsRequestId ?? null },
  );

const when = (date: Date | undefined) => date?.toISOString() ?? 'an unknown time';

/** A test runs on the VIF already (`test`: as AWS lists it, when it does): AWS runs one at a time. */
export function testAlreadyRunning(
  { virtualInterfaceId, region }: VifSubject,
  test: VirtualInterfaceTestHistory | null,
  awsRequestId?: string,
): Member<'TestAlreadyRunning'> {
  const which = test ? `Test ${test.testId} has been running on ${virtualInterfaceId} since ${when(test.startTime)}, until ${when(test.endTime)}` : `A test is running on ${virtualInterfaceId}`;
  return refusal(
    'TestAlreadyRunning',
    `${which}: AWS runs one BGP failover test per virtual interface at a time. Nothing was changed. Stop it with stopBgpFailoverTest, or wait for it to end.`,
    { virtualInterfaceId, testId: test?.testId ?? null, test: test ? { ...test, region } : null, awsRequestId: awsRequestId ?? null },
  );
}

/** Nothing to stop: the VIF is not testing (`last`: its newest test, if AWS lists one). */
export function noTestRunning(
  { virtualInterfaceId }: VifSubject,
  state: string | undefined,
  last: VirtualInterfaceTestHistory | null,
  awsRequestId?: string,
): Member<'NoTestRunning'> {
  const lastWords = last ? `; its last test, ${last.testId}, ended ${when(last.endTime)} (${last.status ?? 'status unknown'})` : '; AWS lists no test of it';
  return refusal('NoTestRunning', `No BGP failover test is running on ${virtualInterfaceId} (it is ${state ?? 'in an unknown state'})${lastWords}. There is nothing to stop.`, {
    virtualInterfaceId,
    awsRequestId: awsRequestId ?? null,
  });
}

/** A change that takes `connectionId` out of `lag` (a disassociation, or a move to another LAG) would leave it below minimumLinks. */
export function minimumLinksViolation(
  { connectionId }: Subject,
  lag: Lag,
  shortfall: MinimumLinksShortfall,
  impact: LagImpact,
  awsRequestId?: string,
): Member<'MinimumLinksViolation'> {
  const members = lag.connections?.length ?? 0;
  const allowingMinimumLinks = shortfall.remainingOperationalConnections;
  const message =
    `Taking ${connectionId} out of LAG ${lag.lagId} would leave it with ${shortfall.remainingOperationalConnections} ` +
    `operational connection(s), below its minimumLinks of ${shortfall.minimumLinks} ` +
    `(${shortfall.operationalConnections} of its ${members} members are available now). ` +
    `To go ahead, lower it first: updateLagMinimumLinks(input: { lagId: "${lag.lagId}", minimumLinks: ${allowingMinimumLinks} }), ` +
    `and restore ${shortfall.minimumLinks} afterwards; or bring another member to available.`;
  return refusal('MinimumLinksViolation', message, { ...shortfall, allowingMinimumLinks, lag, impact, awsRequestId: awsRequestId ?? null });
}

/** The impact carries warnings DX_PLAN_REQUIRED_FOR names, and the call carries no plan (src/changes/planPolicy.ts). */
export function planRequired(operation: string, warnings: ImpactWarning[]): Member<'PlanRequired'> {
  const codes = [...new Set(warnings.map((w) => w.code))].join(', ');
  const message =
    `This ${operation} needs a reviewed plan: its impact warns ${codes}. Nothing was changed. Run the same input with ` +
    `dryRun: true, read its impact, and pass its planToken as expectedPlanToken.`;
  return refusal('PlanRequired', message, { warnings });
}

export interface Mismatch {
  field: string;
  connectionValue: string | null;
  lagValue: string | null;
}

export function incompatibleConnection({ connectionId, lagId }: Subject, mismatches: Mismatch[], awsRequestId?: string): Member<'IncompatibleConnection'> {
  const words = mismatches.map((m) => `${m.field} ${m.connectionValue ?? '(none)'} where the LAG has ${m.lagValue ?? '(none)'}`);
  const message =
    `Connection ${connectionId} cannot join LAG ${lagId}: ${words.join('; ')}. AWS requires a member on the LAG's ` +
    `Direct Connect endpoint, with its bandwidth and MACsec settings; pick a connection that matches.`;
  return refusal('IncompatibleConnection', message, { connectionId, lagId, mismatches, awsRequestId: awsRequestId ?? null });
}

export function lagFull({ lagId }: Subject, quota: number, memberCount: number, awsRequestId?: string): Member<'LagFull'> {
  const message =
    `LAG ${lagId} already has ${memberCount} members, AWS's limit for its bandwidth (${quota}). ` +
    `Disassociate a member first, or choose another LAG.`;
  return refusal('LagFull', message, { lagId, quota, memberCount, awsRequestId: awsRequestId ?? null });
}

export const connectionAlreadyInLag = ({ connectionId, lagId }: Subject, awsRequestId?: string): Member<'ConnectionAlreadyInLag'> =>
  refusal('ConnectionAlreadyInLag', `Connection ${connectionId} is already a member of LAG ${lagId}; there is nothing to associate.`, {
    connectionId,
    lagId,
    awsRequestId: awsRequestId ?? null,
  });

/** A plan's state moved, it expired, or it was made for another input: nothing was changed. */
export const stateChanged = (changes: StateChange[], plannedAt: Date): Member<'StateChanged'> =>
  refusal('StateChanged', describeChanges(changes, plannedAt), { changes, plannedAt });

/** The intent record could not be written before the change: nothing was changed. */
export const auditUnavailable = (reason: string): Member<'AuditUnavailable'> =>
  refusal(
    'AuditUnavailable',
    `Nothing was changed: the attempt could not be recorded in the audit trail first (${reason}). ` +
      `Retry once the audit sink can be written; /readyz says whether it can.`,
    {},
  );

/** Another change holds what this one needs (the LAG, or the same clientRequestId) for longer than it waits. */
export const resourceBusy = (message: string): Member<'ResourceBusy'> => refusal('ResourceBusy', message, { awsRequestId: null });

/** The exactly-once record or the LAG's lock could not be taken: nothing was changed. */
export const coordinationUnavailable = (reason: string): Member<'CoordinationUnavailable'> =>
  refusal(
    'CoordinationUnavailable',
    `Nothing was changed: the store that makes changes exactly-once and one per LAG at a time could not be used (${reason}). Retry shortly.`,
    {},
  );

/** A refusal explained from the state, with AWS's own words after the gateway's. */
export const withAwsWords = <R extends Refusal>(explained: R, aws: ClassifiedAwsError): R => ({
  ...explained,
  message: `${explained.message} AWS said: ${aws.message}`,
});

/** Which input field AWS's BAD_USER_INPUT message is about. */
function inputFieldOf(message: string, subject: { virtualInterfaceId?: string }): string {
  if (subject.virtualInterfaceId !== undefined) return /duration/i.test(message) ? 'testDurationInMinutes' : /peer/i.test(message) ? 'bgpPeerIds' : 'virtualInterfaceId';
  return /MinimumLinks/i.test(message) ? 'minimumLinks' : /\bLag ID\b/i.test(message) ? 'lagId' : 'connectionId';
}

type Common = Member<'InvalidInput' | 'ResourceBusy' | 'Throttled' | 'AwsServiceError'>;

/**
 * An AWS failure as the mutation's typed member; a change reports missing only what
 * it names (a connection, a LAG, a VIF).
 */
export function fromAwsError(subject: Subject, error: ClassifiedAwsError): Common | Member<'LagNotFound' | 'ConnectionNotFound'>;
export function fromAwsError(subject: LagSubject, error: ClassifiedAwsError): Common | Member<'LagNotFound'>;
export function fromAwsError(subject: VifSubject, error: ClassifiedAwsError): Common | Member<'VirtualInterfaceNotFound'>;
export function fromAwsError(subject: { region: string; lagId?: string; connectionId?: string; virtualInterfaceId?: string }, error: ClassifiedAwsError): Refusal {
  const awsRequestId = error.awsRequestId ?? null;
  switch (error.code) {
    case 'CONNECTION_NOT_FOUND':
      if (subject.connectionId !== undefined && subject.lagId !== undefined) {
        return connectionNotFound({ ...subject, connectionId: subject.connectionId, lagId: subject.lagId }, error.awsRequestId);
      }
      break;
    case 'LAG_NOT_FOUND':
      if (subject.lagId !== undefined) return lagNotFound({ ...subject, lagId: subject.lagId }, error.awsRequestId);
      break;
    case 'VIRTUAL_INTERFACE_NOT_FOUND':
      if (subject.virtualInterfaceId !== undefined) return virtualInterfaceNotFound({ ...subject, virtualInterfaceId: subject.virtualInterfaceId }, error.awsRequestId);
      break;
    case 'BAD_USER_INPUT':
      return invalidInput({ field: inputFieldOf(error.message, subject), message: error.message });
    case 'RESOURCE_BUSY':
      return refusal('ResourceBusy', `${error.message} The connection or LAG is changing state; retry in a minute.`, { awsRequestId });
    case 'THROTTLED':
      return refusal('Throttled', error.message, { awsRequestId });
  }
  return {
    __typename: 'AwsServiceError',
    code: error.code,
    message: error.message,
    retryable: isRetryable(error.code),
    replayed: false,
    awsErrorName: error.awsErrorName ?? null,
    awsRequestId,
  };
}
