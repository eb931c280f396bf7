export interface HostConfig {
  /** The ssh_config alias (or "local" for this machine). */
  alias: string;
  label?: string;
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
  /** Default GPU choice for launches: "all", "least-used", "least-used:N" or "0,1". */
  gpus?: string;
  /** Seconds stop waits after Ctrl-C before it kills the session. */
  stopGraceSeconds?: number;
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
  agent: AgentConfig;
}
