import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { handleControl } from './controls.js';
import type { AnsweringFault } from './faults.js';
import { findOperation } from './operations/index.js';
import {
  AwsError,
  operationFromTarget,
  parseRequestJson,
  readBody,
  regionFromAuthorization,
  send,
  sendError,
  sendJson,
} from './protocol.js';
import type { EmulatorState } from './state.js';

/** Routes `POST /` to the AWS operations and `/_emulator/*` to the test controls; never throws. */
export function createRequestListener(state: EmulatorState): RequestListener {
  return (req, res) => {
    route(req, res, state).catch((error: unknown) => {
      sendError(
        res,
        error instanceof AwsError
          ? error
          : new AwsError('DirectConnectServerException', `The emulator failed: ${String(error)}`, 500),
      );
    });
  };
}

async function route(req: IncomingMessage, res: ServerResponse, state: EmulatorState): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (path === '/_emulator' || path.startsWith('/_emulator/')) return handleControl(req, res, state, path);
  if (path !== '/') throw new AwsError('NotFoundException', `No route for ${req.method} ${path}.`, 404);
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    throw new AwsError('MethodNotAllowedException', `Direct Connect accepts POST / only, not ${req.method}.`, 405);
  }
  return handleAwsCall(req, res, state);
}

async function handleAwsCall(req: IncomingMessage, res: ServerResponse, state: EmulatorState): Promise<void> {
  const body = await readBody(req);
  const name = operationFromTarget(req);
  if (name === undefined) {
    throw new AwsError('UnknownOperationException', 'X-Amz-Target must name an OvertureService operation.');
  }
  // Only real operations are counted in the stats and can trip a fault.
  const operation = findOperation(name);
  if (!operation) throw new AwsError('UnknownOperationException', `Unknown operation ${name}.`);
  state.count(name);
  const injected = state.faults.fire(name);
  const delay = state.latencyMs + injected.latencyMs;
  if (delay > 0) await sleep(delay, undefined, { ref: false });
  if (injected.fault !== undefined) return answerFault(req, res, injected.fault);

  const input = parseRequestJson(body);
  const store = state.stores.get(regionFromAuthorization(req));
  sendJson(res, operation(input, { store, now: Date.now(), transitionMs: state.transitionMs }));
}

function answerFault(req: IncomingMessage, res: ServerResponse, fault: AnsweringFault): void {
  switch (fault) {
    case 'throttle':
      return sendError(res, new AwsError('ThrottlingException', 'Rate exceeded'));
    case 'server-error':
      return sendError(res, new AwsError('DirectConnectServerException', 'Injected server error.', 500));
    case 'drop':
      req.socket.destroy();
      return;
    case 'garbage':
      return send(res, 200, '<html><body><h1>502 Bad Gateway</h1></body></html>', {
        'Content-Type': 'text/html',
      });
    case 'malformed-json':
      return send(res, 200, '{"connections":[{"connectionId":"dxcon-');
  }
}
