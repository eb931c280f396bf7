import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { canRunTestHosts, startTestHosts, type TestHosts } from '../harness/testHosts.js';
import { TmuxTerminal } from './terminal.js';

const can = canRunTestHosts();
if (!can.ok && process.env.CI) throw new Error(`end-to-end tests cannot run in CI: ${can.reason}`);

const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'trainyard.js');

/** What a person sees at a glance, in the built CLI in a real terminal (tmux). */
describe.skipIf(!can.ok)('the cockpit at a glance, in a real terminal (tmux)', () => {
  let hosts: TestHosts;
  let config: string;
  let term: TmuxTerminal | null = null;

  beforeAll(async () => {
    hosts = await startTestHosts({ count: 2, gpu: { mode: 'load', count: 8 } });
    const h = hosts.host('gpu-1');
    // The watchdog's own session beside three runs.
    await h.run(`tmux new-session -d -s trainyard-watchdog 'sleep 900'`);
    for (const s of ['train01', 'train02', 'train03']) await h.run(`tmux new-session -d -s ${s} 'sleep 900'`);
    config = path.join(hosts.dir, 'glance.json');
    // A slow keepalive: the link's death is noticed late, the silence of the GPU stream at once.
    writeFileSync(
      config,
      JSON.stringify({
        hosts: ['gpu-1', 'gpu-2'],
        sshConfig: hosts.sshConfigPath,
        keepalive: { intervalSeconds: 15, countMax: 3 },
      }),
    );
  });

  afterEach(() => {
    term?.stop();
    term = null;
  });

  afterAll(async () => hosts?.stop());

  function open(columns: number, rows: number): TmuxTerminal {
    term = new TmuxTerminal(columns, rows);
    term.start(`node ${BIN} --config ${config}`, { PATH: process.env.PATH!, TERM: 'tmux-256color' });
    return term;
  }

  it('200x50: labelled host columns; the watchdog session is neither listed nor counted', async () => {
    const t = open(200, 50);
    const s = await t.waitFor((x) => /train03/.test(x) && /gpu-2.*connected/.test(x), 20_000, 'sessions');
    expect(s).toMatch(/HOST\s+STATE\s+GPU\s+SESSIONS/);
    expect(s).not.toContain('trainyard-watchdog');
    expect(s).toMatch(/▸ gpu-1.*▶3 /);
    // A host with no tmux server at all has no sessions; it is not still waiting for tmux.
    t.send('j');
    await t.waitFor((x) => /▸ gpu-2/.test(x) && /no tmux sessions/.test(x), 10_000, 'gpu-2: no sessions');
    t.send('q');
    await t.waitFor((x) => /\[exit 0\]/.test(x), 10_000, 'exit 0');
  });

  it("80x24: Sessions says there are more when they do not fit; the footer names the focused pane's keys", async () => {
    const t = open(80, 24);
    await t.waitFor((x) => /train01/.test(x), 20_000, 'sessions');
    t.send('3');
    const s = await t.waitFor((x) => /j\/k session/.test(x), 5_000, 'sessions focused');
    const visible = ['train01', 'train02', 'train03'].filter((n) => s.includes(n)).length;
    if (visible < 3) expect(s).toMatch(/SESSION ↓\d more/);
    expect(s.split('\n').at(-1)).toMatch(/j\/k session.*\? help {2}q quit/);
    t.send('q');
    await t.waitFor((x) => /\[exit 0\]/.test(x), 10_000, 'exit 0');
  });

  for (const [columns, rows] of [
    [200, 50],
    [50, 25],
  ] as const) {
    it(`${columns}x${rows}: a cut link marks the host silent within seconds, long before keepalive gives up`, async () => {
      const t = open(columns, rows);
      await t.waitFor((x) => /gpu-2.*● connected\s+99%/.test(x), 20_000, 'gpu-2 connected, with figures');
      await hosts.host('gpu-2').linkDown();
      const cutAt = Date.now();
      try {
        const s = await t.waitFor((x) => /gpu-2.*◌ silent \d+s/.test(x), 10_000, 'gpu-2 silent');
        expect(Date.now() - cutAt).toBeLessThan(10_000);
        expect(s).not.toMatch(/gpu-2.*reconnect/);
        expect(s).toMatch(/gpu-1.*● connected/);
      } finally {
        await hosts.host('gpu-2').linkUp();
      }
      await t.waitFor((x) => /gpu-2.*● connected/.test(x), 60_000, 'gpu-2 fresh again');
      t.send('q');
      await t.waitFor((x) => /\[exit 0\]/.test(x), 10_000, 'exit 0');
    });
  }
});
