import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { handleControl } from './controls.js';
import type { AnsweringFault } from './faults.js';
import { findOperation } from './operations/index.js';
import { AwsError, credentialScope, readBody, send } from './protocol.js';
import { DIRECT_CONNECT, DIRECT_CONNECT_JSON, identifyCall, type Call } from './services.js';
import type { EmulatorState } from './state.js';

/**
 * Routes the AWS calls of Direct Connect, CloudWatch and Health (services.ts says
 * how each is told apart) and `/_emulator/*` to the test controls; never throws.
 * Every error is answered in the protocol of the call it belongs to; one that
 * comes before the call is known, in Direct Connect's JSON, as ever.
 */
export function createRequestListener(state: EmulatorState): RequestListener {
  return (req, res) => {
    const call: Call = { service: DIRECT_CONNECT, protocol: DIRECT_CONNECT_JSON };
    route(req, res, state, call).catch((error: unknown) => {
      call.protocol.fail(res, error instanceof AwsError ? error : call.service.serverError(`The emulator failed: ${String(error)}`));
    });
  };
}

async function route(req: IncomingMessage, res: ServerResponse, state: EmulatorState, call: Call): Promise<void> {
  // The request's now, on the emulator's clock; what time has done since the last
  // request (failover tests ending) is settled first, so nothing runs in the background.
  const arrived = state.now();
  state.settle(arrived);
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (path === '/_emulator' || path.startsWith('/_emulator/')) return handleControl(req, res, state, path, arrived);
  const body = await readBody(req);
  const found = identifyCall(req, path, body);
  if (!found) throw new AwsError('NotFoundException', `No route for ${req.method} ${path}.`, 404);
  Object.assign(call, found);
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    throw new AwsError('MethodNotAllowedException', `AWS calls are POST only, not ${req.method}.`, 405);
  }
  const { service, protocol, operation: name } = call;
  // Only real operations are counted in the stats and can trip a fault.
  const operation = name === undefined ? undefined : findOperation(service.operations, name);
  if (name === undefined || !operation) throw protocol.unknownOperation(name);
  state.count(name);
  const injected = state.faults.fire(name);
  const delay = state.latencyMs + injected.latencyMs;
  if (delay > 0) await sleep(delay, undefined, { ref: false });
  if (injected.fault !== undefined) return answerFault(req, res, injected.fault, call);

  const input = protocol.decode(body, service.queryTypes[name] ?? {});
  // An operation's now is when it runs, after any delay, settled again to that.
  const now = state.now();
  state.settle(now);
  const store = state.stores.get(credentialScope(req).region);
  const output = operation(input, { store, stores: state.stores, now, transitionMs: state.transitionMs });
  protocol.answer(res, name, output);
}

function answerFault(req: IncomingMessage, res: ServerResponse, fault: AnsweringFault, { service, protocol }: Call): void {
  switch (fault) {
    case 'throttle':
      return protocol.fail(res, service.throttling());
    case 'server-error':
      return protocol.fail(res, service.serverError('Injected server error.'));
    case 'drop':
      req.socket.destroy();
      return;
    case 'garbage':
      return send(res, 200, '<html><body><h1>502 Bad Gateway</h1></body></html>', {
        'Content-Type': 'text/html',
      });
    case 'malformed-json':
      return protocol.truncated(res);
  }
}
