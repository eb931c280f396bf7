/**
 * The watchdog's summary, events and manifest programs under mawk, gawk and busybox awk, fed
 * the files the loop gives them: every output parses, whatever a state file lacks or a log said.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseEvents } from '../../src/watchdog/events.js';
import { awkProgram } from '../../src/watchdog/script.js';
import { parseSummary } from '../../src/watchdog/summary.js';
import { availableAwks, runAwk } from './awkHarness.js';

const awks = availableAwks();

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function files(entries: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ty-awk-'));
  made.push(dir);
  for (const [name, text] of Object.entries(entries)) writeFileSync(path.join(dir, name), text);
  return dir;
}

const META =
  'version=1.0+abc\nhost=gpu-node-1\npid=42\niso=2026-11-29T20:00:00Z\nepoch=1000\ninterval=30\nticks=3\nstall=600\nsilent=900\nidle=5\ndisk_pct=95\ndisk_mb=5120\nwebhook=\ngpu_err=\n';

describe.each(awks)('watchdog awk programs under $name', (awk) => {
  it('writes a summary for a state file without restart= (a run the watchdog just restarted)', () => {
    const dir = files({
      meta: META,
      times: '0m0.10s 0m0.20s\n0m1.00s 0m0.50s\n',
      gpu: '0, GPU-abc, 7\n',
      disk: '/\u001f40\u001f1048576\u001f0\n',
      // written by do_restart: four keys, no restart=, no m_ fields
      'fresh-ab12.st': 'status=new\nsince=990\noff=0\nhistoric=0\n',
      'old-run.st':
        'status=crashed\nsince=995\nexit=1\nerr=re.error: bad escape \\d "x" \u001b]52;c;eA==\u0007\nm_project=p\\q\nflags=oom traceback\nrestart=scheduled\nrestart_at=1020\n',
    });
    const out = runAwk(awk, awkProgram('json') + '\n' + awkProgram('redact') + '\n' + awkProgram('summary'), {
      vars: { keep: '172800' },
      files: ['meta', 'times', 'gpu', 'disk', 'fresh-ab12.st', 'old-run.st'].map((f) => path.join(dir, f)),
    }).toString('utf8');
    const summary = parseSummary(out);
    expect(summary, out).not.toBeNull();
    expect(summary!.runs.map((r) => [r.session, r.status, r.autoRestart.state])).toEqual([
      ['fresh-ab12', 'new', null],
      ['old-run', 'crashed', 'scheduled'],
    ]);
    expect(summary!.runs[1].autoRestart.at).toBe(1020);
    expect(summary!.runs[1].project).toBe('p\\q');
    expect(summary!.cpuSeconds).toBeCloseTo(1.8);
  });

  it('masks the values of the secrets files in events and webhook bodies', () => {
    const dir = files({
      'p.env': "export WANDB_API_KEY='k3y-$ecret'\\''s'\nexport HF_TOKEN=hf_abc123\nexport SHORT='ab'\n",
    });
    const raw =
      [
        '2026-11-29T20:00:00Z',
        'run-1',
        'proj',
        'crashed',
        'error',
        "exit code 1: auth failed for k3y-$ecret's, token hf_abc123 (ab)",
      ].join('\u001f') + '\n';
    const env = {
      TY_HOST: 'h',
      TY_PUSH_KINDS: 'crashed',
      TY_PUSHED: '0',
      TY_EPOCH: '1',
      TY_PID: '2',
      TY_SEQ: '0',
      TY_SECRET_FILES: `${path.join(dir, 'p.env')}\n`,
      TY_FORMAT: 'text',
    };
    const events = runAwk(awk, awkProgram('json') + '\n' + awkProgram('redact') + '\n' + awkProgram('events'), {
      input: raw,
      env,
    }).toString('utf8');
    expect(parseEvents(events)[0].detail).toBe('exit code 1: auth failed for ***, token *** (ab)');
    const body = runAwk(awk, awkProgram('json') + '\n' + awkProgram('redact') + '\n' + awkProgram('push-body'), {
      input: raw,
      env,
    }).toString('utf8');
    expect(body).toBe('[h] run-1: crashed: exit code 1: auth failed for ***, token *** (ab)');
  });

  it('writes events whose details keep backslashes and quotes', () => {
    const raw =
      [
        '2026-11-29T20:00:00Z',
        'run-1',
        'proj',
        'crashed',
        'error',
        'exit code 1: re.error: bad escape \\d in "x\\y"',
      ].join('\u001f') + '\n';
    const out = runAwk(awk, awkProgram('json') + '\n' + awkProgram('redact') + '\n' + awkProgram('events'), {
      input: raw,
      env: {
        TY_HOST: 'gpu\\node "1"',
        TY_PUSH_KINDS: 'crashed',
        TY_PUSHED: '1',
        TY_EPOCH: '1000',
        TY_PID: '42',
        TY_SEQ: '0',
      },
    }).toString('utf8');
    const [e] = parseEvents(out);
    expect(e, out).toBeDefined();
    expect(e.detail).toBe('exit code 1: re.error: bad escape \\d in "x\\y"');
    expect(e.host).toBe('gpu\\node "1"');
    expect(e.pushed).toBe(true);
  });
});
