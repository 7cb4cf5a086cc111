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
