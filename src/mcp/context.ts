/**
 * What the MCP tools share for the life of the server: the fleet (one held connection per host,
 * the same monitors as the cockpit) and one action runner over those connections. Questions an
 * action would ask a person get their safe answer: no to every confirmation (the tools pass
 * confirm as --yes), the default for inputs and choices.
 */
import { backendExec } from '../actions/execute.js';
import { defaultDataDir } from '../actions/localManifests.js';
import { ActionRunner, type RunnerEvent } from '../actions/runner.js';
import type { CommandExec } from '../backends/runBackend.js';
import { backendForHost } from '../backends/select.js';
import type { Config } from '../config/types.js';
import { Fleet } from '../hosts/fleet.js';
import { hostRows, type RunRow } from '../runs/runsModel.js';
import { HostRunsReader } from '../runs/runsReader.js';
import { NotConnectedError } from '../ssh/connection.js';
import type { Transport } from '../transport/types.js';
import { Refusal } from './guards.js';

/** How long one read-only look at a host may take. */
const LOOK_TIMEOUT_MS = 30_000;
/** How long a tool waits for a host's first connection after the server started. */
const FIRST_LOOK_MS = 15_000;

export class McpContext {
  readonly fleet: Fleet;
  readonly runner: ActionRunner;
  /** Where local manifests and the agent-actions record go. */
  readonly dataDir: string;
  /** The connected client's name, as it introduced itself (set by the server). */
  clientName: () => string | null = () => null;
  private readonly listeners = new Map<number, (e: RunnerEvent) => void>();
  /** One Runs-model reader per host for the server's life: it learns each run's pace (the ETA) across calls. */
  private readonly readers = new Map<string, HostRunsReader>();

  constructor(
    readonly config: Config,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.fleet = new Fleet(config, { interactive: false });
    this.dataDir = defaultDataDir(env);
    this.runner = new ActionRunner({
      config,
      env,
      dataDir: this.dataDir,
      transportFor: (host) => this.transport(host),
      backendFor: (host, transport) => backendForHost(config, host, transport),
      gpuSamples: (host) => {
        const h = this.fleet.store.getState().hosts[host];
        return h?.gpus.length ? h.gpus : null;
      },
      answerer: async (q) => (q.kind === 'confirm' ? false : q.defaultValue),
      onEvent: (e) => this.listeners.get(e.runId)?.(e),
    });
  }

  start(): void {
    this.fleet.start();
  }

  hostAliases(): string[] {
    return this.config.hosts.map((h) => h.alias);
  }

  /**
   * Waits (at most FIRST_LOOK_MS) for the host's first answer after the server started, so a
   * tool called at once does not find it still connecting; returns at once after that.
   */
  async ready(host: string): Promise<void> {
    const monitor = this.fleet.monitor(host);
    if (!monitor) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([monitor.settled(), new Promise((resolve) => (timer = setTimeout(resolve, FIRST_LOOK_MS)))]);
    clearTimeout(timer);
  }

  /** The host's held connection; an error in words when it is not configured or not up. */
  transport(host: string): Transport {
    const monitor = this.fleet.monitor(host);
    if (!monitor) throw new Refusal(`"${host}" is not a configured host (${this.hostAliases().join(', ')})`);
    const c = monitor.connection;
    if (c && !c.isReady)
      throw new NotConnectedError(
        `${host} is not connected: ${c.info.error ?? c.info.state}${c.info.hint ? ` — ${c.info.hint}` : ''}`,
      );
    return monitor.transport;
  }

  /** Read-only commands for a run backend over the held connection. */
  exec(host: string): CommandExec {
    return backendExec({
      transport: this.transport(host),
      dryRun: false,
      signal: AbortSignal.timeout(LOOK_TIMEOUT_MS),
      output: () => {},
    });
  }

  /** The host's runs as the Runs model has them (trainyard runs, the cockpit's Runs pane). */
  async runRows(host: string): Promise<RunRow[]> {
    await this.ready(host);
    let reader = this.readers.get(host);
    if (!reader) this.readers.set(host, (reader = new HostRunsReader(host, this.config)));
    const read = await reader.read(this.exec(host));
    return hostRows(read, reader.pace);
  }

  /** Runs an action to its verdict, with the lines it printed. */
  async runAction(
    ...args: Parameters<ActionRunner['start']>
  ): Promise<{ verdict: Awaited<ReturnType<ActionRunner['start']>['done']>; lines: { text: string; kind: string }[] }> {
    const lines: { text: string; kind: string }[] = [];
    const { runId, done } = this.runner.start(...args);
    this.listeners.set(runId, (e) => {
      if (e.type === 'line') lines.push({ text: e.text, kind: e.kind });
    });
    try {
      return { verdict: await done, lines };
    } finally {
      this.listeners.delete(runId);
    }
  }

  async close(): Promise<void> {
    this.runner.cancelAll();
    await this.fleet.shutdown();
  }
}
