import type { AppliedCheck } from './models.js';
import type { ChangeRecording } from '../audit/audited.js';
import type { Connection, DirectConnectGatewayAttachment, Lag, VirtualInterface, VirtualInterfaceTestHistory } from '@aws-sdk/client-direct-connect';
import type { ResolversTypes, ResolversUnionTypes } from '../__generated__/resolvers-types.js';
import { isAwsFailure, type ClassifiedAwsError } from '../aws/classifyAwsError.js';
import type { DirectConnectService } from '../aws/directConnect.js';
import type { MaintenanceReport } from '../aws/health.js';
import {
  fromAwsError,
  invalidInput,
  noTestRunning,
  planRequired,
  resourceBusy,
  testAlreadyRunning,
  virtualInterfaceNotFound,
  withAwsWords,
  type Refusal,
  type RefusalMember,
  type VifSubject,
} from '../errors/refusals.js';
import { checkVirtualInterfaceId, type ServedRegions } from '../input.js';
import type { Loaders } from '../loaders/index.js';
import { virtualInterfaceTraffic, type ReadTraffic } from '../loaders/traffic.js';
import {
  failoverImpact,
  failoverState,
  isTesting,
  runningTest,
  unknownPeers,
  type FailoverView,
  type Reach,
  type Sibling,
} from './failoverImpact.js';
import { bandwidthGbps, IMPACT_TRAFFIC_WINDOW_MINUTES, isOperational } from './impact.js';
import { callAws, checkChangeInput, isGone, lockKey, parentLockKey, runChange, type ChangeInput, type MutatingCall, type ReadDeps, type RunDeps } from './lagChange.js';
import type { VirtualInterfaceTestModel } from './models.js';
import { withPlanToken } from './plan.js';
import { graveWarnings } from './planPolicy.js';

// BGP failover tests, the drain and rehearsal before a maintenance: StartBgpFailoverTest
// brings a VIF's BGP sessions down for a set time, StopBgpFailoverTest ends the test
// early (docs/aws-behaviour.md, "BGP failover tests"). Both follow the order of steps
// every change has (runChange: plan, exactly-once, the locks of the VIF and what it
// rides on, a fresh read, the plan's check). Their rules live here, shared by the dry
// run and the real call: the VIF must exist and not be going away, the peers named
// must be its own, one test at a time; a stop needs a running test. The impact
// (failoverImpact.ts) says which sessions go down and which other paths stay; a test
// that leaves no other path with BGP up needs, by default, a reviewed plan.

/** AWS's bounds (StartBgpFailoverTest): at most 72 hours, 180 minutes unless asked. It documents no minimum; a test shorter than a minute is none. */
export const MAX_TEST_MINUTES = 4320;
export const DEFAULT_TEST_MINUTES = 180;
/** A VIF has a session per address family, rarely more: a longer list is a mistake, and is refused before AWS. */
const MAX_PEER_IDS = 16;

export interface StartFailoverTestInput extends ChangeInput {
  virtualInterfaceId: string;
  bgpPeerIds?: readonly string[] | null;
  testDurationInMinutes?: number | null;
}

export interface StopFailoverTestInput extends ChangeInput {
  virtualInterfaceId: string;
}

/** The AWS calls and loads the tests make, and no more. */
export interface FailoverDeps extends RunDeps {
  directConnect: ReadDeps['directConnect'] &
    Pick<
      DirectConnectService,
      | 'describeVirtualInterface'
      | 'describeVirtualInterfaces'
      | 'listVirtualInterfaceTests'
      | 'describeDirectConnectGatewayAttachments'
      | 'describeLags'
      | 'describeConnections'
      | 'startBgpFailoverTest'
      | 'stopBgpFailoverTest'
    >;
  loaders: ReadDeps['loaders'] & Pick<Loaders, 'virtualInterfaceById' | 'virtualInterfacesInRegion' | 'testsOf' | 'attachmentsOf' | 'connectionById'>;
  regions: ServedRegions;
}

type StartResult = ResolversUnionTypes<ResolversTypes>['StartBgpFailoverTestResult'];
type StopResult = ResolversUnionTypes<ResolversTypes>['StopBgpFailoverTestResult'];

const START = 'startBgpFailoverTest';
const STOP = 'stopBgpFailoverTest';

interface StartSubject extends VifSubject {
  /** Undefined: every session of the VIF. */
  bgpPeerIds?: string[];
  minutes: number;
}

function checkStart(input: StartFailoverTestInput, regions: ServedRegions): StartSubject | RefusalMember<'InvalidInput'> {
  const problem = checkVirtualInterfaceId(input.virtualInterfaceId);
  if (problem) return invalidInput(problem);
  const minutes = input.testDurationInMinutes === undefined ? DEFAULT_TEST_MINUTES : input.testDurationInMinutes;
  if (minutes === null || !Number.isInteger(minutes) || minutes < 1 || minutes > MAX_TEST_MINUTES) {
    return invalidInput({
      field: 'testDurationInMinutes',
      message: `testDurationInMinutes ${minutes} is not allowed: use 1 to ${MAX_TEST_MINUTES} minutes (72 hours), or leave it out for AWS's default of ${DEFAULT_TEST_MINUTES}.`,
    });
  }
  const peers = input.bgpPeerIds;
  if (peers === null) {
    return invalidInput({ field: 'bgpPeerIds', message: 'bgpPeerIds must list BGP peer IDs, or be left out to test every session of the VIF; null is ambiguous.' });
  }
  if (peers !== undefined) {
    const bad = peers.find((id) => !/^[A-Za-z0-9_-]{1,64}$/.test(id));
    if (peers.length === 0 || peers.length > MAX_PEER_IDS || bad !== undefined || new Set(peers).size !== peers.length) {
      return invalidInput({
        field: 'bgpPeerIds',
        message:
          `bgpPeerIds must list 1 to ${MAX_PEER_IDS} different BGP peer IDs of the VIF (its bgpPeers' bgpPeerId, e.g. "dxpeer-fg5kzzrm")` +
          `${bad !== undefined ? `; ${JSON.stringify(bad.slice(0, 64))} is not one` : ''}, or be left out to test every session.`,
      });
    }
  }
  const common = checkChangeInput(input, regions);
  if ('message' in common) return invalidInput(common);
  return { virtualInterfaceId: input.virtualInterfaceId, region: common.region, minutes, bgpPeerIds: peers ? [...peers] : undefined };
}

function checkStop(input: StopFailoverTestInput, regions: ServedRegions): VifSubject | RefusalMember<'InvalidInput'> {
  const problem = checkVirtualInterfaceId(input.virtualInterfaceId);
  if (problem) return invalidInput(problem);
  const common = checkChangeInput(input, regions);
  if ('message' in common) return invalidInput(common);
  return { virtualInterfaceId: input.virtualInterfaceId, region: common.region };
}

const startPlanInput = ({ virtualInterfaceId, region, bgpPeerIds, minutes }: StartSubject) => ({
  virtualInterfaceId,
  region,
  bgpPeerIds: bgpPeerIds ? [...bgpPeerIds].sort().join(', ') : '(all)',
  testDurationInMinutes: String(minutes),
});

const stopPlanInput = ({ virtualInterfaceId, region }: VifSubject) => ({ virtualInterfaceId, region });

/** What a real call locked the VIF's parent by: the connection or LAG it rode on when the locks were taken. */
interface Locked {
  parent?: string | null;
}

/** The VIF's own lock and that of the connection or LAG it rides on, read from AWS before they are taken. */
async function vifLocks(subject: VifSubject, deps: FailoverDeps, locked: Locked): Promise<string[]> {
  const vif = await deps.directConnect.describeVirtualInterface(subject.region, subject.virtualInterfaceId, { fresh: true });
  locked.parent = vif?.connectionId ?? null;
  const own = lockKey('virtualInterface', subject.region, subject.virtualInterfaceId);
  return vif?.connectionId ? [own, parentLockKey(subject.region, vif.connectionId)] : [own];
}

/**
 * The VIF moved to another connection or LAG (a connection joining a LAG takes its
 * VIFs along) between the read that chose the locks and the read under them: the lock
 * held is not the one on what it rides now, so nothing is sent.
 */
function movedSinceLocked(view: FailoverView | null, locked: Locked): RefusalMember<'ResourceBusy'> | undefined {
  if (!view || locked.parent === undefined || (view.vif.connectionId ?? null) === locked.parent) return undefined;
  return resourceBusy(
    `${view.vif.virtualInterfaceId} moved from ${locked.parent ?? 'nothing'} to ${view.vif.connectionId ?? 'nothing'} while this change waited for its locks. Nothing was changed; retry.`,
  );
}

export async function startBgpFailoverTest(input: StartFailoverTestInput, deps: FailoverDeps, recording?: ChangeRecording): Promise<StartResult> {
  const subject = checkStart(input, deps.regions);
  if ('__typename' in subject) return subject;
  const planInput = startPlanInput(subject);
  const impactOf = (view: FailoverView) => failoverImpact(view, subject.bgpPeerIds, subject.minutes);
  const locked: Locked = {};
  return runChange(
    input,
    {
      operation: START,
      subject,
      planInput,
      locks: () => vifLocks(subject, deps, locked),
      read: (fresh) => readFailoverView(subject, deps, fresh, true),
      planned: (view) => failoverState(view, view ? impactOf(view) : undefined),
      proceed: async (view, plan, mutating) => {
        const refused = startRefusal(view, subject);
        if (refused) return refused;
        const impact = impactOf(view!);
        const answer = { region: subject.region, virtualInterfaceId: subject.virtualInterfaceId, replayed: false, impact };
        if (input.dryRun) {
          return withPlanToken(
            { __typename: 'StartBgpFailoverTestSuccess' as const, ...answer, test: null, dryRun: true, awsRequestId: null },
            deps.plans,
            START,
            planInput,
            () => failoverState(view, impact),
          );
        }
        const moved = movedSinceLocked(view, locked);
        if (moved) return moved;
        // A grave test needs the plan of a dry run that showed it (planPolicy.ts).
        const grave = plan ? [] : graveWarnings(impact.warnings, deps.planRequiredFor);
        if (grave.length > 0) return planRequired(START, grave);
        return start(subject, deps, mutating, answer);
      },
      failed: (error) => fromAwsError(subject, error),
    },
    deps,
    recording,
  );
}

async function start(
  subject: StartSubject,
  deps: FailoverDeps,
  mutating: MutatingCall,
  answer: Pick<Extract<StartResult, { __typename: 'StartBgpFailoverTestSuccess' }>, 'region' | 'virtualInterfaceId' | 'replayed' | 'impact'>,
): Promise<StartResult> {
  const { region, virtualInterfaceId } = subject;
  const called = await callAws(
    mutating,
    () => deps.directConnect.startBgpFailoverTest(region, virtualInterfaceId, subject.bgpPeerIds, subject.minutes),
    () => deps.loaders.forget(region, {}),
  );
  if ('refused' in called) return explain(called.refused, (now) => startRefusal(now, subject), subject, deps);
  return {
    __typename: 'StartBgpFailoverTestSuccess',
    ...answer,
    test: { ...called.answer.test, region },
    dryRun: false,
    awsRequestId: called.answer.awsRequestId ?? null,
    planToken: null,
  };
}

export async function stopBgpFailoverTest(input: StopFailoverTestInput, deps: FailoverDeps, recording?: ChangeRecording): Promise<StopResult> {
  const subject = checkStop(input, deps.regions);
  if ('__typename' in subject) return subject;
  const planInput = stopPlanInput(subject);
  const locked: Locked = {};
  return runChange(
    input,
    {
      operation: STOP,
      subject,
      planInput,
      locks: () => vifLocks(subject, deps, locked),
      read: (fresh) => readFailoverView(subject, deps, fresh, false),
      planned: (view) => failoverState(view),
      proceed: async (view, _plan, mutating) => {
        const refused = stopRefusal(view, subject);
        if (refused) return refused;
        const answer = { region: subject.region, virtualInterfaceId: subject.virtualInterfaceId, replayed: false };
        if (input.dryRun) {
          return withPlanToken(
            { __typename: 'StopBgpFailoverTestSuccess' as const, ...answer, test: inRegion(runningTest(view!), subject.region), dryRun: true, awsRequestId: null },
            deps.plans,
            STOP,
            planInput,
            () => failoverState(view),
          );
        }
        return movedSinceLocked(view, locked) ?? stop(subject, deps, mutating, answer);
      },
      failed: (error) => fromAwsError(subject, error),
    },
    deps,
    recording,
  );
}

async function stop(
  subject: VifSubject,
  deps: FailoverDeps,
  mutating: MutatingCall,
  answer: { region: string; virtualInterfaceId: string; replayed: boolean },
): Promise<StopResult> {
  const { region, virtualInterfaceId } = subject;
  const called = await callAws(
    mutating,
    () => deps.directConnect.stopBgpFailoverTest(region, virtualInterfaceId),
    () => deps.loaders.forget(region, {}),
  );
  if ('refused' in called) return explain(called.refused, (now) => stopRefusal(now, subject), subject, deps);
  return {
    __typename: 'StopBgpFailoverTestSuccess',
    ...answer,
    test: { ...called.answer.test, region },
    dryRun: false,
    awsRequestId: called.answer.awsRequestId ?? null,
    planToken: null,
  };
}

const inRegion = (test: VirtualInterfaceTestHistory | null, region: string): VirtualInterfaceTestModel | null => (test ? { ...test, region } : null);

/** What the state refuses for a start: no such VIF, one going away, peers it does not have, a test running. */
function startRefusal(
  view: FailoverView | null,
  subject: StartSubject,
): RefusalMember<'VirtualInterfaceNotFound' | 'InvalidInput' | 'TestAlreadyRunning'> | undefined {
  if (!view) return virtualInterfaceNotFound(subject);
  const state = view.vif.virtualInterfaceState;
  if (isGone(state)) return virtualInterfaceNotFound(subject, undefined, state);
  const unknown = unknownPeers(view.vif, subject.bgpPeerIds);
  if (unknown.length > 0) {
    const known = (view.vif.bgpPeers ?? []).map((peer) => peer.bgpPeerId).join(', ') || 'none';
    return invalidInput({
      field: 'bgpPeerIds',
      message: `${subject.virtualInterfaceId} has no BGP peer ${unknown.join(', ')}; its peers are ${known}. Name those, or leave bgpPeerIds out to test every session.`,
    });
  }
  if (isTesting(view.vif)) return testAlreadyRunning(subject, runningTest(view));
  return undefined;
}

/** What the state refuses for a stop: no such VIF, or no test running on it. */
function stopRefusal(view: FailoverView | null, subject: VifSubject): RefusalMember<'VirtualInterfaceNotFound' | 'NoTestRunning'> | undefined {
  if (!view) return virtualInterfaceNotFound(subject);
  if (!isTesting(view.vif)) return noTestRunning(subject, view.vif.virtualInterfaceState, view.tests[0] ?? null);
  return undefined;
}

/**
 * AWS said no. Its causes are in its message text only, and undocumented, so the state
 * explains it where it can: read again from AWS, since a test may have ended by itself
 * (or another started outside the gateway) between the read before the call and the
 * call. Failing that, AWS's own answer is passed on.
 */
async function explain<R extends Refusal>(
  refusal: ClassifiedAwsError,
  fromState: (view: FailoverView | null) => R | undefined,
  subject: VifSubject,
  deps: FailoverDeps,
) {
  if (refusal.code !== 'AWS_CLIENT_ERROR') return fromAwsError(subject, refusal);
  try {
    const explained = fromState(await readFailoverView(subject, deps, true, false));
    if (explained) return withAwsWords(explained, refusal);
  } catch (error) {
    if (!isAwsFailure(error)) throw error;
    // The state could not be read; AWS's own answer below is still true.
  }
  return fromAwsError(subject, refusal);
}

/**
 * The VIF with its tests (newest first) and, for a start (`paths`), every other VIF
 * reaching the same gateway with what it rides on, the VIF's traffic and AWS's
 * maintenance on the others. `fresh`: from AWS itself, past every cache, as the real
 * call acts on it; otherwise through the request's loaders. Null: no such VIF.
 */
export async function readFailoverView(subject: VifSubject, deps: FailoverDeps, fresh: boolean, paths: boolean): Promise<FailoverView | null> {
  const { region, virtualInterfaceId: id } = subject;
  const dc = deps.directConnect;
  const [vif, tests] = await Promise.all([
    fresh ? dc.describeVirtualInterface(region, id, { fresh: true }) : deps.loaders.virtualInterfaceById({ region, id }),
    fresh ? dc.listVirtualInterfaceTests(region, { virtualInterfaceId: id }, { fresh: true }) : deps.loaders.testsOf.load({ region, id }),
  ]);
  if (!vif) return null;
  const withRegion = { ...vif, region: vif.region ?? region };
  if (!paths) return { region, vif: withRegion, tests, reach: reachOf(vif, null), siblings: [] };

  const read: ReadTraffic = fresh
    ? (r, source, window) => deps.traffic.readOrUnknown(r, source, window, { fresh: true })
    : (r, source, window) => deps.loaders.trafficOf(r, source, window);
  const global = deps.regions.defaultRegion;
  const gatewayId = vif.directConnectGatewayId;
  const [traffic, gateway, siblingVifs] = await Promise.all([
    virtualInterfaceTraffic(read, withRegion, region, IMPACT_TRAFFIC_WINDOW_MINUTES),
    gatewayId ? deps.loaders.directConnectGatewayById({ region: global, id: gatewayId }) : null,
    siblingsOf(withRegion, region, deps, fresh),
  ]);
  const siblings = await withParents(siblingVifs, deps, fresh);
  const maintenance = await readMaintenance([...new Set(siblings.map((s) => s.region))], deps, fresh);
  return { region, vif: withRegion, tests, reach: reachOf(vif, gateway?.directConnectGatewayName ?? null), siblings, traffic, maintenance };
}

function reachOf(vif: VirtualInterface, gatewayName: string | null): Reach {
  if (vif.directConnectGatewayId) return { kind: 'directConnectGateway', id: vif.directConnectGatewayId, name: gatewayName };
  if (vif.virtualGatewayId) return { kind: 'virtualPrivateGateway', id: vif.virtualGatewayId };
  return { kind: 'none', virtualInterfaceType: vif.virtualInterfaceType ?? null };
}

/** A region's VIFs: from AWS itself, or the request's listing. */
const vifsIn = (region: string, deps: FailoverDeps, fresh: boolean): Promise<VirtualInterface[]> =>
  fresh ? deps.directConnect.describeVirtualInterfaces(region, { fresh: true }) : deps.loaders.virtualInterfacesInRegion.load(region);

/**
 * The other VIFs that reach the same gateway, each with its region. A DX gateway is
 * global: its attachments name VIFs in any region, and those in regions this gateway
 * serves are read there (a region it does not serve it cannot read). A VIF on a
 * virtual private gateway shares it only with VIFs of its own region.
 */
async function siblingsOf(vif: VirtualInterface, region: string, deps: FailoverDeps, fresh: boolean): Promise<Array<{ vif: VirtualInterface; region: string }>> {
  const self = vif.virtualInterfaceId;
  if (vif.directConnectGatewayId) {
    const global = deps.regions.defaultRegion;
    const attachments: DirectConnectGatewayAttachment[] = fresh
      ? await deps.directConnect.describeDirectConnectGatewayAttachments(global, vif.directConnectGatewayId, { fresh: true })
      : await deps.loaders.attachmentsOf.load({ region: global, id: vif.directConnectGatewayId });
    const byRegion = new Map<string, Set<string>>();
    for (const attachment of attachments) {
      const id = attachment.virtualInterfaceId;
      const where = attachment.virtualInterfaceRegion ?? region;
      if (!id || id === self || attachment.attachmentState !== 'attached' || !deps.regions.regions.includes(where)) continue;
      byRegion.set(where, (byRegion.get(where) ?? new Set()).add(id));
    }
    const found = await Promise.all(
      [...byRegion].map(async ([where, ids]) => (await vifsIn(where, deps, fresh)).filter((v) => ids.has(v.virtualInterfaceId ?? '')).map((v) => ({ vif: v, region: where }))),
    );
    return found.flat();
  }
  if (vif.virtualGatewayId) {
    const all = await vifsIn(region, deps, fresh);
    return all.filter((v) => v.virtualGatewayId === vif.virtualGatewayId && v.virtualInterfaceId !== self && !v.directConnectGatewayId).map((v) => ({ vif: v, region }));
  }
  return [];
}

/** Each sibling with the capacity of the connection or LAG it rides on, and the IDs maintenance on that path names. */
async function withParents(siblings: Array<{ vif: VirtualInterface; region: string }>, deps: FailoverDeps, fresh: boolean): Promise<Sibling[]> {
  const regions = [...new Set(siblings.map((s) => s.region))];
  // Fresh: each region's LAGs and connections once, past the cache; otherwise by ID through the loaders (batched).
  const listed = new Map<string, { lags: Map<string, Lag>; connections: Map<string, Connection> }>();
  if (fresh) {
    await Promise.all(
      regions.map(async (where) => {
        const [lags, connections] = await Promise.all([deps.directConnect.describeLags(where, { fresh: true }), deps.directConnect.describeConnections(where, { fresh: true })]);
        listed.set(where, { lags: new Map(lags.map((l) => [l.lagId ?? '', l])), connections: new Map(connections.map((c) => [c.connectionId ?? '', c])) });
      }),
    );
  }
  return Promise.all(
    siblings.map(async ({ vif, region }): Promise<Sibling> => {
      const parentId = vif.connectionId ?? '';
      const ids = [vif.virtualInterfaceId ?? '', parentId];
      let capacity = 0;
      if (parentId.startsWith('dxlag-')) {
        const lag = fresh ? (listed.get(region)?.lags.get(parentId) ?? null) : await deps.loaders.lagById.load({ region, id: parentId });
        const members = lag?.connections ?? [];
        ids.push(...members.map((c) => c.connectionId ?? ''));
        capacity = members.filter(isOperational).reduce((sum, c) => sum + (bandwidthGbps(c.bandwidth) ?? 0), 0);
      } else if (parentId) {
        const connection = fresh ? (listed.get(region)?.connections.get(parentId) ?? null) : await deps.loaders.connectionById.load({ region, id: parentId });
        capacity = connection && isOperational(connection) ? (bandwidthGbps(connection.bandwidth) ?? 0) : 0;
      }
      return { vif: { ...vif, region: vif.region ?? region }, region, parentKey: `${region}/${parentId}`, parentCapacityGbps: capacity, resourceIds: ids.filter(Boolean) };
    }),
  );
}

/** AWS's maintenance in the alternate paths' regions, as one report: unknown if any region's is. Never fails. */
async function readMaintenance(regions: readonly string[], deps: FailoverDeps, fresh: boolean): Promise<MaintenanceReport> {
  const reports = await Promise.all(regions.map((r) => (fresh ? deps.maintenance.report(r, { fresh: true }) : deps.loaders.maintenanceIn.load(r))));
  const unknown = reports.find((report) => !report.known);
  return unknown
    ? { known: false, unknownReason: unknown.unknownReason, events: [] }
    : { known: true, unknownReason: null, events: reports.flatMap((report) => report.events) };
}

/**
 * How far apart the gateway's clock and AWS's may be when reconciliation asks whether
 * a test began or ended after a change was asked for.
 */
const CLOCK_SKEW_MS = 5000;

/** Reconciliation (reconcile.ts): AWS's state shows the test started once AWS lists a test of the VIF begun since it was asked for. */
export const startApplied: AppliedCheck = async ({ virtualInterfaceId }, region, { directConnect }, requestedAt) => {
  if (typeof virtualInterfaceId !== 'string') return undefined;
  const [vif, tests] = await Promise.all([
    directConnect.describeVirtualInterface(region, virtualInterfaceId, { fresh: true }),
    directConnect.listVirtualInterfaceTests(region, { virtualInterfaceId }, { fresh: true }),
  ]);
  // A VIF AWS no longer lists has no tests to show either way.
  if (!vif) return undefined;
  return tests.some((test) => (test.startTime?.getTime() ?? 0) >= requestedAt.getTime() - CLOCK_SKEW_MS);
};

/**
 * Reconciliation (reconcile.ts): AWS's state shows the test stopped once the VIF is
 * not testing and its newest test ended, since the stop was asked for, before its
 * time was up (a test that ran its course was not stopped).
 */
export const stopApplied: AppliedCheck = async ({ virtualInterfaceId }, region, { directConnect }, requestedAt) => {
  if (typeof virtualInterfaceId !== 'string') return undefined;
  const [vif, tests] = await Promise.all([
    directConnect.describeVirtualInterface(region, virtualInterfaceId, { fresh: true }),
    directConnect.listVirtualInterfaceTests(region, { virtualInterfaceId }, { fresh: true }),
  ]);
  if (!vif) return undefined;
  const newest = tests[0];
  const ended = newest?.endTime?.getTime();
  if (vif.virtualInterfaceState === 'testing' || !newest || ended === undefined) return false;
  const due = (newest.startTime?.getTime() ?? 0) + (newest.testDurationInMinutes ?? 0) * 60_000;
  return ended >= requestedAt.getTime() - CLOCK_SKEW_MS && ended < due;
};
