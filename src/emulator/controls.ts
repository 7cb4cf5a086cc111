import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseFaultSpec } from './faults.js';
import { AwsError, readBody, send } from './protocol.js';
import type { EmulatorState } from './state.js';

/**
 * Test controls under /_emulator/, plain JSON in and out, apart from the AWS
 * protocol so no AWS client can reach them by accident.
 *   GET  stats   → {"requests": {"DescribeLags": 3, …}}   (pinned shape)
 *   POST reset   → reseed, zero the stats, clear the faults
 *   GET|POST|DELETE faults → list | add one rule | clear; all answer {"faults": […]}
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
