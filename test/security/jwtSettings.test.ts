import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALLOWED, bearer, DISASSOCIATE, LAGS, post } from '../helpers/authRequests.js';
import { startTestGateway, totalCalls, type TestGateway } from '../helpers/gateway.js';
import {
  AUDIENCE,
  ISSUER,
  newSigningKey,
  publicKeyPem,
  signToken,
  startJwksServer,
  unsignedToken,
  type JwksServer,
  type SigningKey,
} from '../helpers/jwks.js';

// AUTH_MODE=jwt's other settings, over real HTTP against npm start's wiring: where
// the roles sit in the token (JWT_ROLES_CLAIM), a PEM public key instead of a key
// set (JWT_PUBLIC_KEY_FILE), and a key set that cannot be fetched, which fails
// closed. Roles, refused credentials, key rotation and the audit trail with
// JWT_JWKS_URL are in jwtAuth.test.ts.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dxgraph-auth-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('JWT_ROLES_CLAIM', () => {
  let key: SigningKey;
  let jwks: JwksServer;
  beforeAll(async () => {
    key = await newSigningKey('rsa-roles');
    jwks = await startJwksServer([key]);
  });
  afterAll(async () => {
    await jwks?.close();
  });
  const env = () => ({ AUTH_MODE: 'jwt', JWT_JWKS_URL: jwks.url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });

  describe('as a dotted path (realm_access.roles, as Keycloak issues)', () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startTestGateway({ ...env(), JWT_ROLES_CLAIM: 'realm_access.roles' });
    });
    afterAll(async () => {
      await gw?.stop();
    });

    it('reads the roles from the nested claim', async () => {
      const operator = await signToken(key, { claims: { realm_access: { roles: ['offline_access', 'dx:operate'] } } });
      const real = await post(gw, DISASSOCIATE, { input: ALLOWED }, bearer(operator));
      expect(real.status).toBe(200);
      expect(real.body.data.disassociateConnectionFromLag.__typename).toBe('DisassociateConnectionFromLagSuccess');

      const reader = await signToken(key, { claims: { realm_access: { roles: ['dx:read'] } } });
      expect((await post(gw, LAGS, undefined, bearer(reader))).status).toBe(200);
      expect((await post(gw, DISASSOCIATE, { input: ALLOWED }, bearer(reader))).status).toBe(403);
    });

    it('ignores roles anywhere else in the token', async () => {
      const elsewhere = await signToken(key, { claims: { roles: ['dx:operate'], realm_access: {} } });
      const query = await post(gw, LAGS, undefined, bearer(elsewhere));
      expect(query.status).toBe(403);
      expect(query.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const flat = await signToken(key, { claims: { 'realm_access.roles': ['dx:operate'] } });
      expect((await post(gw, LAGS, undefined, bearer(flat))).status).toBe(403);
    });
  });

  describe('as a space-separated string (scope, OAuth style)', () => {
    let gw: TestGateway;
    beforeAll(async () => {
      gw = await startTestGateway({ ...env(), JWT_ROLES_CLAIM: 'scope' });
    });
    afterAll(async () => {
      await gw?.stop();
    });

    it('splits the string into roles', async () => {
      await gw.reset();
      const reader = await signToken(key, { claims: { scope: 'openid profile dx:read' } });
      expect((await post(gw, LAGS, undefined, bearer(reader))).status).toBe(200);
      const refused = await post(gw, DISASSOCIATE, { input: ALLOWED }, bearer(reader));
      expect(refused.status).toBe(403);
      expect((await gw.awsCalls()).DisassociateConnectionFromLag ?? 0).toBe(0);

      const operator = await signToken(key, { claims: { scope: 'dx:operate  openid' } });
      const real = await post(gw, DISASSOCIATE, { input: ALLOWED }, bearer(operator));
      expect(real.status).toBe(200);
      expect(real.body.data.disassociateConnectionFromLag.__typename).toBe('DisassociateConnectionFromLagSuccess');
    });

    it('does not take a role from a longer scope that merely contains it', async () => {
      const lookalike = await signToken(key, { claims: { scope: 'dx:operate-lite dx:readonly' } });
      expect((await post(gw, LAGS, undefined, bearer(lookalike))).status).toBe(403);
    });
  });
});

describe('AUTH_MODE=jwt with JWT_PUBLIC_KEY_FILE (a PEM public key)', () => {
  let key: SigningKey;
  let gw: TestGateway;
  beforeAll(async () => {
    key = await newSigningKey('pem-key');
    const file = join(dir, 'issuer-public.pem');
    await writeFile(file, await publicKeyPem(key));
    gw = await startTestGateway({ AUTH_MODE: 'jwt', JWT_PUBLIC_KEY_FILE: file, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('accepts a token signed with the matching private key, roles applied', async () => {
    const reader = await signToken(key, { claims: { roles: ['dx:read'] } });
    expect((await post(gw, LAGS, undefined, bearer(reader))).status).toBe(200);
    expect((await post(gw, DISASSOCIATE, { input: ALLOWED }, bearer(reader))).status).toBe(403);
    const operator = await signToken(key, { claims: { roles: ['dx:operate'] } });
    const real = await post(gw, DISASSOCIATE, { input: ALLOWED }, bearer(operator));
    expect(real.body.data.disassociateConnectionFromLag.__typename).toBe('DisassociateConnectionFromLagSuccess');
  });

  it('refuses tokens from any other key, expired, unsigned or for another audience', async () => {
    await gw.reset();
    const now = Math.floor(Date.now() / 1000);
    const refused = [
      await signToken(await newSigningKey('pem-key'), { claims: { roles: ['dx:operate'] } }),
      await signToken(key, { claims: { roles: ['dx:operate'] }, expiresIn: -120 }),
      await signToken(key, { claims: { roles: ['dx:operate'] }, audience: 'another-service' }),
      unsignedToken({ iss: ISSUER, aud: AUDIENCE, sub: 'mallory', exp: now + 300, roles: ['dx:operate'] }),
    ];
    for (const token of refused) {
      const answer = await post(gw, DISASSOCIATE, { input: ALLOWED }, bearer(token));
      expect(answer.status).toBe(401);
      expect(answer.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect(totalCalls(await gw.awsCalls())).toBe(0);
  });

  it('refuses to start when the file holds no key', async () => {
    const file = join(dir, 'not-a-key.pem');
    await writeFile(file, '-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n');
    await expect(startTestGateway({ AUTH_MODE: 'jwt', JWT_PUBLIC_KEY_FILE: file, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE })).rejects.toThrow(
      /JWT_PUBLIC_KEY_FILE/,
    );
    await expect(
      startTestGateway({ AUTH_MODE: 'jwt', JWT_PUBLIC_KEY_FILE: join(dir, 'missing.pem'), JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE }),
    ).rejects.toThrow(/JWT_PUBLIC_KEY_FILE/);
  });
});

describe('AUTH_MODE=jwt when the key set cannot be fetched', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    // A port that was open a moment ago and is closed now: connection refused.
    const gone = await startJwksServer([]);
    const url = gone.url;
    await gone.close();
    gw = await startTestGateway({ AUTH_MODE: 'jwt', JWT_JWKS_URL: url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it('fails closed: 401 UNAUTHENTICATED, nothing reaches AWS', async () => {
    const key = await newSigningKey('rsa-unreachable');
    const operator = await signToken(key, { claims: { roles: ['dx:operate'] } });
    const answer = await post(gw, DISASSOCIATE, { input: ALLOWED }, bearer(operator));
    expect(answer.status).toBe(401);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(answer.text).not.toContain(operator);
    expect(totalCalls(await gw.awsCalls())).toBe(0);
  });
});
