import { clientError } from '../protocol.js';
import type { Operation } from '../operation.js';
import { assertNotDeleted, findVirtualInterface } from '../rules.js';
import { virtualInterfaceTestShape } from '../shapes.js';
import { optionalInteger, optionalStringList, virtualInterfaceId } from '../validate.js';

/** AWS documents the maximum (4,320 minutes, 72 hours) and the default (180), not a minimum. */
const MAX_TEST_MINUTES = 4320;
const DEFAULT_TEST_MINUTES = 180;
/** The emulator's own floor: AWS documents none, and a test of no minutes tests nothing. */
const MIN_TEST_MINUTES = 1;
const MINUTE_MS = 60_000;
/** A VIF going, gone or refused cannot be tested: the emulator's reading, AWS says nothing of it. */
const UNTESTABLE_STATES = ['deleting', 'deleted', 'rejected'];

/**
 * AWS's failover test (docs/aws-behaviour.md, "BGP failover tests"): the tested
 * BGP peers go `down` for `testDurationInMinutes`, and the VIF reports `testing`.
 * No `bgpPeers`, or an empty list, tests every peer of the VIF. Only the account
 * that owns the VIF may test it (User Guide, "Validation Permissions"). Checks run
 * in the order types and formats, existence, owner, state, a running test, the
 * peers; every one before anything changes. Every refusal but the state's (AWS's
 * wrong-state form) is in the emulator's own words: AWS's are not recorded.
 */
export const startBgpFailoverTest: Operation = (input, { store, now }) => {
  const id = virtualInterfaceId(input);
  const bgpPeers = optionalStringList(input, 'bgpPeers');
  const minutes = optionalInteger(input, 'testDurationInMinutes') ?? DEFAULT_TEST_MINUTES;
  if (minutes < MIN_TEST_MINUTES || minutes > MAX_TEST_MINUTES) {
    throw clientError(`testDurationInMinutes must be between ${MIN_TEST_MINUTES} and ${MAX_TEST_MINUTES}; got ${minutes}.`);
  }
  const vif = findVirtualInterface(store, id);
  if (vif.ownerAccount !== store.accountId) {
    throw clientError(`Virtual interface ${id} is owned by account ${vif.ownerAccount}; only its owner may run a failover test on it.`);
  }
  assertNotDeleted('StartBgpFailoverTest', id, vif.virtualInterfaceState, UNTESTABLE_STATES);
  const running = store.runningTest(id);
  if (running) throw clientError(`Virtual interface ${id} already has failover test ${running.testId} in progress.`);
  const own = vif.bgpPeers.map((peer) => peer.bgpPeerId);
  const unknown = (bgpPeers ?? []).filter((peerId) => !own.includes(peerId));
  if (unknown.length > 0) throw clientError(`Virtual interface ${id} has no BGP peer ${[...new Set(unknown)].join(', ')}.`);

  // In the VIF's own order, each once, whatever order the request named them in.
  const tested = bgpPeers === undefined || bgpPeers.length === 0 ? own : own.filter((peerId) => bgpPeers.includes(peerId));
  const test = {
    stateBefore: vif.virtualInterfaceState,
    testId: store.newId('dxtest'),
    virtualInterfaceId: id,
    bgpPeers: tested,
    status: 'in-progress' as const,
    ownerAccount: vif.ownerAccount,
    testDurationInMinutes: minutes,
    startTime: now,
    endTime: now + minutes * MINUTE_MS,
  };
  store.failoverTests.set(test.testId, test);
  vif.virtualInterfaceState = 'testing';
  for (const peer of vif.bgpPeers) if (tested.includes(peer.bgpPeerId)) peer.bgpStatus = 'down';
  return { virtualInterfaceTest: virtualInterfaceTestShape(test) };
};
