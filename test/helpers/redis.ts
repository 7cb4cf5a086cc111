import { freePort, reportMissing } from './programs.js';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

// A real redis-server for the shared-cache tests (Debian's package; .ci/run
// installs it where it is missing). Each test file gets its own, on a free port.

export const redisAvailable = spawnSync('redis-server', ['--version']).status === 0;

// A missing program fails the suite under .ci/run, and skips its tests elsewhere.
reportMissing(redisAvailable, 'redis-server', "Debian's redis-server");

export interface RedisServer {
  url: string;
  /** Freezes the server (SIGSTOP): alive, connected, answering nothing, like a hung host. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not start within 10 s')), 10_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGCONT');
        child.kill('SIGTERM');
      }),
  };
}
