/** One test host: its namespaces, sshd, home, fake GPU state, and commands run inside it. */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  alive,
  execP,
  gpuStateText,
  killAndWait,
  netnsId,
  nsOf,
  pidsInNamespaces,
  procStat,
  readFrom,
  SSHD,
  SshdStartError,
  sleep,
  tryConnect,
} from './system.js';
import type { FirewallMode, GpuState, RunResult, TestHost } from './testHostTypes.js';

/** What a host needs from the instance it belongs to. */
export interface HostOwner {
  readonly id: string;
  readonly user: string;
  readonly userHome: string;
  readonly fakebin: string;
  nftTables: Array<{ netns?: string; table: string }>;
  saveReg(): void;
}

export class Host implements TestHost {
  sshdPid = 0;
  gpu: GpuState = { mode: 'idle', count: 1 };
  hostPublicKey = '';
  anchorPid = 0;
  anchorStart: string | null = null;
  anchorUts = '';
  sshd: ChildProcess | null = null;
  firewall: FirewallMode = 'open';
  linkIsDown = false;
  readonly env: Record<string, string>;
  readonly sshdConfigPath: string;
  readonly hostKeyPath: string;
  readonly nftTable: string;

  constructor(
    readonly inst: HostOwner,
    readonly n: number,
    readonly alias: string,
    readonly hostname: string,
    readonly address: string,
    public port: number,
    readonly hostDir: string,
    readonly homeDir: string,
    readonly netns: string | undefined,
    readonly veth: string | undefined,
  ) {
    this.stateFile = path.join(hostDir, 'gpu-state');
    this.tmuxTmpDir = path.join(hostDir, 'tmux');
    this.logFile = path.join(hostDir, 'sshd.log');
    this.sshdConfigPath = path.join(hostDir, 'sshd_config');
    this.hostKeyPath = path.join(hostDir, 'ssh_host_ed25519_key');
    this.nftTable = `ty${inst.id}h${n}`;
    this.env = {
      PATH: `${inst.fakebin}:/usr/local/bin:/usr/bin:/bin`,
      FAKE_GPU_STATE: this.stateFile,
      TMUX_TMPDIR: this.tmuxTmpDir,
    };
  }
  readonly stateFile: string;
  readonly tmuxTmpDir: string;
  readonly logFile: string;

  setGpu(state: GpuState): void {
    this.gpu = { ...state };
    const tmp = `${this.stateFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, gpuStateText(state), { mode: 0o644 });
    fs.renameSync(tmp, this.stateFile);
  }

  knownHostsLine(): string {
    return `${this.port === 22 ? this.address : `[${this.address}]:${this.port}`} ${this.hostPublicKey}`;
  }

  /** nsenter prefix for this host's namespaces */
  nsArgs(): string[] {
    const a = [`--uts=/proc/${this.anchorPid}/ns/uts`, `--mount=/proc/${this.anchorPid}/ns/mnt`];
    if (this.netns) a.push(`--net=/run/netns/${this.netns}`);
    return a;
  }

  async startAnchor(perHostHome: boolean): Promise<void> {
    // sleep infinity in its own UTS + mount namespace: sets the hostname and bind-mounts the home
    const script = perHostHome
      ? 'hostname "$1" && mount --bind "$2" "$3" && echo ready && exec sleep infinity'
      : 'hostname "$1" && echo ready && exec sleep infinity';
    const child = spawn(
      'unshare',
      [
        '--uts',
        '--mount',
        '--propagation',
        'private',
        '--',
        'sh',
        '-c',
        script,
        'sh',
        this.hostname,
        this.homeDir,
        this.inst.userHome,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        if (out.includes('ready')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`host ${this.alias}: namespace anchor exited (${code}): ${err}`)));
      child.once('error', reject);
    });
    child.stdout!.destroy();
    child.stderr!.destroy();
    child.unref();
    this.anchorPid = child.pid!;
    this.anchorStart = procStat(this.anchorPid)?.start ?? null;
    this.anchorUts = nsOf(this.anchorPid, 'uts') ?? '';
  }

  async startSshd(): Promise<void> {
    if (this.sshdPid && alive(this.sshdPid)) return;
    if (!this.anchorPid || !alive(this.anchorPid)) throw new Error(`host ${this.alias} is stopped`);
    let logStart = 0;
    try {
      logStart = fs.statSync(this.logFile).size;
    } catch {
      /* new log */
    }
    const fd = fs.openSync(this.logFile, 'a');
    const child = spawn('nsenter', [...this.nsArgs(), '--', SSHD, '-D', '-e', '-f', this.sshdConfigPath], {
      stdio: ['ignore', fd, fd],
    });
    fs.closeSync(fd);
    child.unref();
    this.sshd = child;
    this.sshdPid = child.pid ?? 0;
    let exited: string | null = null;
    child.once('exit', (code, sig) => {
      exited = `sshd for ${this.alias} exited (${code ?? sig})`;
      if (this.sshd === child) this.sshdPid = 0;
    });
    child.once('error', (e) => (exited = String(e)));
    const t0 = Date.now();
    let listening = false;
    for (;;) {
      if (exited)
        throw new SshdStartError(`${exited}:\n${fs.readFileSync(this.logFile, 'utf8').slice(logStart).slice(-2000)}`);
      // "Server listening on" = our sshd bound the port; the TCP probe then proves the path to it
      if (!listening) listening = readFrom(this.logFile, logStart).includes('Server listening on');
      if (listening && (await tryConnect(this.address, this.port, 200))) return;
      if (Date.now() - t0 > 10_000)
        throw new Error(`sshd for ${this.alias} did not accept TCP on ${this.address}:${this.port} in 10 s`);
      await sleep(5);
    }
  }

  pids(): number[] {
    if (!this.anchorUts) return [];
    const nets = new Set<string>();
    if (this.netns) {
      const id = netnsId(this.netns);
      if (id) nets.add(id);
    }
    return pidsInNamespaces(new Set([this.anchorUts]), nets).filter((p) => p !== this.anchorPid);
  }

  async stopSshd(opts: { keepTmux?: boolean } = {}): Promise<void> {
    let pids = this.pids();
    if (opts.keepTmux) {
      // spare tmux servers and everything below them (their panes)
      const stats = new Map(pids.map((p) => [p, procStat(p)] as const));
      const spared = new Set<number>(pids.filter((p) => stats.get(p)?.comm.startsWith('tmux')));
      const isSpared = (p: number): boolean => {
        for (let q = p, depth = 0; q > 1 && depth < 64; depth++) {
          if (spared.has(q)) return true;
          const st = stats.get(q) ?? procStat(q);
          if (!st) return false;
          q = st.ppid;
        }
        return false;
      };
      pids = pids.filter((p) => !isSpared(p));
    }
    await killAndWait(pids);
    this.sshdPid = 0;
    this.sshd = null;
  }

  async linkDown(): Promise<void> {
    if (this.veth) await execP('ip', ['link', 'set', this.veth, 'down']);
    else await this.applyNft('drop');
    this.linkIsDown = true;
  }

  async linkUp(): Promise<void> {
    if (this.veth) await execP('ip', ['link', 'set', this.veth, 'up']);
    else await this.applyNft(this.firewall);
    this.linkIsDown = false;
  }

  async setFirewall(mode: FirewallMode): Promise<void> {
    this.firewall = mode;
    if (!this.veth && this.linkIsDown) return; // loopback link-down rule wins until linkUp
    await this.applyNft(mode);
  }

  private async applyNft(mode: FirewallMode): Promise<void> {
    const t = this.nftTable;
    const nft = (script: string) =>
      this.netns
        ? execP('nsenter', [`--net=/run/netns/${this.netns}`, 'nft', '-f', '-'], script)
        : execP('nft', ['-f', '-'], script);
    const tableExists = this.inst.nftTables.some((x) => x.table === t);
    if (mode === 'open') {
      if (tableExists) {
        await nft(`delete table inet ${t}\n`);
        this.inst.nftTables = this.inst.nftTables.filter((x) => x.table !== t);
        this.inst.saveReg();
      }
      return;
    }
    if (!tableExists) {
      this.inst.nftTables.push({ netns: this.netns, table: t });
      this.inst.saveReg();
    }
    const p = this.port;
    const ifc = this.netns ? '' : 'iifname "lo" ';
    const ofc = this.netns ? '' : 'oifname "lo" ';
    // reject: only inbound (an outbound rule would also eat the RST the inbound rule sends)
    const chains =
      mode === 'drop'
        ? `  chain input { type filter hook input priority -10; ${ifc}tcp dport ${p} drop; }\n` +
          `  chain output { type filter hook output priority -10; ${ofc}tcp sport ${p} drop; }\n`
        : `  chain input { type filter hook input priority -10; ${ifc}tcp dport ${p} reject with tcp reset; }\n`;
    await nft(`table inet ${t} {}\ndelete table inet ${t}\ntable inet ${t} {\n${chains}}\n`);
  }

  run(cmd: string, opts: { timeoutMs?: number; input?: string } = {}): Promise<RunResult> {
    const inst = this.inst;
    const env = [
      `HOME=${inst.userHome}`,
      `USER=${inst.user}`,
      `LOGNAME=${inst.user}`,
      `SHELL=/bin/bash`,
      'LANG=C.UTF-8',
      ...Object.entries(this.env).map(([k, v]) => `${k}=${v}`),
    ];
    const args = [
      ...this.nsArgs(),
      '--',
      'runuser',
      '-u',
      inst.user,
      '--',
      'env',
      '-i',
      ...env,
      '/bin/bash',
      '-c',
      'cd "$HOME" && eval "$1"',
      'bash',
      cmd,
    ];
    return new Promise((resolve, reject) => {
      const child = spawn('nsenter', args, { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : null;
      child.once('error', reject);
      child.once('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        resolve({ stdout, stderr, code, signal });
      });
      child.stdin.on('error', () => {});
      child.stdin.end(opts.input ?? '');
    });
  }
}
