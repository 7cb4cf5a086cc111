import { describe, expect, it } from 'vitest';
import { useTestGateway } from '../helpers/gateway.js';

// What /graphql and /healthz answer over real HTTP, as npm start serves them: the
// Sandbox page and introspection (on with the emulator backend), CSRF prevention,
// no HTTP batching, Apollo's codes for invalid GraphQL, CORS (docs/contract.md,
// "Routes"). /readyz and draining: test/graphql/startCommand.test.ts.

const gw = useTestGateway({}, { resetEachTest: false });

describe('the HTTP server as npm start runs it (NODE_ENV=production, embedded emulator)', () => {
  it('serves the Apollo Sandbox landing page to a browser at /graphql', async () => {
    const response = await fetch(gw.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html.toLowerCase()).toContain('sandbox');
  });

  it('serves GraphiQL at /graphiql from its own files only, under a content security policy that allows nothing else', async () => {
    const response = await fetch(new URL('/graphiql', gw.url));
    expect(response.status).toBe(200);
    const html = await response.text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(sources.length).toBeGreaterThan(3);
    expect(sources.every((src) => src.startsWith('/graphiql/assets/'))).toBe(true);
    for (const src of sources) expect((await fetch(new URL(src, gw.url))).status).toBe(200);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toMatch(/https?:/);
    expect((await fetch(new URL('/graphiql/assets/__proto__', gw.url))).status).toBe(404);
    expect((await fetch(new URL('/graphiql/assets/..%2Fpackage.json', gw.url))).status).toBe(404);
  });

  it('lets the /graphql page load Apollo Sandbox from its CDN and nothing else from elsewhere', async () => {
    const response = await fetch(gw.url, { headers: { accept: 'text/html' } });
    const csp = response.headers.get('content-security-policy')!;
    expect([...csp.matchAll(/https:\/\/[^\s;]+/g)].map((m) => m[0]).sort()).toEqual([
      'https://embeddable-sandbox.cdn.apollographql.com',
      'https://sandbox.embed.apollographql.com',
    ]);
  });

  it('answers introspection, because developer features follow the emulator backend', async () => {
    const { body } = await gw.graphql(`{ __type(name: "Connection") { fields { name description } } }`);
    const fields = body.data.__type.fields as Array<{ name: string; description: string }>;
    expect(fields.map((f) => f.name)).toContain('partnerInterconnectMacSecCapable');
    expect(fields.every((f) => f.description.length > 0)).toBe(true);
  });

  it('refuses a simple text/plain POST (CSRF prevention)', async () => {
    const response = await fetch(gw.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"query":"{ lags { lagId } }"}' });
    expect(response.status).toBe(400);
  });

  it('answers a GraphQL syntax error with GRAPHQL_PARSE_FAILED and no stack trace', async () => {
    const { status, body } = await gw.graphql(`{ lags { lagId `);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(JSON.stringify(body)).not.toContain('stacktrace');
  });

  it('answers an unknown field with GRAPHQL_VALIDATION_FAILED', async () => {
    const { status, body } = await gw.graphql(`{ lags { secretField } }`);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses batched requests', async () => {
    const response = await fetch(gw.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ lags { lagId } }' }, { query: '{ lags { lagId } }' }]),
    });
    expect(response.status).toBe(400);
  });

  it('reports liveness at /healthz', async () => {
    const response = await fetch(new URL('/healthz', gw.url));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('lets Apollo’s hosted Sandbox origin call it (CORS) and not an arbitrary site', async () => {
    const allowed = await fetch(gw.url, { method: 'OPTIONS', headers: { origin: 'https://studio.apollographql.com', 'access-control-request-method': 'POST' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://studio.apollographql.com');
    const refused = await fetch(gw.url, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('with introspection off', () => {
  const closed = useTestGateway({ GRAPHQL_INTROSPECTION: 'false' }, { resetEachTest: false });

  it('serves no explorer at all', async () => {
    expect((await fetch(new URL('/graphiql', closed.url))).status).toBe(404);
    expect((await fetch(new URL('/graphiql/assets/graphiql.min.js', closed.url))).status).toBe(404);
    const page = await fetch(closed.url, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toMatch(/sandbox|graphiql/i);
  });
});
