import { clientError } from '../protocol.js';
import type { Operation } from '../operation.js';
import { assertNotDeleted, findLag } from '../rules.js';
import { lagShape } from '../shapes.js';
import { lagId, optionalInteger, optionalString } from '../validate.js';

const ENCRYPTION_MODES = ['no_encrypt', 'should_encrypt', 'must_encrypt'];

export const updateLag: Operation = (input, { store }) => {
  const lag = findLag(store, lagId(input));
  const lagName = optionalString(input, 'lagName');
  const minimumLinks = optionalInteger(input, 'minimumLinks');
  const encryptionMode = optionalString(input, 'encryptionMode');
  assertNotDeleted('UpdateLag', lag.lagId, lag.lagState);
  const members = store.members(lag.lagId).length;
  if (minimumLinks !== undefined) {
    // Emulator's own wording for a negative value.
    if (minimumLinks < 0) throw clientError('minimumLinks must not be negative.');
    if (minimumLinks > members) {
      // AWS's fragment (Ansible's directconnect_link_aggregation_group.py); the rest of the sentence is ours.
      throw clientError(
        `MinimumLinks cannot be set higher than the number of connections in the LAG (${members}).`,
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
  return lagShape(store, lag);
};
