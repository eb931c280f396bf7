/**
 * The built `trainyard` binary against a real host whose programs and files say hostile things:
 * a watchdog event whose log line carried `\u001b]52;…\u0007` as text (a real ESC once parsed),
 * an nvidia-smi printing links and C1 controls in a process name and its GPU list, a tmux session
 * name with a bidi override, file names for --delete, a smoke test writing escapes to stdout and
 * stderr. Nothing of it reaches stdout or stderr as a control character; --json keeps the data.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WATCHDOG_DIR } from '../../src/runs/layout.js';
import { copySampleProject, removeDir, sampleProject, tempDir } from '../actions/helpers.js';
import { canRunTestHosts, startTestHosts, type TestHost, type TestHosts } from '../harness/testHosts.js';

const can = canRunTestHosts();
if (!can.ok && process.env.CI) throw new Error(`integration tests cannot run in CI: ${can.reason}`);
const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'trainyard.js');
const FAKE = path.join(import.meta.dirname, '..', 'fakebin', 'nvidia-smi');

/** Any control character but the newline (so no ESC at all: nothing here is a terminal), C1, bidi controls. */
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const EVIL_PROCESS = 'evil\u001b]52;c;ZXZpbA==\u0007\u009bname\u202e';
const EVENT_DETAIL = 're.error: bad escape \\d \u001b]52;c;ZXZpbA==\u0007 at \u001b]0;pwned\u0007position 3\u202e';

/** The real fake nvidia-smi, with a hostile GPU list and process name in front of it. */
function hostileFakebin(): string {
  const dir = mkdtempSync('/tmp/ty-fakebin-');
  const [shebang, ...rest] = readFileSync(FAKE, 'utf8').split('\n');
  const hostile = [
    'case " $* " in',
    `  *" -L "*) printf 'GPU 0: NVIDIA H100 \\033]8;;http://evil.example/\\033\\\\click\\033]8;;\\033\\\\ \\302\\233 2J (UUID: GPU-be9dbe55)\\n'; exit 0 ;;`,
    `  *--query-compute-apps=*) printf 'GPU-be9dbe55-b70d-7c2a-d0cf-0d4586956762, 4242, evil\\033]52;c;ZXZpbA==\\007\\302\\233name\\342\\200\\256, 100\\n'; exit 0 ;;`,
    'esac',
  ];
  writeFileSync(path.join(dir, 'nvidia-smi'), [shebang, ...hostile, ...rest].join('\n'), { mode: 0o755 });
  return dir;
}

describe.skipIf(!can.ok)('the CLI prints server text inert', () => {
  let lab: TestHosts;
  let host: TestHost;
  let work: string;
  let fakebin: string;
  let config: string;

  const cli = (...args: string[]) =>
    execa('node', [BIN, ...args, '--config', config], { reject: false, stdin: 'ignore' });
  const expectInert = (r: { stdout: string; stderr: string }) => {
    expect(r.stdout, r.stdout).not.toMatch(UNSAFE);
    expect(r.stderr, r.stderr).not.toMatch(UNSAFE);
  };

  beforeAll(async () => {
    fakebin = hostileFakebin();
    lab = await startTestHosts({ count: 1, fakebinDir: fakebin, gpu: { mode: 'load', count: 1 } });
    host = lab.hosts[0];
    work = tempDir('ty-clitext-');
    const local = copySampleProject(path.join(work, 'sample'));
    config = path.join(work, 'config.json');
    const smoke =
      "printf 'A\\033]52;c;ZXZpbA==\\007B\\n'; printf 'E\\033]0;title\\007R\\302\\233\\342\\200\\256\\n' >&2; echo 'step 1 loss 2.0'";
    writeFileSync(
      config,
      JSON.stringify({
        hosts: [host.alias],
        sshConfig: lab.sshConfigPath,
        projects: { sample: sampleProject(local, { smoke }) },
      }),
    );
    await host.run(`tmux new-session -d -s "$(printf 'run\\342\\200\\256gpj-exe')" 'sleep 600'`);
    const event = {
      time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      id: '1-1-1',
      host: host.hostname,
      session: 'run1',
      project: 'sample',
      kind: 'traceback',
      level: 'error',
      detail: EVENT_DETAIL,
      pushed: false,
    };
    // written as the watchdog writes it (in this machine's directory): the escape is JSON text (\u001b) in the file
    await host.run(`mkdir -p ~/${WATCHDOG_DIR}/"$(uname -n)" && cat > ~/${WATCHDOG_DIR}/"$(uname -n)"/events.jsonl`, {
      input: `${JSON.stringify(event)}\n`,
    });
  });

  afterAll(async () => {
    await lab?.stop();
    if (work) removeDir(work);
    if (fakebin) removeDir(fakebin);
  });

  it('events: a log line with \\u001b]52 text prints inert; --json keeps it exactly', async () => {
    const r = await cli('events');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('re.error: bad escape \\d');
    expect(r.stdout).toContain('position 3');
    expectInert(r);
    const json = await cli('events', '--json');
    expectInert(json);
    expect(JSON.parse(json.stdout).events[0].detail).toBe(EVENT_DETAIL);
  });

  // (the sessions probe reads tmux without -u: the bidi override in the session name does not even arrive)
  it('status: the session name in the table; status --json escapes what JSON.stringify leaves raw', async () => {
    const table = await cli('status', '--timeout', '15');
    expect(table.exitCode, table.stdout + table.stderr).toBe(0);
    expect(table.stdout).toContain('rungpj-exe running');
    expectInert(table);
    const json = await cli('status', '--json', '--timeout', '15');
    expectInert(json);
    const out = JSON.parse(json.stdout).hosts[0];
    expect(out.processes.map((p: { name: string }) => p.name)).toEqual([EVIL_PROCESS]);
  });

  it("doctor: nvidia-smi's answer", async () => {
    const r = await cli('doctor', '--timeout', '15');
    expect(r.stdout).toMatch(/nvidia-smi: 1 GPU\(s\): GPU 0: NVIDIA H100 click\s+2J/);
    expectInert(r);
  });

  it('sync: the names --delete would remove, in the question', async () => {
    const first = await cli('sync', 'sample', '--yes');
    expect(first.exitCode, first.stdout + first.stderr).toBe(0);
    await host.run(
      `cd ~/work/sample && touch "$(printf 'invoice\\342\\200\\256fdp.exe')" "$(printf 'x\\033]0;t\\007y')"`,
    );
    const r = await cli('sync', 'sample');
    expect(r.stderr).toContain('--delete would remove 2 path(s)');
    expect(r.stderr).toMatch(/no terminal to ask: answering no/);
    expectInert(r);
  });

  it('smoke: what the command writes to stdout and stderr', async () => {
    const r = await cli('smoke', 'sample');
    expect(r.stdout + r.stderr).toContain('AB');
    expect(r.stdout + r.stderr).toContain('ER');
    expectInert(r);
  });
});
