import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLines, attemptsIn, writeApiKeysFile } from '../helpers/authRequests.js';
import { sleep } from '../helpers/emulator.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { AUDIENCE, ISSUER, newSigningKey, signToken, startJwksServer, type JwksServer, type SigningKey } from '../helpers/jwks.js';
import { acknowledged, initMessage, metricValue, rawSocket, runOnce, subscribeMessage, subscribe, subscriber, subscriptionsRunning, until } from '../helpers/subscriptions.js';

// What a hostile or broken client can do to the WebSocket on /graphql, and what it
// gets (docs/contract.md, "Live state"): each is refused or dropped with its
// documented close code, the process stays up, and the other sockets carry on.

const LAG_WATCH = 'subscription { lagChanged(lagId: "dxlag-allow001") { changes { field planned current } } }';
/** The gateway still answers over HTTP and over a fresh socket. */
async function stillServes(gw: TestGateway, payload?: Record<string, unknown>, headers: Record<string, string> = {}) {
  expect((await gw.graphql('{ lags { lagId } }', undefined, headers)).body.data?.lags.length).toBeGreaterThan(0);
  const client = subscriber(gw.url, payload);
  try {
    expect((await runOnce(client, '{ lag(lagId: "dxlag-allow001") { lagId } }')).data).toEqual({ lag: { lagId: 'dxlag-allow001' } });
  } finally {
    await client.dispose();
  }
}

describe('with API keys', () => {
  let gw: TestGateway;
  let dir: string;
  const READER = { 'x-api-key': 'reader-key-0123456789abcdef' };
  const NOBODY = { 'x-api-key': 'nobody-key-0123456789abcdef' };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dxgraph-ws-'));
    const keys = await writeApiKeysFile(dir, {
      reader: { key: READER['x-api-key'], roles: ['dx:read'] },
      nobody: { key: NOBODY['x-api-key'], roles: ['billing:read'] },
    });
    gw = await startTestGateway({ AUTH_MODE: 'apikey', API_KEYS_FILE: keys, DX_WATCH_INTERVAL_MS: '1000', CORS_ORIGINS: 'https://console.example.com' });
  });
  afterAll(async () => {
    await gw.stop();
  });

  it('closes a socket that never sends connection_init with 4408 after 3 s', async () => {
    const raw = await rawSocket(gw.url);
    const openedAt = Date.now();
    const { code } = await raw.closed;
    expect(code).toBe(4408);
    expect(Date.now() - openedAt).toBeGreaterThanOrEqual(2900);
    await stillServes(gw, READER, READER);
  });

  it.each([
    ['no credentials', undefined],
    ['an unknown API key', { 'x-api-key': 'not-a-key-of-this-gateway' }],
    ['an API key sent as a bearer token', { authorization: `Bearer ${READER['x-api-key']}` }],
  ])('closes a socket whose connection_init carries %s with 4401, before anything runs', async (_what, payload) => {
    const raw = await rawSocket(gw.url);
    raw.send(initMessage(payload));
    raw.send(subscribeMessage('1', LAG_WATCH));
    // The subscribe may be read before authentication ends (graphql-ws then closes with
    // 4401 "Unauthorized" itself): either way 4401, and nothing answered.
    expect((await raw.closed).code).toBe(4401);
    expect(raw.messages).toEqual([]);
    expect(await metricValue(gw.url, 'dxgraph_subscriptions')).toBe(0);
  });

  it('refuses an Origin CORS_ORIGINS does not allow at the upgrade (403), and lets the allowed one and the gateway\'s own in', async () => {
    await expect(rawSocket(gw.url, { origin: 'https://evil.example.net' })).rejects.toMatchObject({ statusCode: 403 });
    const allowed = await acknowledged(gw.url, READER, { origin: 'https://console.example.com' });
    const own = await acknowledged(gw.url, READER, { origin: new URL(gw.url).origin });
    allowed.socket.close();
    own.socket.close();
    await stillServes(gw, READER, READER);
  });

  it('says why a socket is refused: the credentials\' fault, in words', async () => {
    const raw = await rawSocket(gw.url);
    raw.send(initMessage({ 'x-api-key': 'not-a-key-of-this-gateway' }));
    expect(await raw.closed).toEqual({ code: 4401, reason: 'Not authenticated: the API key is not valid.' });
  });

  it('closes a socket that does not speak graphql-transport-ws with 4406', async () => {
    // Offered another protocol, the upgrade chooses none; a client that insists stops there.
    await expect(rawSocket(gw.url, { protocol: 'graphql-ws' })).rejects.toThrow(/no subprotocol/);
    const raw = await rawSocket(gw.url, { protocol: null });
    expect((await raw.closed).code).toBe(4406);
  });

  it('runs nothing for a caller without dx:read: FORBIDDEN for its query and its subscription', async () => {
    const client = subscriber(gw.url, NOBODY);
    try {
      await expect(runOnce(client, '{ lags { lagId } }')).rejects.toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
      await expect(runOnce(client, LAG_WATCH)).rejects.toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
    } finally {
      await client.dispose();
    }
  });

  it('applies the query limits: a query past the depth limit is refused before it runs', async () => {
    const client = subscriber(gw.url, READER);
    const deep = '{ connections { lag { connections { lag { connections { lag { connections { lag { connections { connectionId } } } } } } } } } }';
    const before = await gw.awsCalls();
    try {
      await expect(runOnce(client, deep)).rejects.toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }) })]);
    } finally {
      await client.dispose();
    }
    expect(await gw.awsCalls()).toEqual(before);
  });

  it('runs 20 subscriptions on one socket, refuses the 21st with TOO_MANY_SUBSCRIPTIONS, and takes one again once one ends', async () => {
    const raw = await acknowledged(gw.url, READER);
    for (let i = 1; i <= 21; i += 1) raw.send(subscribeMessage(String(i), LAG_WATCH));
    await until(() => raw.messages.some((message) => message.id === '21'), 'an answer to the 21st');
    const refused = raw.messages.find((message) => message.id === '21');
    expect(refused).toMatchObject({ type: 'error', payload: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'TOO_MANY_SUBSCRIPTIONS' }) })] });
    await subscriptionsRunning(gw.url, 20);
    expect(await metricValue(gw.url, 'dxgraph_subscriptions')).toBe(20);
    // The 20 keep running: a change reaches every one of them.
    await fetch(`${gw.emulatorUrl}/_emulator/connection-state`, { method: 'POST', body: JSON.stringify({ region: 'us-east-1', connectionId: 'dxcon-allow01b', connectionState: 'down' }) });
    await until(() => raw.messages.filter((message) => message.type === 'next').length === 20, '20 events', 5000);
    // One ends; another may start, and runs: the next change reaches it.
    raw.send({ id: '1', type: 'complete' });
    await until(async () => (await metricValue(gw.url, 'dxgraph_subscriptions')) === 19, 'the first to end');
    raw.send(subscribeMessage('22', LAG_WATCH));
    await subscriptionsRunning(gw.url, 20);
    await fetch(`${gw.emulatorUrl}/_emulator/connection-state`, { method: 'POST', body: JSON.stringify({ region: 'us-east-1', connectionId: 'dxcon-allow01b', connectionState: 'available' }) });
    await until(() => raw.messages.some((message) => message.id === '22' && message.type === 'next'), 'an event on the 22nd', 5000);
    expect(raw.messages.some((message) => message.id === '22' && message.type === 'error')).toBe(false);
    raw.socket.close();
    await until(async () => (await metricValue(gw.url, 'dxgraph_subscriptions')) === 0, 'the socket\'s subscriptions to end');
    await gw.reset();
  });

  it('closes a socket that sends a message over BODY_LIMIT_BYTES (1 MB) with 1009; the others carry on', async () => {
    const other = subscriber(gw.url, READER);
    const watching = subscribe(other, LAG_WATCH);
    await subscriptionsRunning(gw.url, 1);
    const raw = await acknowledged(gw.url, READER);
    raw.send(subscribeMessage('big', `{ lags { lagId } } # ${'x'.repeat(1024 * 1024)}`));
    expect((await raw.closed).code).toBe(1009);
    await fetch(`${gw.emulatorUrl}/_emulator/connection-state`, { method: 'POST', body: JSON.stringify({ region: 'us-east-1', connectionId: 'dxcon-allow01a', connectionState: 'down' }) });
    const [event] = await watching.waitFor(1);
    expect(event!.data.lagChanged.changes).toContainEqual({ field: 'connection(dxcon-allow01a).connectionState', planned: 'available', current: 'down' });
    await other.dispose();
    await gw.reset();
  });

  it('drops a client that stops reading once its unsent answers pass 1 MiB; the others carry on', async () => {
    const raw = await acknowledged(gw.url, READER);
    // The client's TCP socket stops reading: what the gateway sends piles up on its side.
    (raw.socket as unknown as { _socket: import('node:net').Socket })._socket.pause();
    const big = '{ connections { connectionId connectionName connectionState bandwidth location lagId awsDeviceV2 tags { key value } } virtualInterfaces { virtualInterfaceId virtualInterfaceName routeFilterPrefixes { cidr } bgpPeers { bgpPeerId bgpStatus } } }';
    // It keeps asking: 16 run at a time and 100 wait their turn (about 8 kB of answer
    // each), so it asks again in rounds, as a script that never reads its answers would.
    const open = async () => (await metricValue(gw.url, 'dxgraph_websocket_sockets')) > 0;
    const startedAt = Date.now();
    for (let round = 0; (await open()) && Date.now() - startedAt < 40_000; round += 1) {
      for (let i = 0; i < 116; i += 1) raw.send(subscribeMessage(`q${round}-${i}`, big));
      await sleep(200);
    }
    expect(await open()).toBe(false);
    await stillServes(gw, READER, READER);
  }, 60_000);
});

describe('with JWTs', () => {
  let gw: TestGateway;
  let jwks: JwksServer;
  let key: SigningKey;
  beforeAll(async () => {
    key = await newSigningKey('ws-key');
    jwks = await startJwksServer([key]);
    gw = await startTestGateway({ AUTH_MODE: 'jwt', JWT_JWKS_URL: jwks.url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, DX_WATCH_INTERVAL_MS: '1000' });
  });
  afterAll(async () => {
    await gw.stop();
    await jwks.close();
  });

  it('refuses an expired token at connection_init with 4401', async () => {
    const raw = await rawSocket(gw.url);
    raw.send(initMessage({ authorization: `Bearer ${await signToken(key, { claims: { roles: ['dx:read'] }, expiresIn: -60 })}` }));
    expect(await raw.closed).toEqual({ code: 4401, reason: 'Not authenticated: the bearer token has expired.' });
  });

  it('closes the socket with 4401 when its token expires, ending its subscriptions', async () => {
    // jose allows 5 s of clock skew at verification; the socket closes at `exp` itself.
    const token = await signToken(key, { claims: { roles: ['dx:read'] }, expiresIn: 3 });
    const raw = await acknowledged(gw.url, { authorization: `Bearer ${token}` });
    raw.send(subscribeMessage('1', LAG_WATCH));
    await subscriptionsRunning(gw.url, 1);
    const { code, reason } = await raw.closed;
    expect({ code, reason }).toEqual({ code: 4401, reason: 'Not authenticated: the bearer token has expired.' });
    await until(async () => (await metricValue(gw.url, 'dxgraph_subscriptions')) === 0, 'its subscription to end');
    const fresh = await signToken(key, { claims: { roles: ['dx:read'] } });
    await stillServes(gw, { authorization: `Bearer ${fresh}` }, { authorization: `Bearer ${fresh}` });
  });
});

/** A key set that answers after `delayMs`, as an identity provider under load: how often it was asked, and has answered. */
async function slowJwksServer(key: SigningKey, delayMs: number) {
  const keys = { keys: [{ ...(await exportJWK(key.publicKey)), kid: key.kid, alg: key.alg, use: 'sig' }] };
  let asked = 0;
  let answered = 0;
  const server = http.createServer((_request, response) => {
    asked += 1;
    setTimeout(() => {
      answered += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(keys));
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
    asked: () => asked,
    answered: () => answered,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('with JWTs from an identity provider that answers slowly', () => {
  let gw: TestGateway;
  let jwks: Awaited<ReturnType<typeof slowJwksServer>>;
  let key: SigningKey;
  beforeAll(async () => {
    key = await newSigningKey('slow-key');
    jwks = await slowJwksServer(key, 500);
    gw = await startTestGateway({ AUTH_MODE: 'jwt', JWT_JWKS_URL: jwks.url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });
  });
  afterAll(async () => {
    await gw.stop();
    await jwks.close();
  });

  it('leaves no expiry timer behind for a socket that closed while its token was being checked', async () => {
    const token = await signToken(key, { claims: { roles: ['dx:read'] } });
    // The gateway runs in this process: a timer it leaves set keeps the process alive, and shows here.
    const timers = () => process.getActiveResourcesInfo().filter((type) => type === 'Timeout').length;
    const before = timers();
    const sockets = await Promise.all(Array.from({ length: 5 }, () => rawSocket(gw.url)));
    for (const raw of sockets) raw.send(initMessage({ authorization: `Bearer ${token}` }));
    await until(() => jwks.asked() > 0, 'the gateway to ask for the key set');
    for (const raw of sockets) raw.socket.close();
    await Promise.all(sockets.map((raw) => raw.closed));
    await until(() => jwks.answered() > 0, 'the key set to arrive');
    // Authentication ends once the key set has arrived.
    await sleep(200);
    expect(timers()).toBeLessThanOrEqual(before);
    // The same token is good on a socket that stays.
    await stillServes(gw, { authorization: `Bearer ${token}` }, { authorization: `Bearer ${token}` });
  });
});

describe('with trusted documents', () => {
  let gw: TestGateway;
  let auditFile: string;
  const LISTED = LAG_WATCH;
  const hash = createHash('sha256').update(LISTED).digest('hex');
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dxgraph-ws-trusted-'));
    const manifest = join(dir, 'persisted-documents.json');
    await writeFile(manifest, JSON.stringify({ [hash]: LISTED }));
    auditFile = join(dir, 'audit.jsonl');
    gw = await startTestGateway({ TRUSTED_DOCUMENTS_FILE: manifest, AUDIT_LOG_FILE: auditFile, DX_WATCH_INTERVAL_MS: '1000' });
  });
  afterAll(async () => {
    await gw.stop();
  });

  it('runs a listed subscription by its text or by extensions.documentId, and refuses any other document with DOCUMENT_NOT_TRUSTED', async () => {
    const raw = await acknowledged(gw.url);
    raw.send(subscribeMessage('text', LISTED));
    raw.send(subscribeMessage('named', '', { extensions: { documentId: `sha256:${hash}` } }));
    raw.send(subscribeMessage('other', 'subscription { lagChanged(lagId: "dxlag-busy0001") { changes { field } } }'));
    raw.send(subscribeMessage('change', 'mutation { disassociateConnectionFromLag(input: { connectionId: "dxcon-allow01c", lagId: "dxlag-allow001", clientRequestId: "untrusted-ws" }) { __typename } }'));
    await subscriptionsRunning(gw.url, 2);
    await until(() => ['other', 'change'].every((id) => raw.messages.some((message) => message.id === id)), 'both refusals');
    for (const id of ['other', 'change']) {
      expect(raw.messages.find((message) => message.id === id)).toMatchObject({ type: 'error', payload: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'DOCUMENT_NOT_TRUSTED' }) })] });
    }
    // The refused change never reached AWS, and it is audited as refused.
    expect((await gw.awsCalls()).DisassociateConnectionFromLag ?? 0).toBe(0);
    const refused = attemptsIn(await auditLines(auditFile)).filter((record) => record.clientRequestId === 'untrusted-ws');
    expect(refused).toMatchObject([{ operation: 'disassociateConnectionFromLag', outcome: 'DOCUMENT_NOT_TRUSTED' }]);
    raw.socket.close();
  });
});

describe('shutting down', () => {
  it('lets an in-flight query finish, then closes every socket with 1001', async () => {
    const gw = await startTestGateway({ DX_EMULATOR_LATENCY_MS: '400' });
    const client = subscriber(gw.url);
    const watching = subscribe(client, LAG_WATCH);
    await subscriptionsRunning(gw.url, 1, 15_000);
    const raw = await acknowledged(gw.url);
    raw.send(subscribeMessage('slow', '{ lags { lagId } }'));
    await sleep(50);
    await gw.stop();
    expect(raw.messages.find((message) => message.id === 'slow' && message.type === 'next')?.payload.data.lags.length).toBeGreaterThan(0);
    expect((await raw.closed).code).toBe(1001);
    expect(await watching.ended).toMatchObject({ error: expect.objectContaining({ code: 1001 }) });
  }, 30_000);

  it('starts nothing sent once shutdown began: the operation ends with its socket\'s 1001, after the in-flight one is answered', async () => {
    const gw = await startTestGateway({ DX_EMULATOR_LATENCY_MS: '800' });
    const raw = await acknowledged(gw.url);
    raw.send(subscribeMessage('slow', '{ lags { lagId } }'));
    await sleep(50);
    const stopped = gw.stop();
    // Shutdown has begun; the slow query is still reading AWS.
    await sleep(100);
    raw.send(subscribeMessage('late', '{ connections { connectionId } }'));
    raw.send(subscribeMessage('late-watch', LAG_WATCH));
    await stopped;
    expect((await raw.closed).code).toBe(1001);
    expect(raw.messages.find((message) => message.id === 'slow' && message.type === 'next')?.payload.data.lags.length).toBeGreaterThan(0);
    expect(raw.messages.filter((message) => message.id === 'late' || message.id === 'late-watch')).toEqual([]);
  }, 30_000);
});
