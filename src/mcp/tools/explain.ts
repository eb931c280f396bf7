/**
 * explain_failure: why a run ended (or is in trouble), in one answer: the run's state and exit,
 * the server-side watchdog's verdict on it (status, flags, last error, restarts) and its events,
 * and the log lines around the failure, capped.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { Run } from '../../backends/runBackend.js';
import type { WatchdogEvent } from '../../watchdog/events.js';
import { readWatchdogEvents } from '../../watchdog/operations.js';
import { watchdogStatusFor } from '../../watchdog/status.js';
import type { WatchdogRunSummary } from '../../watchdog/summary.js';
import type { McpContext } from '../context.js';
import { type FailureLines, failureLines, HINTS } from '../failure.js';
import { guarded, okResult } from '../result.js';
import { readLogSlice } from '../runLog.js';
import { findRun } from '../runs.js';
import { hostArg, runArg } from '../schemas.js';

const SCAN_DEFAULT = 1024 * 1024;
const SCAN_MAX = 8 * 1024 * 1024;
const EXCERPT_DEFAULT = 8 * 1024;
const EXCERPT_MAX = 64 * 1024;
const MAX_EVENTS = 20;

const DESCRIBE: Record<string, string> = {
  'cuda-oom': 'GPU out of memory',
  'nccl-timeout': 'a collective (NCCL/RCCL) timed out',
  traceback: 'a Python exception',
  'nan-loss': 'the loss became NaN/inf',
};

/** One line: what happened to the run, from its state, the watchdog and the log. */
function verdictOf(
  run: Run,
  wd: WatchdogRunSummary | null,
  f: FailureLines,
): { cause: string; summary: string; hint: string | null } {
  const exit = wd?.exitCode ?? run.exitCode;
  const signal = wd?.signal ?? null;
  const ended =
    run.state === 'running'
      ? 'is running'
      : run.state === 'stopped' || run.stoppedMarker
        ? 'was stopped by the user'
        : signal
          ? `was killed (signal ${signal})`
          : exit === 0
            ? 'finished (exit 0)'
            : exit !== null
              ? `crashed (exit ${exit})`
              : 'ended (exit status unknown)';
  if (f.kind)
    return { cause: f.kind, summary: `${run.id} ${ended}: ${DESCRIBE[f.kind]} — ${f.line}`, hint: HINTS[f.kind] };
  if (run.state === 'running') {
    const trouble = wd ? [wd.stalled && 'stalled (GPUs idle)', wd.silent && 'silent (log quiet)'].filter(Boolean) : [];
    return trouble.length
      ? {
          cause: 'stalled',
          summary: `${run.id} is running but ${trouble.join(' and ')}`,
          hint: 'read the end of the log with run_log; a hung data loader or collective looks like this',
        }
      : { cause: 'running', summary: `${run.id} is running; no failure in the part of the log read`, hint: null };
  }
  if (run.state === 'stopped' || run.stoppedMarker)
    return { cause: 'stopped', summary: `${run.id} ${ended}`, hint: null };
  if (signal) return { cause: 'killed', summary: `${run.id} ${ended}`, hint: HINTS.killed };
  if (exit === 0) return { cause: 'finished', summary: `${run.id} ${ended}: nothing failed`, hint: null };
  if (wd?.lastError)
    return { cause: 'exit-code', summary: `${run.id} ${ended}: ${wd.lastError}`, hint: HINTS.traceback };
  return { cause: exit === null ? 'unknown' : 'exit-code', summary: `${run.id} ${ended}`, hint: HINTS['exit-code'] };
}

function watchdogJson(wd: WatchdogRunSummary) {
  return {
    status: wd.status,
    exitCode: wd.exitCode,
    signal: wd.signal,
    flags: wd.flags,
    lastError: wd.lastError,
    stalled: wd.stalled,
    silent: wd.silent,
    restartCount: wd.restartCount,
    autoRestart: wd.autoRestart,
  };
}

export function registerExplainTool(server: McpServer, ctx: McpContext): void {
  server.registerTool(
    'explain_failure',
    {
      title: 'Explain a failure',
      description: `Why a run crashed or is in trouble: its state and exit code, the server-side watchdog's verdict (status, flags such as oom/diverged/traceback, last error, automatic restarts) and events for it, and the log lines around the failure (the traceback, the out-of-memory or NaN line) — at most \`maxBytes\` (default ${EXCERPT_DEFAULT}). Reads the last \`scanBytes\` of the log (default ${SCAN_DEFAULT}).`,
      inputSchema: {
        host: hostArg,
        run: runArg,
        context: z.number().int().min(0).max(200).optional().describe('lines before the failure (default 10)'),
        maxBytes: z.number().int().min(512).max(EXCERPT_MAX).optional(),
        scanBytes: z.number().int().min(1024).max(SCAN_MAX).optional(),
      },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    guarded(async ({ host, run, context, maxBytes, scanBytes }) => {
      const found = await findRun(ctx, host, run);
      const transport = ctx.transport(host);
      const since = Date.parse(found.manifest.startedAt);
      const [watchdog, events, slice] = await Promise.all([
        watchdogStatusFor(transport, host, { maxUnread: 0 }),
        readWatchdogEvents(transport, host, Number.isNaN(since) ? null : new Date(since - 60_000)).catch(
          () => [] as WatchdogEvent[],
        ),
        readLogSlice(transport, host, found.manifest.log, {
          lines: Number.MAX_SAFE_INTEGER,
          capBytes: scanBytes ?? SCAN_DEFAULT,
          sanitise: false,
        }).catch((e: Error) => e),
      ]);
      const lines = slice instanceof Error || slice.text === '' ? [] : slice.text.split('\n');
      const f = failureLines(lines, slice instanceof Error ? 0 : slice.fromOffset, {
        context: context ?? 10,
        capBytes: maxBytes ?? EXCERPT_DEFAULT,
      });
      const wd = watchdog.summary?.runs.find((r) => r.session === run) ?? null;
      const mine = events.filter((e) => e.session === run);
      const keptEvents = mine.slice(-MAX_EVENTS);
      const v = verdictOf(found, wd, f);
      const more: string[] = [];
      if (f.linesLeftOut > 0)
        more.push(
          `${f.linesLeftOut} line(s) at the start of the window left out (maxBytes): run_log with offset ${f.windowOffset} reads them`,
        );
      if (!(slice instanceof Error) && slice.leftOutBefore > 0)
        more.push(
          `${slice.leftOutBefore} bytes before the last ${slice.bytesReturned} were not scanned: pass a bigger scanBytes (at most ${SCAN_MAX})`,
        );
      if (mine.length > keptEvents.length)
        more.push(`${mine.length - keptEvents.length} older event(s) of this run left out: events tool`);
      return okResult({
        run,
        host,
        project: found.project,
        state: found.state,
        exitCode: found.exitCode,
        cause: v.cause,
        summary: v.summary,
        hint: v.hint,
        watchdog: wd ? watchdogJson(wd) : null,
        watchdogNote: wd
          ? null
          : watchdog.error
            ? `cannot read the watchdog: ${watchdog.error}`
            : watchdog.installed
              ? 'the watchdog has no summary of this run (it ended more than 48 h ago, or started on another server)'
              : `no watchdog on ${host} (a person installs it: trainyard watchdog install ${host})`,
        events: keptEvents.map((e) => ({ time: e.time, kind: e.kind, level: e.level, detail: e.detail })),
        log: {
          path: found.manifest.log,
          error: slice instanceof Error ? slice.message : null,
          failureLine: f.line,
          failureOffset: f.lineOffset,
          excerpt: f.excerpt.join('\n'),
          excerptOffset: f.excerptOffset,
          excerptEnd: f.excerptEnd,
          size: slice instanceof Error ? null : slice.size,
        },
        more: more.length ? more.join('; ') : 'nothing left out',
      });
    }),
  );
}
