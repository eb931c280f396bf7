/**
 * A sweep's own files on a server, beside the queue (src/sweeps/queueEntry.ts):
 *
 *   ~/.trainyard/sweeps/<name>/sweep.json   name, project, params sets, maxParallel, failLimit, createdAt,
 *                                           maxParallelOn (each machine's share of maxParallel)
 *   ~/.trainyard/sweeps/<name>/stopped      present: drain (the watchdog starts none of its queued runs)
 *
 * The look command also reads what the placement needs from the host in one exec: its machine
 * key, its GPUs and their compute processes, and which sweeps are there and stopped.
 */
import { field, parseSections, section } from '../commands/sectioned.js';
import { bashScriptArgv, type RemoteCommand } from '../commands/value.js';
import {
  APP_QUERY_FIELDS,
  describeGpuFailure,
  GPU_QUERY_FIELDS,
  type GpuProcess,
  type GpuSample,
  parseAppLines,
  parseGpuLine,
} from '../parsers/nvidiaSmi.js';
import { MACHINE_KEY_SH } from '../runs/layout.js';
import type { ParamSet } from './expand.js';
import { sweepNameProblem } from './expand.js';
import { SWEEPS_DIR } from './queueEntry.js';

export interface SweepFile {
  name: string;
  project: string;
  params: ParamSet[];
  maxParallel: number | null;
  /**
   * Each machine's share of maxParallel, by machine key (the same file on every host, so a home
   * shared by several servers holds every share): a watchdog starts a queued run of the sweep only
   * while fewer than its share run on its machine, and none on a machine without one.
   */
  maxParallelOn?: Record<string, number> | null;
  failLimit: number;
  freeMemoryMiB: number | null;
  gpusPerRun: number;
  createdAt: string;
}

function checkedSweep(name: string): string {
  const problem = sweepNameProblem(name);
  if (problem) throw new Error(problem);
  return name;
}

/** One read-only look: machine key, GPUs, compute processes, sweeps (name, stopped, capped). */
export function sweepLookCommand(host: string): RemoteCommand {
  const smi = (query: string) =>
    `command -v nvidia-smi >/dev/null 2>&1 || exit 127; exec nvidia-smi ${query} --format=csv,noheader,nounits`;
  return {
    where: 'remote',
    host,
    purpose: 'read free GPUs and sweeps',
    readOnly: true,
    argv: bashScriptArgv('trainyard-sweep-look', [
      MACHINE_KEY_SH,
      field('machine', '"$machine"'),
      section('gpus', smi(`--query-gpu=${GPU_QUERY_FIELDS.join(',')}`)),
      section('apps', smi(`--query-compute-apps=${APP_QUERY_FIELDS.join(',')}`)),
      `for d in "$HOME"/${SWEEPS_DIR}/*/; do`,
      '  [ -d "$d" ] || continue',
      '  d=${d%/}; n=${d##*/}',
      '  case $n in *[!A-Za-z0-9_-]*) continue ;; esac',
      '  f=$n',
      '  [ -e "$d/stopped" ] && f="$f stopped"',
      `  grep -q '"maxParallelOn":{' "$d/sweep.json" 2>/dev/null && f="$f capped"`,
      `  ${field('sweep', '"$f"')}`,
      'done',
      field('end'),
    ]),
  };
}

export interface SweepLook {
  machine: string;
  /** null when nvidia-smi could not be read (gpuProblem says why). */
  gpus: GpuSample[] | null;
  apps: GpuProcess[];
  gpuProblem: string | null;
  /** capped: this host keeps to a share of the sweep's maxParallel (its queued runs stay here). */
  sweeps: { name: string; stopped: boolean; capped: boolean }[];
}

export function parseSweepLook(output: string): SweepLook | null {
  const out = parseSections(output);
  const machine = out.value('machine');
  if (machine === undefined || !out.has('end')) return null;
  const g = out.first('gpus');
  const a = out.first('apps');
  const gpuText = g?.lines.join('\n') ?? '';
  const gpus =
    g?.exit === 0
      ? gpuText
          .split('\n')
          .map(parseGpuLine)
          .filter((x): x is GpuSample => x !== null)
      : null;
  // a GPU list without its process list cannot say which GPUs are free
  const appsOk = a?.exit === 0;
  return {
    machine,
    gpus: gpus && appsOk ? gpus : null,
    apps: appsOk ? parseAppLines(a?.lines.join('\n') ?? '') : [],
    gpuProblem:
      g?.exit !== 0
        ? describeGpuFailure(g?.exit ?? null, gpuText)
        : !appsOk
          ? describeGpuFailure(a?.exit ?? null, a?.lines.join('\n') ?? '')
          : null,
    sweeps: out.all('sweep').map((s) => {
      const [name, ...flags] = s.value.split(' ');
      return { name, stopped: flags.includes('stopped'), capped: flags.includes('capped') };
    }),
  };
}

/** Writes sweep.json (atomically) and removes a `stopped` left from an earlier run of the same name. */
export function writeSweepCommand(host: string, sweep: SweepFile): RemoteCommand {
  const name = checkedSweep(sweep.name);
  return {
    where: 'remote',
    host,
    purpose: `record sweep ${name} on ${host} (its limits, for the watchdog's queue)`,
    idempotent: true,
    argv: bashScriptArgv(
      'trainyard-sweep-write',
      [
        'set -e',
        `d="$HOME"/${SWEEPS_DIR}/"$1"`,
        'mkdir -p -- "$d"',
        'cat > "$d/sweep.json.tmp"',
        'mv -f -- "$d/sweep.json.tmp" "$d/sweep.json"',
        'rm -f -- "$d/stopped"',
      ],
      name,
    ),
    stdin: `${JSON.stringify(sweep)}\n`,
    stdinLabel: 'sweep.json (one line)',
    attachments: [{ title: 'sweep.json', text: JSON.stringify(sweep) }],
  };
}

/** Marks the sweep stopped: the watchdog starts none of its queued runs (and drops them). */
export function stopSweepCommand(host: string, name: string): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: `mark sweep ${name} stopped on ${host}: none of its queued runs starts`,
    idempotent: true,
    argv: bashScriptArgv(
      'trainyard-sweep-stop',
      ['set -e', `d="$HOME"/${SWEEPS_DIR}/"$1"`, 'mkdir -p -- "$d"', ': > "$d/stopped"'],
      checkedSweep(name),
    ),
  };
}
