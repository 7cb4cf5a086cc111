import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseFaultSpec } from './faults.js';
import { AwsError, isJsonObject, readText, send } from './protocol.js';
import { maintenanceEvent } from './maintenance.js';
import { settleLagOf } from './rules.js';
import { connectionShape, virtualInterfaceShape } from './shapes.js';
import type { EmulatorState } from './state.js';
import { isConnectionId, isVirtualInterfaceId } from './validate.js';

/**
 * Test controls under /_emulator/, plain JSON in and out, apart from the AWS
 * protocol so no AWS client can reach them by accident.
 *   GET  stats   → {"requests": {"DescribeLags": 3, …}}   (pinned shape)
 *   POST reset   → reseed, zero the stats, clear the faults, set the clock back to the real time
 *   GET  clock   → {"now": "<ISO 8601>", "offsetMinutes": n}   (pinned shape): the emulator's time
 *   POST clock {"advanceMinutes"} → the same, after moving the emulator's time forward
 *        by 1 to 525600 minutes: from then on every AWS call's and control's now is
 *        Date.now() plus the total offset, the failover tests that are due end, and
 *        CloudWatch's data and the other controls' times follow that now (pinned)
 *   GET|POST|DELETE faults → list | add one rule | clear; all answer {"faults": […]}
 *   POST connection-state {"region", "connectionId", "connectionState"}
 *        → {"connection": <Connection as DescribeConnections shows it>}
 *   POST bgp-status {"region", "virtualInterfaceId", "bgpPeerId"?, "bgpStatus"}
 *        → {"virtualInterface": <VirtualInterface as DescribeVirtualInterfaces shows it>};
 *        every peer of the VIF when bgpPeerId is absent
 *   POST traffic {"region", "resourceId", "egressGbps", "ingressGbps"}
 *        → {"traffic": {…what was set, "since"}}: a steady rate CloudWatch recorded
 *        for a connection or VIF over the last 3 hours, and on up to each request's now
 *   POST maintenance {"region", "resourceIds", "statusCode", "startTime", "endTime"}
 *        → {"eventArn"}: an AWS Health DIRECTCONNECT maintenance event naming them
 *   POST health-subscription {"enabled"} → {"enabled"}: off, Health refuses every call
 * These stand in for what AWS changes on its own (a port going down, a BGP
 * session dropping, traffic, AWS's maintenance, time passing), so a test can move
 * state under a plan; each changes only what it names, except that a LAG follows its members'
 * states (settleLagState, src/emulator/rules.ts). A bad body is a 400
 * ValidationException naming every problem, an unknown ID a 404 NotFoundException.
 */

const sendControl = (res: ServerResponse, value: unknown, status = 200): void =>
  send(res, status, JSON.stringify(value), { 'Content-Type': 'application/json' });

function methodNotAllowed(res: ServerResponse, method: string | undefined, allowed: string[]): never {
  res.setHeader('Allow', allowed.join(', '));
  throw new AwsError('MethodNotAllowedException', `${method} is not allowed here; use ${allowed.join(' or ')}.`, 405);
}

/** `now` is the request's time on the emulator's clock (router.ts). */
export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  state: EmulatorState,
  path: string,
  now: number,
): Promise<void> {
  const body = await readText(req);
  const setter = Object.hasOwn(SETTERS, path) ? SETTERS[path] : undefined;
  if (setter) {
    if (req.method !== 'POST') methodNotAllowed(res, req.method, ['POST']);
    return setter(res, state, body, now);
  }
  switch (path) {
    case '/_emulator/stats':
      if (req.method !== 'GET') methodNotAllowed(res, req.method, ['GET']);
      return sendControl(res, { requests: Object.fromEntries(state.stats) });
    case '/_emulator/reset':
      if (req.method !== 'POST') methodNotAllowed(res, req.method, ['POST']);
      state.reset();
      return sendControl(res, { reset: true, seed: state.seed });
    case '/_emulator/clock':
      if (req.method === 'GET') return sendControl(res, state.clock());
      if (req.method === 'POST') return advanceClock(res, state, body);
      return methodNotAllowed(res, req.method, ['GET', 'POST']);
    case '/_emulator/faults':
      if (req.method === 'GET') return sendControl(res, { faults: state.faults.list() });
      if (req.method === 'DELETE') {
        state.faults.clear();
        return sendControl(res, { faults: [] });
      }
      if (req.method === 'POST') return addFault(res, state, body);
      return methodNotAllowed(res, req.method, ['GET', 'POST', 'DELETE']);
    default:
      throw new AwsError('NotFoundException', `No emulator control at ${path}.`, 404);
  }
}

function addFault(res: ServerResponse, state: EmulatorState, body: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new AwsError('ValidationException', 'The fault body is not valid JSON.');
  }
  const spec = parseFaultSpec(parsed);
  if ('problems' in spec) throw new AwsError('ValidationException', `Invalid fault: ${spec.problems.join('; ')}.`);
  state.faults.add(spec);
  sendControl(res, { faults: state.faults.list() });
}

/** A year: far enough for the failover test history's 365 days to pass in one step. */
const MAX_ADVANCE_MINUTES = 525_600;

function advanceClock(res: ServerResponse, state: EmulatorState, body: string): void {
  const { advanceMinutes } = readMembers<{ advanceMinutes: number }>(body, 'clock', {
    advanceMinutes: {
      valid: (v) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_ADVANCE_MINUTES,
      expected: `an integer number of minutes from 1 to ${MAX_ADVANCE_MINUTES}`,
    },
  });
  sendControl(res, state.advanceClock(advanceMinutes));
}

/** AWS's ConnectionState and BGPStatus values (the SDK model's enums). */
const CONNECTION_STATES = ['ordering', 'requested', 'pending', 'available', 'down', 'deleting', 'deleted', 'rejected', 'unknown'];
const BGP_STATUSES = ['up', 'down', 'unknown'];

interface MemberRule {
  optional?: boolean;
  valid: (value: unknown) => boolean;
  expected: string;
}

/** A rule for a string member: its type, then `valid` on its text. */
const text = (valid: (value: string) => boolean, expected: string, optional = false): MemberRule => ({
  optional,
  valid: (v) => typeof v === 'string' && valid(v),
  expected,
});
const oneOf = (values: string[]): MemberRule => text((v) => values.includes(v), `one of ${values.join(', ')}`);
const REGION: MemberRule = text((v) => /^[a-z0-9-]{1,32}$/.test(v), 'a region name such as us-east-1');
const RATE: MemberRule = { valid: (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1000, expected: 'a number of Gbps from 0 to 1000' };
/** ISO 8601 with a date, a time and a zone, as `new Date().toISOString()` writes it. */
const ISO_TIME: MemberRule = text(
  (v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)),
  'an ISO 8601 time such as 2026-01-01T02:00:00Z',
);

/**
 * A control's JSON body, every member of the type and value its rule accepts and
 * every required one present; otherwise one error naming every problem.
 */
function readMembers<T extends Record<string, unknown>>(
  body: string,
  control: string,
  rules: Record<keyof T & string, MemberRule>,
): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new AwsError('ValidationException', `The ${control} body is not valid JSON.`);
  }
  if (!isJsonObject(parsed)) throw new AwsError('ValidationException', `The ${control} body must be a JSON object.`);
  const problems: string[] = [];
  for (const key of Object.keys(parsed)) if (!Object.hasOwn(rules, key)) problems.push(`unknown member "${key}"`);
  for (const [name, rule] of Object.entries<MemberRule>(rules)) {
    const value = parsed[name];
    if (value === undefined) {
      if (!rule.optional) problems.push(`${name} is required`);
    } else if (!rule.valid(value)) {
      problems.push(`${name} must be ${rule.expected}`);
    }
  }
  if (problems.length > 0) throw new AwsError('ValidationException', `Invalid ${control} body: ${problems.join('; ')}.`);
  return parsed as T;
}

const notFound = (message: string): AwsError => new AwsError('NotFoundException', message, 404);

function setConnectionState(res: ServerResponse, state: EmulatorState, body: string): void {
  const { region, connectionId, connectionState } = readMembers<{
    region: string;
    connectionId: string;
    connectionState: string;
  }>(body, 'connection-state', {
    region: REGION,
    connectionId: text(isConnectionId, 'a connection ID such as dxcon-abcd1234'),
    connectionState: oneOf(CONNECTION_STATES),
  });
  const store = state.stores.get(region);
  // Any record with a dxcon- ID: hosted connections and interconnects change state too.
  const connection = store.connections.get(connectionId);
  if (!connection) throw notFound(`No connection ${connectionId} in ${region}.`);
  connection.connectionState = connectionState;
  // A member going down (or back up) can take its LAG below (or back to) its minimumLinks.
  settleLagOf(store, connection);
  sendControl(res, { connection: connectionShape(store, connection) });
}

function setBgpStatus(res: ServerResponse, state: EmulatorState, body: string): void {
  const { region, virtualInterfaceId, bgpPeerId, bgpStatus } = readMembers<{
    region: string;
    virtualInterfaceId: string;
    bgpPeerId?: string;
    bgpStatus: string;
  }>(body, 'bgp-status', {
    region: REGION,
    virtualInterfaceId: text(isVirtualInterfaceId, 'a virtual interface ID such as dxvif-abcd1234'),
    bgpPeerId: text((v) => v !== '', 'a BGP peer ID', true),
    bgpStatus: oneOf(BGP_STATUSES),
  });
  const store = state.stores.get(region);
  const vif = store.virtualInterfaces.get(virtualInterfaceId);
  if (!vif) throw notFound(`No virtual interface ${virtualInterfaceId} in ${region}.`);
  const peers = bgpPeerId === undefined ? vif.bgpPeers : vif.bgpPeers.filter((peer) => peer.bgpPeerId === bgpPeerId);
  if (peers.length === 0) throw notFound(`Virtual interface ${virtualInterfaceId} has no BGP peer ${bgpPeerId}.`);
  for (const peer of peers) peer.bgpStatus = bgpStatus;
  sendControl(res, { virtualInterface: virtualInterfaceShape(store, vif) });
}

const GBPS = 1e9;
/** How far back the traffic control's rate reaches; CloudWatch keeps 1-minute data for 15 days. */
export const TRAFFIC_SPAN_MS = 3 * 60 * 60 * 1000;

function setTraffic(res: ServerResponse, state: EmulatorState, body: string, now: number): void {
  const { region, resourceId, egressGbps, ingressGbps } = readMembers<{
    region: string;
    resourceId: string;
    egressGbps: number;
    ingressGbps: number;
  }>(body, 'traffic', {
    region: REGION,
    resourceId: text((v) => isConnectionId(v) || isVirtualInterfaceId(v), 'a connection or virtual interface ID such as dxcon-abcd1234 or dxvif-abcd1234'),
    egressGbps: RATE,
    ingressGbps: RATE,
  });
  const store = state.stores.get(region);
  if (!store.connections.has(resourceId) && !store.virtualInterfaces.has(resourceId)) {
    throw notFound(`No connection or virtual interface ${resourceId} in ${region}.`);
  }
  const since = now - TRAFFIC_SPAN_MS;
  store.traffic.set(resourceId, { egressBps: egressGbps * GBPS, ingressBps: ingressGbps * GBPS, since });
  sendControl(res, { traffic: { region, resourceId, egressGbps, ingressGbps, since: new Date(since).toISOString() } });
}

const EVENT_STATUS_CODES = ['open', 'upcoming', 'closed'] as const;

function addMaintenance(res: ServerResponse, state: EmulatorState, body: string, now: number): void {
  const ids: MemberRule = {
    valid: (v) => Array.isArray(v) && v.length > 0 && v.length <= 99 && v.every((id) => typeof id === 'string' && id !== ''),
    expected: 'a list of 1 to 99 resource IDs',
  };
  const input = readMembers<{
    region: string;
    resourceIds: string[];
    statusCode: (typeof EVENT_STATUS_CODES)[number];
    startTime: string;
    endTime: string;
  }>(body, 'maintenance', {
    region: REGION,
    resourceIds: ids,
    statusCode: oneOf([...EVENT_STATUS_CODES]),
    startTime: ISO_TIME,
    endTime: ISO_TIME,
  });
  const startTime = Date.parse(input.startTime);
  const endTime = Date.parse(input.endTime);
  if (endTime <= startTime) throw new AwsError('ValidationException', 'Invalid maintenance body: endTime must be after startTime.');
  const store = state.stores.get(input.region);
  const unknown = input.resourceIds.filter((id) => !store.connections.has(id) && !store.lags.has(id) && !store.virtualInterfaces.has(id));
  if (unknown.length > 0) throw notFound(`No resource ${unknown.join(', ')} in ${input.region}.`);
  const event = maintenanceEvent(state.stores.accountId, {
    region: input.region,
    resourceIds: input.resourceIds,
    statusCode: input.statusCode,
    startTime,
    endTime,
    now,
  });
  state.stores.healthEvents.set(event.arn, event);
  sendControl(res, { eventArn: event.arn });
}

function setHealthSubscription(res: ServerResponse, state: EmulatorState, body: string): void {
  const { enabled } = readMembers<{ enabled: boolean }>(body, 'health-subscription', {
    enabled: { valid: (v) => typeof v === 'boolean', expected: 'true or false' },
  });
  state.stores.healthSubscription = enabled;
  sendControl(res, { enabled });
}

/** The POST-only controls that change state, by path. */
const SETTERS: Readonly<Record<string, (res: ServerResponse, state: EmulatorState, body: string, now: number) => void>> = {
  '/_emulator/connection-state': setConnectionState,
  '/_emulator/bgp-status': setBgpStatus,
  '/_emulator/traffic': setTraffic,
  '/_emulator/maintenance': addMaintenance,
  '/_emulator/health-subscription': setHealthSubscription,
};
