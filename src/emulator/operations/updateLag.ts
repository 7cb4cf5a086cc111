import { clientError } from '../protocol.js';
import type { Operation } from '../operation.js';
import { assertNotDeleted, findLag, settleLagState } from '../rules.js';
import { lagShape } from '../shapes.js';
import { lagId, optionalInteger, optionalString } from '../validate.js';

const ENCRYPTION_MODES = ['no_encrypt', 'should_encrypt', 'must_encrypt'];

/**
 * AWS documentation (docs/aws-behaviour.md, "Associating, updating and deleting"):
 * `minimumLinks` is at most the LAG's number of connections, and a value above its
 * operational connections makes the LAG non-operational, so the LAG's state is
 * settled after the change. Every member is validated before anything changes, so a
 * refused call changes nothing.
 */
export const updateLag: Operation = (input, { store }) => {
  // The members' types and formats first, then the LAG: a malformed request is refused unread.
  const id = lagId(input);
  const lagName = optionalString(input, 'lagName');
  const minimumLinks = optionalInteger(input, 'minimumLinks');
  const encryptionMode = optionalString(input, 'encryptionMode');
  const lag = findLag(store, id);
  assertNotDeleted('UpdateLag', lag.lagId, lag.lagState);
  const members = store.members(lag.lagId).length;
  if (minimumLinks !== undefined) {
    // Emulator's own wording for a negative value; it keeps clear of AWS's fragment below.
    if (minimumLinks < 0) throw clientError(`minimumLinks must not be negative; got ${minimumLinks}.`);
    if (minimumLinks > members) {
      // AWS's fragment, which Ansible's directconnect_link_aggregation_group.py matches;
      // the rest of the sentence is the emulator's.
      throw clientError(
        `MinimumLinks cannot be set higher than the number of connections (${members}) in Lag ${lag.lagId}.`,
      );
    }
  }
  if (encryptionMode !== undefined) {
    // Emulator's own wording for both refusals.
    if (!ENCRYPTION_MODES.includes(encryptionMode)) {
      throw clientError(`encryptionMode must be one of ${ENCRYPTION_MODES.join(', ')}.`);
    }
    if (!lag.macSecCapable) throw clientError(`Lag ${lag.lagId} is not MACsec capable.`);
  }

  if (lagName !== undefined) lag.lagName = lagName;
  if (minimumLinks !== undefined) lag.minimumLinks = minimumLinks;
  if (encryptionMode !== undefined) lag.encryptionMode = encryptionMode;
  settleLagState(store, lag);
  return lagShape(store, lag);
};
