/**
 * Property tests of every parser that reads server output — nvidia-smi, tmux, rsync, training
 * logs and metrics, the watchdog's summary, events and status, run manifests, the probes — over
 * hostile and broken text: none throws (but the one documented error), each returns what its type
 * says, and each takes time in proportion to its input. rsync's printed names map back to exactly
 * the bytes they name, so the list shown is the list removed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseItemizeLine, parseProgressLine, parseStats, rsyncNameBytes } from '../../src/actions/parsers/rsync.js';
import { readLog, smokeVerdict, TrainLogReader } from '../../src/actions/parsers/trainLog.js';
import { RunBackendError } from '../../src/backends/runBackend.js';
import { manifestLog, parseHostProbe } from '../../src/backends/tmux/tmuxBackend.js';
import { parseProbeOutput } from '../../src/commands/probes.js';
import { parseSections } from '../../src/commands/sectioned.js';
import { createMetricsParser } from '../../src/logs/metricsParse.js';
import { parseTailRecord } from '../../src/logs/tailCommand.js';
import { describeGpuFailure, parseAppLines, parseGpuLine } from '../../src/parsers/nvidiaSmi.js';
import { isEmptyTmuxServer, parseTmuxSessions } from '../../src/parsers/tmux.js';
import { parseRunManifest } from '../../src/runs/manifest.js';
import { formatEvent, parseEvents } from '../../src/watchdog/events.js';
import { parseStatusOutput } from '../../src/watchdog/operations.js';
import { parseSummary } from '../../src/watchdog/summary.js';
import { bigInput, FUZZ, nameBytes, serverLine, serverLines, serverText, timed } from './arbitraries.js';

const PER_CALL_MS = 1000; // generous: these inputs parse in microseconds
const BIG_BYTES = 1024 * 1024;
const BIG_MS = 10_000; // linear: tens of ms for a megabyte; a quadratic parser would take hours

/** Each parser with what it must give back for any input. */
const PARSERS: { name: string; parse: (text: string) => unknown; check?: (out: unknown) => void }[] = [
  {
    name: 'nvidia-smi --query-gpu line',
    parse: parseGpuLine,
    check: (g) => {
      if (g === null) return;
      const s = g as { index: number; utilization: number | null };
      expect(Number.isInteger(s.index)).toBe(true);
      expect(s.utilization === null || Number.isFinite(s.utilization)).toBe(true);
    },
  },
  {
    name: 'nvidia-smi --query-compute-apps lines',
    parse: parseAppLines,
    check: (apps) => {
      for (const p of apps as { pid: number; name: string }[]) {
        expect(Number.isInteger(p.pid)).toBe(true);
        expect(typeof p.name).toBe('string');
      }
    },
  },
  {
    name: 'nvidia-smi failure text',
    parse: (t) => describeGpuFailure(9, t),
    check: (s) => expect(typeof s).toBe('string'),
  },
  {
    name: 'tmux list-sessions',
    parse: parseTmuxSessions,
    check: (sessions) => {
      for (const s of sessions as { name: string; running: boolean; createdAt: number }[]) {
        expect(typeof s.name).toBe('string');
        expect(typeof s.running).toBe('boolean');
        expect(Number.isFinite(s.createdAt)).toBe(true);
      }
    },
  },
  { name: 'tmux empty-server check', parse: isEmptyTmuxServer, check: (b) => expect(typeof b).toBe('boolean') },
  {
    name: 'rsync progress2',
    parse: parseProgressLine,
    check: (p) => p === null || expect((p as { fraction: number }).fraction).toBeLessThanOrEqual(1),
  },
  { name: 'rsync itemize', parse: parseItemizeLine },
  { name: 'rsync stats', parse: parseStats },
  { name: 'rsync printed name', parse: rsyncNameBytes, check: (b) => expect(Buffer.isBuffer(b)).toBe(true) },
  {
    name: 'training log (findings, verdict)',
    parse: (t) => {
      const f = readLog(t.split('\n'));
      return smokeVerdict(f, { code: 1, seconds: 3, limitSeconds: 300 });
    },
    check: (v) => expect(typeof (v as { summary: string }).summary).toBe('string'),
  },
  { name: 'training log with a metrics pattern', parse: (t) => readLog(t.split('\n'), '(?<loss>[0-9.]+)') },
  { name: 'metrics scanner', parse: (t) => t.split('\n').map((l) => createMetricsParser().parse(l)) },
  {
    name: 'metrics with a pattern',
    parse: (t) => t.split('\n').map((l) => createMetricsParser('loss[=: ]+(?<loss>\\S+)').parse(l)),
  },
  { name: 'watchdog summary', parse: parseSummary },
  {
    name: 'watchdog events',
    parse: parseEvents,
    check: (events) => {
      for (const e of events as Parameters<typeof formatEvent>[0][]) {
        expect(typeof e.detail).toBe('string');
        expect(typeof formatEvent(e, 'gpu-a')).toBe('string');
      }
    },
  },
  { name: 'watchdog status output', parse: parseStatusOutput },
  { name: 'run manifest (log field)', parse: manifestLog, check: (l) => l === null || expect(typeof l).toBe('string') },
  {
    name: 'run manifest (validated reader)',
    parse: (t) => parseRunManifest(t, '/home/u'),
    check: (r) => {
      const { manifest, problem } = r as ReturnType<typeof parseRunManifest>;
      expect(manifest === null ? typeof problem : typeof manifest.session).toBe('string');
    },
  },
  { name: 'log tail records', parse: (t) => t.split('\n').map(parseTailRecord) },
  { name: 'sessions probe', parse: parseProbeOutput },
  { name: 'sectioned output', parse: parseSections },
  {
    name: 'host probe (manifests, tmux)',
    parse: (t) => {
      try {
        return parseHostProbe(t, '~/work/p');
      } catch (error) {
        // the one documented failure: a probe that printed nothing usable
        expect(error).toBeInstanceOf(RunBackendError);
        return null;
      }
    },
  },
];

/** Text shaped like the parser's input more often than not: real lines with hostile pieces. */
const input = fc.oneof(serverText, serverLines, serverLine);

describe('parsers, fuzzed', () => {
  for (const p of PARSERS) {
    it(`${p.name}: never throws, returns its type, in bounded time`, () => {
      fc.assert(
        fc.property(input, (text) => {
          const { value, ms } = timed(() => p.parse(text));
          p.check?.(value);
          expect(ms).toBeLessThan(PER_CALL_MS);
        }),
        FUZZ,
      );
    });
  }

  it('every parser reads a megabyte of hostile output in time linear in it', () => {
    const big = bigInput(BIG_BYTES);
    for (const p of PARSERS) {
      const { ms } = timed(() => p.parse(big));
      expect(ms, p.name).toBeLessThan(BIG_MS);
    }
  });

  it('a streamed training log (one line at a time) never throws', () => {
    fc.assert(
      fc.property(fc.array(serverLine, { maxLength: 50 }), (lines) => {
        const r = new TrainLogReader();
        for (const l of lines) r.push(l);
        expect(Array.isArray(r.result().losses)).toBe(true);
      }),
      FUZZ,
    );
  });
});

/** How rsync prints a name (C locale): unprintable bytes and the backslash of a literal "\#ddd" as \#ooo. */
function rsyncPrinted(name: Buffer): string {
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const b = name[i];
    const literalEscape =
      b === 0x5c &&
      name[i + 1] === 0x23 &&
      [2, 3, 4].every((k) => name[i + k] !== undefined && name[i + k] >= 0x30 && name[i + k] <= 0x39);
    out +=
      literalEscape || (b < 0x20 && b !== 0x09) || b >= 0x7f
        ? `\\#${b.toString(8).padStart(3, '0')}`
        : String.fromCharCode(b);
  }
  return out;
}

describe("rsync's printed names, fuzzed", () => {
  it('map back to exactly the bytes of the name, whatever bytes it holds', () => {
    fc.assert(
      fc.property(nameBytes, (name) => {
        expect(rsyncNameBytes(rsyncPrinted(name)).equals(name)).toBe(true);
      }),
      FUZZ,
    );
  });

  it('names with literal "\\#" sequences are not confused with escapes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('\\#012', '\\#', '#', '\\', 'a', '0', '\n', 'é'), { maxLength: 12 }),
        (parts) => {
          const name = Buffer.from(parts.join(''));
          expect(rsyncNameBytes(rsyncPrinted(name)).equals(name)).toBe(true);
        },
      ),
      FUZZ,
    );
  });
});
