/**
 * A real one-node Slurm cluster (Debian's slurm-wlm 22.05) inside a test host, so the host is a
 * cluster's login node reached over real sshd like any other host (needs root and namespace mode).
 *
 * startSlurmCluster(host) starts, inside the host's UTS, mount and network namespaces:
 *   - munged as the munge user, with its own key and socket in the cluster's directory;
 *   - slurmctld and slurmd as root (non-default ports on the namespace's own 127.0.0.1), the node
 *     named after the host's hostname, with `gpus` fake GPUs as GRES (device nodes made with mknod
 *     in the cluster's directory: Slurm refuses a GPU GRES without File=);
 *   - the config directory bind-mounted over /etc/slurm in the host's mount namespace only, so the
 *     client commands (sbatch, squeue, …) over ssh find it like on a real login node.
 * Accounting is accounting_storage/none (no slurmdbd/MariaDB in the lab): `sacct` answers nothing,
 * finished jobs stay visible in `squeue -t all` for MinJobAge seconds.
 *
 * stop() cancels every job first (slurmstepd and the jobs' processes outlive the daemons), then
 * stops slurmd, slurmctld and munged by their pids, unmounts /etc/slurm and removes the directory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { waitFor } from '../support/waitFor.js';
import { startAccounting } from './slurmAccountingDb.js';
import { gresConf, slurmConf } from './slurmClusterConfig.js';
import { execStatus } from './system.js';
import type { TestHost } from './testHosts.js';

export { canRunAccounting } from './slurmAccountingDb.js';

export interface SlurmClusterOptions {
  /** fake GPUs on the node (default 2) */
  gpus?: number;
  /** partition name (default "gpu") */
  partition?: string;
  /** MinJobAge: seconds a finished job stays in squeue -t all (default 300) */
  minJobAge?: number;
  /** CPUs on the node (default 4; a job takes 1 unless it asks) */
  cpus?: number;
  /**
   * Accounting with slurmdbd and MariaDB (sacct answers), when both are installed: a few seconds
   * more. Default false: accounting_storage/none.
   */
  accounting?: boolean;
}

export interface SlurmCluster {
  readonly host: TestHost;
  readonly nodeName: string;
  readonly partition: string;
  readonly gpus: number;
  /** the cluster's directory (config, state, logs) */
  readonly dir: string;
  readonly confPath: string;
  /** Runs a command as root inside the host's namespaces with the cluster's config (scontrol, sdiag, scancel). */
  admin(argv: string[], timeoutMs?: number): Promise<{ stdout: string; stderr: string; code: number | null }>;
  /** The RPC count the controller saw for a message type (sdiag's per-message table), e.g. REQUEST_JOB_INFO. */
  rpcCount(message: string): Promise<number>;
  /** Resets sdiag's counters. */
  resetStats(): Promise<void>;
  /** Cancels every job and waits until the queue holds no running or pending job. */
  cancelAll(): Promise<void>;
  stop(): Promise<void>;
}

/** Why startSlurmCluster cannot run here, or ok. */
export function canRunSlurm(): { ok: boolean; reason?: string } {
  if (process.getuid?.() !== 0) return { ok: false, reason: 'needs root' };
  for (const p of ['/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/sbin/munged', '/usr/bin/sbatch']) {
    if (!fs.existsSync(p)) return { ok: false, reason: `${p} is not installed (apt-get install slurm-wlm munge)` };
  }
  return { ok: true };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export async function startSlurmCluster(host: TestHost, opts: SlurmClusterOptions = {}): Promise<SlurmCluster> {
  if (!host.netns) throw new Error('a Slurm cluster needs a test host in namespace mode');
  const gpus = opts.gpus ?? 2;
  const partition = opts.partition ?? 'gpu';
  const nodeName = host.hostname;
  // the host's namespaces, reached through its sshd listener (which nsenter put in all three)
  const ns = [
    `--uts=/proc/${host.sshdPid}/ns/uts`,
    `--mount=/proc/${host.sshdPid}/ns/mnt`,
    `--net=/run/netns/${host.netns}`,
  ];
  const dir = fs.mkdtempSync('/tmp/trainyard-slurm-');
  fs.chmodSync(dir, 0o755);
  const etc = path.join(dir, 'etc');
  const munge = path.join(dir, 'munge');
  const state = path.join(dir, 'state');
  const spool = path.join(dir, 'spool');
  const dev = path.join(dir, 'dev');
  for (const d of [etc, munge, state, spool, dev]) fs.mkdirSync(d, { mode: 0o755 });
  const mungeUid = Number((await execStatus('id', ['-u', 'munge'])).stdout.trim());
  const mungeGid = Number((await execStatus('id', ['-g', 'munge'])).stdout.trim());
  fs.chownSync(munge, mungeUid, mungeGid);
  fs.chmodSync(munge, 0o755);
  const key = path.join(munge, 'munge.key');
  fs.writeFileSync(key, Buffer.from(Array.from({ length: 1024 }, () => Math.floor(Math.random() * 256))), {
    mode: 0o400,
  });
  fs.chownSync(key, mungeUid, mungeGid);
  const socket = path.join(munge, 'munge.socket.2');
  for (let i = 0; i < gpus; i++) {
    const r = await execStatus('mknod', ['-m', '666', path.join(dev, `nvidia${i}`), 'c', '195', String(i)]);
    if (r.code !== 0) throw new Error(`mknod: ${r.stderr}`);
  }
  const confPath = path.join(etc, 'slurm.conf');
  const cpus = opts.cpus ?? 4;
  const accounting = opts.accounting ?? false;
  const minJobAge = opts.minJobAge ?? 300;
  const conf = slurmConf({
    nodeName,
    partition,
    gpus,
    cpus,
    minJobAge,
    accounting,
    dir,
    state,
    spool,
    mungeSocket: socket,
  });
  fs.writeFileSync(confPath, conf, { mode: 0o644 });
  fs.writeFileSync(path.join(etc, 'gres.conf'), gresConf(nodeName, dev, gpus), { mode: 0o644 });

  const children: ChildProcess[] = [];
  const startDaemon = (argv: string[], log: string) => {
    const fd = fs.openSync(path.join(dir, log), 'a');
    const child = spawn('nsenter', [...ns, '--', ...argv], { stdio: ['ignore', fd, fd] });
    fs.closeSync(fd);
    child.unref();
    children.push(child);
    return child;
  };
  let mounted = false;
  let ctld: ChildProcess | null = null;
  const admin = (argv: string[], timeoutMs = 20_000) =>
    execStatus('nsenter', [...ns, '--', 'env', `SLURM_CONF=${confPath}`, ...argv], { timeoutMs });

  const cluster: SlurmCluster = {
    host,
    nodeName,
    partition,
    gpus,
    dir,
    confPath,
    admin,
    async rpcCount(message: string) {
      const r = await admin(['sdiag']);
      // "	REQUEST_JOB_INFO                        ( 2003) count:12     ave_time:..."
      const m = new RegExp(`^\\s*${message}\\s+\\(\\s*\\d+\\)\\s+count:(\\d+)`, 'm').exec(r.stdout);
      return m ? Number(m[1]) : 0;
    },
    async resetStats() {
      await admin(['sdiag', '--reset']);
    },
    async cancelAll() {
      await admin(['scancel', '--full', '-u', 'root']);
      await admin(['bash', '-c', 'scancel --full $(squeue -h -o %i) 2>/dev/null; true']);
      await waitFor(() => admin(['squeue', '-h', '-t', 'PD,R,CG,S', '-o', '%i']), {
        until: (r) => r.code === 0 && r.stdout.trim() === '',
        timeoutMs: 20_000,
        intervalMs: 200,
        what: 'every Slurm job gone',
        show: (r) => r.stdout + r.stderr,
      });
    },
    async stop() {
      try {
        if (ctld?.pid && alive(ctld.pid)) await cluster.cancelAll();
      } catch {
        /* the daemons may already be gone; their pids are killed below */
      }
      for (const c of [...children].reverse()) {
        if (c.pid && alive(c.pid)) c.kill('SIGTERM');
      }
      const t0 = Date.now();
      while (children.some((c) => c.pid && alive(c.pid)) && Date.now() - t0 < 5000)
        await new Promise((r) => setTimeout(r, 50));
      for (const c of children) if (c.pid && alive(c.pid)) c.kill('SIGKILL');
      if (mounted && host.sshdPid) await execStatus('nsenter', [...ns.slice(1, 2), '--', 'umount', '/etc/slurm']);
      mounted = false;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };

  try {
    const m = await execStatus('nsenter', [...ns.slice(1, 2), '--', 'mount', '--bind', etc, '/etc/slurm']);
    if (m.code !== 0) throw new Error(`bind-mounting the Slurm config over /etc/slurm: ${m.stderr}`);
    mounted = true;
    startDaemon(
      [
        'setpriv',
        `--reuid=${mungeUid}`,
        `--regid=${mungeGid}`,
        '--clear-groups',
        '/usr/sbin/munged',
        '-F',
        `--key-file=${key}`,
        `--socket=${socket}`,
        `--pid-file=${munge}/munged.pid`,
        `--log-file=${munge}/munged.log`,
        `--seed-file=${munge}/munged.seed`,
      ],
      'munged.out',
    );
    await waitFor(() => fs.existsSync(socket), { timeoutMs: 10_000, what: 'the munge socket' });
    if (opts.accounting) await startAccounting(dir, etc, socket, nodeName, startDaemon, admin);
    ctld = startDaemon(['/usr/sbin/slurmctld', '-D', '-i', '-f', confPath], 'slurmctld.out');
    startDaemon(['/usr/sbin/slurmd', '-D', '-f', confPath], 'slurmd.out');
    await waitFor(() => admin(['sinfo', '-h', '-N', '-o', '%T']), {
      until: (r) => r.stdout.trim() === 'idle',
      timeoutMs: 30_000,
      intervalMs: 200,
      what: 'the Slurm node idle',
      show: (r) => `${r.stdout}${r.stderr}\n${fs.readFileSync(path.join(dir, 'slurmctld.log'), 'utf8').slice(-1500)}`,
    });
    return cluster;
  } catch (e) {
    await cluster.stop();
    throw e;
  }
}
