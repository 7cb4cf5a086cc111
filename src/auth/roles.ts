// Two roles (pinned): dx:read may run every query and a dry run; dx:operate may
// also cut a link. Operating implies reading.
export const READ = 'dx:read';
export const OPERATE = 'dx:operate';
export type Role = typeof READ | typeof OPERATE;

export interface Caller {
  /** Who is calling: the token's subject, the API key's name, or "anonymous" with AUTH_MODE=none. */
  id: string;
  roles: readonly string[];
  via: 'none' | 'jwt' | 'apikey';
  /** A bearer token's expiry, epoch ms: a WebSocket authenticated with it is closed then (src/http/websocket.ts). */
  expiresAt?: number;
}

/** With AUTH_MODE=none everyone may do everything; start-up warns loudly about it with real AWS. */
export const ANONYMOUS: Caller = { id: 'anonymous', roles: [READ, OPERATE], via: 'none' };

export function hasRole(caller: Caller, role: Role): boolean {
  return caller.roles.includes(role) || (role === READ && caller.roles.includes(OPERATE));
}
