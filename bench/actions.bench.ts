/**
 * Benchmark (not a test) of the research-loop actions against a real sshd + tmux + rsync host:
 *   1. launch latency over the held SSH connection vs `ssh -F cfg alias tmux new-session …` from scratch;
 *   2. sync time vs a bare rsync of the same tree (the command users type by hand today), overhead target ≤ 5 %.
 * Run (as root, it starts test hosts): node --import tsx bench/actions.bench.ts [N] [--nodelay]
 * Prints a markdown table.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ActionRunner } from '../src/actions/runner.js';
import { controlPathFor } from '../src/actions/sshMux.js';
import type { ActionId, ActionParams } from '../src/actions/types.js';
import { launchCommand } from '../src/backends/tmux/tmuxCommands.js';
import { shJoin } from '../src/shell/quote.js';
import { connect, copySampleProject, labConfig, removeDir, sampleProject, tempDir } from '../test/actions/helpers.js';
import { startTestHosts } from '../test/harness/testHosts.js';

const run = promisify(execFile);
const NODELAY = process.argv.includes('--nodelay');
const N = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 15);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x: number) => `${x.toFixed(1)} ms`;
async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const lab = await startTestHosts({ count: 1 });
const h = lab.hosts[0];
const work = tempDir('ty-bench-');
const rows: string[][] = [];
try {
  const local = copySampleProject(path.join(work, 'sample'));
  // a code tree of a typical size: 300 source files (~4 KiB each) in 10 packages, plus the sample project
  for (let p = 0; p < 10; p++) {
    mkdirSync(path.join(local, `pkg${p}`), { recursive: true });
    for (let f = 0; f < 30; f++)
      writeFileSync(path.join(local, `pkg${p}`, `mod${f}.py`), `# module ${p}.${f}\n` + 'x = 1\n'.repeat(700));
  }
  const config = labConfig(lab, { sample: sampleProject(local, { train: 'sleep 600' }) });
  const conn = await connect(config, h.alias);
  const runner = new ActionRunner({
    config,
    dataDir: path.join(work, 'data'),
    env: { ...process.env, TMUX: '' },
    transportFor: () => conn,
    answerer: async (q) => (q.kind === 'confirm' ? true : q.defaultValue),
  });
  const action = async (id: ActionId, params: ActionParams = {}) => {
    const v = await runner.start(id, { host: h.alias, project: 'sample', params }, { assumeYes: true }).done;
    if (v.outcome !== 'ok') throw new Error(`${id}: ${v.summary}`);
    return v;
  };
  const ssh = (cmd: string) => run('ssh', ['-F', lab.sshConfigPath, h.alias, cmd]);
  await action('sync');

  // ssh2 leaves Nagle's algorithm on for the held connection, which stalls every exec on delayed
  // ACKs (~40 ms each way); --nodelay measures with TCP_NODELAY set, as src/ssh/connection.ts should.
  if (NODELAY) (conn as unknown as { client: { setNoDelay(on: boolean): void } }).client.setNoDelay(true);

  // 1. launch latency
  const held: number[] = [];
  const heldRaw: number[] = [];
  const scratch: number[] = [];
  const home = (await ssh('printf %s "$HOME"')).stdout;
  for (let i = 0; i < N; i++) {
    held.push(await time(() => action('launch', { session: `bench-a${i}`, gpus: 'all', verifyMs: 0 })));
    const cmd = launchCommand(h.alias, {
      session: `bench-b${i}`,
      home,
      manifestJson: '{}',
      scriptText: 'sleep 600\n',
      secrets: null,
    });
    heldRaw.push(await time(() => conn.exec(cmd, { stdin: cmd.stdin })));
    scratch.push(
      await time(() =>
        ssh(
          shJoin([
            'tmux',
            'new-session',
            '-d',
            '-s',
            `bench-c${i}`,
            'sleep 600',
            ';',
            'set-option',
            '-t',
            `=bench-c${i}:`,
            'remain-on-exit',
            'on',
          ]),
        ),
      ),
    );
  }
  await ssh('tmux kill-server');
  rows.push(['launch: whole action, held connection (probe, git, GPUs, manifest, tmux)', ms(median(held)), '']);
  rows.push(['launch: its write-manifest + tmux new-session exec alone, held connection', ms(median(heldRaw)), '']);
  rows.push(['launch: `ssh -F cfg alias tmux new-session …` from scratch', ms(median(scratch)), '']);

  // 2. sync vs bare rsync (the command users type by hand, same excludes)
  const bare = [
    'rsync',
    '-az',
    '--delete',
    '--filter=:- .gitignore',
    '--exclude=.git/',
    '--exclude=wandb/',
    '--exclude=outputs/',
    '-e',
    `ssh -F ${lab.sshConfigPath}`,
    `${local}/`,
    `${h.alias}:work/bare/`,
  ];
  await ssh('mkdir -p work/bare');
  const scenarios: [string, () => Promise<void>][] = [
    ['no change', async () => {}],
    [
      'one file changed',
      async () =>
        writeFileSync(path.join(local, 'pkg0', 'mod0.py'), `# changed ${Math.random()}\n` + 'x = 1\n'.repeat(700)),
    ],
    [
      'first sync (empty remote dir)',
      async () => void (await ssh('rm -rf work/sample work/bare && mkdir -p work/bare')),
    ],
    // rsync's shared ssh connection closed first: the first sync after 5 idle minutes pays the handshake like bare rsync
    [
      'no change, no shared ssh connection yet',
      async () =>
        void (await run('ssh', [
          '-F',
          lab.sshConfigPath,
          '-o',
          `ControlPath=${controlPathFor()}`,
          '-O',
          'exit',
          h.alias,
        ]).catch(() => {})),
    ],
  ];
  for (const [name, prepare] of scenarios) {
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < N; i++) {
      // alternate the order so neither side always runs on a warmer cache
      await prepare();
      if (i % 2) ours.push(await time(() => action('sync')));
      theirs.push(await time(() => run(bare[0], bare.slice(1))));
      if (!(i % 2)) ours.push(await time(() => action('sync')));
    }
    const o = median(ours);
    const t = median(theirs);
    rows.push([`sync, ${name}: trainyard (held connection)`, ms(o), `${(((o - t) / t) * 100).toFixed(1)} % vs bare`]);
    rows.push([`sync, ${name}: bare rsync -az --delete …`, ms(t), '']);
  }
  conn.close();
  console.log(
    `\n| measure (median of ${N}${NODELAY ? ', held connection with TCP_NODELAY' : ''}; sshd in a network namespace on this machine) | time | note |\n| --- | ---: | --- |`,
  );
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
} finally {
  await lab.stop();
  removeDir(work);
}
