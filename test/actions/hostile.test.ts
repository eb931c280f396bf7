/**
 * Commands as values: project names, directories, session names, commands, environment values
 * and checkpoint names full of shell and tmux syntax go through the whole loop against a real
 * host, and nothing extra ever runs: no canary file appears anywhere.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/types.js';
import { shQuote } from '../../src/shell/quote.js';
import type { SshConnection } from '../../src/ssh/connection.js';
import { canRunTestHosts } from '../harness/testHosts.js';
import { type ActionLab, type RemoteHost, runAction, startActionLab, waitOnHost } from './helpers.js';

const can = canRunTestHosts();

/** Shell and tmux syntax that would create ty-canary-<tag>N if anything evaluated it. */
function hostile(tag: string): string {
  return `x ${tag} $(touch ty-canary-${tag}1) \`touch ty-canary-${tag}2\` ; touch ty-canary-${tag}3 & touch ty-canary-${tag}4 | touch ty-canary-${tag}5 #(touch ty-canary-${tag}6) 'q' "d" \\ ;`;
}

const PROJECT = `p ${hostile('p')}`;
// tmux keeps every character of these but "\\" (it would double it: refused, see the second test)
const SESSION = `s ${hostile('s').replace(/\\/g, '')}`;
const SESSION2 = `r ${hostile('r').replace(/\\/g, '')}`;
const SESSION3 = `k ${hostile('k').replace(/\\/g, '')}`;
const ENV_VALUE = `${hostile('e')}\nsecond line with a lone ' and a lone "`;
const PARAM_VALUE = `${hostile('v')}\n$HOME \${HOME} {tag} a lone ' and a lone "`;

describe.skipIf(!can.ok)('hostile values are inert', () => {
  let fixture: ActionLab;
  let h: RemoteHost;
  let config: Config;
  let conn: SshConnection;
  let work: string;
  let dataDir: string;
  const remoteRel = `work/${hostile('d')}\nline2 'lone`;

  beforeAll(async () => {
    fixture = await startActionLab({
      prefix: 'ty-hostile-',
      projectDir: (dir) => path.join(dir, hostile('l'), `proj\n'"`),
      projects: (local) => ({
        [PROJECT]: {
          local,
          remote: `~/${remoteRel}`,
          // a parameter full of shell syntax, in plain text, in double and in single quotes: one argument each time
          train: `python3 train.py --output {run_dir} --steps 12 --save-every 4 --step-seconds 0.02 --print-env HOSTILE --show-run --tag {tag} --tag "{tag}" --tag '{tag}'`,
          params: { tag: PARAM_VALUE },
          smoke: `python3 train.py --epochs 1 --step-seconds 0 --print-env HOSTILE --output 'out $(touch ty-canary-c1)'`,
          // double quotes are natural to write: the checkpoint must still arrive as one inert argument
          resume: '--resume "{checkpoint}"',
          env: { HOSTILE: ENV_VALUE },
          secretEnv: ['TY_HOSTILE_SECRET'],
        },
      }),
    });
    ({ h, config, conn, work, dataDir } = fixture);
  });

  afterAll(() => fixture?.stop());

  it('runs sync, smoke, launch, restart, pull and stop with them, and nothing extra runs', async () => {
    const env = { ...process.env, TMUX: '', TY_HOSTILE_SECRET: hostile('x') };
    const target = { host: h.alias, project: PROJECT };
    const remoteDir = `/home/tytest/${remoteRel}`;

    const sync = await runAction(config, conn, 'sync', target, { dataDir, env });
    expect(sync.verdict.outcome, sync.text).toBe('ok');
    expect((await h.run(`ls -- ${shQuote(`${remoteDir}/train.py`)}`)).code).toBe(0);

    const smoke = await runAction(config, conn, 'smoke', target, { dataDir, env });
    expect(smoke.verdict.outcome, smoke.text).toBe('ok');
    // the value arrived exactly (the first line of it; print() ends at the newline)
    expect(smoke.text).toContain(`HOSTILE=${ENV_VALUE.split('\n')[0]}`);
    expect((await h.run(`ls -d -- ${shQuote(`${remoteDir}/out $(touch ty-canary-c1)`)}`)).code).toBe(0);

    const launch = await runAction(
      config,
      conn,
      'launch',
      { ...target, params: { session: SESSION, gpus: 'all', verifyMs: 0 } },
      { dataDir, env },
    );
    expect(launch.verdict.outcome, launch.text).toBe('ok');
    const names = (await h.run("tmux list-sessions -F '#{session_name}'")).stdout.split('\n');
    expect(names).toContain(SESSION);
    await waitOnHost(h, `cat -- ${shQuote(`.trainyard/runs/${SESSION}.exit`)} 2>/dev/null`, /^0$/m);
    // the parameter and the run's directory arrived exactly, as data
    const runDir = `${remoteDir}/outputs/${SESSION}`;
    const log1 = (await h.run(`cat -- ${shQuote(`.trainyard/runs/${SESSION}.log`)}`)).stdout;
    expect(log1.split(`tag=${JSON.stringify(PARAM_VALUE)}\n`).length).toBe(4);
    expect(log1).toContain(`params=${JSON.stringify({ tag: PARAM_VALUE })}\n`);
    expect(log1).toContain(`run=${SESSION}\n`);
    expect(log1).toContain(`run_dir=${runDir}\n`);
    expect((await h.run(`ls -- ${shQuote(`${runDir}/metrics.jsonl`)}`)).code).toBe(0);

    // a checkpoint whose name is shell syntax, with the highest step (999)
    const ckptName = 'checkpoint-$(touch ty-canary-n1)`touch ty-canary-n2`;touch ty-canary-n3 &999';
    const ckpt = `${runDir}/${ckptName}`;
    await h.run(`mkdir -p -- ${shQuote(ckpt)} && echo '{"step": 6}' > ${shQuote(`${ckpt}/state.json`)}`);
    const restart = await runAction(
      config,
      conn,
      'restart',
      { ...target, params: { from: SESSION, session: SESSION2, gpus: 'all', verifyMs: 0 } },
      { dataDir, env },
    );
    expect(restart.verdict.outcome, restart.text).toBe('ok');
    await waitOnHost(h, `cat -- ${shQuote(`.trainyard/runs/${SESSION2}.exit`)} 2>/dev/null`, /^0$/m);
    const log2 = (await h.run(`cat -- ${shQuote(`.trainyard/runs/${SESSION2}.log`)}`)).stdout;
    expect(log2).toContain(`resumed from ${ckpt} at step 7`);
    const manifest2 = JSON.parse((await h.run(`cat -- ${shQuote(`.trainyard/runs/${SESSION2}.json`)}`)).stdout);
    expect(manifest2).toMatchObject({
      project: PROJECT,
      session: SESSION2,
      parent: SESSION,
      resumedFrom: ckpt,
      remoteDir,
      runDir,
      params: { tag: PARAM_VALUE },
    });

    const pull = await runAction(config, conn, 'pull', target, { dataDir, env });
    expect(pull.verdict.outcome, pull.text).toBe('ok');
    expect(pull.verdict.data?.files).toEqual(
      expect.arrayContaining([`${SESSION}/metrics.jsonl`, `${SESSION}/final.json`]),
    );

    const long = {
      ...config,
      projects: {
        [PROJECT]: { ...config.projects[PROJECT], train: 'python3 train.py --steps 1000 --step-seconds 0.05' },
      },
    };
    const launch3 = await runAction(
      long,
      conn,
      'launch',
      { ...target, params: { session: SESSION3, gpus: 'all', verifyMs: 0 } },
      { dataDir, env, assumeYes: true },
    );
    expect(launch3.verdict.outcome, launch3.text).toBe('ok');
    const stop = await runAction(
      long,
      conn,
      'stop',
      { host: h.alias, session: SESSION3 },
      { dataDir, env, assumeYes: true },
    );
    expect(stop.verdict.outcome, stop.text).toBe('ok');
    expect((await h.run(`ls -- ${shQuote(`.trainyard/runs/${SESSION3}.stopped`)}`)).code).toBe(0);
    // a stopped run stays listed, ended; clearing the ended runs removes it (and the others) by name
    expect((await h.run("tmux list-sessions -F '#{session_name}'")).stdout.split('\n')).toContain(SESSION3);
    const clear = await runAction(long, conn, 'clear', { host: h.alias }, { dataDir, env, assumeYes: true });
    expect(clear.verdict.outcome, clear.text).toBe('ok');
    const left = (await h.run("tmux list-sessions -F '#{session_name}' 2>/dev/null")).stdout.split('\n');
    for (const s of [SESSION, SESSION2, SESSION3]) expect(left).not.toContain(s);

    // nothing extra ran, here or there
    // find's exit code is ignored: another test file may remove its temporary directory mid-scan
    const found = spawnSync(
      'find',
      [h.homeDir, work, process.cwd(), '/tmp', '-maxdepth', '8', '-type', 'f', '-name', 'ty-canary-*'],
      { encoding: 'utf8' },
    );
    expect(found.error).toBeUndefined();
    expect(found.stdout.trim()).toBe('');
  });

  it('refuses session names tmux would change or read as syntax, before anything runs', async () => {
    for (const bad of ['a.b', 'a:b', 'a/b', 'a\\b', '-x', 'line\nbreak', 'tab\there', '$1']) {
      const r = await runAction(
        config,
        conn,
        'launch',
        { host: h.alias, project: PROJECT, params: { session: bad, gpus: 'all' } },
        { dataDir, env: { ...process.env, TY_HOSTILE_SECRET: 'abcd' } },
      );
      expect(r.verdict.outcome).toBe('failed');
      expect(r.verdict.summary).toContain('cannot use session name');
    }
  });
});
