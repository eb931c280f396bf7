import { parseArgs } from 'node:util';

export class UsageError extends Error {}

export const USAGE = `trainyard — a cockpit for training on remote GPU servers

Usage:
  trainyard                     open the cockpit (full screen)
  trainyard status [--json]     print every host's state, GPUs and tmux sessions once
  trainyard doctor              check each host and say what to fix
  trainyard init [--ssh-config FILE] [--yes]   write a config from the hosts in your ssh_config
  trainyard sync PROJECT --host H      send the code (asks before deleting on the server)
  trainyard smoke PROJECT --host H     run the smoke test in the foreground, judge it
  trainyard launch PROJECT --host H [--param NAME=VALUE]   start the training run in a new tmux session
  trainyard restart PROJECT --host H   relaunch the newest run from its newest checkpoint
  trainyard pull PROJECT --host H [--run RUN]   fetch the results (no checkpoints or weights)
  trainyard stop HOST SESSION          Ctrl-C, then kill a tmux session (asks first)
  trainyard attach HOST SESSION        attach to a tmux session (detach: Ctrl-b d)
  trainyard sweep PROJECT --grid lr=1e-3,3e-4 [--grid seed=1,2]   start a sweep: every free GPU, the rest queued
  trainyard sweep stop NAME [--kill]   drain a sweep (queued runs dropped, running ones finish)
  trainyard sweep list [--json]        every sweep on the hosts: running, queued, done, failed
  trainyard clear HOST                 remove the ended runs' sessions (asks first; logs stay)
  trainyard watchdog install HOST      install/upgrade the server-side watchdog, start it in tmux
  trainyard watchdog status [HOST]     is it running, its summary, unread events
  trainyard watchdog uninstall HOST    stop it and remove ~/.trainyard/watchdog/<hostname>
  trainyard events [--since 8h] [--host H]   the watchdogs' timeline (crashes, stalls, restarts)
  trainyard runs [--sweep NAME] [--json]     every run on every host: state, progress, loss, ETA
  trainyard compare NAME [--json|--csv|--md] a sweep's runs side by side: differing params, metrics
  trainyard completion bash|zsh|fish   print the shell completion script
  trainyard mcp                 serve AI agents over MCP (stdio): typed tools, guard rails in "agent"
  trainyard help [COMMAND]      this text, or one command in detail (also: COMMAND --help)

Options:
  --config FILE     use this config file instead of the default location
  --timeout SEC     (status, doctor) how long to wait for hosts, default 20
  --json            (status) machine-readable output
  --version         print the version
  --host ALIAS      (sync, smoke, launch, restart, pull) the host; optional with one host
  --yes, -y         answer yes to every question (deleting files, launching a config again)
  --dry-run, -n     print exactly the commands that would run; run only read-only queries
  --session NAME    (launch, restart) the new tmux session's name, default PROJECT-xxxx
  --gpus G          (launch, restart, smoke) all | least-used[:N] | 0,1 (default: the project's "gpus")
  --from SESSION    (restart) the run to restart, default the project's newest run on the host
  --param N=V       (launch, smoke) a value for {N} in train (repeatable), over the project's "params"
  --run RUN         (pull) only that run's directory, RESULTS/RUN
  --grid N=V1,V2    (sweep) a parameter and its values; several --grid make every combination
  --name NAME       (sweep) the sweep's name, default PROJECT-xxxx
  --hosts A,B       (sweep) the hosts to use, in order of preference (default: every host)
  --gpus-per-run N  (sweep) GPUs each run gets, default 1
  --max-parallel N  (sweep) the most runs of the sweep running at once
  --kill            (sweep stop) stop the sweep's running runs too (asks first)
  --new-window      (attach) open it in a new window of your local tmux
  --since T         (events) from a time (2026-11-23T08:00Z) or a duration back (8h, 30m, 2d)
  --interval SEC    (watchdog install) seconds between looks, default 30
  --stall MIN       (watchdog install) minutes of idle GPUs before "stalled", default 10
  --silent MIN      (watchdog install) minutes without log output before "silent", default 15
  --webhook URL     (watchdog install) push alerts (ntfy topic or Slack webhook); "none" removes;
                    or set TRAINYARD_WEBHOOK_URL to keep the URL off the command line
  --ssh-config FILE (init) the ssh_config to read hosts from, default ~/.ssh/config
  --sweep NAME      (runs) only the runs of this sweep
  --csv, --md       (compare) the table as CSV or Markdown`;

export interface ParsedArgs {
  command: string;
  positionals: string[];
  config?: string;
  json: boolean;
  timeoutSeconds: number;
  version: boolean;
  help: boolean;
  flags: Record<string, string | boolean | string[] | undefined>;
}

export function parseCliArgs(argv: string[]): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string', short: 'c' },
        json: { type: 'boolean' },
        timeout: { type: 'string' },
        version: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
        host: { type: 'string' },
        yes: { type: 'boolean', short: 'y' },
        'dry-run': { type: 'boolean', short: 'n' },
        since: { type: 'string' },
        session: { type: 'string' },
        gpus: { type: 'string' },
        from: { type: 'string' },
        param: { type: 'string', multiple: true },
        run: { type: 'string' },
        'new-window': { type: 'boolean' },
        grid: { type: 'string', multiple: true },
        name: { type: 'string' },
        hosts: { type: 'string' },
        'gpus-per-run': { type: 'string' },
        'max-parallel': { type: 'string' },
        kill: { type: 'boolean' },
        interval: { type: 'string' },
        stall: { type: 'string' },
        silent: { type: 'string' },
        webhook: { type: 'string' },
        'ssh-config': { type: 'string' },
        sweep: { type: 'string' },
        csv: { type: 'boolean' },
        md: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const timeoutSeconds = values.timeout === undefined ? 20 : Number(values.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
    throw new UsageError(`--timeout must be a number of seconds, e.g. --timeout 30`);
  return {
    command: positionals[0] ?? 'cockpit',
    positionals: positionals.slice(1),
    config: values.config,
    json: values.json ?? false,
    timeoutSeconds,
    version: values.version ?? false,
    help: values.help ?? false,
    flags: values as Record<string, string | boolean | string[] | undefined>,
  };
}
