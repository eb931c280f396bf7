/**
 * The morning report: two lines for every host (connection, GPUs, watchdog; what happened since)
 * and two for every run of the night (state, progress, loss, who started it; how it ended or what
 * the watchdog last said). Built from what `trainyard status --json` and `trainyard events` read:
 * the fleet's host state, the watchdog's summary and events, the runs' manifests and log ends.
 */
import type { Run } from '../backends/runBackend.js';
import type { Progress } from '../logs/grammar.js';
import type { HostState } from '../state/store.js';
import { safeText } from '../text/sanitise.js';
import type { WatchdogEvent } from '../watchdog/events.js';
import type { WatchdogStatus } from '../watchdog/status.js';
import type { WatchdogRunSummary } from '../watchdog/summary.js';

export interface RunFacts {
  progress: Progress | null;
  loss: number | null;
}

export interface HostReportInput {
  alias: string;
  host: HostState | undefined;
  /** Null when the host could not be asked. */
  watchdog: WatchdogStatus | null;
  events: WatchdogEvent[];
  runs: Run[];
  facts: Map<string, RunFacts>;
  /** Why the runs or events could not be read, or null. */
  error: string | null;
}

const MAX_RUNS = 100;

function clock(iso: string | null | undefined): string {
  if (!iso) return '?';
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

function num(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Math.abs(n) >= 100 || n === 0 ? String(Number(n.toPrecision(6))) : n.toPrecision(4);
}

function watchdogWord(w: WatchdogStatus | null): string {
  if (!w) return 'watchdog unknown';
  if (w.error) return `watchdog unreadable (${w.error})`;
  if (!w.installed) return 'no watchdog';
  if (!w.running) return 'watchdog NOT RUNNING';
  return w.stale ? 'watchdog STUCK (summary stale)' : 'watchdog running';
}

/** The runs worth a morning line: running now, or started or heard of since `since`. */
export function nightRuns(h: HostReportInput, since: Date): Run[] {
  const heard = new Set(h.events.map((e) => e.session).filter((s): s is string => s !== null));
  const from = since.toISOString();
  return h.runs
    .filter((r) => r.state === 'running' || r.manifest.startedAt >= from || heard.has(r.id))
    .sort((a, b) => (a.manifest.startedAt < b.manifest.startedAt ? -1 : 1));
}

function stateLine(r: Run, wd: WatchdogRunSummary | undefined, child: string | null): string {
  if (r.state === 'running') return 'running';
  if (r.state === 'stopped' || r.stoppedMarker) return 'stopped by the user';
  const exit = wd?.exitCode ?? r.exitCode;
  const how = wd?.signal
    ? `killed (signal ${wd.signal})`
    : exit === 0
      ? 'finished'
      : exit !== null
        ? `CRASHED (exit ${exit})`
        : 'ended';
  return child ? `${how}, restarted as ${child}` : how;
}

function runLines(r: Run, h: HostReportInput, runs: readonly Run[]): [string, string] {
  const wd = h.watchdog?.summary?.runs.find((s) => s.session === r.id);
  const child = wd?.autoRestart.child ?? runs.find((o) => o.manifest.parent === r.id)?.id ?? null;
  const f = h.facts.get(r.id);
  const bits = [`${r.id} (${r.project}) ${stateLine(r, wd, child)}`];
  if (f?.progress) {
    const pct = f.progress.total > 0 ? ` (${Math.round((100 * f.progress.done) / f.progress.total)}%)` : '';
    bits.push(`${f.progress.kind} ${f.progress.done}/${f.progress.total}${pct}`);
  }
  if (f?.loss !== null && f?.loss !== undefined) bits.push(`loss ${num(f.loss)}`);
  bits.push(`GPUs ${r.gpus ?? 'all'}`);
  const by = r.manifest.by ? ` by ${r.manifest.by}` : '';
  const from = r.manifest.parent ? `, continues ${r.manifest.parent}` : '';
  bits.push(`started ${clock(r.manifest.startedAt)}${by}${from}`);
  const mine = h.events.filter((e) => e.session === r.id);
  const notable = [...mine].reverse().find((e) => e.level !== 'info') ?? mine.at(-1);
  const flags = wd?.flags.length ? `flags ${wd.flags.join(', ')}; ` : '';
  const second = wd?.lastError
    ? `${flags}last error: ${wd.lastError}`
    : notable
      ? `${flags}${clock(notable.time)} ${notable.kind}: ${notable.detail}`
      : `${flags}no watchdog events`;
  return [`  ${bits.join(' · ')}`, `    ${second}`];
}

function hostLines(h: HostReportInput, since: Date, sinceWords: string): string[] {
  const hs = h.host;
  const state = hs?.connection.state ?? 'unknown';
  const busy = new Set(hs?.processes.map((p) => p.gpuUuid) ?? []);
  const gpus = hs?.gpus.length
    ? `${hs.gpus.length} GPU(s), ${hs.gpus.filter((g) => !busy.has(g.uuid)).length} free`
    : (hs?.gpuError ?? 'no GPUs seen');
  const first = `${h.alias} — ${state}${hs?.connection.error ? ` (${hs.connection.error})` : ''}; ${gpus}; ${watchdogWord(h.watchdog)}`;
  const count = (...kinds: string[]) => h.events.filter((e) => kinds.includes(e.kind)).length;
  const running = h.runs.filter((r) => r.state === 'running').length;
  const warnings = h.events.filter((e) => e.level !== 'info').length;
  const agent = count('agent-action');
  const second = h.error
    ? `  since ${sinceWords}: cannot tell (${h.error})`
    : `  since ${sinceWords}: ${count('running')} started, ${count('finished')} finished, ${count('crashed', 'lost')} crashed, ${count('restarted')} restarted, ${count('stopped')} stopped; ${running} running now; ${warnings} warning(s)${agent ? `; ${agent} agent action(s)` : ''}`;
  const lines = [first, second];
  const runs = nightRuns(h, since);
  for (const r of runs.slice(-MAX_RUNS)) lines.push(...runLines(r, h, h.runs));
  if (runs.length > MAX_RUNS)
    lines.push(`  (${runs.length - MAX_RUNS} earlier runs of the night left out: list_runs shows them)`);
  return lines;
}

/** The report's lines, sanitised. */
export function morningReport(hosts: readonly HostReportInput[], since: Date, sinceWords: string): string[] {
  return hosts.flatMap((h) => hostLines(h, since, sinceWords)).map((l) => safeText(l));
}
