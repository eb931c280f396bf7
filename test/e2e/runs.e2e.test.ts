import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { canRunTestHosts, startTestHosts, type TestHost, type TestHosts } from '../harness/testHosts.js';
import { TmuxTerminal } from './terminal.js';

const can = canRunTestHosts();
if (!can.ok && process.env.CI) throw new Error(`end-to-end tests cannot run in CI: ${can.reason}`);

const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'trainyard.js');

/** A run as trainyard leaves it on a host: manifest, log, and a real tmux session that ran its script. */
async function run(
  h: TestHost,
  id: string,
  o: { lines: string[]; exit?: number; sweep?: string; after?: number; params?: Record<string, string> },
): Promise<void> {
  const home = `/home/tytest`;
  const manifest = JSON.stringify({
    session: id,
    project: 'sample',
    host: h.alias,
    remoteDir: `${home}/work/sample`,
    log: `${home}/.trainyard/runs/${id}.log`,
    command: 'python3 train.py',
    gpus: '0',
    startedAt: new Date(Date.now() - 120_000).toISOString(),
    configHash: id,
    sweep: o.sweep ?? null,
    ...(o.params ? { params: o.params } : {}),
  });
  const script = [
    ...o.lines.map((l) => `echo '${l}' >> ~/.trainyard/runs/${id}.log`),
    o.after ? `sleep ${o.after}` : '',
    o.exit === undefined ? 'sleep 900' : `echo ${o.exit} > ~/.trainyard/runs/${id}.exit; exit ${o.exit}`,
  ].join('\n');
  const r = await h.run(
    `mkdir -p ~/.trainyard/runs && printf '%s\\n' '${manifest}' > ~/.trainyard/runs/${id}.json && printf '%s\\n' "${script.replace(/"/g, '\\"')}" > ~/.trainyard/runs/${id}.sh && tmux new-session -d -s ${id} bash ~/.trainyard/runs/${id}.sh \\; set-option -t ${id} remain-on-exit on`,
  );
  if (r.code !== 0) throw new Error(`run ${id}: ${r.stderr}`);
}

/** The Runs pane in the built CLI in a real terminal: every run on every host, sort, filter, log. */
describe.skipIf(!can.ok)('the Runs pane in a real terminal (tmux)', () => {
  let hosts: TestHosts;
  let config: string;
  let term: TmuxTerminal | null = null;
  let webhook: Server;
  const pushed: string[] = [];

  beforeAll(async () => {
    webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        pushed.push(body);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
    hosts = await startTestHosts({ count: 2, gpu: { mode: 'load', count: 2 } });
    const [a, b] = [hosts.host('gpu-1'), hosts.host('gpu-2')];
    await run(a, 'alpha-run', { lines: ['epoch 2/10 loss 0.9', 'epoch 3/10 loss 0.75'], sweep: 'lr' });
    await run(a, 'beta-run', { lines: ['step 49/50 loss 0.2', 'step 50/50 loss 0.125'], exit: 0, sweep: 'lr' });
    await run(b, 'gamma-run', { lines: ['step 7/100 loss 2.5', 'Traceback (most recent call last):'], exit: 2 });
    const queued = JSON.stringify({
      session: 'delta-run',
      project: 'sample',
      host: 'gpu-2',
      remoteDir: '/home/tytest/work/sample',
      command: 'python3 train.py',
      gpus: null,
      startedAt: '',
      configHash: 'd',
      sweep: 'lr',
      by: 'queue',
    });
    await b.run(
      `d=~/.trainyard/queue/${b.hostname}/1765000000000-delta-run && mkdir -p $d && printf '%s\\n' '${queued}' > $d/manifest.json && echo 1 > $d/want`,
    );
    config = path.join(hosts.dir, 'runs.json');
    const port = (webhook.address() as { port: number }).port;
    writeFileSync(
      config,
      JSON.stringify({
        hosts: ['gpu-1', 'gpu-2'],
        sshConfig: hosts.sshConfigPath,
        alertWebhook: `http://127.0.0.1:${port}/topic`,
      }),
    );
  });

  afterEach(() => {
    term?.stop();
    term = null;
  });

  afterAll(async () => {
    await hosts?.stop();
    webhook?.close();
  });

  function open(columns: number, rows: number): TmuxTerminal {
    term = new TmuxTerminal(columns, rows);
    term.start(`node ${BIN} --config ${config}`, {
      PATH: process.env.PATH!,
      TERM: 'tmux-256color',
      XDG_DATA_HOME: path.join(hosts.dir, 'data'),
    });
    return term;
  }

  const SUMMARY = '1 running · 1 queued · 1 crashed · 1 finished';

  it('200x50: every run with state, progress, host:GPU, loss; sort and filter keys; Enter opens the log', async () => {
    const t = open(200, 50);
    // the header's one-line fleet summary, without opening the pane
    await t.waitFor((x) => x.split('\n')[0].includes(SUMMARY), 40_000, 'summary in the header');
    t.send('4');
    const s = await t.waitFor((x) => /Runs · every host/.test(x) && /4 runs/.test(x), 10_000, 'the Runs pane');
    expect(s).toMatch(/RUN\s+STATE\s+PROGRESS\s+HOST:GPU\s+LOSS\s+ETA\s+RUNTIME\s+SWEEP/);
    expect(s).toMatch(/alpha-run\s+running\s+epoch 3\/10 30%\s+gpu-1:0\s+0\.75\s+\d+m\s+2m\s+lr/);
    expect(s).toMatch(/delta-run\s+queued\s+gpu-2 \(wants 1\)/);
    expect(s).toMatch(/gamma-run\s+crashed 2\s+step 7\/100 7%\s+gpu-2:0\s+2\.5/);
    expect(s).toMatch(/beta-run\s+finished\s+step 50\/50 100%\s+gpu-1:0\s+0\.125/);
    // sorted by state: running, queued, crashed, finished
    const order = ['alpha-run', 'delta-run', 'gamma-run', 'beta-run'].map((n) => s.indexOf(n));
    expect([...order].sort((x, y) => x - y)).toEqual(order);

    t.send('o');
    await t.waitFor((x) => /sorted by started/.test(x), 5_000, 'sort cycled');
    t.send('/');
    t.send('-l', 'gamma');
    await t.waitFor((x) => /\/gamma/.test(x) && !/alpha-run/.test(x) && /gamma-run/.test(x), 5_000, 'filtered');
    t.send('Enter');
    await t.waitFor((x) => /1 of 4 runs/.test(x) && /filter "gamma"/.test(x), 5_000, 'filter kept');
    t.send('Enter');
    const log = await t.waitFor((x) => /Log · gpu-2 gamma-run/.test(x) && /step 7\/100/.test(x), 10_000, 'the log');
    expect(log).toContain('Traceback (most recent call last)');
    t.send('Escape');
    await t.waitFor((x) => /Runs · every host/.test(x) && /filter "gamma"/.test(x), 5_000, 'back to Runs');
    t.send('Escape');
    await t.waitFor((x) => /alpha-run/.test(x) && /4 runs/.test(x), 5_000, 'filter cleared');
    t.send('q');
    await t.waitFor((x) => /\[exit 0\]/.test(x), 10_000, 'exit 0');
  });

  it('50x25: the Runs tab with the summary, name, state and progress first; the filter works', async () => {
    const t = open(50, 25);
    await t.waitFor((x) => /gpu-2/.test(x), 20_000, 'hosts');
    t.send('4');
    const s = await t.waitFor(
      (x) => /\[Runs\]/.test(x) && x.includes(SUMMARY),
      15_000,
      'the Runs tab, both hosts read',
    );
    expect(s).toContain(SUMMARY);
    // progress in its short form where the long one does not fit
    expect(s).toMatch(/alpha-run\s+running\s+ep 3\/10 30%/);
    expect(s).toMatch(/gamma-run\s+crashed 2\s+7\/100 7%/);
    for (const line of s.split('\n')) expect(line.length).toBeLessThanOrEqual(50);
    t.send('/');
    t.send('-l', 'finished');
    t.send('Enter');
    await t.waitFor((x) => /beta-run/.test(x) && !/alpha-run/.test(x) && /1 of 4/.test(x), 5_000, 'filtered');
    t.send('Escape');
    await t.waitFor((x) => /alpha-run/.test(x), 5_000, 'filter cleared');
    t.send('Escape');
    await t.waitFor((x) => /\[Hosts\]/.test(x), 5_000, 'back to the tabs');
    t.send('q');
    await t.waitFor((x) => /\[exit 0\]/.test(x), 10_000, 'exit 0');
  });

  it('200x50: when every run of a sweep has ended, one alert (banner and webhook) carries its top rows', async () => {
    const b = hosts.host('gpu-2');
    const t = open(200, 50);
    await t.waitFor((x) => /2 connected/.test(x), 20_000, 'connected');
    // two runs of sweep "quick": one already ended, one ends a few seconds after the cockpit saw it live
    await run(b, 'quick-1', { lines: ['epoch 1/1 val_loss 0.5'], exit: 0, sweep: 'quick' });
    await run(b, 'quick-2', { lines: ['epoch 1/1 val_loss 0.25'], exit: 0, sweep: 'quick', after: 6 });
    t.send('4');
    await t.waitFor((x) => /quick-2\s+running/.test(x), 20_000, 'quick-2 seen running');
    const s = await t.waitFor((x) => /sweep quick ended/.test(x), 30_000, 'the banner');
    expect(s.split('\n')[0]).toMatch(/sweep quick ended: 2 of 2 runs finished — best: quick-2 val_loss 0\.25/);
    await t.waitFor(() => pushed.some((p) => p.includes('sweep quick ended')), 10_000, 'the webhook');
    const body = pushed.find((p) => p.includes('sweep quick ended'))!;
    expect(body.split('\n')).toEqual([
      'sweep quick ended: 2 of 2 runs finished',
      '1. quick-2 val_loss 0.25 (best)',
      '2. quick-1 val_loss 0.5',
    ]);
    expect(pushed.filter((p) => p.includes('sweep quick ended'))).toHaveLength(1);
    // both finished runs are in results.jsonl once, with their manifest's story and metrics
    const results = path.join(hosts.dir, 'data', 'trainyard', 'results.jsonl');
    await t.waitFor(
      () => existsSync(results) && readFileSync(results, 'utf8').split('\n').length > 2,
      10_000,
      'results.jsonl',
    );
    const recorded = readFileSync(results, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(recorded.map((r) => [r.run, r.host, r.sweep, r.gpus, r.metrics.val_loss?.final]).sort()).toEqual([
      ['quick-1', 'gpu-2', 'quick', '0', 0.5],
      ['quick-2', 'gpu-2', 'quick', '0', 0.25],
    ]);
    expect(recorded[0]).toHaveProperty('git');
    t.send('q');
    await t.waitFor((x) => /\[exit 0\]/.test(x), 10_000, 'exit 0');
  });
  it("200x50 and 50x25: c compares the selected run's sweep (params that differ, metrics, best marked), c goes back", async () => {
    const a = hosts.host('gpu-1');
    await run(a, 'cmp-lr1', {
      lines: ['step 1/2 val_loss 0.9', 'step 2/2 val_loss 0.7'],
      exit: 0,
      sweep: 'cmp',
      params: { lr: '0.1', bs: '32' },
    });
    await run(a, 'cmp-lr2', {
      lines: ['step 1/2 val_loss 0.6', 'step 2/2 val_loss 0.4'],
      exit: 0,
      sweep: 'cmp',
      params: { lr: '0.01', bs: '32' },
    });
    for (const [columns, rows] of [
      [200, 50],
      [50, 25],
    ]) {
      const t = open(columns, rows);
      await t.waitFor((x) => /gpu-1/.test(x), 20_000, 'hosts');
      t.send('4');
      await t.waitFor((x) => /cmp-lr2/.test(x), 20_000, 'the sweep in the Runs pane');
      t.send('/');
      t.send('-l', 'cmp-lr1');
      t.send('Enter');
      await t.waitFor((x) => /cmp-lr1/.test(x) && !/cmp-lr2/.test(x), 5_000, 'filtered to one run of the sweep');
      t.send('c');
      const s = await t.waitFor((x) => /cmp: 2 runs/.test(x), 20_000, 'the comparison');
      for (const line of s.split('\n')) expect(line.length).toBeLessThanOrEqual(columns);
      // both runs though the list shows one; only lr differs, so bs is not a column
      expect(s).toMatch(/by val_loss \(min\)/);
      // host:GPU gives way on a narrow screen
      expect(s).toMatch(/\*\s+cmp-lr2\s+(gpu-1:0\s+)?finished\s+0\.01\s+0\.4/);
      expect(s).toMatch(/cmp-lr1\s+(gpu-1:0\s+)?finished\s+0\.1\s+0\.7/);
      expect(s.indexOf('cmp-lr2')).toBeLessThan(s.indexOf('cmp-lr1'));
      expect(s).toMatch(/best\s+run\s+(host:GPU\s+)?state\s+lr\s+val_loss final/);
      expect(s).not.toMatch(/\bbs\b/);
      t.send('c');
      await t.waitFor((x) => !/cmp: 2 runs/.test(x) && /cmp-lr1/.test(x), 5_000, 'back to the list');
      t.send('q');
      await t.waitFor((x) => /\[exit 0\]/.test(x), 10_000, 'exit 0');
      t.stop();
      term = null;
    }
  });
});
