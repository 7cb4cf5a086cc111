import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

// A token issuer for the security tests: key pairs made in the test, a JWKS served
// from 127.0.0.1 on an ephemeral port (keys can be added while it runs, as an
// identity provider does when it rotates), and tokens signed with any of those keys.

export const ISSUER = 'https://idp.test.dxgraph';
export const AUDIENCE = 'dxgraph-gateway';

export interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

export async function newSigningKey(kid: string, alg: SigningKey['alg'] = 'RS256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { kid, alg, privateKey, publicKey };
}

export const publicKeyPem = (key: SigningKey): Promise<string> => exportSPKI(key.publicKey);

export interface TokenOptions {
  /** Claims beyond iss/aud/sub/iat/exp, e.g. `{ roles: ['dx:read'] }`. */
  claims?: JWTPayload & Record<string, unknown>;
  subject?: string;
  issuer?: string;
  audience?: string;
  /** Seconds from now; negative for an expired token; null for no `exp` at all. */
  expiresIn?: number | null;
  /** The `kid` header; defaults to the key's own. */
  kid?: string;
}

/** Every token this module has signed, so a test can look for any of them in logs. */
export const issuedTokens: string[] = [];

export async function signToken(key: SigningKey, options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(options.claims ?? {})
    .setProtectedHeader({ alg: key.alg, kid: options.kid ?? key.kid, typ: 'JWT' })
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setSubject(options.subject ?? 'alice@example.com')
    .setIssuedAt(now - 10);
  const expiresIn = options.expiresIn === undefined ? 300 : options.expiresIn;
  if (expiresIn !== null) jwt.setExpirationTime(now + expiresIn);
  const token = await jwt.sign(key.privateKey);
  issuedTokens.push(token);
  return token;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned token (`alg: none`), built by hand as an attacker would: header.payload. with no signature. */
export function unsignedToken(payload: Record<string, unknown>): string {
  const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(payload)}.`;
  issuedTokens.push(token);
  return token;
}

/** A validly signed token with its payload rewritten (e.g. more roles) and the original signature kept. */
export function tamperedToken(token: string, change: (payload: Record<string, unknown>) => void): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
  change(claims);
  const forged = `${header}.${base64url(claims)}.${signature}`;
  issuedTokens.push(forged);
  return forged;
}

export interface JwksServer {
  url: string;
  /** Publishes another key, as a rotating identity provider does. */
  add(key: SigningKey): Promise<void>;
  /** How many times the key set has been fetched. */
  fetches(): number;
  close(): Promise<void>;
}

export async function startJwksServer(initial: SigningKey[]): Promise<JwksServer> {
  const published: JWK[] = [];
  const publish = async (key: SigningKey) => {
    published.push({ ...(await exportJWK(key.publicKey)), kid: key.kid, alg: key.alg, use: 'sig' });
  };
  for (const key of initial) await publish(key);
  let fetches = 0;
  const server = http.createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    fetches += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    add: publish,
    fetches: () => fetches,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
