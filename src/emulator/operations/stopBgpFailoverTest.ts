import { clientError } from '../protocol.js';
import type { Operation } from '../operation.js';
import { endFailoverTest, findVirtualInterface } from '../rules.js';
import { virtualInterfaceTestShape } from '../shapes.js';
import { virtualInterfaceId } from '../validate.js';

/**
 * Ends the VIF's running failover test early (docs/aws-behaviour.md, "BGP failover
 * tests"): `cancelled`, ending now, its peers back `up` and the VIF in its state
 * before the test. A test that has run its time was already settled as `completed`
 * before this call (router.ts), so it is no longer running here.
 */
export const stopBgpFailoverTest: Operation = (input, { store, now }) => {
  const id = virtualInterfaceId(input);
  findVirtualInterface(store, id);
  const test = store.runningTest(id);
  // Emulator's own wording: AWS's is not recorded.
  if (!test) throw clientError(`There is no failover test in progress on virtual interface ${id}.`);
  endFailoverTest(store, test, 'cancelled', now);
  return { virtualInterfaceTest: virtualInterfaceTestShape(test) };
};
