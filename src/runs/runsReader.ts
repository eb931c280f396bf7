/**
 * Reads one host's runs for the Runs model: one runs probe per look, with the log ends of the
 * runs that are live (and of ended runs once, after they ended). A run seen for the first time
 * has its log end read by one more exec in the same look; after that a look is one exec.
 */
import type { CommandExec } from '../backends/runBackend.js';
import { slurmPoll } from '../backends/slurm/pollCache.js';
import type { Config } from '../config/types.js';
import { type HostRuns, hostRows, type RunRow } from './runsModel.js';
import { parseRunsProbe, runsProbeCommand, TAIL_BYTES, type TailRequest } from './runsProbe.js';
import { type TailFacts, tailFacts } from './tailFacts.js';

export class HostRunsReader {
  /** Log facts by run id: live runs' from the latest look, ended runs' from a look after they ended. */
  private readonly facts = new Map<string, TailFacts>();
  /** Runs whose log was read after they ended: nothing more to learn from it. */
  private readonly settled = new Set<string>();
  /** The first look that saw each running run at its current total: the pace since then gives the ETA. */
  readonly pace = new Map<string, { at: number; done: number; total: number }>();
  private rows: RunRow[] = [];

  constructor(
    readonly alias: string,
    private readonly config: Pick<Config, 'projects'>,
  ) {}

  private wanted(rows: readonly RunRow[]): TailRequest[] {
    return rows
      .filter((r) => r.log !== null && r.state !== 'queued' && (r.state === 'running' || !this.settled.has(r.id)))
      .map((r) => ({ id: r.id, log: r.log as string }));
  }

  /** One look (two execs when runs appeared that were not known before). Throws when the exec fails. */
  async read(exec: CommandExec, timeoutMs = 20_000): Promise<HostRuns> {
    let asked = this.wanted(this.rows);
    let host = await this.look(exec, asked, timeoutMs);
    const askedIds = new Set(asked.map((t) => t.id));
    const missing = this.wanted(hostRows(host, this.pace)).filter((t) => !askedIds.has(t.id));
    if (missing.length) {
      asked = this.wanted(hostRows(host, this.pace));
      host = await this.look(exec, asked, timeoutMs);
    }
    this.rows = hostRows(host, this.pace, host.receivedAt);
    this.notePace(this.rows, host.receivedAt);
    return host;
  }

  private async look(exec: CommandExec, asked: TailRequest[], timeoutMs: number): Promise<HostRuns> {
    const r = await exec(runsProbeCommand(this.alias, asked), { timeoutMs });
    if (r.code !== 0 && !r.stdout.includes('@@tmux'))
      throw new Error(
        `cannot list the runs on ${this.alias}: ${(r.stderr || r.stdout).trim().split('\n')[0] || `exit ${r.code}`}`,
      );
    const probe = parseRunsProbe(r.stdout);
    // batch jobs: the cluster's queue from the shared poll cache (no poll of our own while it is fresh)
    const view = probe.runs.some((x) => x.jobId !== null)
      ? await slurmPoll.view(this.alias, exec).catch(() => undefined)
      : undefined;
    const jobs = view?.jobs;
    const jobsAt = view?.at;
    const receivedAt = Date.now();
    const states = new Map(
      hostRows({ alias: this.alias, probe, facts: new Map(), receivedAt, jobs, jobsAt }, new Map(), receivedAt).map(
        (row) => [row.id, row],
      ),
    );
    asked.forEach((t, i) => {
      const row = states.get(t.id);
      if (row && row.state !== 'running') this.settled.add(t.id); // a missing log is not asked for again
      const tail = probe.tails.get(i);
      if (!tail) return;
      const cut = Buffer.byteLength(tail.text) >= TAIL_BYTES;
      this.facts.set(t.id, tailFacts(tail.text, this.config.projects[row?.project ?? '']?.metrics, cut));
    });
    return { alias: this.alias, probe, facts: this.facts, receivedAt, jobs, jobsAt };
  }

  private notePace(rows: readonly RunRow[], at: number): void {
    const live = new Set<string>();
    for (const r of rows) {
      if (r.state !== 'running' || !r.progress) continue;
      live.add(r.key);
      const p = this.pace.get(r.key);
      if (!p || p.total !== r.progress.total || r.progress.done < p.done)
        this.pace.set(r.key, { at, done: r.progress.done, total: r.progress.total });
    }
    for (const key of this.pace.keys()) if (!live.has(key)) this.pace.delete(key);
  }
}
