import { createHash } from 'node:crypto';
import { classifyAwsError, isAwsFailure, type ClassifiedAwsError } from '../aws/classifyAwsError.js';
import type { DirectConnectService } from '../aws/directConnect.js';
import type { Logger } from 'pino';
import type { Caller } from '../auth/roles.js';
import { CoordinationUnavailable, LockBusy, type Guards } from '../coordination/guards.js';
import {
  coordinationUnavailable,
  invalidInput,
  resourceBusy,
  stateChanged,
  type RefusalMember,
  type Subject,
} from '../errors/refusals.js';
import { checkClientRequestId, checkConnectionId, checkLagId, resolveRegion, type InputProblem, type ServedRegions } from '../input.js';
import type { Loaders } from '../loaders/index.js';
import type { AssociatedGateway, Connection, VirtualInterface } from '@aws-sdk/client-direct-connect';
import type { TrafficService } from '../aws/cloudWatch.js';
import type { MaintenanceReport, MaintenanceService } from '../aws/health.js';
import { lagResourceIds, lagTraffic, reportFor, type ReadTraffic } from '../loaders/traffic.js';
import { IMPACT_TRAFFIC_WINDOW_MINUTES, type LagView, type Surroundings } from './impact.js';
import type { OpenPlan, PlanInput, PlannedState, Plans } from './plan.js';
import type { Change, ChangeHistory } from '../audit/history.js';
import type { ChangeTiming } from '../audit/timing.js';
import { UNCERTAIN_OUTCOMES, type ChangeRecording } from '../audit/audited.js';
import { auditableInput } from '../audit/trail.js';

// What every change shares (docs/contract.md, "The mutations"): the common input
// fields, the order of the steps (runChange: plan, exactly-once, locks, a fresh read,
// the plan's check, the call), and for the changes to a LAG, reading the LAG with
// what rides on it (through the cache for a dry run, as queries do; from AWS itself
// for the real call, which acts on it). The rules of each change stay in its own
// module.

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
  loaders: Pick<
    Loaders,
    | 'lagById'
    | 'virtualInterfacesOn'
    | 'hostedConnectionsOn'
    | 'forget'
    | 'trafficOf'
    | 'maintenanceIn'
    | 'directConnectGatewaysIn'
    | 'directConnectGatewayById'
    | 'associationsOf'
  >;
  traffic: Pick<TrafficService, 'readOrUnknown'>;
  maintenance: Pick<MaintenanceService, 'report'>;
  regions: ServedRegions;
}

/**
 * The LAG with its VIFs and, for a LAG that can carry them, its hosted connections,
 * and (unless `surroundings` is false: the caller reads them with more) what the
 * change touches beyond it; null when there is no such LAG. `fresh`: from AWS itself,
 * past every cache, the LAG and its VIFs read together.
 */
export async function readLagView(region: string, lagId: string, deps: ReadDeps, fresh: boolean, surroundings = true): Promise<LagView | null> {
  // Maintenance and the DX gateways depend on nothing the LAG says: their reads start now.
  const maintenance = surroundings ? readMaintenance(region, deps, fresh) : undefined;
  if (surroundings) void deps.loaders.directConnectGatewaysIn.load(deps.regions.defaultRegion).catch(() => undefined);
  const view = await readLagAlone(region, lagId, deps, fresh);
  if (!view || !surroundings) return view;
  return { ...view, surroundings: await readSurroundings(region, view, view.virtualInterfaces, deps, fresh, [], maintenance) };
}

async function readLagAlone(region: string, lagId: string, deps: ReadDeps, fresh: boolean): Promise<LagView | null> {
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

/**
 * What the change touches beyond the LAG (impact.ts, Surroundings): the LAG's traffic
 * over the last hour, maintenance on it, its members and `alsoWatched` (a joining
 * connection), and the DX gateways that `vifs` reach. `fresh`: traffic and
 * maintenance from CloudWatch and Health themselves, as a plan's re-check needs;
 * the gateways, which no verdict depends on, through the loaders. Traffic and
 * maintenance never fail here (unknown instead); a DX gateway read that fails does.
 */
export async function readSurroundings(
  region: string,
  view: LagView,
  vifs: readonly VirtualInterface[],
  deps: ReadDeps,
  fresh: boolean,
  alsoWatched: readonly Connection[] = [],
  maintenance: Promise<MaintenanceReport> = readMaintenance(region, deps, fresh),
): Promise<Surroundings> {
  const read: ReadTraffic = fresh
    ? (r, source, window) => deps.traffic.readOrUnknown(r, source, window, { fresh: true })
    : (r, source, window) => deps.loaders.trafficOf(r, source, window);
  const ids = lagResourceIds(view.lag);
  for (const connection of alsoWatched) if (connection.connectionId) ids.add(connection.connectionId);
  const gatewayIds = [...new Set(vifs.map((vif) => vif.directConnectGatewayId).filter((id): id is string => Boolean(id)))].sort();
  const global = deps.regions.defaultRegion;
  const [traffic, report, gateways, associations] = await Promise.all([
    lagTraffic(read, view.lag, region, IMPACT_TRAFFIC_WINDOW_MINUTES),
    maintenance,
    Promise.all(gatewayIds.map((id) => deps.loaders.directConnectGatewayById({ region: global, id }))),
    Promise.all(gatewayIds.map((id) => deps.loaders.associationsOf.load({ region: global, id }))),
  ]);
  const virtualPrivateGateways: AssociatedGateway[] = vifs
    .filter((vif) => vif.virtualGatewayId && !vif.directConnectGatewayId)
    .map((vif) => ({ id: vif.virtualGatewayId, type: 'virtualPrivateGateway', ownerAccount: vif.ownerAccount, region: vif.region ?? region }));
  return {
    traffic,
    maintenance: reportFor(report, ids),
    directConnectGateways: gateways.filter((gateway) => gateway !== null),
    associations: associations.flat(),
    virtualPrivateGateways,
  };
}

/** A region's maintenance: through the request's loader, or from AWS Health itself. Never fails (unknown instead). */
function readMaintenance(region: string, deps: ReadDeps, fresh: boolean): Promise<MaintenanceReport> {
  if (!fresh) return deps.loaders.maintenanceIn.load(region);
  return deps.maintenance.report(region, { fresh: true });
}

/** A LAG known only by its ID (AWS accepted a change the read before it did not see): nothing rides on it that we know of. */
export const emptyView = (lagId: string): LagView => ({ lag: { lagId }, virtualInterfaces: [], hostedConnections: [] });

/** A plan to check, nothing to check, or the refusal a token earns before anything is read (staleness: once the claim is taken). */
function openPlan(
  plans: Plans,
  token: string | null | undefined,
  operation: string,
  input: PlanInput,
): { plan?: OpenPlan; refusal?: RefusalMember<'InvalidInput'>; staleness?: RefusalMember<'StateChanged'> } {
  if (token === undefined || token === null) return {};
  const opened = plans.open(token, operation, input);
  if ('message' in opened) return { refusal: invalidInput(opened) };
  // Another input or too old: refused without reading anything.
  if (opened.staleness.length > 0) return { staleness: stateChanged(opened.staleness, opened.plannedAt) };
  return { plan: opened };
}

/**
 * StateChanged if what the plan saw is not `current`. What the plan was made on is
 * then stale wherever it is cached: forgotten, so the next dry run sees what AWS says.
 */
async function checkPlan(
  plan: OpenPlan | undefined,
  current: () => PlannedState,
  region: string,
  touched: { lagId?: string; connectionId?: string },
  deps: ReadDeps,
): Promise<RefusalMember<'StateChanged'> | undefined> {
  if (!plan) return undefined;
  const changes = plan.changesFrom(current());
  if (changes.length === 0) return undefined;
  deps.loaders.forget(region, touched);
  await deps.directConnect.forgetRegion(region);
  return stateChanged(changes, plan.plannedAt);
}

/**
 * Handed to a real call's `proceed`: `begin()` right before the mutating AWS call. It
 * refuses (with ResourceBusy) if a lock was lost meanwhile, and from then on the
 * attempt may have changed AWS, so its outcome is kept whatever it is.
 */
export interface MutatingCall {
  begin(): void;
}

/**
 * The mutating AWS call of a real change: `begin()` first (locks still held; from here
 * the outcome is kept), and whatever AWS answers, `forget` what the request read of
 * what it touched, since even a failed call may have changed something. AWS's refusal
 * comes back classified for the change to explain; anything else is thrown.
 */
export async function callAws<T>(
  mutating: MutatingCall,
  call: () => Promise<T>,
  forget: () => void,
): Promise<{ answer: T } | { refused: ClassifiedAwsError }> {
  mutating.begin();
  try {
    return { answer: await call().finally(forget) };
  } catch (error) {
    if (!isAwsFailure(error)) throw error;
    return { refused: classifyAwsError(error) };
  }
}

/** One change's own steps; runChange puts them in the order every change follows. */
export interface ChangeSteps<State, R> {
  operation: string;
  /** What the change names: a LAG (whose lock it always holds), a connection, a VIF. */
  subject: { region: string; lagId?: string; connectionId?: string; virtualInterfaceId?: string };
  /** What a plan and a clientRequestId are bound to besides the state: the resolved input that names the change. */
  planInput: PlanInput;
  /** The locks a real call holds besides its LAG's, if it names one (lockKey names them), found before it takes them. */
  locks?(): Promise<string[]>;
  /** What the checks and the impact read: through the cache for a dry run, from AWS itself for the real call. */
  read(fresh: boolean): Promise<State>;
  /** The part of `State` a plan binds. */
  planned(state: State): PlannedState;
  /** The dry run or the real call, on the state just read; `plan` when the call carries a checked one. */
  proceed(state: State, plan: OpenPlan | undefined, mutating: MutatingCall): Promise<R>;
  /** An AWS failure while reading, as the change's typed member. */
  failed(error: ClassifiedAwsError): R;
}

/** The name of a lock on a LAG, a connection or a VIF. */
export const lockKey = (kind: 'lag' | 'connection' | 'virtualInterface', region: string, id: string) => `${kind} ${region}/${id}`;

/** The lock on what a VIF rides on: its connection or, for a VIF on a LAG, the LAG (AWS names either in `connectionId`). */
export const parentLockKey = (region: string, parentId: string) => lockKey(parentId.startsWith('dxlag-') ? 'lag' : 'connection', region, parentId);

/** What runChange needs beside the reads: plans, the exactly-once records and locks, and who is calling. */
export interface RunDeps extends ReadDeps {
  plans: Plans;
  /** The change record (for a clientRequestId whose earlier attempt this replica's exactly-once store does not hold) and the change's windows. */
  audit: { history: Pick<ChangeHistory, 'earlierFor'>; timing: Pick<ChangeTiming, 'sendWindowMs'> };
  /** The warning codes a real call may carry only with a plan (DX_PLAN_REQUIRED_FOR; planPolicy.ts). */
  planRequiredFor: ReadonlySet<string>;
  guards: Guards;
  caller: Caller;
  logger: Logger;
}

/** A clientRequestId's earlier change, answered from the change record. */
export interface RecordedChangeMember {
  __typename: 'RecordedChange';
  change: Change;
  replayed: true;
  message: string;
}

/** What a change may answer beyond its own members: every result union has these. */
type Guarded =
  | RefusalMember<'InvalidInput' | 'StateChanged' | 'ResourceBusy' | 'CoordinationUnavailable' | 'AwsServiceError' | 'PlanRequired'>
  | RecordedChangeMember;

/** A change's answer: its success or a typed member, each of which says whether to retry. */
type Answer = { __typename?: string; code?: string; retryable?: boolean; replayed?: boolean };

/** A lock lost before the mutating call: nothing was sent. */
class LockLost extends Error {}

/** The change's window to reach its mutating call passed: nothing was sent. */
class WindowPassed extends Error {
  constructor(readonly windowMs: number) {
    super(`the change did not reach its AWS call within ${windowMs} ms`);
  }
}

/**
 * The order every change follows: a token this gateway did not make is refused
 * before anything is read. A real call then opens its intent in the audit trail
 * (`recording`, from audited.ts: nothing that may change AWS runs without it), is
 * exactly-once per clientRequestId; a plan for another input or too old is refused;
 * under the locks of its LAG (and of what else it names) the state is read from AWS,
 * a plan whose state moved is refused (and the stale cache forgotten), and the
 * change's own real call runs. A dry run reads through the cache and takes neither
 * lock nor record (docs/contract.md, "Exactly once, one at a time").
 */
export async function runChange<State, R extends Answer>(
  input: ChangeInput,
  steps: ChangeSteps<State, R>,
  deps: RunDeps,
  recording?: ChangeRecording,
): Promise<R | Guarded> {
  const { plan, refusal, staleness } = openPlan(deps.plans, input.expectedPlanToken, steps.operation, steps.planInput);
  if (refusal) return refusal;
  const run = async (mutating: MutatingCall): Promise<R | Guarded> => {
    // After the clientRequestId's claim: a retry of a change that went through replays it, however old its plan.
    if (staleness) return staleness;
    try {
      const state = await steps.read(!input.dryRun);
      const moved = await checkPlan(plan, () => steps.planned(state), steps.subject.region, steps.subject, deps);
      if (moved) return moved;
      return await steps.proceed(state, plan, mutating);
    } catch (error) {
      if (!isAwsFailure(error)) throw error;
      return steps.failed(classifyAwsError(error));
    }
  };
  if (input.dryRun) return run({ begin: () => {} });
  if (!recording) throw new Error(`${steps.operation}: a real change runs only with its audit record (audited.ts)`);
  const { sendWindowMs } = deps.audit.timing;
  // The window counts from here, the intent's write included: its deadline is reckoned from it (timing.ts).
  const sendBy = performance.now() + sendWindowMs;
  await recording.open(fingerprint(steps.planInput, input));
  return guarded(() =>
    exactlyOnce(input, steps, deps, recording, async () => {
      let extra: string[];
      try {
        extra = (await steps.locks?.()) ?? [];
      } catch (error) {
        if (!isAwsFailure(error)) throw error;
        return steps.failed(classifyAwsError(error));
      }
      const { region, lagId } = steps.subject;
      const keys = [...(lagId === undefined ? [] : [lockKey('lag', region, lagId)]), ...extra];
      return holding(deps.guards, [...new Set(keys)].sort(), (held) =>
        run({
          begin() {
            if (!held()) throw new LockLost();
            if (performance.now() > sendBy) throw new WindowPassed(sendWindowMs);
            recording.sent = true;
          },
        }),
      );
    }),
  );
}

/** Takes the locks one by one in a fixed (sorted) order, so two changes never wait on each other. */
function holding<T>(guards: Guards, keys: readonly string[], fn: (held: () => boolean) => Promise<T>, helds: Array<() => boolean> = []): Promise<T> {
  const [first, ...rest] = keys;
  if (first === undefined) return fn(() => helds.every((held) => held()));
  return guards.locks.withLock(first, (held) => holding(guards, rest, fn, [...helds, held]));
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
    if (error instanceof LockLost) {
      return resourceBusy('This change lost its lock before calling AWS (the coordination store stopped answering). Nothing was changed; retry in a few seconds.');
    }
    if (error instanceof WindowPassed) {
      return resourceBusy(
        `This change took more than ${Math.round(error.windowMs / 1000)} s to reach its AWS call (slow AWS reads, or a long wait for a lock). ` +
          'Nothing was changed, so the change record can trust what AWS shows; retry.',
      );
    }
    throw error;
  }
}

/**
 * Runs the change once per caller and clientRequestId: a duplicate with the same input
 * gets the first outcome again, marked replayed, without calling AWS. Outcomes worth
 * retrying (throttling, a busy resource, AWS unreachable before the mutating call) are
 * not kept, so a retry runs; once the mutating call was sent, an outcome that leaves
 * AWS's state unknown (UNCERTAIN_OUTCOMES) is kept whatever it is, since AWS may have
 * made the change. Throttling and "transitioning" are AWS refusing, so a retry may run
 * (a change AWS already made is refused then, not made twice).
 */
async function exactlyOnce<R extends Answer>(
  input: ChangeInput,
  steps: ChangeSteps<unknown, R>,
  deps: RunDeps,
  recording: ChangeRecording,
  fn: () => Promise<R | Guarded>,
): Promise<R | Guarded> {
  const id = input.clientRequestId;
  if (id === undefined || id === null) return fn();
  const { operation } = steps;
  const bound = fingerprint(steps.planInput, input);
  const claim = await deps.guards.idempotency.claim<R | Guarded>(`${operation} ${deps.caller.id} ${id}`, bound);
  if (claim.kind === 'conflict') {
    return invalidInput({
      field: 'clientRequestId',
      message: `clientRequestId "${id}" was used within the last 24 hours for a different ${operation} input; choose a new ID for a new change.`,
    });
  }
  if (claim.kind === 'replay') return { ...claim.outcome, replayed: true };
  // This replica's store may not know an earlier attempt the change record holds
  // (it started since, or that attempt's replica stopped mid-change): the record answers.
  const recorded = await fromRecord(operation, id, bound, steps.planInput, input, recording, deps).catch(async (error: unknown) => {
    await claim.release().catch(() => undefined);
    throw error;
  });
  if (recorded) {
    await (recorded.__typename === 'RecordedChange' ? claim.complete(recorded).catch(() => claim.release()) : claim.release()).catch(() => undefined);
    return recorded;
  }
  // Once the change has run, its outcome is the answer: a store that fails to keep it
  // cannot make it "nothing was changed". A record that cannot be kept is freed.
  const release = () =>
    claim.release().catch((error: unknown) => deps.logger.warn({ err: error, operation, clientRequestId: id }, 'could not free the clientRequestId record'));
  const keep = (outcome: R | Guarded) =>
    claim.complete(outcome).catch(async (error: unknown) => {
      deps.logger.warn({ err: error, operation, clientRequestId: id }, 'could not keep the outcome of the clientRequestId');
      await release();
    });
  let outcome: R | Guarded;
  try {
    outcome = await fn();
  } catch (error) {
    if (!recording.sent) {
      await release();
      throw error;
    }
    deps.logger.error({ err: error, operation, clientRequestId: id }, 'the change failed after its AWS call was sent');
    outcome = mayHaveChanged(operation, id);
  }
  // PlanRequired sent nothing and asks for the same input with a plan: the ID stays free for that.
  const { code, retryable } = outcome as Answer;
  const free = code === 'PLAN_REQUIRED' || (retryable && !(recording.sent && UNCERTAIN_OUTCOMES.has(code ?? '')));
  await (free ? release() : keep(outcome));
  return outcome;
}

/**
 * The change record's word on this clientRequestId's earlier changes, when it holds
 * any this replica's store does not. Each is weighed, not only the newest (a later
 * refusal must not hide an earlier success): one that was made (SUCCEEDED,
 * APPLIED_PER_AWS) is answered from the record; one still pending, or whose call left
 * AWS's state unknown, is ResourceBusy until reconciliation settles it; failures and
 * NOT_APPLIED_PER_AWS let the change run. Another input is a conflict, as ever.
 */
async function fromRecord(
  operation: string,
  id: string,
  bound: string,
  planInput: PlanInput,
  input: ChangeInput,
  recording: ChangeRecording,
  deps: RunDeps,
): Promise<RecordedChangeMember | RefusalMember<'InvalidInput' | 'ResourceBusy'> | undefined> {
  const earlier = await deps.audit.history.earlierFor(operation, deps.caller.id, id, recording.intentId);
  // A failed or unmade change lets the ID run again, as this replica's own store does for what it frees.
  const binding = earlier.filter((change) => change.status !== 'FAILED' && change.status !== 'NOT_APPLIED_PER_AWS');
  if (binding.length === 0) return undefined;
  const other = binding.find((change) => !sameInput(change, bound, planInput, input));
  if (other) {
    return invalidInput({
      field: 'clientRequestId',
      message: `clientRequestId "${id}" was used at ${other.requestedAt.toISOString()} for a different ${operation} input; choose a new ID for a new change.`,
    });
  }
  const made = binding.find((change) => change.status === 'SUCCEEDED' || change.status === 'APPLIED_PER_AWS');
  if (made) {
    return {
      __typename: 'RecordedChange',
      change: made,
      replayed: true,
      message:
        `clientRequestId "${id}" names a change made at ${made.requestedAt.toISOString()} (${made.status}); ` +
        'it is answered from the change record and nothing was called.',
    };
  }
  const pending = binding[0]!;
  const state = pending.outcome === null ? 'has no outcome yet: it is still running, or its replica stopped' : `ended ${pending.outcome} after its call was sent, so AWS may have made it`;
  return resourceBusy(
    `An earlier attempt with clientRequestId "${id}" (at ${pending.requestedAt.toISOString()}) ${state}; the change record settles it from AWS's state ` +
      `by ${new Date(pending.deadline.getTime() + 60_000).toISOString()}. Nothing was changed; retry after that.`,
  );
}

/**
 * Whether the recorded change had this input: its fingerprint, as exactly-once binds
 * the ID (defaults applied, lists in order). An intent recorded before fingerprints
 * were kept is compared field by field as the trail recorded it (a plan token by its
 * digest).
 */
function sameInput(earlier: Change, bound: string, planInput: PlanInput, input: ChangeInput): boolean {
  if (earlier.fingerprint !== null) return earlier.fingerprint === bound;
  const comparable = (value: unknown) => {
    const { region: _region, dryRun: _dryRun, clientRequestId: _id, ...rest } = (value ?? {}) as Record<string, unknown>;
    return JSON.stringify(Object.entries(rest).filter(([, field]) => field !== null && field !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)));
  };
  return earlier.region === (planInput as { region?: unknown }).region && comparable(earlier.input) === comparable(auditableInput(input));
}

/** The answer, kept for the clientRequestId, when the gateway failed after sending the change. */
function mayHaveChanged(operation: string, id: string): RefusalMember<'AwsServiceError'> {
  return {
    __typename: 'AwsServiceError',
    code: 'AWS_UNAVAILABLE',
    message:
      `The ${operation} call was sent to AWS but the gateway failed before it could read the answer, so the change may have ` +
      `happened. Check the state; a retry with clientRequestId "${id}" answers this again, so use a new ID to try again.`,
    retryable: true,
    replayed: false,
    awsErrorName: null,
    awsRequestId: null,
  };
}

/** What a clientRequestId is bound to: the resolved input that names the change, and the plan it carries. */
function fingerprint(planInput: PlanInput, input: ChangeInput): string {
  const fields = Object.entries({ ...planInput, expectedPlanToken: input.expectedPlanToken ?? null }).sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}
