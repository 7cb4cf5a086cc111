import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it, vi } from 'vitest';

// The compiled entry point, run as `npm start` runs it (tsc build, then
// NODE_ENV=production node dist/main.js), on ephemeral ports, as a real process
// that receives real signals.

const run = promisify(execFile);

interface Process {
  child: ChildProcess;
  url: string;
  emulatorUrl: string;
  output: () => string;
  exited: Promise<number | null>;
}

async function launch(env: Record<string, string> = {}): Promise<Process> {
  const chunks: string[] = [];
  const child = spawn(process.execPath, ['dist/main.js'], {
    env: { ...process.env, NODE_ENV: 'production', PORT: '0', DX_EMULATOR_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stdout!.on('data', (chunk) => chunks.push(chunk.toString()));
  child.stderr!.on('data', (chunk) => chunks.push(chunk.toString()));
  const output = () => chunks.join('');
  const ready = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready within 30 s:\n${output()}`)), 30_000);
    const check = () => {
      const match = output().match(/dxgraph ready at (http:\/\/\S+\/graphql)[\s\S]*embedded emulator at (http:\/\/\S+?);/);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout!.on('data', check);
    check();
  });
  return { child, url: ready[1]!, emulatorUrl: ready[2]!, output, exited };
}

const graphql = async (url: string, query: string) => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: any[] } };
};

const disassociate = (connectionId: string, lagId: string, dryRun = false) =>
  `mutation { disassociateConnectionFromLag(input: { connectionId: "${connectionId}", lagId: "${lagId}", dryRun: ${dryRun} }) { __typename ... on DirectConnectError { code } } }`;

beforeAll(async () => {
  await run('npx', ['tsc', '-p', 'tsconfig.build.json']);
}, 120_000);

describe('node dist/main.js (what npm start runs)', () => {
  let gateway: Process;
  beforeAll(async () => {
    gateway = await launch();
  }, 60_000);

  it('serves GraphQL on the embedded emulator and logs JSON lines', async () => {
    const { body } = await graphql(gateway.url, '{ lag(lagId: "dxlag-allow001") { numberOfConnections } }');
    expect(body).toEqual({ data: { lag: { numberOfConnections: 3 } } });
    const ready = gateway.output().split('\n').find((line) => line.includes('dxgraph ready'));
    expect(JSON.parse(ready!)).toMatchObject({ level: 30, backend: 'emulator', regions: ['us-east-1', 'eu-west-1'] });
  });

  it('serves the Sandbox landing page in production mode', async () => {
    const response = await fetch(gateway.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/sandbox/i);
  });

  it('shares the emulator with other AWS clients on its own port', async () => {
    const stats = await fetch(`${gateway.emulatorUrl}/_emulator/stats`);
    const { requests } = (await stats.json()) as { requests: Record<string, number> };
    expect(requests.DescribeLags).toBeGreaterThanOrEqual(1);
  });

  it('reports ready, then exits 0 on SIGTERM', async () => {
    const ready = await fetch(new URL('/readyz', gateway.url));
    expect(await ready.json()).toEqual({ status: 'ready', checks: { audit: { ok: true } } });
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
  });
});

describe('LOG_FORMAT', () => {
  it('writes lines a person can read with LOG_FORMAT=pretty (JSON lines are the default when stdout is not a terminal)', async () => {
    const gateway = await launch({ LOG_FORMAT: 'pretty' });
    try {
      const ready = gateway.output().split('\n').find((line) => line.includes('dxgraph ready at'))!;
      expect(() => JSON.parse(ready)).toThrow();
      expect(ready).toMatch(/INFO/);
      expect(ready).toMatch(/\d\d:\d\d:\d\d\.\d{3}/);
    } finally {
      gateway.child.kill('SIGTERM');
      await gateway.exited;
    }
  });

  it('writes lines a person can read by default when stdout is a terminal (a pseudo-terminal from script(1))', async () => {
    const child = spawn('script', ['-qfec', `${process.execPath} dist/main.js`, '/dev/null'], {
      env: { ...process.env, NODE_ENV: 'production', PORT: '0', DX_EMULATOR_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const chunks: string[] = [];
    child.stdout!.on('data', (chunk) => chunks.push(chunk.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await vi.waitFor(() => expect(chunks.join('')).toContain('dxgraph ready at'), { timeout: 30_000, interval: 100 });
      const ready = chunks.join('').split(/\r?\n/).find((line) => line.includes('dxgraph ready at'))!;
      expect(() => JSON.parse(ready)).toThrow();
      expect(ready).toMatch(/INFO/);
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
  });

  it('refuses a format it does not know', async () => {
    const failure = await run(process.execPath, ['dist/main.js'], { env: { ...process.env, LOG_FORMAT: 'xml' } }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect('code' in failure && failure.code).toBe(1);
    expect((failure as { stderr: string }).stderr).toMatch(/LOG_FORMAT.*json or pretty/);
  });
});

describe('SIGTERM with SHUTDOWN_DELAY_MS', () => {
  it('answers /readyz 503 while still serving, then exits 0', async () => {
    const gateway = await launch({ SHUTDOWN_DELAY_MS: '1500' });
    gateway.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ready = await fetch(new URL('/readyz', gateway.url));
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'draining' });
    const { body } = await graphql(gateway.url, '{ lag(lagId: "dxlag-allow001") { lagId } }');
    expect(body.data.lag.lagId).toBe('dxlag-allow001');
    expect(await gateway.exited).toBe(0);
  }, 30_000);
});

describe('SIGTERM during a disassociation', () => {
  it('lets the in-flight mutation finish and be audited, with exactly one outcome per attempt, each real one after its intent', async () => {
    const auditFile = join(await mkdtemp(join(tmpdir(), 'dxgraph-audit-')), 'audit.jsonl');
    const gateway = await launch({ AUDIT_LOG_FILE: auditFile, DX_EMULATOR_TRANSITION_MS: '0' });

    // A mixed run first: dry run, success, typed refusal, invalid input, and a query (not audited).
    const outcomes = [];
    for (const query of [
      disassociate('dxcon-allow01a', 'dxlag-allow001', true),
      disassociate('dxcon-allow01a', 'dxlag-allow001'),
      disassociate('dxcon-minlnk1a', 'dxlag-minlink01'),
      disassociate('not-an-id', 'dxlag-minlink01'),
      '{ lags { lagId } }',
    ]) {
      outcomes.push((await graphql(gateway.url, query)).body);
    }
    expect(outcomes.slice(0, 4).map((o) => o.data.disassociateConnectionFromLag.__typename)).toEqual([
      'DisassociateConnectionFromLagSuccess',
      'DisassociateConnectionFromLagSuccess',
      'MinimumLinksViolation',
      'InvalidInput',
    ]);

    // AWS takes 1.5 s to answer the next disassociation; SIGTERM arrives meanwhile.
    await fetch(`${gateway.emulatorUrl}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'latency', latencyMs: 1500, operation: 'DisassociateConnectionFromLag', count: 1 }),
    });
    const inFlight = graphql(gateway.url, disassociate('dxcon-allow01b', 'dxlag-allow001'));
    await new Promise((resolve) => setTimeout(resolve, 400));
    gateway.child.kill('SIGTERM');

    const { status, body } = await inFlight;
    expect(status).toBe(200);
    expect(body.data.disassociateConnectionFromLag.__typename).toBe('DisassociateConnectionFromLagSuccess');
    expect(await gateway.exited).toBe(0);

    const lines = (await readFile(auditFile, 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    // A dry run is one attempt record, as is a real call refused before its intent (bad
    // input); a real call an intent, then its outcome (docs/contract.md, "The mutations").
    const records = lines.filter((r) => r.kind !== 'intent');
    expect(records.map((r) => [r.kind, r.input.connectionId, r.outcome])).toEqual([
      ['attempt', 'dxcon-allow01a', 'SUCCESS'],
      ['outcome', 'dxcon-allow01a', 'SUCCESS'],
      ['outcome', 'dxcon-minlnk1a', 'MINIMUM_LINKS_VIOLATION'],
      ['attempt', 'not-an-id', 'BAD_USER_INPUT'],
      ['outcome', 'dxcon-allow01b', 'SUCCESS'],
    ]);
    expect(lines.filter((r) => r.kind === 'intent')).toHaveLength(3);
    for (const outcome of records.filter((r) => r.kind === 'outcome')) {
      const intent = lines.findIndex((r) => r.kind === 'intent' && r.id === outcome.intentId);
      expect(intent, `the intent of ${outcome.input.connectionId}`).toBeGreaterThanOrEqual(0);
      expect(intent).toBeLessThan(lines.indexOf(outcome));
      expect(lines[intent].input).toEqual(outcome.input);
    }
    expect(records[0].input.dryRun).toBe(true);
    expect(records[0].awsRequestId).toBeNull();
    expect(records[4].awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(records[4].durationMs).toBeGreaterThanOrEqual(1000);
  }, 60_000);
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

  it('refuses to start against real AWS until AUTH_MODE is set', async () => {
    const failure = await run(process.execPath, ['dist/main.js'], {
      env: { ...process.env, DX_BACKEND: 'aws', PORT: '0' },
    }).catch((error: { code: number; stderr: string }) => error);
    expect('code' in failure && failure.code).toBe(1);
    expect((failure as { stderr: string }).stderr).toContain('AUTH_MODE');
  });
});
