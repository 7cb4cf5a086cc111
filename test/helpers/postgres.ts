import { freePort, reportMissing } from './programs.js';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, chownSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

// A real PostgreSQL server for the change-record tests (Debian's postgresql; .ci/run
// installs it where it is missing). Each test file gets its own cluster, made with
// initdb in a temporary directory and served on a free port, so a test can stop,
// freeze or restart it without touching any other test. PostgreSQL refuses to run
// as root, so as root the cluster belongs to Debian's `postgres` user.

/** Debian keeps the server programs under /usr/lib/postgresql/<major>/bin, off PATH. */
function findBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const majors = readdirSync(root).filter((name) => existsSync(join(root, name, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a));
    if (majors[0]) return join(root, majors[0], 'bin');
  }
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  return onPath ? join(onPath, '..') : undefined;
}

const bin = findBin();
const asRoot = process.getuid?.() === 0;
const owner = asRoot ? spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }) : undefined;
export const postgresAvailable = Boolean(bin) && (!asRoot || owner?.status === 0);

// A missing program fails the suite under .ci/run, and skips its tests elsewhere.
reportMissing(postgresAvailable, "PostgreSQL's server (initdb, postgres)", "Debian's postgresql");


/** Runs a server program as the cluster's owner. */
function command(program: string, args: string[]): [string, string[]] {
  const path = join(bin!, program);
  return asRoot ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
}

export interface PostgresServer {
  /** postgres://dxgraph@127.0.0.1:<port>/<database> for a database made by `createDatabase`. */
  urlOf(database: string): string;
  /** A new, empty database; its URL. */
  createDatabase(name: string): Promise<string>;
  /** Runs SQL as the superuser in `database`. */
  sql(database: string, text: string, values?: unknown[]): Promise<pg.QueryResult>;
  /** Stops the server (fast shutdown: connections are cut). */
  stop(): Promise<void>;
  /** Starts it again on the same port, with the same data. */
  restart(): Promise<void>;
  /** Stops it for good and removes its files. */
  destroy(): Promise<void>;
}

export async function startPostgres(): Promise<PostgresServer> {
  const dir = mkdtempSync(join(tmpdir(), 'dxgraph-pg-'));
  const data = join(dir, 'data');
  if (asRoot) chownSync(dir, Number(owner!.stdout.trim()), Number(owner!.stdout.trim()));
  const [initdb, initArgs] = command('initdb', ['-D', data, '-A', 'trust', '-U', 'dxgraph', '-E', 'UTF8', '--no-sync']);
  const made = spawnSync(initdb, initArgs, { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`initdb failed: ${made.stderr}`);
  const port = await freePort();
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    const [postgres, args] = command('postgres', ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200']);
    const started = spawn(postgres, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child = started;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('postgres did not start within 15 s')), 15_000);
      let output = '';
      started.stderr!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('database system is ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      started.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`postgres exited with ${code}: ${output}`));
      });
    });
  };
  const halt = (): Promise<void> =>
    new Promise((resolve) => {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return resolve();
      running.once('exit', () => resolve());
      // A fast shutdown cuts every connection, as a stopped server does. Through pg_ctl,
      // since runuser (as root) does not pass a signal on to the server it started.
      const [pgCtl, args] = command('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w']);
      spawnSync(pgCtl, args, { stdio: 'ignore' });
    });
  await launch();

  const urlOf = (database: string) => `postgres://dxgraph@127.0.0.1:${port}/${database}`;
  const sql = async (database: string, text: string, values?: unknown[]) => {
    const client = new pg.Client({ connectionString: urlOf(database) });
    await client.connect();
    try {
      return await client.query(text, values);
    } finally {
      await client.end();
    }
  };
  return {
    urlOf,
    async createDatabase(name) {
      await sql('postgres', `CREATE DATABASE "${name}"`);
      return urlOf(name);
    },
    sql,
    stop: halt,
    restart: launch,
    async destroy() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
