/** A process's CPU and memory as Linux's /proc counts them, for the benches that watch the cockpit from outside. */
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ on Linux: /proc's CPU times are in ticks of 10 ms. */
export const HZ = 100;

/** User and system CPU so far, in ticks, from a /proc stat file (a process's or one thread's). */
function statTicks(file: string): [number, number] {
  const stat = readFileSync(file, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return [Number(fields[11]), Number(fields[12])];
}

/** The process's user and system CPU so far, in ticks. */
export function userSystemTicks(pid: number): [number, number] {
  return statTicks(`/proc/${pid}/stat`);
}

/**
 * The process's user and system CPU so far by kind of thread, in ticks: `main` (JavaScript, the
 * event loop), and the others by the name the thread gave itself (`V8Worker`: garbage collection
 * and optimising compiles; `libuv-worker`: file system, DNS, crypto).
 */
export function threadTicks(pid: number): Map<string, [number, number]> {
  const byKind = new Map<string, [number, number]>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let kind = 'main';
    if (tid !== String(pid)) kind = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
    try {
      const [user, system] = statTicks(`/proc/${pid}/task/${tid}/stat`);
      const sum = byKind.get(kind) ?? [0, 0];
      byKind.set(kind, [sum[0] + user, sum[1] + system]);
    } catch {
      // the thread ended meanwhile
    }
  }
  return byKind;
}

/** The process's CPU so far (user + system), in ticks. */
export function cpuTicks(pid: number): number {
  const [user, system] = userSystemTicks(pid);
  return user + system;
}

export function rssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

/** The whole machine's busy CPU so far (every core: user, nice, system, irq, softirq), in ticks. */
export function machineBusyTicks(): number {
  const [user, nice, system, , , irq, softirq] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return user + nice + system + irq + softirq;
}
