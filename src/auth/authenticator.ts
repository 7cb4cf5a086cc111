import type { IncomingHttpHeaders } from 'node:http';
import type { Config } from '../config.js';
import { loadApiKeys } from './apiKeys.js';
import { createJwtVerifier, TokenRejected } from './jwt.js';
import { ANONYMOUS, type Caller } from './roles.js';

/** Missing or bad credentials; the message is safe to return to the caller. */
export class AuthenticationFailed extends Error {}

export type Authenticate = (headers: IncomingHttpHeaders) => Promise<Caller>;

/** Builds the authenticator for AUTH_MODE; reads key files and fails at start-up, not on the first request. */
export async function createAuthenticator(auth: Config['auth']): Promise<Authenticate> {
  if (auth.mode === 'none') return async () => ANONYMOUS;

  if (auth.mode === 'apikey') {
    const lookup = await loadApiKeys(auth.keysFile);
    return async (headers) => {
      const key = headers['x-api-key'];
      if (typeof key !== 'string' || key.length === 0) throw new AuthenticationFailed('an x-api-key header is required');
      const entry = lookup(key);
      if (!entry) throw new AuthenticationFailed('the API key is not valid');
      return { id: entry.name, roles: entry.roles, via: 'apikey' };
    };
  }

  const verify = await createJwtVerifier(auth);
  return async (headers) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
    if (!match) throw new AuthenticationFailed('an Authorization: Bearer <token> header is required');
    try {
      const token = await verify(match[1]!);
      return { id: token.subject, roles: token.roles, via: 'jwt', expiresAt: token.expiresAt };
    } catch (error) {
      if (error instanceof TokenRejected) throw new AuthenticationFailed(error.message);
      // The key set could not be fetched: not the caller's fault, but nothing is let through.
      throw new AuthenticationFailed('the bearer token could not be verified now; try again shortly');
    }
  };
}
