import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

// The benchmark's child processes (emulator, gateways, reference server): started
// here, with only the environment they are given, and all stopped on the way out.

export interface Child {
  name: string;
  pid: number;
  process: ChildProcess;
  /** Resolves with the exit code (or the signal's name) once the process has gone. */
  exited: Promise<number | string>;
  /** The last lines it wrote, for reports when it dies. */
  tail(): string;
}

const TAIL_LINES = 40;
const TAIL_BYTES = 16_384;
const running = new Set<Child>();

export function startChild(name: string, command: string, args: string[], env: Record<string, string>, cwd: string): Child {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  // A server may write a line per request (the shipped gateway's audit lines for dry
  // runs), and this process shares a core with the load tool: keep only a bounded tail
  // as it comes, and split lines only while something waits for one.
  let tail = '';
  const keep = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    tail = (tail + text).slice(-TAIL_BYTES);
    if (child.listenerCount('line') === 0) return;
    for (const line of text.split('\n')) if (line) child.emit('line', line);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const handle: Child = {
    name,
    pid: child.pid,
    process: child,
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'))),
    tail: () => tail.split('\n').filter(Boolean).slice(-TAIL_LINES).join('\n'),
  };
  running.add(handle);
  void handle.exited.then(() => running.delete(handle));
  return handle;
}

/** Waits for a line matching `pattern`; fails if the child exits first or time runs out. */
export function waitForLine(child: Child, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`${child.name} said nothing matching ${pattern} within ${timeoutMs} ms:\n${child.tail()}`)), timeoutMs);
    const onLine = (line: string) => {
      const match = line.match(pattern);
      if (match) finish(undefined, match);
    };
    const onExit = () => finish(new Error(`${child.name} exited before it was ready:\n${child.tail()}`));
    function finish(error?: Error, match?: RegExpMatchArray) {
      clearTimeout(timer);
      child.process.off('line', onLine);
      child.process.off('exit', onExit);
      if (error) reject(error);
      else resolve(match!);
    }
    child.process.on('line', onLine);
    child.process.once('exit', onExit);
  });
}

export function isRunning(child: Child): boolean {
  return running.has(child);
}

/** SIGTERM, then SIGKILL if it has not gone after `graceMs`. */
export async function stopChild(child: Child, graceMs = 5000): Promise<void> {
  if (!running.has(child)) return;
  child.process.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const killed = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      child.process.kill('SIGKILL');
      resolve();
    }, graceMs);
  });
  await Promise.race([child.exited, killed]);
  clearTimeout(timer);
  await child.exited;
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => stopChild(child)));
}

/** Last resort on exit: whatever is still running is killed at once, by its own PID. */
function killRemaining(): void {
  for (const child of running) child.process.kill('SIGKILL');
}

let installed = false;
/** Children go when the benchmark goes: normal exit, error, Ctrl-C or SIGTERM. */
export function stopChildrenOnExit(): void {
  if (installed) return;
  installed = true;
  process.on('exit', killRemaining);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the benchmark's processes`);
      void stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
}

/** A port nothing listens on right now (127.0.0.1). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
