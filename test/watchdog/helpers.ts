import { readFileSync } from 'node:fs';
import { launchCommand } from '../../src/backends/tmux/tmuxCommands.js';
import { shScript } from '../../src/commands/value.js';
import { type RunManifest, runFile, runScriptHeader } from '../../src/runs/layout.js';
import { shQuote } from '../../src/shell/quote.js';
import type { Transport } from '../../src/transport/types.js';
import type { WatchdogEvent } from '../../src/watchdog/events.js';
import { readWatchdogEvents } from '../../src/watchdog/operations.js';
import type { TestHost } from '../harness/testHosts.js';
import { waitFor } from '../support/waitFor.js';

export interface RunSpec {
  session: string;
  project?: string;
  /** Directory relative to $HOME on the host (created). */
  dir?: string;
  command: string;
  gpus?: string | null;
  resume?: string | null;
  checkpoints?: string | null;
  autoRestart?: { enabled: boolean; max: number; backoffSeconds: number };
  /** Manifest fields to set (a restart's parent, restartedBy, resumedFrom). */
  manifest?: Partial<RunManifest>;
}

/**
 * A launch script in the layout src/runs/layout.ts describes (run-specific assignments, the
 * marker, a body that only uses the ty_ variables), shaped like launchScript()'s: cd, tee to the
 * log, the exit code in the .exit file.
 */
export function contractLaunchScript(run: {
  session: string;
  log: string;
  exitFile: string;
  command: string;
  remoteDir: string;
}): string {
  return [
    '#!/usr/bin/env bash',
    `# trainyard test run ${JSON.stringify(run.session)}`,
    ...runScriptHeader(run),
    'mkdir -p -- "$(dirname -- "$ty_log")"',
    "trap 'ty_interrupted=1' INT",
    `printf '[trainyard] %s start %s on %s\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$ty_session" "$(hostname)" >> "$ty_log"`,
    '{',
    `  cd -- ${shQuote(run.remoteDir)} || exit 66`,
    '  export PYTHONUNBUFFERED=1',
    '  eval "$ty_command"',
    '} 2>&1 | tee -i -a -- "$ty_log"',
    'ty_status=${PIPESTATUS[0]}',
    'printf \'%s\\n\' "$ty_status" > "$ty_exit"',
    'exit "$ty_status"',
    '',
  ].join('\n');
}

export async function remoteHome(transport: Transport): Promise<string> {
  return (await transport.exec(shScript('printf %s "$HOME"'))).stdout;
}

/** Starts a run the way the launch action does (launchCommand: manifest, script, tmux with remain-on-exit). */
export async function launchTestRun(
  transport: Transport,
  host: string,
  home: string,
  spec: RunSpec,
): Promise<RunManifest> {
  const remoteDir = `${home}/${spec.dir ?? 'proj'}`;
  await transport.exec(shScript(`mkdir -p -- ${shQuote(remoteDir)}`));
  const log = runFile(home, spec.session, 'log');
  const manifest: RunManifest = {
    session: spec.session,
    project: spec.project ?? 'proj',
    host,
    remoteDir,
    log,
    command: spec.command,
    resume: spec.resume ?? null,
    checkpoints: spec.checkpoints ?? null,
    gpus: spec.gpus ?? null,
    startedAt: new Date().toISOString(),
    parent: null,
    resumedFrom: null,
    configHash: 'test',
    git: { commit: null, dirty: false, diffHash: null },
    autoRestart: spec.autoRestart ?? { enabled: false, max: 3, backoffSeconds: 60 },
    restartCount: 0,
    effectiveCommand: spec.command,
    results: null,
    script: runFile(home, spec.session, 'sh'),
    secretsFile: null,
    localDir: '/tmp/proj',
    writer: 'trainyard-test',
    ...spec.manifest,
  };
  const cmd = launchCommand(host, {
    session: spec.session,
    home,
    manifestJson: JSON.stringify(manifest),
    scriptText: contractLaunchScript({
      session: spec.session,
      log,
      exitFile: runFile(home, spec.session, 'exit'),
      command: spec.command,
      remoteDir,
    }),
    secrets: null,
  });
  const r = await transport.exec(cmd, { stdin: cmd.stdin, timeoutMs: 20_000 });
  if (r.code !== 0) throw new Error(`launch ${spec.session} failed (${r.code}): ${r.stderr}${r.stdout}`);
  return manifest;
}

/** Polls the host's events until `done` holds; fails with the events seen so far. */
export async function waitForEvents(
  transport: Transport,
  host: string,
  done: (events: WatchdogEvent[]) => boolean,
  timeoutMs = 30_000,
  what = 'events',
): Promise<WatchdogEvent[]> {
  return waitFor(() => readWatchdogEvents(transport, host), {
    until: done,
    timeoutMs,
    intervalMs: 400,
    what,
    show: (events) => events.map((e) => `${e.session}:${e.kind}:${e.detail}`).join(' | '),
  });
}

export const has = (events: WatchdogEvent[], session: string | null, kind: string) =>
  events.some((e) => e.session === session && e.kind === kind);
export const count = (events: WatchdogEvent[], session: string | null, kind: string) =>
  events.filter((e) => e.session === session && e.kind === kind).length;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The thresholds the watchdog tests run with: a 1 s loop, stall and silence in seconds. */
export const FAST = { intervalSeconds: 1, stallSeconds: 3, silentSeconds: 4 };

/** Processes of this host running the watchdog loop. */
export function watchdogProcesses(host: TestHost): number[] {
  return host.pids().filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('watchdog.sh\0run');
    } catch {
      return false;
    }
  });
}

/** Every process's command line on this host, its arguments joined by spaces. */
export function cmdlines(host: TestHost): string[] {
  return host.pids().flatMap((pid) => {
    try {
      return [readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')];
    } catch {
      return [];
    }
  });
}
