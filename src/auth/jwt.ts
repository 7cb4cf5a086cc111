import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

// Bearer tokens verified with jose. Only asymmetric algorithms: a shared secret
// would have to live beside the gateway. jose refuses `alg: none` outright.
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export interface JwtSettings {
  jwksUrl?: string;
  publicKeyFile?: string;
  issuer: string;
  audience: string;
  rolesClaim: string;
  jwksCooldownMs: number;
}

export interface VerifiedToken {
  subject: string;
  roles: string[];
  /** When the token expires (its `exp`, which is required), epoch ms. */
  expiresAt: number;
}

/** Why a token was refused, in words safe to return (never the token itself). */
export class TokenRejected extends Error {}

async function keySource(settings: JwtSettings): Promise<JWTVerifyGetKey> {
  if (settings.jwksUrl) {
    // A token with a kid the cached set lacks makes jose fetch the set again (no
    // more often than the cooldown), so a rotated key works without a restart.
    return createRemoteJWKSet(new URL(settings.jwksUrl), { cooldownDuration: settings.jwksCooldownMs, timeoutDuration: 5000 });
  }
  const text = await readFile(settings.publicKeyFile!, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(`JWT_PUBLIC_KEY_FILE ${settings.publicKeyFile} cannot be read: ${error.code ?? error}`);
  });
  if (text.trimStart().startsWith('{')) return createLocalJWKSet(JSON.parse(text));
  let key: KeyObject;
  try {
    key = createPublicKey(text);
  } catch {
    throw new Error(`JWT_PUBLIC_KEY_FILE ${settings.publicKeyFile} holds neither a PEM public key nor a JWKS`);
  }
  return async () => key;
}

function claimAt(payload: JWTPayload, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), payload);
}

/** Roles as an array of strings, or as one space-separated string (the OAuth `scope` style). */
function rolesFrom(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((r): r is string => typeof r === 'string');
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  return [];
}

export async function createJwtVerifier(settings: JwtSettings): Promise<(token: string) => Promise<VerifiedToken>> {
  const key = await keySource(settings);
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, key, {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: ALGORITHMS,
        requiredClaims: ['exp'],
        clockTolerance: 5,
      });
      return { subject: payload.sub ?? 'unknown-subject', roles: rolesFrom(claimAt(payload, settings.rolesClaim)), expiresAt: payload.exp! * 1000 };
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new TokenRejected('the bearer token has expired');
      if (error instanceof errors.JWTClaimValidationFailed) throw new TokenRejected(`the bearer token's ${error.claim} claim is not accepted`);
      if (error instanceof errors.JOSEError) throw new TokenRejected('the bearer token is not valid');
      throw error;
    }
  };
}
