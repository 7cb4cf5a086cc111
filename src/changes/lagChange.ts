import { createHash } from 'node:crypto';
import { classifyAwsError, isAwsFailure, type ClassifiedAwsError } from '../directconnect/classifyAwsError.js';
import type { DirectConnectService } from '../directconnect/service.js';
import type { Logger } from 'pino';
import type { Caller } from '../auth/roles.js';
import { CoordinationUnavailable, LockBusy, type Guards } from '../coordination/guards.js';
import {
  coordinationUnavailable,
  invalidInput,
  resourceBusy,
  stateChanged,
  type LagSubject,
  type RefusalMember,
  type Subject,
} from '../errors/refusals.js';
import { checkClientRequestId, checkConnectionId, checkLagId, resolveRegion, type InputProblem, type ServedRegions } from '../input.js';
import type { Loaders } from '../loaders/index.js';
import type { LagView } from './impact.js';
import type { OpenPlan, PlanInput, PlannedState, Plans } from './plan.js';

// What every change to a LAG shares (docs/contract.md, "The mutations"): the common
// input fields, reading the LAG with what rides on it (through the cache for a dry
// run, as queries do; from AWS itself for the real call, which acts on it), the plan
// gate, and the order of the steps (runChange). The rules of each change stay in its
// own module.

/** The fields every mutation's input has beside what it names. */
export interface ChangeInput {
  region?: string | null;
  dryRun?: boolean | null;
  expectedPlanToken?: string | null;
  clientRequestId?: string | null;
}

/** The region the change applies to, or what is wrong with the common fields. */
export function checkChangeInput(input: ChangeInput, regions: ServedRegions): { region: string } | InputProblem {
  // An explicit null (an unset form variable, say) must not be read as "not a dry run".
  if (input.dryRun === null) {
    return { field: 'dryRun', message: 'dryRun must be true or false, or left out (false); null is ambiguous for an operation that changes live links.' };
  }
  return checkClientRequestId(input.clientRequestId) ?? resolveRegion(input.region, regions);
}

/** A change that names a connection and a LAG (a disassociation, an association). */
export function checkMembershipInput(input: ChangeInput & { connectionId: string; lagId: string }, regions: ServedRegions): Subject | RefusalMember<'InvalidInput'> {
  const problem = checkConnectionId(input.connectionId) ?? checkLagId(input.lagId);
  if (problem) return invalidInput(problem);
  const common = checkChangeInput(input, regions);
  if ('message' in common) return invalidInput(common);
  return { connectionId: input.connectionId, lagId: input.lagId, region: common.region };
}

/** Deleted (AWS lists it for a while), being deleted, or rejected: nothing can change it any more. */
export const isGone = (state: string | undefined): state is 'deleted' | 'deleting' | 'rejected' =>
  state === 'deleted' || state === 'deleting' || state === 'rejected';

export interface ReadDeps {
  directConnect: Pick<DirectConnectService, 'describeLag' | 'describeVirtualInterfacesOn' | 'describeHostedConnections' | 'forgetRegion'>;
  loaders: Pick<Loaders, 'lagById' | 'virtualInterfacesOn' | 'hostedConnectionsOn' | 'forget'>;
}

/**
 * The LAG with its VIFs and, for a LAG that can carry them, its hosted connections;
 * null when there is no such LAG. `fresh`: from AWS itself, past every cache, the
 * LAG and its VIFs read together.
 */
export async function readLagView(region: string, lagId: string, deps: ReadDeps, fresh: boolean): Promise<LagView | null> {
  if (fresh) {
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
  const lag = await deps.loaders.lagById.load({ region, id: lagId });
  if (!lag) return null;
  const [virtualInterfaces, hostedConnections] = await Promise.all([
    deps.loaders.virtualInterfacesOn({ region, id: lagId }),
    // Only a LAG that allows hosted connections can have any: the others cost no AWS call.
    lag.allowsHostedConnections ? deps.loaders.hostedConnectionsOn.load({ region, id: lagId }) : [],
  ]);
  return { lag, virtualInterfaces, hostedConnections };
}

/** A plan to check, nothing to check, or the refusal a token earns before anything is read. */
function openPlan(
  plans: Plans,
  token: string | null | undefined,
  operation: string,
  input: PlanInput,
): { plan?: OpenPlan; refusal?: RefusalMember<'InvalidInput' | 'StateChanged'> } {
  if (token === undefined || token === null) return {};
  const opened = plans.open(token, operation, input);
  if ('message' in opened) return { refusal: invalidInput(opened) };
  // Another input or too old: refused without reading anything.
  if (opened.staleness.length > 0) return { refusal: stateChanged(opened.staleness, opened.plannedAt) };
  return { plan: opened };
}

/**
 * StateChanged if what the plan saw is not `current`. What the plan was made on is
 * then stale wherever it is cached: forgotten, so the next dry run sees what AWS says.
 */
async function checkPlan(
  plan: OpenPlan | undefined,
  current: PlannedState,
  region: string,
  touched: { lagId?: string; connectionId?: string },
  deps: ReadDeps,
): Promise<RefusalMember<'StateChanged'> | undefined> {
  if (!plan) return undefined;
  const changes = plan.changesFrom(current);
  if (changes.length === 0) return undefined;
  deps.loaders.forget(region, touched);
  await deps.directConnect.forgetRegion(region);
  return stateChanged(changes, plan.plannedAt);
}

/** One change's own steps; runChange puts them in the order every change follows. */
export interface ChangeSteps<State, R> {
  operation: string;
  subject: LagSubject & { connectionId?: string };
  /** What a plan for this change is bound to besides the state: the input that names the change. */
  planInput: PlanInput;
  /** What the checks and the impact read: through the cache for a dry run, from AWS itself for the real call. */
  read(fresh: boolean): Promise<State>;
  /** The part of `State` a plan binds. */
  planned(state: State): PlannedState;
  /** The dry run or the real call, on the state just read; `plan` when the call carries a checked one. */
  proceed(state: State, plan: OpenPlan | undefined): Promise<R>;
  /** An AWS failure while reading, as the change's typed member. */
  failed(error: ClassifiedAwsError): R;
}

/** What runChange needs beside the reads: plans, the exactly-once records and locks, and who is calling. */
export interface RunDeps extends ReadDeps {
  plans: Plans;
  guards: Guards;
  caller: Caller;
  logger: Logger;
}

/** What a change may answer beyond its own members: every result union has these. */
type Guarded = RefusalMember<'InvalidInput' | 'StateChanged' | 'ResourceBusy' | 'CoordinationUnavailable'>;

/** A change's answer: its success or a typed member, each of which says whether to retry. */
type Answer = { __typename?: string; retryable?: boolean; replayed?: boolean };

/**
 * The order every change follows: a token this gateway did not make, or one for
 * another input or too old, is refused before anything is read. A real call is then
 * exactly-once per clientRequestId and one at a time per LAG; under the LAG's lock the
 * state is read from AWS, a plan whose state moved is refused (and the stale cache
 * forgotten), and the change's own real call runs. A dry run reads through the cache
 * and takes neither lock nor record (docs/contract.md, "Exactly once, one at a time").
 */
export async function runChange<State, R extends Answer>(
  input: ChangeInput,
  steps: ChangeSteps<State, R>,
  deps: RunDeps,
): Promise<R | Guarded> {
  const { plan, refusal } = openPlan(deps.plans, input.expectedPlanToken, steps.operation, steps.planInput);
  if (refusal) return refusal;
  const run = async (): Promise<R | Guarded> => {
    try {
      const state = await steps.read(!input.dryRun);
      const moved = await checkPlan(plan, steps.planned(state), steps.subject.region, steps.subject, deps);
      if (moved) return moved;
      return await steps.proceed(state, plan);
    } catch (error) {
      if (!isAwsFailure(error)) throw error;
      return steps.failed(classifyAwsError(error));
    }
  };
  if (input.dryRun) return run();
  return guarded(() => exactlyOnce(input, steps.operation, deps, () => oneAtATime(steps.subject, deps.guards, run)));
}

/** The coordination store's failures as typed members: nothing was changed. */
async function guarded<R>(fn: () => Promise<R | Guarded>): Promise<R | Guarded> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof CoordinationUnavailable) return coordinationUnavailable(error.message);
    if (error instanceof LockBusy) {
      return resourceBusy(`Another change through this gateway holds ${error.key} (waited ${error.waitedMs} ms). Nothing was changed; retry in a few seconds.`);
    }
    throw error;
  }
}

/** The LAG's lock, held from the fresh read through the mutating call. */
function oneAtATime<R>(subject: LagSubject, guards: Guards, fn: () => Promise<R>): Promise<R> {
  return guards.locks.withLock(`lag ${subject.region}/${subject.lagId}`, fn);
}

/**
 * Runs the change once per caller and clientRequestId: a duplicate with the same input
 * gets the first outcome again, marked replayed, without calling AWS. Outcomes worth
 * retrying (throttling, a busy resource, an unreachable AWS) are not kept, so a retry runs.
 */
async function exactlyOnce<R extends Answer>(
  input: ChangeInput,
  operation: string,
  deps: RunDeps,
  fn: () => Promise<R | Guarded>,
): Promise<R | Guarded> {
  const id = input.clientRequestId;
  if (id === undefined || id === null) return fn();
  const claim = await deps.guards.idempotency.claim<R | Guarded>(`${operation} ${deps.caller.id} ${id}`, fingerprint(input));
  if (claim.kind === 'conflict') {
    return invalidInput({
      field: 'clientRequestId',
      message: `clientRequestId "${id}" was used within the last 24 hours for a different ${operation} input; choose a new ID for a new change.`,
    });
  }
  if (claim.kind === 'replay') return { ...claim.outcome, replayed: true };
  // Once the change has run, its outcome is the answer: a store that fails to keep
  // it, or to free the claim, cannot make it "nothing was changed" (docs/contract.md,
  // "Exactly once, one at a time"). Its lease frees the claim.
  const settle = (done: Promise<void>) =>
    done.catch((error: unknown) => deps.logger.warn({ err: error, operation, clientRequestId: id }, 'could not settle the clientRequestId record'));
  let outcome: R | Guarded;
  try {
    outcome = await fn();
  } catch (error) {
    await settle(claim.release());
    throw error;
  }
  await settle(outcome.retryable ? claim.release() : claim.complete(outcome));
  return outcome;
}

/** The input a clientRequestId is bound to: every field but the ID itself, in a stable order. */
function fingerprint(input: ChangeInput): string {
  const fields = Object.entries(input)
    .filter(([key, value]) => key !== 'clientRequestId' && value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}
