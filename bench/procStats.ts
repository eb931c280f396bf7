/** A process's CPU and memory as Linux's /proc counts them, for the benches that watch the cockpit from outside. */
import { readFileSync } from 'node:fs';

/** USER_HZ on Linux: /proc's CPU times are in ticks of 10 ms. */
export const HZ = 100;

/** The process's user and system CPU so far, in ticks. */
export function userSystemTicks(pid: number): [number, number] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return [Number(fields[11]), Number(fields[12])];
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
