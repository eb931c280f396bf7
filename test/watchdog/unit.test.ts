/**
 * The watchdog's TypeScript side without a host: its config file, its commands as values, the
 * script's version stamp, events (parsing, --since, unread, the seen marker), the status
 * command's output, and the launch script layout it shares with the launcher.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { remoteCommandLine } from '../../src/commands/value.js';
import { RUN_SCRIPT_MARKER, runScriptHeader } from '../../src/runs/layout.js';
import {
  installCommand,
  readEventsCommand,
  statusCommand,
  uninstallCommand,
  writeConfigCommand,
} from '../../src/watchdog/commands.js';
import {
  DEFAULT_WATCHDOG_CONFIG,
  parseWatchdogConfig,
  renderWatchdogConfig,
  watchdogConfigProblems,
  webhookUrlProblem,
} from '../../src/watchdog/config.js';
import {
  eventsAfter,
  eventTime,
  formatEvent,
  parseEvents,
  parseSince,
  type WatchdogEvent,
} from '../../src/watchdog/events.js';
import { installCommands, parseStatusOutput } from '../../src/watchdog/operations.js';
import { stampedWatchdogScript, watchdogScriptSource } from '../../src/watchdog/script.js';
import { loadSeen, markSeen, seenMarker } from '../../src/watchdog/seen.js';
import { parseSummary } from '../../src/watchdog/summary.js';
import { tempDir } from '../support/tempDir.js';

describe('the watchdog config', () => {
  it('round-trips, and reads hand-written minutes with fractions', () => {
    const c = {
      ...DEFAULT_WATCHDOG_CONFIG,
      intervalSeconds: 1,
      stallSeconds: 3,
      webhookUrl: 'https://ntfy.sh/my-topic',
      pushKinds: ['crashed', 'oom'],
      gpuFreeBelowMiB: 2048,
      commandTimeoutSeconds: 5,
    };
    expect(renderWatchdogConfig(c)).toContain('\ngpu_free_below_mb=2048\ncommand_timeout_seconds=5\n');
    expect(parseWatchdogConfig(renderWatchdogConfig(c))).toEqual(c);
    expect(parseWatchdogConfig('stall_minutes=0.05\nsilent_minutes=2\nbogus=1\n')).toMatchObject({
      stallSeconds: 3,
      silentSeconds: 120,
    });
  });

  it('refuses webhook URLs the watchdog could not pass to curl safely', () => {
    expect(webhookUrlProblem('https://hooks.slack.com/services/T/B/x')).toBeNull();
    expect(webhookUrlProblem('ftp://x')).toMatch(/http/);
    expect(webhookUrlProblem('https://x/a"b')).toMatch(/quotes/);
    expect(webhookUrlProblem('https://x/a b')).toMatch(/spaces/);
    expect(
      watchdogConfigProblems({ ...DEFAULT_WATCHDOG_CONFIG, intervalSeconds: 0.5, gpuIdlePercent: 101 }),
    ).toHaveLength(2);
    expect(
      watchdogConfigProblems({ ...DEFAULT_WATCHDOG_CONFIG, commandTimeoutSeconds: 0, gpuFreeBelowMiB: -1 }),
    ).toEqual([
      'the free-GPU memory limit must be a whole number, 0 or more',
      'the command timeout must be a whole number of seconds, at least 1',
    ]);
  });
});

describe('watchdog commands as values', () => {
  it('keeps the webhook URL and the script off every command line', () => {
    const config = { ...DEFAULT_WATCHDOG_CONFIG, webhookUrl: 'https://ntfy.sh/secret-topic-123' };
    const [write, install] = installCommands('gpu-a', config);
    for (const c of [write, install]) expect(remoteCommandLine(c)).not.toContain('secret-topic-123');
    expect(write.stdin).toContain('webhook_url=https://ntfy.sh/secret-topic-123');
    expect(write.attachments?.[0].text).toContain('webhook_url=(not shown)');
    expect(install.stdin).toBe(stampedWatchdogScript().text);
    expect(remoteCommandLine(install).length).toBeLessThan(4000); // the lock functions, not the script
    expect(remoteCommandLine(install)).toMatch(/^sh -c '.*' trainyard-watchdog-install 0$/s);
  });

  it('passes times as positional parameters', () => {
    expect(readEventsCommand('h', '2026-11-23T08:00:00Z').argv.slice(-2)).toEqual([
      'trainyard-watchdog-events',
      '2026-11-23T08:00:00Z',
    ]);
    expect(statusCommand('h', null, 50).argv.slice(-2)).toEqual(['', '50']);
    expect(uninstallCommand('h').purpose).toMatch(/runs and their manifests stay/);
    expect(writeConfigCommand('h', 'x=1\n', false).stdinLabel).toBe('the config file');
    expect(installCommand('h', 'echo', 'v1', true).argv.at(-1)).toBe('1');
  });

  it('stamps the script with a version that changes with its text', () => {
    const a = stampedWatchdogScript();
    expect(a.version).toMatch(/^\d+\.\d+\.\d+\+[0-9a-f]{10}$/);
    expect(a.text).toContain(`\nWATCHDOG_VERSION=${a.version}\n`);
    expect(stampedWatchdogScript(watchdogScriptSource() + '\n').version).not.toBe(a.version);
  });
});

describe('events', () => {
  const e = (time: string, id: string, extra: Partial<WatchdogEvent> = {}): WatchdogEvent => ({
    time,
    id,
    host: 'gpu-node-1',
    session: 's',
    project: 'p',
    kind: 'crashed',
    level: 'error',
    detail: 'exit code 1',
    pushed: false,
    ...extra,
  });

  it('parses events.jsonl, skipping a torn line', () => {
    const line =
      '{"time":"2026-11-23T03:00:00Z","id":"1-2-3","host":"h","session":null,"project":null,"kind":"disk-full","level":"warn","detail":"/: 97% used","pushed":true}';
    expect(parseEvents(`${line}\n{"time":"2026-11-23T03:00:01Z","id":"1-2\n\n`)).toEqual([
      {
        time: '2026-11-23T03:00:00Z',
        id: '1-2-3',
        host: 'h',
        session: null,
        project: null,
        kind: 'disk-full',
        level: 'warn',
        detail: '/: 97% used',
        pushed: true,
      },
    ]);
  });

  it('reads --since as an ISO time or a duration', () => {
    const now = new Date('2026-11-23T12:00:00Z');
    expect(parseSince('8h', now)?.toISOString()).toBe('2026-11-23T04:00:00.000Z');
    expect(parseSince('1h30m', now)?.toISOString()).toBe('2026-11-23T10:30:00.000Z');
    expect(parseSince('2d', now)?.toISOString()).toBe('2026-11-21T12:00:00.000Z');
    expect(parseSince('2026-11-23T08:00:00Z', now)?.toISOString()).toBe('2026-11-23T08:00:00.000Z');
    expect(parseSince('yesterday', now)).toBeNull();
    expect(eventTime(new Date('2026-11-23T08:00:00.789Z'))).toBe('2026-11-23T08:00:00Z');
  });

  it('counts as unread what came after the marker, even when the marker was rotated away', () => {
    const list = [e('2026-11-23T03:00:00Z', 'a'), e('2026-11-23T03:00:00Z', 'b'), e('2026-11-23T03:00:05Z', 'c')];
    expect(eventsAfter(list, null).map((x) => x.id)).toEqual(['a', 'b', 'c']);
    expect(eventsAfter(list, { time: '2026-11-23T03:00:00Z', id: 'a' }).map((x) => x.id)).toEqual(['b', 'c']);
    expect(eventsAfter(list.slice(1), { time: '2026-11-23T03:00:00Z', id: 'gone' }).map((x) => x.id)).toEqual([
      'b',
      'c',
    ]);
    expect(formatEvent(e('2026-11-23T03:00:00Z', 'a', { pushed: true }), 'gpu-a')).toMatch(
      /!! gpu-a +s +crashed +exit code 1 {2}\(pushed\)$/,
    );
  });

  it('keeps the last-seen marker per host in a local file', () => {
    const file = path.join(tempDir('ty-seen-'), 'sub', 'seen.json');
    expect(seenMarker('gpu-a', file)).toBeNull();
    markSeen('gpu-a', { time: '2026-11-23T03:00:00Z', id: 'x' }, file);
    markSeen('gpu-b', { time: '2026-11-23T04:00:00Z', id: 'y' }, file);
    expect(loadSeen(file)).toEqual({
      'gpu-a': { time: '2026-11-23T03:00:00Z', id: 'x' },
      'gpu-b': { time: '2026-11-23T04:00:00Z', id: 'y' },
    });
  });
});

describe('status output', () => {
  it('parses the status command’s sections', () => {
    const summary = {
      version: 'v',
      host: 'h',
      pid: 7,
      time: 't',
      epoch: 100,
      interval: 30,
      ticks: 3,
      cpuSeconds: 0.1,
      config: {},
      gpus: [],
      gpuError: null,
      disks: [],
      runs: [],
    };
    const out = `@@now 110\n@@version 0.1.0+abc\n@@pid 7\n@@pane 0 7\n@@summary\n${JSON.stringify(summary, null, 2)}\n\n@@events\n{"time":"2026-11-23T03:00:00Z","id":"1","host":"h","session":null,"project":null,"kind":"watchdog-started","level":"info","detail":"d","pushed":false}\n@@end\n`;
    expect(parseStatusOutput(out)).toMatchObject({
      installed: true,
      running: true,
      version: '0.1.0+abc',
      pid: 7,
      pane: 'alive',
      now: 110,
      summary: { epoch: 100 },
      events: [{ id: '1' }],
    });
    expect(parseStatusOutput('@@now 5\n@@pid \n@@summary\n\n@@events\n@@end\n')).toMatchObject({
      installed: false,
      running: false,
      pane: 'none',
      summary: null,
      events: [],
    });
    expect(parseSummary('{"broken"')).toBeNull();
  });
});

describe('the launch script layout shared with the launcher', () => {
  it('puts the run-specific assignments above the marker', () => {
    expect(
      runScriptHeader({
        session: 'mnist-3f2a',
        log: '/home/u/.trainyard/runs/mnist-3f2a.log',
        exitFile: '/home/u/.trainyard/runs/mnist-3f2a.exit',
        command: "python train.py --resume 'out/ck 1'",
      }),
    ).toEqual([
      'ty_session=mnist-3f2a',
      'ty_log=/home/u/.trainyard/runs/mnist-3f2a.log',
      'ty_exit=/home/u/.trainyard/runs/mnist-3f2a.exit',
      `ty_command='python train.py --resume '\\''out/ck 1'\\'''`,
      RUN_SCRIPT_MARKER,
    ]);
    expect(watchdogScriptSource()).toContain(`MARKER='${RUN_SCRIPT_MARKER}'`);
  });
});
