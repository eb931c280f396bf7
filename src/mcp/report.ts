/**
 * The morning report: two lines for every host (connection, GPUs, watchdog; what happened since)
 * and two for every run of the night (state, progress, loss, who started it; how it ended or what
 * the watchdog last said). Built from what `trainyard status --json` and `trainyard events` read:
 * the fleet's host state, the watchdog's summary and events, and the Runs model (`trainyard runs`).
 */
import type { RunRow } from '../runs/runsModel.js';
import type { HostState } from '../state/store.js';
import { safeText } from '../text/sanitise.js';
import type { WatchdogEvent } from '../watchdog/events.js';
import type { WatchdogStatus } from '../watchdog/status.js';
import type { WatchdogRunSummary } from '../watchdog/summary.js';

export interface HostReportInput {
  alias: string;
  host: HostState | undefined;
  /** Null when the host could not be asked. */
  watchdog: WatchdogStatus | null;
  events: WatchdogEvent[];
  runs: RunRow[];
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
export function nightRuns(h: HostReportInput, since: Date): RunRow[] {
  const heard = new Set(h.events.map((e) => e.session).filter((s): s is string => s !== null));
  const from = since.getTime();
  return h.runs
    .filter((r) => r.state === 'running' || r.state === 'queued' || (r.startedAt ?? 0) >= from || heard.has(r.id))
    .sort((a, b) => (a.startedAt ?? Infinity) - (b.startedAt ?? Infinity));
}

function stateWords(r: RunRow, wd: WatchdogRunSummary | undefined): string {
  if (r.state === 'crashed' || r.state === 'restarted') {
    const how = wd?.signal
      ? `killed (signal ${wd.signal})`
      : `CRASHED${r.exitCode !== null ? ` (exit ${r.exitCode})` : ''}`;
    return r.child ? `${how}, restarted as ${r.child}` : how;
  }
  if (r.state === 'stopped') return `stopped by the user${r.child ? `, restarted as ${r.child}` : ''}`;
  if (r.state === 'queued') return `queued (wants ${r.wantGpus ?? 1} GPU(s))`;
  return r.state;
}

function runLines(r: RunRow, h: HostReportInput): [string, string] {
  const wd = h.watchdog?.summary?.runs.find((s) => s.session === r.id);
  const bits = [`${r.id} (${r.project}${r.sweep ? `, sweep ${r.sweep}` : ''}) ${stateWords(r, wd)}`];
  if (r.progress)
    bits.push(`${r.progress.kind} ${r.progress.done}/${r.progress.total} (${Math.round(r.progress.percent)}%)`);
  if (r.loss) bits.push(`${r.loss.name} ${num(r.loss.value)}`);
  if (r.state !== 'queued') bits.push(`GPUs ${r.gpus ?? 'all'}`);
  const started = r.startedAt === null ? '' : `started ${clock(new Date(r.startedAt).toISOString())}`;
  const who = r.by ? ` by ${r.by}` : '';
  const from = r.parent ? `, continues ${r.parent}` : '';
  if (started || who || from) bits.push(`${started}${who}${from}`.trim());
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
  const runs = nightRuns(h, since);
  // a restart by a person or an agent is a new launch to the watchdog: the Runs model knows it (a child)
  const restarted = runs.filter((r) => r.child !== null).length;
  const second = h.error
    ? `  since ${sinceWords}: cannot tell (${h.error})`
    : `  since ${sinceWords}: ${count('running')} started, ${count('finished')} finished, ${count('crashed', 'lost')} crashed, ${restarted} restarted, ${count('stopped')} stopped; ${running} running now; ${warnings} warning(s)${agent ? `; ${agent} agent action(s)` : ''}`;
  const lines = [first, second];
  for (const r of runs.slice(-MAX_RUNS)) lines.push(...runLines(r, h));
  if (runs.length > MAX_RUNS)
    lines.push(`  (${runs.length - MAX_RUNS} earlier runs of the night left out: list_runs shows them)`);
  return lines;
}

/** The report's lines, sanitised. */
export function morningReport(hosts: readonly HostReportInput[], since: Date, sinceWords: string): string[] {
  return hosts.flatMap((h) => hostLines(h, since, sinceWords)).map((l) => safeText(l));
}
