import { clientError } from '../protocol.js';
import type { Operation } from '../operation.js';
import { findLag } from '../rules.js';
import { lagShape } from '../shapes.js';
import { lagId } from '../validate.js';

/**
 * A LAG with members or hosted connections is refused (docs/aws-behaviour.md, "Associating, updating and deleting": a recorded
 * DeleteLag answered an already emptied LAG). The deleted LAG stays visible in
 * state `deleted`, like a deleted connection.
 */
export const deleteLag: Operation = (input, { store }) => {
  const lag = findLag(store, lagId(input));
  const members = store.members(lag.lagId).length;
  const hosted = store.hostedOn(lag.lagId).filter((c) => c.connectionState !== 'deleted').length;
  if (members > 0 || hosted > 0) {
    // Emulator's own wording.
    throw clientError(
      `Lag ${lag.lagId} still has ${members} connection(s) and ${hosted} hosted connection(s); ` +
        'disassociate or delete them first.',
    );
  }
  // DeleteLag's documentation: not while it has active virtual interfaces. Emulator's own wording.
  const vifs = store.virtualInterfacesOn(lag.lagId).filter((v) => v.virtualInterfaceState !== 'deleted').length;
  if (vifs > 0) throw clientError(`Lag ${lag.lagId} still has ${vifs} virtual interface(s); delete them first.`);
  lag.lagState = 'deleted';
  return lagShape(store, lag);
};
