import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The compiled entry point, run as `npm start` runs it (tsc build, then
// NODE_ENV=production node dist/main.js), on ephemeral ports.

const run = promisify(execFile);
let child: ChildProcess;
let url: string;
let emulatorUrl: string;
const output: string[] = [];

function waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${output.join('')}`)), timeoutMs);
    const check = () => {
      for (const line of output.join('').split('\n')) {
        const match = line.match(pattern);
        if (match) {
          clearTimeout(timer);
          resolve(match);
          return true;
        }
      }
      return false;
    };
    if (!check()) child.stdout!.on('data', () => check());
  });
}

beforeAll(async () => {
  await run('npx', ['tsc', '-p', 'tsconfig.build.json']);
  child = spawn(process.execPath, ['dist/main.js'], {
    env: { ...process.env, NODE_ENV: 'production', PORT: '0', DX_EMULATOR_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk) => output.push(chunk.toString()));
  [, url] = (await waitForLine(/dxgraph ready at (http:\/\/\S+\/graphql)/, 30_000)) as unknown as [string, string];
  [, emulatorUrl] = (await waitForLine(/embedded emulator at (http:\/\/\S+?);/, 5_000)) as unknown as [string, string];
}, 120_000);

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
});

describe('node dist/main.js (what npm start runs)', () => {
  it('serves GraphQL on the embedded emulator and logs JSON lines', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ lag(lagId: "dxlag-allow001") { numberOfConnections } }' }),
    });
    expect(await response.json()).toEqual({ data: { lag: { numberOfConnections: 3 } } });
    const ready = output.join('').split('\n').find((line) => line.includes('dxgraph ready'));
    expect(JSON.parse(ready!)).toMatchObject({ level: 30, backend: 'emulator', regions: ['us-east-1', 'eu-west-1'] });
  });

  it('serves the Sandbox landing page in production mode', async () => {
    const response = await fetch(url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/sandbox/i);
  });

  it('shares the emulator with other AWS clients on its own port', async () => {
    const stats = await fetch(`${emulatorUrl}/_emulator/stats`);
    const { requests } = (await stats.json()) as { requests: Record<string, number> };
    expect(requests.DescribeLags).toBeGreaterThanOrEqual(1);
  });

  it('exits 0 on SIGTERM after draining', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

describe('start-up with bad configuration', () => {
  it('reports every problem and exits non-zero without serving', async () => {
    const failure = await run(process.execPath, ['dist/main.js'], {
      env: { ...process.env, PORT: 'eighty', DX_BACKEND: 'azure', DX_EMULATOR_SEED: 'huge' },
    }).catch((error: { code: number; stderr: string }) => error);
    expect('code' in failure && failure.code).toBe(1);
    const stderr = (failure as { stderr: string }).stderr;
    for (const name of ['PORT', 'DX_BACKEND', 'DX_EMULATOR_SEED']) expect(stderr).toContain(name);
  });
});
