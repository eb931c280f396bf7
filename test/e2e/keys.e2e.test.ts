import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { canRunTestHosts, startTestHosts, type TestHosts } from '../harness/testHosts.js';
import { TmuxTerminal } from './terminal.js';

const can = canRunTestHosts();
if (!can.ok && process.env.CI) throw new Error(`end-to-end tests cannot run in CI: ${can.reason}`);

const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'trainyard.js');

/** The choice lines of the picker on screen, and which one the cursor is on. */
function choiceLabels(screen: string): { text: string; selected: boolean }[] {
  const out: { text: string; selected: boolean }[] = [];
  for (const line of screen.split('\n')) {
    const m = /│ (▸| ) (all GPUs|the .*least-used GPUs?|GPU \d+)/.exec(line);
    if (m) out.push({ text: m[2], selected: m[1] === '▸' });
  }
  return out;
}

/** What the launch verdict says for a picker label. */
function whyFor(label: string): RegExp {
  if (label === 'all GPUs') return /\(all GPUs\)/;
  const one = /^GPU (\d+)/.exec(label);
  if (one) return new RegExp(`GPUs ${one[1]} \\(picked\\)`);
  const k = /^the (\d+) least-used/.exec(label)?.[1];
  return k ? new RegExp(`least-used GPUs( \\d+ \\([^)]*\\),?){${k}}`) : /least-used GPU \d+ \(/;
}

/** Keys a person sends together (a phone link delivers them in one read), in the built CLI in tmux. */
describe.skipIf(!can.ok)('keys sent together, in a real terminal (tmux)', () => {
  let hosts: TestHosts;
  let config: string;
  let term: TmuxTerminal | null = null;

  beforeAll(async () => {
    // GPUs 0-3 busy, 4-7 idle: the least-used ones are the idle ones.
    hosts = await startTestHosts({ count: 1, gpu: { mode: 'load', count: 8, util: [99, 99, 99, 99, 0, 0, 0, 0] } });
    await hosts.host('gpu-1').run('mkdir -p /home/tytest/demo');
    const local = mkdtempSync(path.join(hosts.dir, 'proj-'));
    cpSync(path.join(import.meta.dirname, '..', 'sample-project'), local, { recursive: true });
    config = path.join(hosts.dir, 'keys.json');
    writeFileSync(
      config,
      JSON.stringify({
        hosts: ['gpu-1'],
        sshConfig: hosts.sshConfigPath,
        projects: { demo: { local, remote: '/home/tytest/demo', train: 'sleep 120' } },
      }),
    );
  });

  afterEach(() => {
    term?.stop();
    term = null;
  });

  afterAll(async () => hosts?.stop());

  for (const [columns, rows] of [
    [200, 50],
    [50, 25],
  ] as const) {
    it(`${columns}x${rows}: the GPU picker takes "jj" and Enter sent in one go`, async () => {
      const t = (term = new TmuxTerminal(columns, rows));
      t.start(`node ${BIN} --config ${config}`, { PATH: process.env.PATH!, TERM: 'tmux-256color' });
      await t.waitFor((s) => /gpu-1.*connected/.test(s), 20_000, 'connected');
      await t.waitFor((s) => /gpu-1.*\d+%/.test(s), 10_000, 'GPU figures');
      t.send('L');
      await t.waitFor((s) => /Session name/.test(s), 15_000, 'session name question');
      t.send('Enter');
      const picker = await t.waitFor((s) => /GPUs for demo-/.test(s), 15_000, 'GPU picker');
      const labels = choiceLabels(picker);
      const cursor = labels.findIndex((l) => l.selected);
      // The picker starts on the least-used GPU (one of the idle ones) and shows each GPU's use.
      expect(labels[cursor]?.text).toMatch(/^the least-used GPU$/);
      expect(picker).toMatch(/the least-used GPU \(now [4-7]\)/);
      if (columns >= 60) expect(picker).toMatch(/GPU 4 · 0% · \d+\/\d+ GiB/);
      const target = labels[cursor + 2]?.text ?? '';
      // Two moves and Enter in one write: the picker sees all three keys, in order.
      t.send('-l', 'jj\r');
      // The second launch of the same config asks first.
      if (
        /This config/.test(
          await t.waitFor((s) => /launched demo-\S+ on gpu-1|This config/.test(s), 30_000, 'launched or asked'),
        )
      )
        t.send('y');
      const done = (await t.waitFor((s) => /launched demo-\S+ on gpu-1/.test(s), 30_000, 'launched')).replace(
        /\s+/g,
        ' ',
      );
      expect(done).toMatch(whyFor(target));
      t.send('q');
      await t.waitFor((s) => /\[exit 0\]/.test(s), 10_000, 'exit 0');
    });
  }
});
