import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ALLOWED, bearer, DISASSOCIATE, LAGS, NOT_IN_LAG, post, UUID, auditLines, oneAttempt, type Answer } from '../helpers/authRequests.js';
import { startTestGateway, totalCalls, type TestGateway } from '../helpers/gateway.js';
import {
  AUDIENCE,
  ISSUER,
  issuedTokens,
  newSigningKey,
  publicKeyPem,
  signToken,
  startJwksServer,
  tamperedToken,
  unsignedToken,
  type JwksServer,
  type SigningKey,
} from '../helpers/jwks.js';
import { capturedLogger } from '../helpers/logger.js';

// AUTH_MODE=jwt with JWT_JWKS_URL over real HTTP against npm start's wiring: tokens
// signed in the test with keys only a local JWKS server publishes. Missing or bad
// credentials are 401 UNAUTHENTICATED, a known caller without the role is 403
// FORBIDDEN, and neither reaches AWS (the emulator's request counts say so). Roles
// and the audit trail: docs/contract.md, "The mutations". The other JWT settings
// (JWT_ROLES_CLAIM, JWT_PUBLIC_KEY_FILE, a key set that cannot be fetched) are in
// jwtSettings.test.ts.
//
// One gateway serves the whole file, with AUDIT_LOG_FILE, reseeded before each test;
// the last describe checks its log and audit file for every token presented above.

const log = capturedLogger();
let dir: string;
let rsa: SigningKey;
let ec: SigningKey;
let jwks: JwksServer;
let gw: TestGateway;
let auditFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dxgraph-auth-'));
  rsa = await newSigningKey('rsa-2025-01', 'RS256');
  ec = await newSigningKey('ec-2025-01', 'ES256');
  jwks = await startJwksServer([rsa, ec]);
  auditFile = join(dir, 'jwt-audit.jsonl');
  gw = await startTestGateway(
    {
      AUTH_MODE: 'jwt',
      JWT_JWKS_URL: jwks.url,
      JWT_ISSUER: ISSUER,
      JWT_AUDIENCE: AUDIENCE,
      JWT_JWKS_COOLDOWN_MS: '0',
      AUDIT_LOG_FILE: auditFile,
    },
    { logger: log.logger },
  );
});
afterAll(async () => {
  await gw?.stop();
  await jwks?.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await gw.reset();
});

const token = (roles: string[] | undefined, key: SigningKey = rsa, subject = 'alice@example.com') =>
  signToken(key, { subject, claims: roles === undefined ? {} : { roles } });

describe('roles from a verified token', () => {
  it('lets a dx:read caller run queries and a dry run, with no mutating AWS call', async () => {
    const reader = await token(['dx:read']);
    const query = await post(gw, LAGS, undefined, bearer(reader));
    expect(query.status).toBe(200);
    expect(query.body.errors).toBeUndefined();
    expect(query.body.data.lags.map((l: { lagId: string }) => l.lagId)).toContain('dxlag-allow001');

    const dry = await post(gw, DISASSOCIATE, { input: { ...ALLOWED, dryRun: true } }, bearer(reader));
    expect(dry.status).toBe(200);
    expect(dry.body.data.disassociateConnectionFromLag).toMatchObject({ __typename: 'DisassociateConnectionFromLagSuccess', dryRun: true });
    expect((await gw.awsCalls()).DisassociateConnectionFromLag ?? 0).toBe(0);
  });

  it('refuses a dx:read caller a real disassociation with FORBIDDEN (403) before any AWS call', async () => {
    const reader = await token(['dx:read'], rsa, 'reader@example.com');
    const real = await post(gw, DISASSOCIATE, { input: ALLOWED }, bearer(reader));
    expect(real.status).toBe(403);
    expect(real.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(real.body.errors?.[0]?.message).toContain('dx:operate');
    expect(real.body.data?.disassociateConnectionFromLag ?? null).toBeNull();
    const calls = await gw.awsCalls();
    expect(calls.DisassociateConnectionFromLag ?? 0).toBe(0);
    expect(totalCalls(calls)).toBe(0);
  });

  it('lets a dx:operate caller run the real disassociation', async () => {
    const operator = await token(['dx:operate'], rsa, 'oncall@example.com');
    const real = await post(gw, DISASSOCIATE, { input: ALLOWED }, bearer(operator));
    expect(real.status).toBe(200);
    expect(real.body.errors).toBeUndefined();
    expect(real.body.data.disassociateConnectionFromLag).toMatchObject({
      __typename: 'DisassociateConnectionFromLagSuccess',
      dryRun: false,
      connection: { connectionId: 'dxcon-allow01a', lagId: null },
    });
    expect((await gw.awsCalls()).DisassociateConnectionFromLag).toBe(1);
    // Operating implies reading.
    expect((await post(gw, LAGS, undefined, bearer(operator))).status).toBe(200);
  });

  it('refuses a verified caller with no roles everything, with FORBIDDEN (403) and no AWS call', async () => {
    for (const roles of [undefined, [], ['dx:admin', 'read']]) {
      const nobody = await token(roles);
      const query = await post(gw, LAGS, undefined, bearer(nobody));
      expect(query.status).toBe(403);
      expect(query.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(query.body.data?.lags ?? null).toBeNull();
      const dry = await post(gw, DISASSOCIATE, { input: { ...ALLOWED, dryRun: true } }, bearer(nobody));
      expect(dry.status).toBe(403);
      expect(dry.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const real = await post(gw, DISASSOCIATE, { input: ALLOWED }, bearer(nobody));
      expect(real.status).toBe(403);
      expect(real.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect(totalCalls(await gw.awsCalls())).toBe(0);
  });

  it('accepts a token signed with an ES256 key from the same key set', async () => {
    const operator = await token(['dx:operate'], ec);
    const real = await post(gw, DISASSOCIATE, { input: ALLOWED }, bearer(operator));
    expect(real.status).toBe(200);
    expect(real.body.data.disassociateConnectionFromLag.__typename).toBe('DisassociateConnectionFromLagSuccess');
  });
});

describe('refused credentials: 401 UNAUTHENTICATED, no AWS call at all', () => {
  const cases: Array<[string, () => Promise<Record<string, string>>]> = [
    ['no Authorization header', async () => ({})],
    ['an empty Authorization header', async () => ({ authorization: '' })],
    ['a Basic scheme', async () => ({ authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` })],
    ['a valid token under a non-Bearer scheme', async () => ({ authorization: `Token ${await token(['dx:operate'])}` })],
    ['a Bearer scheme with no token', async () => ({ authorization: 'Bearer ' })],
    ['an expired token', async () => bearer(await signToken(rsa, { claims: { roles: ['dx:operate'] }, expiresIn: -120 }))],
    ['a token from another issuer', async () => bearer(await signToken(rsa, { claims: { roles: ['dx:operate'] }, issuer: 'https://evil.example' }))],
    ['a token for another audience', async () => bearer(await signToken(rsa, { claims: { roles: ['dx:operate'] }, audience: 'another-service' }))],
    ['a token without exp', async () => bearer(await signToken(rsa, { claims: { roles: ['dx:operate'] }, expiresIn: null }))],
    [
      'an unsigned alg:none token',
      async () => {
        const now = Math.floor(Date.now() / 1000);
        return bearer(unsignedToken({ iss: ISSUER, aud: AUDIENCE, sub: 'mallory', iat: now, exp: now + 300, roles: ['dx:operate'] }));
      },
    ],
    [
      'a validly signed token whose roles were changed',
      async () => bearer(tamperedToken(await token(['dx:read']), (claims) => (claims.roles = ['dx:operate']))),
    ],
    [
      'a validly signed token whose expiry was pushed back',
      async () => {
        const expired = await signToken(rsa, { claims: { roles: ['dx:operate'] }, expiresIn: -120 });
        return bearer(tamperedToken(expired, (claims) => (claims.exp = Math.floor(Date.now() / 1000) + 3600)));
      },
    ],
    ['a token signed by a key the JWKS does not publish', async () => bearer(await token(['dx:operate'], await newSigningKey('rsa-unknown')))],
    [
      'a token signed by another key that claims a published kid',
      async () => bearer(await signToken(await newSigningKey(rsa.kid), { claims: { roles: ['dx:operate'] } })),
    ],
    [
      'an HS256 token (algorithm confusion)',
      async () => {
        const { SignJWT } = await import('jose');
        const forged = await new SignJWT({ roles: ['dx:operate'] })
          .setProtectedHeader({ alg: 'HS256', kid: rsa.kid })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setSubject('mallory')
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode(await publicKeyPem(rsa)));
        issuedTokens.push(forged);
        return bearer(forged);
      },
    ],
    ['garbage', async () => bearer('not-a-jwt')],
    ['three garbage segments', async () => bearer('aaaa.bbbb.cccc')],
  ];

  it.each(cases)('refuses %s', async (_name, headersFor) => {
    const headers = await headersFor();
    const query = await post(gw, LAGS, undefined, headers);
    expect(query.status).toBe(401);
    expect(query.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(query.body.data).toBeUndefined();
    expect(query.wwwAuthenticate).toBe('Bearer');

    const real = await post(gw, DISASSOCIATE, { input: ALLOWED }, headers);
    expect(real.status).toBe(401);
    expect(real.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const presented = headers.authorization?.split(' ')[1];
    if (presented) {
      expect(query.text).not.toContain(presented);
      expect(real.text).not.toContain(presented);
    }
    expect(totalCalls(await gw.awsCalls())).toBe(0);
  });
});

describe('key rotation', () => {
  it('accepts a token signed with a key published after start-up, without a restart', async () => {
    const before = await post(gw, LAGS, undefined, bearer(await token(['dx:read'])));
    expect(before.status).toBe(200);

    const rotated = await newSigningKey('rsa-2025-02', 'RS256');
    const early = await post(gw, LAGS, undefined, bearer(await token(['dx:read'], rotated)));
    expect(early.status).toBe(401);

    const fetchesBefore = jwks.fetches();
    await jwks.add(rotated);
    const after = await post(gw, DISASSOCIATE, { input: ALLOWED }, bearer(await token(['dx:operate'], rotated)));
    expect(after.status).toBe(200);
    expect(after.body.data.disassociateConnectionFromLag.__typename).toBe('DisassociateConnectionFromLagSuccess');
    expect(jwks.fetches()).toBeGreaterThan(fetchesBefore);

    // The old key stays valid while the identity provider still publishes it.
    expect((await post(gw, LAGS, undefined, bearer(await token(['dx:read'])))).status).toBe(200);
  });
});

// The audit trail in AUDIT_LOG_FILE, appended before the response is sent: one `attempt`
// record for a dry run or a refused request; for a real call an `intent` before it is
// tried and an `outcome` after, linked by `intentId`.

/** Sends one request and returns the audit records it appended. */
async function recordsOf(send: () => Promise<Answer>): Promise<{ answer: Answer; records: Array<Record<string, any>> }> {
  const before = (await auditLines(auditFile)).length;
  const answer = await send();
  // Appended before the response is sent: no waiting needed.
  const records = (await auditLines(auditFile)).slice(before);
  return { answer, records };
}

/** The record that ended the request's one attempt, checked for its shape and its intent (if any). */
function expectWellFormed(records: Array<Record<string, any>>, answer: Answer): Record<string, any> {
  const record = oneAttempt(records);
  expect(record.operation).toBe('disassociateConnectionFromLag');
  expect(record.requestId).toBe(answer.requestId);
  expect(Number.isNaN(Date.parse(record.time))).toBe(false);
  expect(record.durationMs).toBeGreaterThanOrEqual(0);
  expect(Array.isArray(record.roles)).toBe(true);
  return record;
}

describe('audit trail (AUDIT_LOG_FILE): one ending record per attempt, whatever its outcome', () => {
  it('records an unauthenticated attempt once, with no caller and no AWS request', async () => {
    const { answer, records } = await recordsOf(() => post(gw, DISASSOCIATE, { input: ALLOWED }));
    expect(answer.status).toBe(401);
    expect(expectWellFormed(records, answer)).toMatchObject({ kind: 'attempt', caller: null, roles: [], outcome: 'UNAUTHENTICATED', awsRequestId: null, input: ALLOWED });
  });

  it('records an attempt with a bad token once, as UNAUTHENTICATED', async () => {
    const expired = await signToken(rsa, { claims: { roles: ['dx:operate'] }, expiresIn: -120 });
    const { answer, records } = await recordsOf(() => post(gw, DISASSOCIATE, { input: ALLOWED }, bearer(expired)));
    expect(answer.status).toBe(401);
    expect(expectWellFormed(records, answer)).toMatchObject({ kind: 'attempt', caller: null, outcome: 'UNAUTHENTICATED', awsRequestId: null });
  });

  it('records a forbidden attempt once, naming the caller and its roles', async () => {
    const reader = await token(['dx:read'], rsa, 'reader@example.com');
    const { answer, records } = await recordsOf(() => post(gw, DISASSOCIATE, { input: ALLOWED }, bearer(reader)));
    expect(answer.status).toBe(403);
    // A real call the caller may not make changes nothing: one record, no intent.
    const record = expectWellFormed(records, answer);
    expect(record).toMatchObject({ kind: 'attempt', caller: 'reader@example.com', roles: ['dx:read'], outcome: 'FORBIDDEN', awsRequestId: null });
    expect(record.input).toMatchObject(ALLOWED);
  });

  it('records a dry run once, as SUCCESS with no AWS request ID', async () => {
    const reader = await token(['dx:read'], rsa, 'reader@example.com');
    const { answer, records } = await recordsOf(() => post(gw, DISASSOCIATE, { input: { ...ALLOWED, dryRun: true } }, bearer(reader)));
    expect(answer.status).toBe(200);
    expect(expectWellFormed(records, answer)).toMatchObject({
      kind: 'attempt',
      caller: 'reader@example.com',
      outcome: 'SUCCESS',
      awsRequestId: null,
      input: { ...ALLOWED, dryRun: true },
    });
  });

  it('records a real disassociation once, with the AWS request ID', async () => {
    const operator = await token(['dx:operate'], rsa, 'oncall@example.com');
    const { answer, records } = await recordsOf(() => post(gw, DISASSOCIATE, { input: ALLOWED }, bearer(operator)));
    expect(answer.body.data.disassociateConnectionFromLag.__typename).toBe('DisassociateConnectionFromLagSuccess');
    const record = expectWellFormed(records, answer);
    expect(record).toMatchObject({ kind: 'outcome', caller: 'oncall@example.com', roles: ['dx:operate'], outcome: 'SUCCESS' });
    expect(record.awsRequestId).toMatch(UUID);
  });

  it('records a typed failure once, with its code and the AWS request ID', async () => {
    const operator = await token(['dx:operate'], rsa, 'oncall@example.com');
    const { answer, records } = await recordsOf(() => post(gw, DISASSOCIATE, { input: NOT_IN_LAG }, bearer(operator)));
    expect(answer.body.data.disassociateConnectionFromLag.__typename).toBe('ConnectionNotInLag');
    const record = expectWellFormed(records, answer);
    expect(record).toMatchObject({ kind: 'outcome', outcome: 'CONNECTION_NOT_IN_LAG', input: NOT_IN_LAG });
    expect(record.awsRequestId).toMatch(UUID);
  });

  it('honours a caller-supplied x-request-id in the response and the record', async () => {
    const operator = await token(['dx:operate']);
    const { answer, records } = await recordsOf(() =>
      post(gw, DISASSOCIATE, { input: { ...ALLOWED, dryRun: true } }, { ...bearer(operator), 'x-request-id': 'netops-change-4711' }),
    );
    expect(answer.requestId).toBe('netops-change-4711');
    expect(expectWellFormed(records, answer).requestId).toBe('netops-change-4711');

    const refused = await recordsOf(() => post(gw, DISASSOCIATE, { input: ALLOWED }, { 'x-request-id': 'netops-change-4712' }));
    expect(refused.answer.requestId).toBe('netops-change-4712');
    expect(refused.records.map((r) => r.requestId)).toEqual(['netops-change-4712']);
  });
});

describe('audit trail (AUDIT_LOG_FILE): what counts as an attempt', () => {
  it('records each disassociation of a request that asks for two, authenticated or not', async () => {
    const TWO = `mutation {
      a: disassociateConnectionFromLag(input: { connectionId: "dxcon-allow01a", lagId: "dxlag-allow001", dryRun: true }) { __typename }
      b: disassociateConnectionFromLag(input: { connectionId: "dxcon-allow01b", lagId: "dxlag-allow001", dryRun: true }) { __typename }
    }`;
    const allowed = await recordsOf(async () => post(gw, TWO, undefined, bearer(await token(['dx:read']))));
    expect(allowed.records.map((r) => r.input.connectionId)).toEqual(['dxcon-allow01a', 'dxcon-allow01b']);
    expect(allowed.records.every((r) => r.requestId === allowed.answer.requestId)).toBe(true);
    const refused = await recordsOf(() => post(gw, TWO));
    expect(refused.answer.status).toBe(401);
    expect(refused.records.map((r) => [r.input.connectionId, r.outcome])).toEqual([
      ['dxcon-allow01a', 'UNAUTHENTICATED'],
      ['dxcon-allow01b', 'UNAUTHENTICATED'],
    ]);
  });

  // GraphQL lets a mutation's fields sit inside an inline fragment or a named
  // fragment; an unauthenticated attempt written that way is still an attempt.
  it.each([
    ['an inline fragment', `mutation { ... on Mutation { disassociateConnectionFromLag(input: { connectionId: "dxcon-allow01a", lagId: "dxlag-allow001" }) { __typename } } }`],
    [
      'a named fragment',
      `mutation { ...Cut } fragment Cut on Mutation { disassociateConnectionFromLag(input: { connectionId: "dxcon-allow01a", lagId: "dxlag-allow001" }) { __typename } }`,
    ],
  ])('records an unauthenticated attempt written with %s', async (_name, document) => {
    const operator = await token(['dx:operate']);
    const allowed = await recordsOf(() => post(gw, document, undefined, bearer(operator)));
    expect(allowed.answer.body.data.disassociateConnectionFromLag.__typename).toBe('DisassociateConnectionFromLagSuccess');
    expect(oneAttempt(allowed.records)).toMatchObject({ kind: 'outcome', outcome: 'SUCCESS', input: ALLOWED });

    const refused = await recordsOf(() => post(gw, document));
    expect(refused.answer.status).toBe(401);
    expect(oneAttempt(refused.records)).toMatchObject({ kind: 'attempt', outcome: 'UNAUTHENTICATED', caller: null, input: ALLOWED, requestId: refused.answer.requestId });
  });

  it('writes no record for a mutation document that asks for no disassociation, authenticated or not', async () => {
    const operator = await token(['dx:operate']);
    const allowed = await recordsOf(() => post(gw, `mutation { __typename }`, undefined, bearer(operator)));
    expect(allowed.answer.status).toBe(200);
    expect(allowed.records).toEqual([]);
    const refused = await recordsOf(() => post(gw, `mutation { __typename }`));
    expect(refused.answer.status).toBe(401);
    expect(refused.records).toEqual([]);
  });

  it('writes no record for queries, allowed or refused', async () => {
    const { records } = await recordsOf(async () => {
      await post(gw, LAGS, undefined, bearer(await token(['dx:read'])));
      await post(gw, LAGS, undefined, bearer(await token([])));
      return post(gw, LAGS);
    });
    expect(records).toEqual([]);
  });
});

describe('audit trail in the log', () => {
  it('also writes each record to the log', async () => {
    const operator = await token(['dx:operate']);
    const answer = await post(gw, DISASSOCIATE, { input: { ...ALLOWED, dryRun: true } }, bearer(operator));
    const logged = log.lines.filter((line) => line.audit?.requestId === answer.requestId);
    expect(logged).toHaveLength(1);
    expect(logged[0]!.audit).toMatchObject({ outcome: 'SUCCESS', caller: 'alice@example.com' });
  });
});

// Runs last in this file, after every token above has been presented.
describe('secrets', () => {
  it('never writes a token to the log or the audit file', async () => {
    expect(issuedTokens.length).toBeGreaterThan(20);
    const logText = log.text();
    expect(log.lines.length).toBeGreaterThan(20);
    const auditText = await readFile(auditFile, 'utf8');
    for (const presented of issuedTokens) {
      expect(logText).not.toContain(presented);
      expect(auditText).not.toContain(presented);
      // Not even the signature (or, for alg:none, the payload) on its own.
      const [, payload, signature] = presented.split('.');
      const distinctive = signature || payload!;
      expect(logText).not.toContain(distinctive);
      expect(auditText).not.toContain(distinctive);
    }
    expect(logText.toLowerCase()).not.toContain('bearer ey');
  });
});
