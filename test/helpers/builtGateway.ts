import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

// A real `node dist/main.js`, for what only a real process shows (a kill, a closed
// stdout). Built into a directory of its own: test/graphql/startCommand.test.ts
// rebuilds the repository's dist/ at the same time in another worker.

const run = promisify(execFile);

export interface Build {
  dir: string;
  remove(): Promise<void>;
}

/** Compiles src/ into a temporary directory with what dist/ finds beside it in the repository. */
export async function buildGateway(): Promise<Build> {
  const dir = await mkdtemp(join(tmpdir(), 'dxgraph-build-'));
  await run('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', join(dir, 'dist')]);
  // schema/ (src/schema.ts), migrations/ (src/audit/database.ts), the packages, "type": "module".
  for (const name of ['schema', 'migrations', 'node_modules']) await symlink(resolve(name), join(dir, name));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export interface Launched {
  child: ChildProcess;
  url: string;
  /** The embedded emulator's URL; undefined with DX_BACKEND=aws. */
  emulatorUrl?: string;
  exited: Promise<unknown>;
  /** Everything it wrote so far, stdout and stderr. */
  output(): string;
  /** SIGKILL, and its exit. */
  kill(): Promise<unknown>;
}

/** Starts the built gateway with `env` over the shell's; resolves once it says it is ready. */
export async function launchGateway(build: Build, env: Record<string, string>): Promise<Launched> {
  const chunks: string[] = [];
  // No audit setting from the shell running the tests: each test says its own.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AUDIT_')));
  const child = spawn(process.execPath, [join(build.dir, 'dist', 'main.js')], {
    env: { ...inherited, NODE_ENV: 'production', PORT: '0', DX_EMULATOR_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((done) => child.once('exit', (code, signal) => done(signal ?? code)));
  const output = () => chunks.join('');
  child.stderr!.on('data', (chunk) => chunks.push(chunk.toString()));
  const ready = await new Promise<RegExpMatchArray>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`not ready within 30 s:\n${output()}`)), 30_000);
    child.once('exit', () => fail(new Error(`exited before it was ready:\n${output()}`)));
    child.stdout!.on('data', (chunk) => {
      chunks.push(chunk.toString());
      const text = output();
      const match = env.DX_BACKEND === 'aws'
        ? text.match(/dxgraph ready at (http:\/\/[^\s"]+\/graphql)/)
        : text.match(/dxgraph ready at (http:\/\/\S+\/graphql)[\s\S]*embedded emulator at (http:\/\/\S+?);/);
      if (match) {
        clearTimeout(timer);
        done(match);
      }
    });
  });
  return {
    child,
    url: ready[1]!,
    emulatorUrl: ready[2],
    exited,
    output,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
}

/** Polls `probe` every 25 ms until it answers something, for at most `withinMs`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, withinMs = 10_000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
