import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

// The server under test on one CPU, the load tool (this process, which runs
// autocannon and the floor) and the emulator on another: otherwise the scheduler
// moves them about and they take turns on the same core, which is most of the
// noise between two runs of the same code on a two-core machine.

export type Role = 'server' | 'load';

export interface Pinning {
  pinned: boolean;
  /** The CPU of each role, when pinned. */
  cpus?: Record<Role, number>;
  /** What was done, or why nothing was. */
  note: string;
}

function cpuList(text: string): number[] {
  const cpus: number[] = [];
  for (const part of text.trim().split(',')) {
    const [from, to] = part.split('-').map(Number);
    if (from === undefined || !Number.isInteger(from)) continue;
    for (let cpu = from; cpu <= (to ?? from); cpu++) cpus.push(cpu);
  }
  return cpus;
}

/** The CPUs a thread may run on, from /proc (Linux). */
function allowedCpus(statusPath: string): number[] | undefined {
  try {
    const line = /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync(statusPath, 'utf8'))?.[1];
    return line === undefined ? undefined : cpuList(line);
  } catch {
    return undefined;
  }
}

/**
 * Pins every thread of this process (so autocannon, the libuv pool and V8's
 * helpers alike; threads started later inherit it, and so do child processes) to
 * the second CPU this process may use, and keeps the first for the server.
 */
export function pinLoadTool(wanted: boolean): Pinning {
  if (!wanted) return { pinned: false, note: 'not pinned: BENCH_PIN=off' };
  const allowed = allowedCpus('/proc/self/status');
  if (!allowed) return { pinned: false, note: 'not pinned: no /proc/self/status to read the allowed CPUs from (not Linux?)' };
  if (allowed.length < 2) return { pinned: false, note: `not pinned: this process may use ${allowed.length} CPU (${allowed.join(',')}), 2 are needed` };
  if (spawnSync('taskset', ['--version']).status !== 0) return { pinned: false, note: 'not pinned: taskset is not installed (Debian: util-linux)' };
  const cpus = { server: allowed[0]!, load: allowed[1]! };
  const out = spawnSync('taskset', ['-a', '-p', '-c', String(cpus.load), String(process.pid)], { encoding: 'utf8' });
  if (out.status !== 0) return { pinned: false, note: `not pinned: taskset -a -p -c ${cpus.load} ${process.pid} failed: ${out.stderr.trim()}` };
  const threads = readdirSync('/proc/self/task');
  const stray = threads.filter((tid) => allowedCpus(`/proc/self/task/${tid}/status`)?.join(',') !== String(cpus.load));
  if (stray.length > 0) return { pinned: false, note: `not pinned: ${stray.length} of ${threads.length} threads kept other CPUs after taskset` };
  return {
    pinned: true,
    cpus,
    note:
      `pinned: servers under test on CPU ${cpus.server} (taskset -c ${cpus.server}); this process ` +
      `(${threads.length} threads: autocannon, floor) and the emulator on CPU ${cpus.load}`,
  };
}

/** The command line that runs `command args` on the role's CPU (unchanged when nothing is pinned). */
export function onCpu(pinning: Pinning, role: Role, command: string, args: string[]): [string, string[]] {
  return pinning.cpus ? ['taskset', ['-c', String(pinning.cpus[role]), command, ...args]] : [command, args];
}
