export interface HostConfig {
  /** The ssh_config alias (or "local" for this machine). */
  alias: string;
  label?: string;
  /** "slurm": a Slurm login node (jobs by sbatch); "none": plain SSH (tmux) even where sbatch exists; absent: detected. */
  scheduler?: 'slurm' | 'none';
  /** Slurm: the partition, account and QOS every job of this host asks for (absent: the cluster's defaults). */
  partition?: string;
  account?: string;
  qos?: string;
  /** Slurm: seconds between squeue/sinfo polls of this cluster (default 10, never below 5). */
  pollSeconds?: number;
}

/** How a project's jobs ask Slurm for time. */
export interface ProjectSlurmConfig {
  /** sbatch --time of a launch, e.g. "1-00:00:00" (absent: the partition's default). */
  time?: string;
  /** srun --time of a smoke test (default "10:00"). */
  smokeTime?: string;
  /** Seconds before the time limit the run gets SIGUSR1 to save a checkpoint (default 120). */
  signalSeconds?: number;
}

export interface ProjectConfig {
  local: string;
  remote: string;
  train: string;
  smoke?: string;
  smokeTimeoutSeconds?: number;
  checkpoints?: string;
  resume?: string;
  results?: string;
  /** Default values of the {name} placeholders in train and resume. */
  params?: Record<string, string>;
  log?: string;
  conda?: string;
  venv?: string;
  env?: Record<string, string>;
  secretEnv?: string[];
  envFile?: string;
  exclude?: string[];
  pullExclude?: string[];
  hosts?: Record<string, { remote?: string }>;
  autoRestart?: { enabled?: boolean; max?: number; backoffSeconds?: number };
  metrics?: string;
  /** The primary metric: what `trainyard compare` sorts by and marks the best run of. */
  metric?: { name: string; goal?: 'min' | 'max' };
  /** Default GPU choice for launches: "all", "least-used", "least-used:N" or "0,1". */
  gpus?: string;
  /** Seconds stop waits after Ctrl-C before it kills the session. */
  stopGraceSeconds?: number;
  /** Sweeps may put more than one run on a GPU (default false: never two runs on one GPU). */
  shareGpus?: boolean;
  /** Time limits for jobs on Slurm hosts. */
  slurm?: ProjectSlurmConfig;
}

/** What an agent may do through `trainyard mcp`. No allow list: read-only tools only. */
export interface AgentConfig {
  allow: string[];
  /** null: every configured host / every project. */
  hosts: string[] | null;
  projects: string[] | null;
  maxGpus: number | null;
  maxRuns: number | null;
}

export interface Config {
  /** The file it came from (it may not exist when defaults apply). */
  file: string;
  hosts: HostConfig[];
  /** Absolute path of the ssh_config passed as -F to every ssh and rsync. */
  sshConfig: string;
  refreshSeconds: number;
  sessionsRefreshSeconds: number;
  trustNewHostKeys: boolean;
  /** Where the cockpit pushes alerts the server could not push itself (ntfy topic or Slack webhook). */
  alertWebhook: string | null;
  keepalive: { intervalSeconds: number; countMax: number };
  projects: Record<string, ProjectConfig>;
  sweeps: Record<string, SweepConfig>;
  agent: AgentConfig;
}

/** A sweep kept in the config: `trainyard sweep NAME` starts it. Values are strings (numbers become strings). */
export interface SweepConfig {
  project: string;
  /** Every combination of these values (the first key outermost). Exactly one of grid and runs. */
  grid?: Record<string, (string | number)[]>;
  /** An explicit list of parameter sets. */
  runs?: Record<string, string | number>[];
  /** Preference order of hosts (default: every host, in the order of "hosts"). */
  hosts?: string[];
  gpusPerRun?: number;
  maxParallel?: number;
  /** Consecutive failed runs after which the sweep starts no more (default 3). */
  failLimit?: number;
  /** A GPU using at least this much memory (MiB) is not free, even with no process on it. */
  freeMemoryMiB?: number;
}
