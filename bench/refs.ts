import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

// Configurations `ref:<shortsha>`: the gateway as it was at a commit, to measure
// what a change costs against the code before it. Each commit is built once into
// a cache under the OS's temp directory, keyed by its full hash, from `git archive`
// (the commit's tracked files, nothing of the working tree), with its own
// lockfile's dependencies; later runs reuse the build.

export interface GitRef {
  /** As the user wrote it (`fb68082`, `HEAD~2`, `main`). */
  asked: string;
  sha: string;
  /** The configuration's name: `ref:` and the first 7 hex digits. */
  name: `ref:${string}`;
}

export interface RefBuild extends GitRef {
  dir: string;
  reused: boolean;
  buildSeconds: number;
}

export const REF_PREFIX = 'ref:';
const REF_CACHE = path.join(os.tmpdir(), 'dxgraph-bench-refs');
/** Written last: a directory without it is a build that did not finish, and is built again. */
const MARKER = '.bench-built';

/** The commit `asked` names in the repository at `root`, or undefined if it names none. */
export function resolveRef(root: string, asked: string): GitRef | undefined {
  const out = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${asked}^{commit}`], { cwd: root, encoding: 'utf8' });
  const sha = out.status === 0 ? out.stdout.trim() : '';
  return /^[0-9a-f]{40}$/.test(sha) ? { asked, sha, name: `${REF_PREFIX}${sha.slice(0, 7)}` } : undefined;
}

/** Runs a step of the build, its output appended to the build log; fails with the log's tail. */
function step(description: string, command: string, args: string[], cwd: string, logFile: string, env: NodeJS.ProcessEnv, stdin?: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const log = createWriteStream(logFile, { flags: 'a' });
    log.write(`\n$ ${command} ${args.join(' ')}\n`);
    const child = spawn(command, args, { cwd, env, stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    if (stdin) stdin.pipe(child.stdin!);
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    child.once('error', reject);
    child.once('close', (code) => {
      log.end(async () => {
        if (code === 0) return resolve();
        const tail = (await readFile(logFile, 'utf8')).split('\n').slice(-30).join('\n');
        reject(new Error(`${description} failed (exit ${code}); ${logFile} ends:\n${tail}`));
      });
    });
  });
}

const buildDir = (sha: string) => path.join(REF_CACHE, sha);

/** Whether a finished build of the commit is in the cache. */
export const isBuilt = (sha: string): boolean => existsSync(path.join(buildDir(sha), MARKER));

/**
 * The commit's tree under REF_CACHE/<sha>, with `npm ci` and `npm run build` done:
 * its dist/main.js is what the configuration starts.
 */
export async function buildRef(root: string, ref: GitRef, log: (line: string) => void): Promise<RefBuild> {
  const dir = buildDir(ref.sha);
  if (isBuilt(ref.sha)) return { ...ref, dir, reused: true, buildSeconds: 0 };

  const started = performance.now();
  log(`${ref.name}: building ${ref.sha} in ${dir} (git archive, npm ci, npm run build)`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const logFile = path.join(dir, 'bench-build.log');
  // npm must install devDependencies (the build's compiler and codegen): no NODE_ENV=production here.
  const { NODE_ENV: _, ...env } = process.env;
  const archive = spawn('git', ['archive', '--format=tar', ref.sha], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const archived = new Promise<void>((resolve, reject) =>
    archive.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`git archive ${ref.sha} failed (exit ${code})`)))),
  );
  await step('tar -x', 'tar', ['-x', '-f', '-'], dir, logFile, env, archive.stdout);
  await archived;
  await step('npm ci', 'npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], dir, logFile, env);
  await step('npm run build', 'npm', ['run', 'build'], dir, logFile, env);
  for (const entry of ['dist/main.js', 'dist/emulator/main.js']) {
    if (!existsSync(path.join(dir, entry))) throw new Error(`${ref.name}: the build left no ${entry} (see ${logFile})`);
  }
  await writeFile(path.join(dir, MARKER), `${new Date().toISOString()}\n`);
  const buildSeconds = (performance.now() - started) / 1000;
  log(`${ref.name}: built in ${buildSeconds.toFixed(0)} s`);
  return { ...ref, dir, reused: false, buildSeconds };
}
