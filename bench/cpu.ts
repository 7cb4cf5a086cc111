import { readFileSync } from 'node:fs';

// CPU time of the processes involved, read from /proc, to tell which one a
// configuration is bound by. 100% is one core fully busy.

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s. */
const TICKS_PER_SECOND = 100;

function cpuSecondsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), from field 3 on.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * Busy CPU time of the whole machine, all cores, from the first line of /proc/stat:
 * what processes ran (user, system, steal), and apart from it the kernel's
 * interrupt handling (irq, softirq), which is mostly loopback networking done for
 * the benchmark's own requests and is charged to no process.
 */
function machineBusySeconds(): { processes: number; interrupts: number } | undefined {
  try {
    const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = values.map(Number);
    return { processes: (user + nice + system + steal) / TICKS_PER_SECOND, interrupts: (irq + softirq) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

const selfCpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/**
 * Starts counting; the returned function gives each process's CPU use since, in %
 * of one core; under "kernel networking" the interrupt time; and under "other
 * processes" what the rest of the machine used in the meantime (anything well
 * above zero means the numbers were disturbed).
 */
export function cpuMeter(pids: Record<string, number>): () => Record<string, number> {
  const wallStart = performance.now();
  const start = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSecondsOf(pid)]));
  const selfStart = selfCpuSeconds();
  const machineStart = machineBusySeconds();
  return () => {
    const wallS = (performance.now() - wallStart) / 1000;
    const usage: Record<string, number> = {};
    for (const [name, pid] of Object.entries(pids)) {
      const before = start[name];
      const after = cpuSecondsOf(pid);
      if (before !== undefined && after !== undefined) usage[name] = Math.round(((after - before) / wallS) * 100);
    }
    usage['load tool'] = Math.round(((selfCpuSeconds() - selfStart) / wallS) * 100);
    const machineEnd = machineBusySeconds();
    if (machineStart !== undefined && machineEnd !== undefined) {
      const ours = Object.values(usage).reduce((sum, pct) => sum + pct, 0);
      usage['kernel networking'] = Math.round(((machineEnd.interrupts - machineStart.interrupts) / wallS) * 100);
      usage['other processes'] = Math.max(0, Math.round(((machineEnd.processes - machineStart.processes) / wallS) * 100) - ours);
    }
    return usage;
  };
}

/**
 * Waits until the rest of the machine (besides `pids` and this process) has used
 * less than `limitPercent` of a core for a whole second, at most `maxS` seconds.
 * Whether it became quiet.
 */
export async function waitForQuiet(pids: Record<string, number>, limitPercent: number, maxS: number): Promise<boolean> {
  const until = performance.now() + maxS * 1000;
  while (performance.now() < until) {
    const cpu = cpuMeter(pids);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if ((cpu()['other processes'] ?? 0) < limitPercent) return true;
  }
  return false;
}
