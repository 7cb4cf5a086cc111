import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { start, type Running } from '../../src/start.js';
import { createEmulator, type Emulator } from '../../src/emulator/index.js';
import { capturedLogger } from '../helpers/logger.js';

// With DX_BACKEND=aws the developer conveniences are off unless asked for, and
// running without authentication is loud. A stand-alone emulator plays AWS here.

let emulator: Emulator;
let endpoint: string;
const AWS = () => ({
  DX_BACKEND: 'aws',
  // The log as the only audit record: accepted out loud, as DX_BACKEND=aws requires.
  AUDIT_SINK: 'log',
  DX_ENDPOINT: endpoint,
  PORT: '0',
  NODE_ENV: 'production',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
});

beforeAll(async () => {
  emulator = createEmulator();
  endpoint = await emulator.listen(0);
});
afterAll(async () => {
  await emulator.close();
});

async function withGateway(env: Record<string, string>, use: (running: Running, log: ReturnType<typeof capturedLogger>) => Promise<void>) {
  const log = capturedLogger();
  // The SDK's default credential chain reads the process environment.
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  const running = await start(loadConfig({ ...AWS(), ...env }), log.logger);
  try {
    await use(running, log);
  } finally {
    await running.stop();
  }
}

const post = (url: string, query: string) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) }).then(
    async (r) => ({ status: r.status, body: (await r.json()) as { data?: any; errors?: any[] } }),
  );

describe('DX_BACKEND=aws', () => {
  it('warns loudly when AUTH_MODE=none, and still serves', async () => {
    await withGateway({ AUTH_MODE: 'none' }, async (running, log) => {
      const warning = log.lines.find((l) => l.level === 40 && /ANYONE WHO CAN REACH THIS PORT/.test(l.msg));
      expect(warning).toBeDefined();
      const { body } = await post(running.url, '{ lag(lagId: "dxlag-allow001") { lagId } }');
      expect(body.data.lag.lagId).toBe('dxlag-allow001');
    });
  });

  it('turns introspection and the Sandbox landing page off by default', async () => {
    await withGateway({ AUTH_MODE: 'none' }, async (running) => {
      const { body } = await post(running.url, '{ __schema { queryType { name } } }');
      expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      const page = await fetch(running.url, { headers: { accept: 'text/html' } });
      expect(await page.text()).not.toMatch(/sandbox/i);
    });
  });

  it('hides "Did you mean" field suggestions when introspection is off', async () => {
    await withGateway({ AUTH_MODE: 'none' }, async (running) => {
      const { body } = await post(running.url, '{ lags { lagNam } }');
      expect(JSON.stringify(body)).not.toMatch(/Did you mean/);
    });
  });

  it('turns them on with GRAPHQL_INTROSPECTION=true', async () => {
    await withGateway({ AUTH_MODE: 'none', GRAPHQL_INTROSPECTION: 'true' }, async (running) => {
      const { body } = await post(running.url, '{ __schema { queryType { name } } }');
      expect(body.data.__schema.queryType.name).toBe('Query');
    });
  });

  it('without AWS credentials, answers AWS_ACCESS_DENIED saying what an operator must do, not an internal error', async () => {
    // The SDK's default chain, with nothing to find: no keys, no files, no instance role.
    const saved = { ...process.env };
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN']) {
      delete process.env[name];
    }
    Object.assign(process.env, {
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
      AWS_CONFIG_FILE: '/nonexistent/config',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    const log = capturedLogger();
    const running = await start(loadConfig({ ...AWS(), AUTH_MODE: 'none', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' }), log.logger);
    try {
      const { status, body } = await post(running.url, '{ lag(lagId: "dxlag-allow001") { lagId } }');
      expect(status).toBe(200);
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'AWS_ACCESS_DENIED', retryable: false });
      expect(body.errors?.[0]?.message).toMatch(/found no AWS credentials/);
      expect(log.lines.some((l) => l.msg === 'unexpected error while resolving')).toBe(false);
    } finally {
      await running.stop();
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    }
  });

  it('allows no browser origin unless CORS_ORIGINS names it', async () => {
    await withGateway({ AUTH_MODE: 'none', CORS_ORIGINS: 'https://netops.example.com' }, async (running) => {
      const preflight = (origin: string) =>
        fetch(running.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
      expect((await preflight('https://netops.example.com')).headers.get('access-control-allow-origin')).toBe('https://netops.example.com');
      expect((await preflight('http://localhost:3000')).headers.get('access-control-allow-origin')).toBeNull();
    });
    await withGateway({ AUTH_MODE: 'none' }, async (running) => {
      const preflight = await fetch(running.url, {
        method: 'OPTIONS',
        headers: { origin: 'https://studio.apollographql.com', 'access-control-request-method': 'POST' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    });
  });
});

