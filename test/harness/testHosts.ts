/**
 * Real OpenSSH test hosts for integration tests, e2e tests and benchmarks.
 *
 * startTestHosts() brings up N "GPU servers" on this machine (needs root):
 *   - namespace mode (default): each host has its own network namespace on a private bridge
 *     (10.231.X.0/24, X claimed per instance), address 10.231.X.(10+n), sshd on port 22;
 *   - loopback mode ({loopback: true}): sshd on 127.0.0.1 with distinct free ports.
 * In both modes every host also has its own UTS namespace (hostname gpu-node-N), its own mount
 * namespace (its own home directory bind-mounted over the test user's home, unless
 * perHostHome: false), its own TMUX_TMPDIR and its own fake nvidia-smi state file.
 *
 * Each host is anchored by a tiny `sleep infinity` process that owns the host's UTS+mount
 * namespaces; sshd and host.run() enter them with nsenter. "The host's processes" are all
 * processes in that UTS namespace (minus the anchor): the sshd listener, its sessions, and tmux
 * servers started over ssh or with host.run(). stopSshd() kills them; stop() kills everything.
 *
 * Only ever sends traffic to 127.0.0.1 or to the instance's own 10.231.X.0/24 addresses.
 * See /work/shared/TESTHOSTS.md for the recipe this follows.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------------------------
// Public types

export type GpuMode = 'idle' | 'load' | 'nodevices' | 'nodriver' | 'hang';

export interface GpuState {
  /** idle (default) | load | nodevices ("No devices were found", exit 6) | nodriver (exit 9) */
  mode?: GpuMode;
  /** number of GPUs (default 1); GPUs > 0 are the real H100 record with index/uuid/bus id changed */
  count?: number;
  /** override utilization.gpu: one value for all GPUs or one per GPU index; null = fixture value */
  util?: number | number[] | null;
  /** GPU indices that show a compute process (a colleague's job), whatever the mode; unset: all under load, none idle */
  apps?: number[];
  /** override any --query-gpu field (unitless value; unit added by the fake when asked), e.g. {'memory.used': 79000} */
  set?: Record<string, string | number | Array<string | number>>;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  /** exit code; null when killed by a signal */
  code: number | null;
  signal: NodeJS.Signals | null;
}

export type FirewallMode = 'open' | 'drop' | 'reject';

export interface TestHost {
  /** ssh_config Host alias, e.g. gpu-1 */
  readonly alias: string;
  /** the host's hostname (its own UTS namespace), e.g. gpu-node-1 */
  readonly hostname: string;
  /** 1-based host number */
  readonly n: number;
  readonly address: string;
  readonly port: number;
  /** pid of the current sshd listener (0 while stopped) */
  readonly sshdPid: number;
  /** FAKE_GPU_STATE file of this host */
  readonly stateFile: string;
  /** TMUX_TMPDIR of this host */
  readonly tmuxTmpDir: string;
  /** the directory that is this host's $HOME (seen from here); equals the user's real home if perHostHome is false */
  readonly homeDir: string;
  /** sshd -e log */
  readonly logFile: string;
  /** this host's directory in the instance temp dir */
  readonly hostDir: string;
  /** "ssh-ed25519 AAAA..." of this host's real host key */
  readonly hostPublicKey: string;
  /** network namespace name (namespace mode only) */
  readonly netns?: string;
  /** host-side veth name (namespace mode only) */
  readonly veth?: string;
  /** the environment ssh sessions on this host get from sshd (SetEnv) */
  readonly env: Readonly<Record<string, string>>;

  /** write the fake nvidia-smi state (atomic rename; the fake re-reads it every loop iteration) */
  setGpu(state: GpuState): void;
  /** current state as last written */
  readonly gpu: Readonly<GpuState>;
  /** take the host's link down (namespace mode: ip link on the host-side veth; loopback mode: nft drop on its port) */
  linkDown(): Promise<void>;
  linkUp(): Promise<void>;
  /**
   * Firewall inside the host: 'drop' silently drops packets to/from its sshd port, 'reject'
   * answers with TCP resets, 'open' removes the rule. Namespace mode: rules live inside the
   * host's namespace; loopback mode: in this machine's namespace, matching only this port.
   */
  setFirewall(mode: FirewallMode): Promise<void>;
  /**
   * Kill the sshd listener AND every process of this host (ssh sessions, and tmux servers and
   * their panes unless keepTmux), as if the host went down. SIGTERM, then SIGKILL after 500 ms.
   */
  stopSshd(opts?: { keepTmux?: boolean }): Promise<void>;
  /** start sshd again (same config, host key and port) and wait until it accepts TCP */
  startSshd(): Promise<void>;
  /**
   * Run a shell command on this host AS THE TEST USER (bash -c, in $HOME), with the same
   * environment as an ssh session there (PATH with the fake nvidia-smi, FAKE_GPU_STATE,
   * TMUX_TMPDIR), inside the host's namespaces. Never rejects on a non-zero exit.
   */
  run(cmd: string, opts?: { timeoutMs?: number; input?: string }): Promise<RunResult>;
  /** pids of this host's processes (sshd, sessions, tmux, ...) */
  pids(): number[];
  /** known_hosts line for this host's real key */
  knownHostsLine(): string;
}

export interface TestHostsOptions {
  /** number of hosts (default 3) */
  count?: number;
  /** sshd on 127.0.0.1 with free ports instead of network namespaces (default false) */
  loopback?: boolean;
  /** which hosts get a known_hosts entry: all (default), none, or a list of aliases */
  knownHosts?: 'all' | 'none' | string[];
  /** test user (default tytest; created with useradd -m if missing) */
  user?: string;
  /** the test user's login shell (default /bin/bash; set with useradd -s, or usermod -s when it differs) */
  shell?: string;
  /** initial fake GPU state: one for all hosts or one per host (default idle, 1 GPU) */
  gpu?: GpuState | GpuState[];
  /** give each host its own $HOME (bind mount in its own mount namespace; default true) */
  perHostHome?: boolean;
  /** with perHostHome: every host gets the SAME home directory (a home shared over NFS); default false */
  sharedHome?: boolean;
  /** alias prefix (default "gpu-") and hostname prefix (default "gpu-node-") */
  aliasPrefix?: string;
  hostnamePrefix?: string;
  /** sshd ClientAliveInterval / ClientAliveCountMax (default 5 / 2) */
  clientAliveInterval?: number;
  clientAliveCountMax?: number;
  /** extra sshd_config lines for every host (e.g. ["MaxSessions 64"]) */
  sshdConfigExtra?: string[];
  /** extra ssh_config lines for every Host block (e.g. ["ConnectTimeout 3"]) */
  sshConfigExtra?: string[];
  /** directory holding the fake nvidia-smi (default test/fakebin) and the fixtures (default test/fixtures/nvidia-smi/h100) */
  fakebinDir?: string;
  fixturesDir?: string;
}

export interface TestHosts {
  /** 4-hex id of this instance (part of every name it creates) */
  readonly id: string;
  /** instance temp dir (mkdtemp under /tmp) */
  readonly dir: string;
  readonly sshConfigPath: string;
  readonly knownHostsPath: string;
  /** client private key (unencrypted ed25519); the .pub is next to it */
  readonly identityFile: string;
  readonly user: string;
  readonly uid: number;
  readonly gid: number;
  readonly loopback: boolean;
  /** e.g. 10.231.57.0/24 (namespace mode) */
  readonly subnet?: string;
  readonly bridge?: string;
  readonly hosts: TestHost[];
  /** milliseconds startTestHosts took */
  readonly startupMs: number;
  host(alias: string): TestHost;
  /**
   * Rewrite this host's known_hosts entry: 'valid' = its real key, 'wrong' = a DIFFERENT key
   * (ssh then fails with "REMOTE HOST IDENTIFICATION HAS CHANGED"), 'absent' = no entry
   * (ssh then fails with "Host key verification failed").
   */
  setKnownHost(alias: string, entry: 'valid' | 'wrong' | 'absent'): void;
  /** kill everything this instance started, delete namespaces, bridge, rules, temp dir; idempotent */
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Constants and small helpers

const SSHD = '/usr/sbin/sshd';
const REG_DIR = '/run/trainyard-testhosts';
const SUBNET_PREFIX = '10.231';
const here = path.dirname(fileURLToPath(import.meta.url));
const DEFAULT_FAKEBIN = path.resolve(here, '../fakebin');
const DEFAULT_FIXTURES = path.resolve(here, '../fixtures/nvidia-smi/h100');

function which(cmd: string): string | null {
  for (const d of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin', '/usr/bin', '/bin'])) {
    const p = path.join(d, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return null;
}

/** Why this machine cannot run startTestHosts(), or ok. */
export function canRunTestHosts(opts: { loopback?: boolean } = {}): { ok: boolean; reason?: string } {
  if (process.platform !== 'linux') return { ok: false, reason: 'test hosts need Linux' };
  if (typeof process.getuid !== 'function' || process.getuid() !== 0)
    return { ok: false, reason: 'test hosts need root (creates users, namespaces, runs sshd)' };
  try {
    fs.accessSync(SSHD, fs.constants.X_OK);
  } catch {
    return { ok: false, reason: `${SSHD} missing (apt-get install -y openssh-server)` };
  }
  const need = ['ssh', 'ssh-keygen', 'tmux', 'nsenter', 'unshare', 'runuser', 'useradd', 'awk'];
  if (!opts.loopback) need.push('ip');
  for (const c of need) if (!which(c)) return { ok: false, reason: `${c} missing` };
  if (!opts.loopback && !fs.existsSync('/proc/self/ns/net')) return { ok: false, reason: 'no network namespaces' };
  return { ok: true };
}

/** argv for the system ssh client: ['-F', sshConfigPath, alias] */
export function sshArgs(inst: Pick<TestHosts, 'sshConfigPath'>, alias: string): string[] {
  return ['-F', inst.sshConfigPath, alias];
}

function execP(cmd: string, args: string[], input?: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) {
        (err as Error).message += `\n${cmd} ${args.join(' ')}\n${stderr}`;
        reject(err);
      } else resolve({ stdout, stderr });
    });
    // a command that exits without reading its stdin must not crash the test run with EPIPE
    child.stdin?.on('error', () => {});
    if (input !== undefined) child.stdin?.end(input);
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function allPids(): number[] {
  const out: number[] = [];
  for (const n of fs.readdirSync('/proc')) if (/^\d+$/.test(n)) out.push(Number(n));
  return out;
}
function nsOf(pid: number, type: 'uts' | 'net' | 'mnt'): string | null {
  try {
    return fs.readlinkSync(`/proc/${pid}/ns/${type}`);
  } catch {
    return null;
  }
}
/** /proc/PID/stat: [state, ppid, starttime] or null when gone */
function procStat(pid: number): { state: string; ppid: number; start: string; comm: string } | null {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = s.lastIndexOf(')');
    const comm = s.slice(s.indexOf('(') + 1, close);
    const f = s.slice(close + 2).split(' ');
    return { state: f[0], ppid: Number(f[1]), start: f[19], comm };
  } catch {
    return null;
  }
}
function alive(pid: number): boolean {
  const st = procStat(pid);
  return st !== null && st.state !== 'Z' && st.state !== 'X';
}
function kill(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* gone */
  }
}
async function killAndWait(pids: number[], graceMs = 500): Promise<void> {
  for (const p of pids) kill(p, 'SIGTERM');
  const t0 = Date.now();
  let left = pids.filter(alive);
  while (left.length && Date.now() - t0 < graceMs) {
    await sleep(10);
    left = left.filter(alive);
  }
  for (const p of left) kill(p, 'SIGKILL');
  const t1 = Date.now();
  while (left.length && Date.now() - t1 < 2000) {
    await sleep(5);
    left = left.filter(alive);
  }
}
function killSync(pids: number[]): void {
  for (const p of pids) kill(p, 'SIGKILL');
  const t0 = Date.now();
  let left = pids.filter(alive);
  while (left.length && Date.now() - t0 < 1000) {
    sleepSync(5);
    left = left.filter(alive);
  }
}
/** pids in the given namespaces (uts namespace ids and/or network namespace files) */
function pidsInNamespaces(utsIds: Set<string>, netnsIds: Set<string>): number[] {
  const out: number[] = [];
  if (!utsIds.size && !netnsIds.size) return out;
  for (const pid of allPids()) {
    if (pid === process.pid) continue;
    const u = utsIds.size ? nsOf(pid, 'uts') : null;
    if (u && utsIds.has(u)) {
      out.push(pid);
      continue;
    }
    const n = netnsIds.size ? nsOf(pid, 'net') : null;
    if (n && netnsIds.has(n)) out.push(pid);
  }
  return out;
}
function netnsId(name: string): string | null {
  try {
    return `net:[${fs.statSync(`/run/netns/${name}`).ino}]`;
  } catch {
    return null;
  }
}

function gpuStateText(s: GpuState): string {
  const lines = [`mode=${s.mode ?? 'idle'}`, `count=${s.count ?? 1}`];
  if (s.util !== undefined && s.util !== null) lines.push(`util=${Array.isArray(s.util) ? s.util.join(',') : s.util}`);
  if (s.apps !== undefined) lines.push(`apps=${s.apps.join(',')}`);
  for (const [k, v] of Object.entries(s.set ?? {})) lines.push(`set.${k}=${Array.isArray(v) ? v.join(',') : v}`);
  return lines.join('\n') + '\n';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function tryConnect(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean) => {
      clearTimeout(t);
      s.destroy();
      resolve(ok);
    };
    const t = setTimeout(() => done(false), timeoutMs);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

class SshdStartError extends Error {}

function readFrom(file: string, offset: number): string {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const buf = Buffer.alloc(Math.max(0, size - offset));
      fs.readSync(fd, buf, 0, buf.length, offset);
      return buf.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}

// ---------------------------------------------------------------------------------------------
// Registry of live instances (this process) and on disk (stale cleanup after crashes)

interface RegRecord {
  id: string;
  pid: number;
  pidStart: string | null;
  dir: string;
  bridge?: string;
  subnetX?: number;
  netns: string[];
  anchors: Array<{ pid: number; start: string | null }>;
  nftTables: Array<{ netns?: string; table: string }>;
}

const live = new Set<Instance>();
let exitHooked = false;
function hookExit(): void {
  if (exitHooked) return;
  exitHooked = true;
  process.on('exit', () => {
    for (const inst of [...live]) inst.stopSync();
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const h = () => {
      for (const inst of [...live]) inst.stopSync();
      process.removeListener(sig, h);
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, h);
  }
}

function writeReg(rec: RegRecord): void {
  const f = path.join(REG_DIR, `${rec.id}.json`);
  fs.writeFileSync(f + '.tmp', JSON.stringify(rec));
  fs.renameSync(f + '.tmp', f);
}

function cleanupRecordSync(rec: RegRecord): void {
  const uts = new Set<string>();
  const anchorPids: number[] = [];
  for (const a of rec.anchors ?? []) {
    const st = procStat(a.pid);
    if (st && st.start === a.start) {
      const u = nsOf(a.pid, 'uts');
      if (u) uts.add(u);
      anchorPids.push(a.pid);
    }
  }
  const nets = new Set<string>();
  for (const n of rec.netns ?? []) {
    const id = netnsId(n);
    if (id) nets.add(id);
  }
  killSync([...pidsInNamespaces(uts, nets), ...anchorPids]);
  for (const t of rec.nftTables ?? []) {
    const args = t.netns
      ? ['--net=/run/netns/' + t.netns, 'nft', 'delete', 'table', 'inet', t.table]
      : ['nft', 'delete', 'table', 'inet', t.table];
    try {
      if (t.netns) execFileSync('nsenter', args, { stdio: 'ignore' });
      else execFileSync(args[0], args.slice(1), { stdio: 'ignore' });
    } catch {
      /* gone */
    }
  }
  for (const n of rec.netns ?? []) {
    try {
      execFileSync('ip', ['netns', 'del', n], { stdio: 'ignore' });
    } catch {
      /* gone */
    }
  }
  if (rec.bridge) {
    try {
      execFileSync('ip', ['link', 'del', rec.bridge], { stdio: 'ignore' });
    } catch {
      /* gone */
    }
  }
  if (rec.dir?.startsWith('/tmp/trainyard-hosts-')) fs.rmSync(rec.dir, { recursive: true, force: true });
  if (rec.subnetX !== undefined) fs.rmSync(path.join(REG_DIR, `subnet-${rec.subnetX}`), { force: true });
  fs.rmSync(path.join(REG_DIR, `${rec.id}.json`), { force: true });
}

/** Remove what crashed harness instances (owner process gone) left behind. Returns how many. */
export function cleanupStaleTestHosts(): number {
  let n = 0;
  let names: string[] = [];
  try {
    names = fs.readdirSync(REG_DIR);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!/^[0-9a-f]{4}\.json$/.test(name)) continue;
    const f = path.join(REG_DIR, name);
    let rec: RegRecord;
    try {
      rec = JSON.parse(fs.readFileSync(f, 'utf8')) as RegRecord;
    } catch {
      continue;
    }
    const owner = procStat(rec.pid);
    if (owner && owner.start === rec.pidStart) continue; // owner still running
    const claim = `${f}.cleaning.${process.pid}`;
    try {
      fs.renameSync(f, claim); // only one cleaner wins
    } catch {
      continue;
    }
    try {
      cleanupRecordSync(rec);
    } finally {
      fs.rmSync(claim, { force: true });
    }
    n++;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Test user

function passwdEntry(user: string): { uid: number; gid: number; home: string; shell: string } | null {
  for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const f = line.split(':');
    if (f[0] === user) return { uid: Number(f[2]), gid: Number(f[3]), home: f[5], shell: f[6] };
  }
  return null;
}

async function ensureUser(user: string, shell = '/bin/bash'): Promise<{ uid: number; gid: number; home: string }> {
  for (let attempt = 0; ; attempt++) {
    let pw = passwdEntry(user);
    try {
      if (!pw) {
        await execP('useradd', ['-m', '-s', shell, user]);
        pw = passwdEntry(user);
      }
      if (!pw) throw new Error(`useradd ${user} did not create the user`);
      if (pw.shell !== shell) await execP('usermod', ['-s', shell, user]);
      // useradd leaves the account locked ('!'); with UsePAM no sshd refuses locked accounts
      const shadow = fs
        .readFileSync('/etc/shadow', 'utf8')
        .split('\n')
        .find((l) => l.startsWith(user + ':'));
      if (shadow?.split(':')[1] !== '*') await execP('usermod', ['-p', '*', user]);
      if (!fs.existsSync(pw.home)) {
        fs.mkdirSync(pw.home, { recursive: true, mode: 0o755 });
        fs.chownSync(pw.home, pw.uid, pw.gid);
      }
      return pw;
    } catch (e) {
      // parallel workers race on /etc/passwd.lock: retry a few times
      if (attempt >= 20) throw e;
      await sleep(50 + Math.random() * 100);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Implementation

class Host implements TestHost {
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
    readonly inst: Instance,
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

class Instance implements TestHosts {
  hosts: Host[] = [];
  nftTables: Array<{ netns?: string; table: string }> = [];
  subnet?: string;
  bridge?: string;
  subnetX?: number;
  startupMs = 0;
  stopped = false;
  stopping: Promise<void> | null = null;
  uid = 0;
  gid = 0;
  userHome = '';
  spareKey = '';
  readonly sshConfigPath: string;
  readonly knownHostsPath: string;
  readonly identityFile: string;
  readonly fakebin: string;
  readonly fixtures: string;
  knownState = new Map<string, 'valid' | 'wrong' | 'absent'>();

  constructor(
    readonly id: string,
    readonly dir: string,
    readonly user: string,
    readonly loopback: boolean,
    readonly opts: TestHostsOptions,
  ) {
    this.sshConfigPath = path.join(dir, 'ssh_config');
    this.knownHostsPath = path.join(dir, 'known_hosts');
    this.identityFile = path.join(dir, 'id_ed25519');
    this.fakebin = path.join(dir, 'fakebin');
    this.fixtures = path.join(dir, 'fixtures', 'nvidia-smi', 'h100');
  }

  host(alias: string): TestHost {
    const h = this.hosts.find((x) => x.alias === alias);
    if (!h) throw new Error(`no test host ${alias}`);
    return h;
  }

  reg(): RegRecord {
    return {
      id: this.id,
      pid: process.pid,
      pidStart: procStat(process.pid)?.start ?? null,
      dir: this.dir,
      bridge: this.bridge,
      subnetX: this.subnetX,
      netns: this.hosts.flatMap((h) => (h.netns ? [h.netns] : [])),
      anchors: this.hosts.filter((h) => h.anchorPid).map((h) => ({ pid: h.anchorPid, start: h.anchorStart })),
      nftTables: this.nftTables,
    };
  }
  saveReg(): void {
    if (!this.stopped) writeReg(this.reg());
  }

  setKnownHost(alias: string, entry: 'valid' | 'wrong' | 'absent'): void {
    this.host(alias);
    if (entry === 'wrong' && !this.spareKey) {
      const f = path.join(this.dir, 'spare_host_key');
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'wrong-key', '-f', f]);
      this.spareKey = fs
        .readFileSync(f + '.pub', 'utf8')
        .trim()
        .split(' ')
        .slice(0, 2)
        .join(' ');
    }
    this.knownState.set(alias, entry);
    this.writeKnownHosts();
  }

  writeKnownHosts(): void {
    const lines: string[] = [];
    for (const h of this.hosts) {
      const st = this.knownState.get(h.alias) ?? 'absent';
      if (st === 'valid') lines.push(h.knownHostsLine());
      else if (st === 'wrong') lines.push(`${h.port === 22 ? h.address : `[${h.address}]:${h.port}`} ${this.spareKey}`);
    }
    const tmp = this.knownHostsPath + '.tmp';
    fs.writeFileSync(tmp, lines.join('\n') + (lines.length ? '\n' : ''), { mode: 0o644 });
    fs.renameSync(tmp, this.knownHostsPath);
  }

  writeSshConfig(): void {
    const extra = this.opts.sshConfigExtra ?? [];
    const blocks = this.hosts.map((h) =>
      [
        `Host ${h.alias}`,
        `  HostName ${h.address}`,
        `  Port ${h.port}`,
        `  User ${this.user}`,
        `  IdentityFile ${this.identityFile}`,
        `  IdentitiesOnly yes`,
        `  UserKnownHostsFile ${this.knownHostsPath}`,
        `  GlobalKnownHostsFile /dev/null`,
        `  StrictHostKeyChecking yes`,
        `  UpdateHostKeys no`,
        `  BatchMode yes`,
        ...extra.map((l) => `  ${l}`),
      ].join('\n'),
    );
    fs.writeFileSync(this.sshConfigPath, `# trainyard test hosts ${this.id}\n` + blocks.join('\n\n') + '\n', {
      mode: 0o644,
    });
  }

  writeSshdConfig(h: Host): void {
    const o = this.opts;
    const lines = [
      `Port ${h.port}`,
      `ListenAddress ${h.address}`,
      `HostKey ${h.hostKeyPath}`,
      `PidFile none`,
      // keys live in the instance dir under /tmp (world-writable parent): StrictModes would refuse them
      `AuthorizedKeysFile ${path.join(this.dir, 'authorized_keys')}`,
      `StrictModes no`,
      `PubkeyAuthentication yes`,
      `PasswordAuthentication no`,
      `KbdInteractiveAuthentication no`,
      `UsePAM no`,
      `AllowUsers ${this.user}`,
      `Subsystem sftp internal-sftp`,
      `ClientAliveInterval ${o.clientAliveInterval ?? 5}`,
      `ClientAliveCountMax ${o.clientAliveCountMax ?? 2}`,
      `UseDNS no`,
      `PrintMotd no`,
      `PrintLastLog no`,
      `X11Forwarding no`,
      `AcceptEnv LANG LC_*`,
      `SetEnv ${Object.entries(h.env)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
      ...(o.sshdConfigExtra ?? []),
    ];
    fs.writeFileSync(h.sshdConfigPath, lines.join('\n') + '\n', { mode: 0o644 });
  }

  /** every pid this instance owns: host processes + anchors */
  allPids(): number[] {
    const uts = new Set(this.hosts.filter((h) => h.anchorUts).map((h) => h.anchorUts));
    const nets = new Set<string>();
    for (const h of this.hosts) {
      const id = h.netns ? netnsId(h.netns) : null;
      if (id) nets.add(id);
    }
    const anchors = this.hosts
      .filter((h) => h.anchorPid && procStat(h.anchorPid)?.start === h.anchorStart)
      .map((h) => h.anchorPid);
    return [...new Set([...pidsInNamespaces(uts, nets), ...anchors])];
  }

  stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = (async () => {
        live.delete(this);
        await killAndWait(this.allPids(), 300);
        this.stopSync();
      })();
    }
    return this.stopping;
  }

  stopSync(): void {
    if (this.stopped) return;
    live.delete(this);
    const rec = this.reg();
    this.stopped = true;
    cleanupRecordSync(rec);
  }
}

function randomId(): string {
  return randomBytes(2).toString('hex');
}

async function claimSubnet(id: string): Promise<number> {
  const { stdout } = await execP('ip', ['-o', '-4', 'addr', 'show']);
  const used = new Set<number>();
  const re = new RegExp(`inet ${SUBNET_PREFIX.replace('.', '\\.')}\\.(\\d+)\\.`, 'g');
  for (const m of stdout.matchAll(re)) used.add(Number(m[1]));
  const start = randomBytes(1)[0];
  for (let k = 0; k < 256; k++) {
    const x = (start + k) % 256;
    if (used.has(x)) continue;
    try {
      fs.writeFileSync(path.join(REG_DIR, `subnet-${x}`), id, { flag: 'wx' });
      return x;
    } catch {
      /* taken by a parallel instance */
    }
  }
  throw new Error(`no free ${SUBNET_PREFIX}.X.0/24 subnet`);
}

/**
 * Bring up `count` real sshd test hosts. Needs root (see canRunTestHosts()).
 * Always call stop() (afterAll); cleanup also runs on process exit, and startTestHosts()
 * removes what crashed earlier runs left behind.
 */
export async function startTestHosts(opts: TestHostsOptions = {}): Promise<TestHosts> {
  const t0 = performance.now();
  const loopback = !!opts.loopback;
  const can = canRunTestHosts({ loopback });
  if (!can.ok) throw new Error(`cannot start test hosts: ${can.reason}`);
  const count = opts.count ?? 3;
  if (!(count >= 1 && count <= 200)) throw new Error('count must be 1..200');
  const user = opts.user ?? 'tytest';
  const aliasPrefix = opts.aliasPrefix ?? 'gpu-';
  const hostnamePrefix = opts.hostnamePrefix ?? 'gpu-node-';
  const perHostHome = opts.perHostHome ?? true;

  fs.mkdirSync(REG_DIR, { recursive: true, mode: 0o755 });
  fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  cleanupStaleTestHosts();
  hookExit();

  // claim a unique id (file name in the registry)
  let id = '';
  for (let k = 0; k < 100 && !id; k++) {
    const cand = randomId();
    try {
      fs.writeFileSync(path.join(REG_DIR, `${cand}.json`), '{}', { flag: 'wx' });
      id = cand;
    } catch {
      /* taken */
    }
  }
  if (!id) throw new Error('could not claim an instance id');

  const dir = fs.mkdtempSync('/tmp/trainyard-hosts-');
  fs.chmodSync(dir, 0o755);
  const inst = new Instance(id, dir, user, loopback, opts);
  live.add(inst);
  try {
    inst.saveReg();
    const pwP = ensureUser(user, opts.shell);
    const clientKeyP = execP('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-C',
      `trainyard-test-${id}`,
      '-f',
      inst.identityFile,
    ]);

    // fake nvidia-smi + the fixtures it replays, somewhere the test user can read
    fs.mkdirSync(inst.fakebin, { mode: 0o755 });
    fs.copyFileSync(path.join(opts.fakebinDir ?? DEFAULT_FAKEBIN, 'nvidia-smi'), path.join(inst.fakebin, 'nvidia-smi'));
    fs.chmodSync(path.join(inst.fakebin, 'nvidia-smi'), 0o755);
    fs.mkdirSync(inst.fixtures, { recursive: true, mode: 0o755 });
    fs.chmodSync(path.join(dir, 'fixtures'), 0o755);
    fs.chmodSync(path.dirname(inst.fixtures), 0o755);
    const fixSrc = opts.fixturesDir ?? DEFAULT_FIXTURES;
    for (const f of fs.readdirSync(fixSrc)) {
      fs.copyFileSync(path.join(fixSrc, f), path.join(inst.fixtures, f));
      fs.chmodSync(path.join(inst.fixtures, f), 0o644);
    }

    // addresses
    const ports: number[] = [];
    if (loopback) {
      for (let i = 0; i < count; i++) {
        let p = await freePort();
        while (ports.includes(p)) p = await freePort();
        ports.push(p);
      }
    } else {
      inst.subnetX = await claimSubnet(id);
      inst.subnet = `${SUBNET_PREFIX}.${inst.subnetX}.0/24`;
      inst.bridge = `ty${id}br`;
    }

    const pw = await pwP;
    inst.uid = pw.uid;
    inst.gid = pw.gid;
    inst.userHome = pw.home;

    for (let i = 1; i <= count; i++) {
      const hostDir = path.join(dir, `${aliasPrefix}${i}`);
      const homeDir = perHostHome
        ? opts.sharedHome
          ? path.join(dir, 'shared-home')
          : path.join(hostDir, 'home')
        : pw.home;
      const h = new Host(
        inst,
        i,
        `${aliasPrefix}${i}`,
        `${hostnamePrefix}${i}`,
        loopback ? '127.0.0.1' : `${SUBNET_PREFIX}.${inst.subnetX}.${10 + i}`,
        loopback ? ports[i - 1] : 22,
        hostDir,
        homeDir,
        loopback ? undefined : `ty${id}n${i}`,
        loopback ? undefined : `ty${id}v${i}`,
      );
      inst.hosts.push(h);
      fs.mkdirSync(hostDir, { mode: 0o755 });
      fs.mkdirSync(h.tmuxTmpDir, { mode: 0o700 });
      fs.chownSync(h.tmuxTmpDir, pw.uid, pw.gid);
      if (perHostHome && !fs.existsSync(homeDir)) {
        fs.mkdirSync(homeDir, { mode: 0o755 });
        try {
          fs.cpSync('/etc/skel', homeDir, { recursive: true });
        } catch {
          /* no skel */
        }
        for (const f of ['', ...fs.readdirSync(homeDir)]) fs.chownSync(path.join(homeDir, f), pw.uid, pw.gid);
      }
      const g = Array.isArray(opts.gpu) ? (opts.gpu[i - 1] ?? {}) : (opts.gpu ?? {});
      h.setGpu({ mode: 'idle', count: 1, ...g });
    }
    inst.saveReg();

    // host keys (parallel), network (namespace mode), anchors
    const keysP = Promise.all(
      inst.hosts.map((h) =>
        execP('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', h.hostname, '-f', h.hostKeyPath]),
      ),
    );
    if (!loopback) {
      const b = inst.bridge!;
      const lines = [
        `link add ${b} type bridge`,
        `addr add ${SUBNET_PREFIX}.${inst.subnetX}.1/24 dev ${b}`,
        `link set ${b} up`,
      ];
      for (const h of inst.hosts) {
        lines.push(
          `netns add ${h.netns}`,
          `link add ${h.veth} type veth peer name eth0 netns ${h.netns}`,
          `link set ${h.veth} master ${b} up`,
        );
      }
      await execP('ip', ['-batch', '-'], lines.join('\n') + '\n');
      inst.saveReg();
      await Promise.all(
        inst.hosts.map((h) =>
          execP(
            'ip',
            ['-n', h.netns!, '-batch', '-'],
            `addr add ${h.address}/24 dev eth0\nlink set eth0 up\nlink set lo up\n`,
          ),
        ),
      );
    }
    await Promise.all(inst.hosts.map((h) => h.startAnchor(perHostHome)));
    inst.saveReg();

    await clientKeyP;
    fs.copyFileSync(inst.identityFile + '.pub', path.join(dir, 'authorized_keys'));
    fs.chmodSync(path.join(dir, 'authorized_keys'), 0o644);
    await keysP;
    for (const h of inst.hosts) {
      h.hostPublicKey = fs
        .readFileSync(h.hostKeyPath + '.pub', 'utf8')
        .trim()
        .split(' ')
        .slice(0, 2)
        .join(' ');
      inst.writeSshdConfig(h);
    }
    const kh = opts.knownHosts ?? 'all';
    for (const h of inst.hosts) {
      inst.knownState.set(h.alias, kh === 'all' || (Array.isArray(kh) && kh.includes(h.alias)) ? 'valid' : 'absent');
    }
    inst.writeKnownHosts();
    inst.writeSshConfig();

    await Promise.all(
      inst.hosts.map(async (h) => {
        for (let attempt = 0; ; attempt++) {
          try {
            return await h.startSshd();
          } catch (e) {
            // loopback: a free port can be taken between probing and sshd binding it; pick another
            if (
              !loopback ||
              attempt >= 5 ||
              !(e instanceof SshdStartError) ||
              !/Bind to port|Cannot bind/.test(e.message)
            )
              throw e;
            h.port = await freePort();
            inst.writeSshdConfig(h);
          }
        }
      }),
    );
    inst.writeKnownHosts();
    inst.writeSshConfig();
    inst.startupMs = Math.round(performance.now() - t0);
    return inst;
  } catch (e) {
    await inst.stop().catch(() => {});
    throw e;
  }
}
