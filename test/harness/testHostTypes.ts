/** The test hosts' public types: what startTestHosts() takes and returns. */
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
