import { GatewayError } from '../errors/GatewayError.js';
import { hasRole, type Caller, type Role } from './roles.js';

/** Refuses, as FORBIDDEN with HTTP 403, a caller without the role for `what`. */
export function requireRole(caller: Caller, role: Role, what: string): void {
  if (!hasRole(caller, role)) {
    throw new GatewayError('FORBIDDEN', `${caller.id} may not ${what}: it needs the ${role} role.`, { httpStatus: 403 });
  }
}
