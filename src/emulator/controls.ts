import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseFaultSpec } from './faults.js';
import { AwsError, isJsonObject, readBody, send } from './protocol.js';
import { settleLagOf } from './rules.js';
import { connectionShape, virtualInterfaceShape } from './shapes.js';
import type { EmulatorState } from './state.js';
import { isConnectionId, isVirtualInterfaceId } from './validate.js';

/**
 * Test controls under /_emulator/, plain JSON in and out, apart from the AWS
 * protocol so no AWS client can reach them by accident.
 *   GET  stats   → {"requests": {"DescribeLags": 3, …}}   (pinned shape)
 *   POST reset   → reseed, zero the stats, clear the faults
 *   GET|POST|DELETE faults → list | add one rule | clear; all answer {"faults": […]}
 *   POST connection-state {"region", "connectionId", "connectionState"}
 *        → {"connection": <Connection as DescribeConnections shows it>}
 *   POST bgp-status {"region", "virtualInterfaceId", "bgpPeerId"?, "bgpStatus"}
 *        → {"virtualInterface": <VirtualInterface as DescribeVirtualInterfaces shows it>};
 *        every peer of the VIF when bgpPeerId is absent
 * The last two stand in for what AWS changes on its own (a port going down, a BGP
 * session dropping), so a test can move state under a plan; each changes only
 * what it names, except that a LAG follows its members' states (settleLagState,
 * src/emulator/rules.ts). A bad body is a 400 ValidationException naming every
 * problem, an unknown ID a 404 NotFoundException.
 */

const sendControl = (res: ServerResponse, value: unknown, status = 200): void =>
  send(res, status, JSON.stringify(value), { 'Content-Type': 'application/json' });

function methodNotAllowed(res: ServerResponse, method: string | undefined, allowed: string[]): never {
  res.setHeader('Allow', allowed.join(', '));
  throw new AwsError('MethodNotAllowedException', `${method} is not allowed here; use ${allowed.join(' or ')}.`, 405);
}

export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  state: EmulatorState,
  path: string,
): Promise<void> {
  const body = await readBody(req);
  switch (path) {
    case '/_emulator/stats':
      if (req.method !== 'GET') methodNotAllowed(res, req.method, ['GET']);
      return sendControl(res, { requests: Object.fromEntries(state.stats) });
    case '/_emulator/reset':
      if (req.method !== 'POST') methodNotAllowed(res, req.method, ['POST']);
      state.reset();
      return sendControl(res, { reset: true, seed: state.seed });
    case '/_emulator/faults':
      if (req.method === 'GET') return sendControl(res, { faults: state.faults.list() });
      if (req.method === 'DELETE') {
        state.faults.clear();
        return sendControl(res, { faults: [] });
      }
      if (req.method === 'POST') return addFault(res, state, body);
      return methodNotAllowed(res, req.method, ['GET', 'POST', 'DELETE']);
    case '/_emulator/connection-state':
      if (req.method !== 'POST') methodNotAllowed(res, req.method, ['POST']);
      return setConnectionState(res, state, body);
    case '/_emulator/bgp-status':
      if (req.method !== 'POST') methodNotAllowed(res, req.method, ['POST']);
      return setBgpStatus(res, state, body);
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

/** AWS's ConnectionState and BGPStatus values (the SDK model's enums). */
const CONNECTION_STATES = ['ordering', 'requested', 'pending', 'available', 'down', 'deleting', 'deleted', 'rejected', 'unknown'];
const BGP_STATUSES = ['up', 'down', 'unknown'];

interface MemberRule {
  optional?: boolean;
  valid: (value: string) => boolean;
  expected: string;
}

const oneOf = (values: string[]): MemberRule => ({ valid: (v) => values.includes(v), expected: `one of ${values.join(', ')}` });
const REGION: MemberRule = { valid: (v) => /^[a-z0-9-]{1,32}$/.test(v), expected: 'a region name such as us-east-1' };

/**
 * A control's JSON body, every member a string its rule accepts and every
 * required one present; otherwise one error naming every problem.
 */
function readMembers<T extends Record<string, string | undefined>>(
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
    } else if (typeof value !== 'string' || !rule.valid(value)) {
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
    connectionId: { valid: isConnectionId, expected: 'a connection ID such as dxcon-abcd1234' },
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
    virtualInterfaceId: { valid: isVirtualInterfaceId, expected: 'a virtual interface ID such as dxvif-abcd1234' },
    bgpPeerId: { optional: true, valid: (v) => v !== '', expected: 'a BGP peer ID' },
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
