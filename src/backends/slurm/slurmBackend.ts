/**
 * The Slurm backend: a run is a batch job on a cluster, submitted from its login node with sbatch.
 * Its files are the tmux run's (manifest, run script, exit marker, log) plus the batch script and
 * the job id (slurmCommands.ts); the run's id is the job's name. What the queue says about a job
 * comes from the process's poll cache (pollCache.ts), never from a poll of its own.
 */
import { parseSections } from '../../commands/sectioned.js';
import type { LocalCommand } from '../../commands/value.js';
import type { HostConfig } from '../../config/types.js';
import { FAILURE_STATES, findJob, type SlurmJob } from '../../parsers/slurm.js';
import { DEFAULT_LOG_TEMPLATE, RUNS_DIR, runFile } from '../../runs/layout.js';
import { parseRunManifest } from '../../runs/manifest.js';
import { shJoin } from '../../shell/quote.js';
import {
  type CommandExec,
  type HostSnapshot,
  type LaunchRequest,
  type LaunchResult,
  type LiveState,
  launchScriptFor,
  type Run,
  type RunBackend,
  RunBackendError,
  type RunFiles,
  resolveRemoteDir,
  type StopResult,
} from '../runBackend.js';
import { manifestLogPath } from '../tmux/tmuxBackend.js';
import { attachRemoteLine } from './interactiveCommands.js';
import { type SlurmPollCache, slurmPoll } from './pollCache.js';
import { GUARD_SUFFIX, guardScript, guardSubmitScript } from './restartGuard.js';
import {
  EXIT_COMMAND_NOT_FOUND,
  EXIT_JOB_NAME_TAKEN,
  EXIT_NO_SUCH_JOB,
  jobFilesCommand,
  type SbatchOptions,
  sbatchScript,
  slurmLaunchCommand,
  slurmProbeCommand,
  slurmStopCommand,
} from './slurmCommands.js';

export const DEFAULT_SMOKE_TIME = '10:00';

/** Why a name cannot name a Slurm job (and the run's files), or null. */
export function jobNameProblem(name: string): string | null {
  if (name === '') return 'the job name is empty';
  if (Buffer.byteLength(name) > 200) return 'the job name is longer than 200 bytes';
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/.test(name))
    return 'a Slurm job name here uses letters, digits and . _ - + only (no spaces, "/", "|" or quotes), not starting with . - +';
  if (name.endsWith(GUARD_SUFFIX))
    return `a run's name may not end in "${GUARD_SUFFIX}": its restart guard job has that name`;
  return null;
}

/** Job states in which the job is alive (holds or waits for a node). */
const ALIVE = new Set(['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING', 'SUSPENDED', 'REQUEUED', 'RESIZING']);

/** The newest job of that name in the view (a name is reused by a later launch). */
export function newestJob(jobs: SlurmJob[], name: string): SlurmJob | null {
  let best: SlurmJob | null = null;
  for (const j of jobs) if (j.name === name && (!best || Number(j.jobId) >= Number(best.jobId))) best = j;
  return best;
}

/** A Slurm state's exit code when the script's own marker is missing: 0 for COMPLETED, else unknown. */
function stateExitCode(state: string): number | null {
  return state === 'COMPLETED' ? 0 : null;
}

/** The batch script of one run: its name, its log as the job's output, the host's and project's options. */
export function runSbatchScript(host: HostConfig, q: LaunchRequest, extra: Partial<SbatchOptions> = {}): string {
  return sbatchScript({
    jobName: q.id,
    output: q.log,
    partition: host.partition,
    account: host.account,
    qos: host.qos,
    gpus: q.gpuCount ?? 1,
    time: q.slurm?.time,
    signalSeconds: q.slurm?.signalSeconds,
    runScript: runFile(q.home, q.id, 'sh'),
    ...extra,
  });
}

export interface SlurmBackendOptions {
  host: HostConfig;
  cache?: SlurmPollCache;
}

export function createSlurmBackend(o: SlurmBackendOptions): RunBackend & { readonly cache: SlurmPollCache } {
  const cache = o.cache ?? slurmPoll;
  cache.configure(o.host.alias, o.host.pollSeconds);

  const runOf = (
    manifestText: string,
    home: string,
    jobId: string,
    exit: number | null,
    stopped: boolean,
    jobs: SlurmJob[],
  ): Run | null => {
    const { manifest } = parseRunManifest(manifestText, home);
    if (!manifest) return null;
    const job = jobId ? findJob(jobs, jobId) : null;
    let state: Run['state'];
    let exitCode = exit;
    if (job && ALIVE.has(job.state)) state = 'running';
    else if (stopped) state = 'stopped';
    else if (exit !== null) state = 'exited';
    else if (job) {
      state = 'exited';
      exitCode = stateExitCode(job.state);
    } else state = 'gone';
    return {
      id: manifest.session,
      project: manifest.project,
      host: manifest.host,
      gpus: manifest.gpus ?? null,
      runDir: manifest.runDir ?? manifest.remoteDir,
      params: manifest.params ?? {},
      manifest,
      state: state === 'running' ? 'running' : state,
      exitCode: state === 'running' ? null : exitCode,
      stoppedMarker: stopped,
      slurm: job
        ? { jobId, state: job.state, reason: job.reason, elapsed: job.elapsed, limit: job.limit }
        : { jobId, state: null, reason: null, elapsed: null, limit: null },
    };
  };

  const backend: RunBackend & { readonly cache: SlurmPollCache } = {
    kind: 'slurm',
    cache,
    defaultLogTemplate: DEFAULT_LOG_TEMPLATE,

    async inspect(exec: CommandExec, host: string, rawRemoteDir: string): Promise<HostSnapshot> {
      const [r, view] = await Promise.all([
        exec(slurmProbeCommand(host, rawRemoteDir), { timeoutMs: 20_000 }),
        cache.view(host, exec),
      ]);
      if (r.code !== 0)
        throw new RunBackendError(
          `cannot look at ${host}: ${(r.stderr || r.stdout).trim().split('\n')[0] || `exit ${r.code}`}`,
          'check the host with: trainyard doctor',
        );
      const out = parseSections(r.stdout);
      const home = out.value('home');
      if (home === undefined)
        throw new RunBackendError('the login node probe printed nothing usable', 'try: trainyard doctor');
      const runs: Run[] = [];
      for (const s of out.all('manifest')) {
        const job = /job=([0-9_]+)/.exec(s.value)?.[1] ?? '';
        const exit = /exit=(\d+)/.exec(s.value);
        const run = runOf(
          s.lines[0] ?? '',
          home,
          job,
          exit ? Number(exit[1]) : null,
          /(^| )stopped\b/.test(s.value),
          view.jobs,
        );
        if (run) runs.push(run);
      }
      const sbatch = out.value('sbatch') === '1';
      return {
        home,
        remoteDir: resolveRemoteDir(rawRemoteDir, home),
        remoteDirExists: out.value('direxists') === '1',
        now: out.number('now'),
        runs,
        takenNames: view.jobs.filter((j) => ALIVE.has(j.state)).map((j) => j.name),
        backendError: sbatch
          ? null
          : 'sbatch is not on PATH on this login node (is Slurm loaded? try: module load slurm)',
      };
    },

    nameProblem: jobNameProblem,

    files(home: string, id: string): RunFiles {
      return { manifest: runFile(home, id, 'json'), script: runFile(home, id, 'sh'), exit: runFile(home, id, 'exit') };
    },

    async launch(exec: CommandExec, q: LaunchRequest): Promise<LaunchResult> {
      // Slurm sets CUDA_VISIBLE_DEVICES to the GPUs it gave the job
      const scriptText = launchScriptFor(q, null);
      const sbatchText = runSbatchScript(o.host, q);
      const r = await exec(
        slurmLaunchCommand(q.host, {
          id: q.id,
          home: q.home,
          manifestJson: JSON.stringify(q.manifest),
          scriptText,
          sbatchText,
          guardText: guardScript(),
          guardSubmitText: guardSubmitScript(o.host),
          secrets: q.secrets,
        }),
        { timeoutMs: 60_000 },
      );
      if (r.dry) return { kind: 'dry' };
      if (r.code === EXIT_JOB_NAME_TAKEN) return { kind: 'name-taken' };
      if (r.code === EXIT_COMMAND_NOT_FOUND) return { kind: 'missing', what: 'sbatch' };
      if (r.code !== 0)
        return {
          kind: 'failed',
          code: r.code,
          output: (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' / '),
        };
      const out = parseSections(r.stdout);
      return { kind: 'started', jobId: out.value('jobid') };
    },

    logPath: manifestLogPath,

    async liveState(exec: CommandExec, host: string, id: string): Promise<LiveState> {
      const files = parseSections((await exec(jobFilesCommand(host, id), { timeoutMs: 15_000 })).stdout);
      const jobId = files.value('jobid');
      if (!jobId) return { kind: 'absent' };
      const marker = files.number('exit');
      const view = await cache.view(host, exec);
      const job = findJob(view.jobs, jobId);
      if (job && ALIVE.has(job.state)) return { kind: 'running' };
      if (marker !== null) return { kind: 'ended', exitCode: marker };
      if (job) return { kind: 'ended', exitCode: stateExitCode(job.state) };
      // submitted after the view was taken: the queue will show it at the next poll
      const newest = view.jobs.reduce((n, j) => Math.max(n, Number(j.jobId) || 0), 0);
      if (Number(/^\d+/.exec(jobId)?.[0]) > newest) return { kind: 'running' };
      const end = await cache.jobEnd(host, exec, jobId);
      return end ? { kind: 'ended', exitCode: end.exitCode ?? stateExitCode(end.state) } : { kind: 'absent' };
    },

    async stop(exec: CommandExec, host: string, id: string): Promise<StopResult> {
      const r = await exec(slurmStopCommand(host, id), { timeoutMs: 30_000 });
      if (r.dry) return { kind: 'dry' };
      if (r.code === EXIT_NO_SUCH_JOB) return { kind: 'not-found' };
      if (r.code !== 0) return { kind: 'failed', code: r.code, output: r.stderr.trim() };
      return { kind: 'stopped', graceful: true };
    },

    attachCommand(sshConfig: string, host: string, id: string, where: 'here' | 'new-window'): LocalCommand {
      const ssh = ['ssh', '-F', sshConfig, '-t', '--', host, attachRemoteLine(id)];
      if (where === 'new-window')
        return {
          where: 'local',
          argv: ['tmux', 'new-window', '-n', `${id}@${host}`.replace(/#/g, '##'), shJoin(ssh)],
          purpose: `open job ${id} on ${host} in a new local tmux window`,
        };
      return { where: 'local', argv: ssh, purpose: `a shell in job ${id} on ${host} (srun --overlap), else its log` };
    },
  };
  return backend;
}

/** Whether a Slurm end state is a failure the watchdog reports (and may restart from). */
export function isFailureState(state: string | null | undefined): boolean {
  return !!state && FAILURE_STATES.has(state);
}

/** The run files directory on a login node, for messages. */
export const SLURM_RUNS_DIR = RUNS_DIR;
