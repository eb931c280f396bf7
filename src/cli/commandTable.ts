/**
 * Every CLI command in one table: `trainyard help COMMAND` prints from it and the shell
 * completions complete from it, so help and completion cannot drift from each other.
 */

/** What a positional argument or an option value is, for completion. */
export type WordKind = 'project' | 'host' | 'session' | 'command' | 'shell' | 'file' | 'none' | readonly string[];

export interface OptionSpec {
  name: string;
  short?: string;
  /** The value's placeholder in help (`--host H`); absent for a switch. */
  value?: string;
  /** What completes after the option; absent for a switch. */
  complete?: WordKind;
  help: string;
}

export interface CommandSpec {
  name: string;
  usage: string;
  summary: string;
  /** Positional arguments in order; `sub` commands (watchdog) have their own list per word. */
  args: WordKind[];
  options: string[];
  details?: string;
}

export const OPTIONS: readonly OptionSpec[] = [
  {
    name: 'config',
    short: 'c',
    value: 'FILE',
    complete: 'file',
    help: 'use this config file instead of the default location',
  },
  { name: 'json', help: 'machine-readable output' },
  { name: 'timeout', value: 'SEC', complete: 'none', help: 'how long to wait for hosts, default 20' },
  { name: 'version', short: 'v', help: 'print the version' },
  { name: 'help', short: 'h', help: 'print help (for a command: trainyard COMMAND --help)' },
  { name: 'host', value: 'ALIAS', complete: 'host', help: 'the host (an ssh_config alias); optional with one host' },
  { name: 'yes', short: 'y', help: 'answer yes to every question' },
  { name: 'dry-run', short: 'n', help: 'print exactly the commands that would run; run only read-only queries' },
  { name: 'session', value: 'NAME', complete: 'none', help: "the new tmux session's name, default PROJECT-xxxx" },
  {
    name: 'gpus',
    value: 'G',
    complete: ['all', 'least-used', 'least-used:2'],
    help: 'all | least-used[:N] | 0,1 (default: the project\'s "gpus")',
  },
  {
    name: 'from',
    value: 'SESSION',
    complete: 'none',
    help: "the run to restart, default the project's newest run on the host",
  },
  {
    name: 'param',
    value: 'NAME=VALUE',
    complete: 'none',
    help: 'a value for {NAME} in train (repeatable), over the project\'s "params"',
  },
  { name: 'run', value: 'RUN', complete: 'none', help: "only this run's directory (results/RUN)" },
  { name: 'new-window', help: 'open it in a new window of your local tmux' },
  {
    name: 'grid',
    value: 'N=V1,V2',
    complete: 'none',
    help: 'a parameter and its values (repeatable): every combination is one run',
  },
  { name: 'name', value: 'NAME', complete: 'none', help: "the sweep's name, default PROJECT-xxxx" },
  {
    name: 'hosts',
    value: 'A,B',
    complete: 'none',
    help: 'the hosts to use, in order of preference (default: every host)',
  },
  { name: 'gpus-per-run', value: 'N', complete: 'none', help: 'GPUs each run gets, default 1' },
  { name: 'max-parallel', value: 'N', complete: 'none', help: 'the most runs of the sweep running at once' },
  { name: 'kill', help: "(sweep stop) stop the sweep's running runs too (asks first)" },
  {
    name: 'since',
    value: 'T',
    complete: ['1h', '8h', '12h', '2d'],
    help: 'from a time (2026-11-23T08:00Z) or a duration back (8h, 30m, 2d)',
  },
  { name: 'interval', value: 'SEC', complete: 'none', help: 'seconds between looks, default 30' },
  { name: 'stall', value: 'MIN', complete: 'none', help: 'minutes of idle GPUs before "stalled", default 10' },
  { name: 'silent', value: 'MIN', complete: 'none', help: 'minutes without log output before "silent", default 15' },
  {
    name: 'webhook',
    value: 'URL',
    complete: ['none'],
    help: 'push alerts (ntfy topic or Slack webhook); "none" removes; or set TRAINYARD_WEBHOOK_URL',
  },
  {
    name: 'ssh-config',
    value: 'FILE',
    complete: 'file',
    help: 'the ssh_config to read hosts from, default ~/.ssh/config',
  },
  { name: 'sweep', value: 'NAME', complete: 'none', help: 'only the runs of this sweep' },
  { name: 'csv', help: 'the table as CSV' },
  { name: 'md', help: 'the table as Markdown' },
];

const LOOP_OPTIONS = ['host', 'yes', 'dry-run'];

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'status',
    usage: 'trainyard status [--json] [--timeout SEC]',
    summary: "print every host's state, GPUs and tmux sessions once",
    args: [],
    options: ['json', 'timeout'],
    details: 'Exit code 1 when a host is unreachable or refused.',
  },
  {
    name: 'doctor',
    usage: 'trainyard doctor [--timeout SEC]',
    summary: 'check each host and say what to fix',
    args: [],
    options: ['timeout'],
    details:
      "Checks this machine (ssh, rsync, the agent, ssh2's native crypto) and resolve, connect, host key, auth, nvidia-smi, tmux, rsync and free disk on every host.",
  },
  {
    name: 'init',
    usage: 'trainyard init [--ssh-config FILE] [--yes]',
    summary: 'write a config from the hosts in your ssh_config',
    args: [],
    options: ['ssh-config', 'yes', 'timeout'],
    details:
      'Lists the concrete Host aliases of the ssh_config (following Include), checks which answer (connect, nvidia-smi, tmux) and writes the config with the ones you pick; in a git repository it can add a project. --yes takes every host that answers and adds no project. An existing config is only updated after you say yes (never with --yes).',
  },
  {
    name: 'sync',
    usage: 'trainyard sync PROJECT [--host H] [--yes] [--dry-run]',
    summary: 'send the code (asks before deleting on the server)',
    args: ['project'],
    options: LOOP_OPTIONS,
  },
  {
    name: 'smoke',
    usage: 'trainyard smoke PROJECT [--host H] [--gpus G] [--param NAME=VALUE]...',
    summary: 'run the smoke test in the foreground, judge it',
    args: ['project'],
    options: [...LOOP_OPTIONS, 'gpus', 'param'],
  },
  {
    name: 'launch',
    usage: 'trainyard launch PROJECT [--host H] [--session NAME] [--gpus G] [--param NAME=VALUE]...',
    summary: 'start the training run in a new tmux session',
    args: ['project'],
    options: [...LOOP_OPTIONS, 'session', 'gpus', 'param'],
    details:
      'The run gets its own directory, REMOTE/RESULTS/SESSION ({run_dir} in train, $TRAINYARD_RUN_DIR), and its parameters as {NAME} placeholders (each one argument, never shell code) and $TRAINYARD_PARAMS (JSON). The command runs in the project directory.',
  },
  {
    name: 'restart',
    usage: 'trainyard restart PROJECT [--host H] [--from SESSION] [--session NAME] [--gpus G]',
    summary: 'relaunch the newest run from its newest checkpoint',
    args: ['project'],
    options: [...LOOP_OPTIONS, 'session', 'gpus', 'from'],
  },
  {
    name: 'pull',
    usage: 'trainyard pull PROJECT [--host H] [--run RUN]',
    summary: 'fetch the results (no checkpoints or weights)',
    args: ['project'],
    options: [...LOOP_OPTIONS, 'run'],
    details:
      "Brings RESULTS/ back (every run's directory), or with --run only that run's directory RESULTS/RUN (a restarted run shares its first run's directory).",
  },
  {
    name: 'stop',
    usage: 'trainyard stop HOST SESSION [--yes]',
    summary: 'Ctrl-C, then kill a tmux session (asks first)',
    args: ['host', 'session'],
    options: ['yes', 'dry-run'],
  },
  {
    name: 'attach',
    usage: 'trainyard attach HOST SESSION [--new-window]',
    summary: 'attach to a tmux session (detach: Ctrl-b d)',
    args: ['host', 'session'],
    options: ['new-window'],
  },
  {
    name: 'sweep',
    usage:
      'trainyard sweep PROJECT --grid N=V1,V2 [--grid …] [--param N=V] [--name NAME] [--hosts A,B] [--gpus-per-run N] [--max-parallel N] | sweep NAME | sweep stop NAME [--kill] | sweep list | sweep rebalance',
    summary: 'run a project once per parameter set on every free GPU, the rest queued on the servers',
    args: ['project'],
    options: [
      'grid',
      'param',
      'name',
      'hosts',
      'gpus-per-run',
      'max-parallel',
      'kill',
      'yes',
      'dry-run',
      'json',
      'timeout',
    ],
    details:
      'Every combination of the --grid values (or the parameter sets of a "sweeps" entry of the config, started by its name) is one run, named NAME-1, NAME-2, …. A parameter set whose config hash (project, command, parameters, code) already ran, runs or is queued on any host is skipped. Runs start now on free GPUs (no compute process, not held by another run), in the order of --hosts; the rest wait in the hosts\' queues, which the watchdog starts as GPUs free up, with the laptop closed. Asks once (--yes answers yes); --dry-run prints the placement and every command. `sweep stop NAME` drains: queued runs are dropped, running ones finish (--kill stops them too, asking first). `sweep list` shows each sweep\'s runs by state; list and rebalance move queued runs from hosts whose GPUs are busy to hosts with free GPUs.',
  },
  {
    name: 'clear',
    usage: 'trainyard clear HOST [--yes]',
    summary: "remove the ended runs' sessions (asks first; logs stay)",
    args: ['host'],
    options: ['yes', 'dry-run'],
  },
  {
    name: 'watchdog',
    usage: 'trainyard watchdog install|status|uninstall [HOST]',
    summary: 'the server-side watchdog: install/upgrade, status, uninstall',
    args: [['install', 'status', 'uninstall'], 'host'],
    options: ['host', 'json', 'dry-run', 'timeout', 'interval', 'stall', 'silent', 'webhook'],
  },
  {
    name: 'events',
    usage: 'trainyard events [--since 8h] [--host H] [--json]',
    summary: "the watchdogs' timeline (crashes, stalls, restarts) and the agents' actions",
    args: [],
    options: ['since', 'host', 'json', 'timeout'],
  },
  {
    name: 'runs',
    usage: 'trainyard runs [--sweep NAME] [--host H] [--json]',
    summary: 'every run on every host: state, progress, latest loss, ETA, runtime',
    args: [],
    options: ['sweep', 'host', 'json', 'timeout'],
    details:
      'States: queued, running, finished, crashed, restarted (ended, and a restart continues it), stopped. Progress (step or epoch x/y) and the latest loss come from the end of each log, read with the same grammar as the log pane and the watchdog. Exit code 1 when a host could not be read.',
  },
  {
    name: 'compare',
    usage: 'trainyard compare NAME [--json|--csv|--md] [--host H]',
    summary: "a sweep's runs side by side: the params that differ, final/min/best of each metric",
    args: ['none'],
    options: ['json', 'csv', 'md', 'host', 'timeout'],
    details:
      'NAME is a sweep; when no run belongs to a sweep of that name, the runs of the project NAME. Metrics come from the log and from the metrics files the run wrote in its run directory (metrics.json, *.jsonl). Rows are sorted by the project\'s "metric" ({"name": "val_loss", "goal": "min"}), the best marked with *. Finished runs are added once to results.jsonl in the data directory, with their manifest (git commit, host, GPUs, params).',
  },
  {
    name: 'mcp',
    usage: 'trainyard mcp [--config FILE]',
    summary: 'serve AI agents over MCP (stdio): typed tools, guard rails in "agent"',
    args: [],
    options: [],
    details:
      'Register it with `claude mcp add trainyard -- npx trainyard mcp`. Read-only tools always; the actions only those listed in the config\'s "agent": {"allow": [...]}, and only with "confirm": true (or, where the client can ask its person, their yes). Runs\' logs and manifests are resources; the prompt morning_report tells the night. Every agent action is recorded (trainyard events shows it). Writes only protocol to stdout, logs to stderr.',
  },
  {
    name: 'completion',
    usage: 'trainyard completion bash|zsh|fish',
    summary: 'print the shell completion script',
    args: ['shell'],
    options: [],
    details:
      'bash: add `source <(trainyard completion bash)` to ~/.bashrc. zsh: `source <(trainyard completion zsh)` in ~/.zshrc (after compinit). fish: `trainyard completion fish > ~/.config/fish/completions/trainyard.fish`.',
  },
  {
    name: 'help',
    usage: 'trainyard help [COMMAND]',
    summary: 'usage, or one command in detail',
    args: ['command'],
    options: [],
  },
];

/** Options every command takes. */
export const GLOBAL_OPTIONS = ['config', 'help'];

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

export function findOption(name: string): OptionSpec | undefined {
  return OPTIONS.find((o) => o.name === name);
}
