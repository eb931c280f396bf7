/** The CLI commands against a real host: exit codes, dry runs that print exactly what would run, Ctrl-C. */
import { spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlPathFor } from '../../src/actions/sshMux.js';
import { runActionCli } from '../../src/cli/actions.js';
import { parseCliArgs } from '../../src/cli/args.js';
import { DEFAULT_SYNC_EXCLUDES, syncArgv } from '../../src/commands/rsync.js';
import { DRY_RUN_HEADER } from '../../src/commands/value.js';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import type { RunManifest } from '../../src/runs/layout.js';
import { shJoin } from '../../src/shell/quote.js';
import { canRunTestHosts, startTestHosts, type TestHosts } from '../harness/testHosts.js';
import { capturedIo } from '../support/capturedIo.js';
import { waitFor } from '../support/waitFor.js';
import {
  copySampleProject,
  type RemoteHost,
  remoteHost,
  removeDir,
  sampleProject,
  tempDir,
  waitOnHost,
} from './helpers.js';

const can = canRunTestHosts();
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

describe.skipIf(!can.ok)('trainyard sync|smoke|launch|restart|pull|stop|attach', () => {
  let lab: TestHosts;
  let h: RemoteHost;
  let work: string;
  let local: string;
  let configFile: string;
  let config: Config;
  const env = { ...process.env, TMUX: '' };

  async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const io = capturedIo();
    const { stdout, stderr, stdin } = io;
    const code = await runActionCli(config, parseCliArgs(argv), {
      stdout,
      stderr,
      stdin,
      env: { ...env, XDG_DATA_HOME: path.join(work, 'data') },
    });
    return { code, ...io.written };
  }

  /** The real CLI in its own process (as the bin would run it). */
  function spawnCli(argv: string[]) {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import('./src/cli/main.ts').then((m) => m.main(${JSON.stringify(['--config', configFile, ...argv])})).then((c) => process.exit(c))`,
      ],
      {
        cwd: repo,
        env: { ...env, XDG_DATA_HOME: path.join(work, 'data') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stdout += d));
    const done = new Promise<{ code: number | null; stdout: string }>((resolve) =>
      child.once('exit', (code) => resolve({ code, stdout })),
    );
    return { child, done, output: () => stdout };
  }

  beforeAll(async () => {
    lab = await startTestHosts({ count: 1 });
    h = remoteHost(lab, lab.hosts[0]);
    work = tempDir('ty-cli-');
    local = copySampleProject(path.join(work, 'sample'));
    configFile = path.join(work, 'config.json');
    writeFileSync(
      configFile,
      JSON.stringify({ hosts: [h.alias], sshConfig: lab.sshConfigPath, projects: { sample: sampleProject(local) } }),
    );
    config = loadConfig(configFile);
  });

  afterAll(async () => {
    h?.close();
    await lab?.stop();
    if (work) removeDir(work);
  });

  it('sync --dry-run prints exactly the commands and changes nothing', async () => {
    const r = await cli(['sync', 'sample', '--host', h.alias, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(DRY_RUN_HEADER)).toBe(true);
    const rsync = shJoin(
      syncArgv(
        {
          host: h.alias,
          sshConfig: lab.sshConfigPath,
          localDir: local,
          remoteDir: '/home/tytest/work/sample',
          excludes: DEFAULT_SYNC_EXCLUDES,
          protect: [],
          controlPath: controlPathFor(env),
        },
        'transfer',
      ),
    );
    expect(r.stdout.split('\n')).toContain(rsync);
    expect(r.stdout.split('\n')).toContain(`[${h.alias}] mkdir -p -- /home/tytest/work/sample`);
    expect((await h.run('ls -d ~/work/sample')).code).not.toBe(0);
    expect(r.stderr).toContain('ok: dry run: the commands above would sync');
  });

  it('exit codes: 0 on success, 1 on failure or without a yes, 2 on a config problem', async () => {
    expect((await cli(['sync', 'sample', '--host', h.alias])).code).toBe(0);
    await h.run('touch ~/work/sample/stale.py');
    const noTty = await cli(['sync', 'sample']); // one host in the config: --host may be left out
    expect(noTty.code).toBe(0);
    expect(noTty.stderr).toContain('no terminal to ask: answering no (pass --yes to answer yes)');
    expect((await h.run('ls ~/work/sample/stale.py')).code).toBe(0);
    const yes = await cli(['sync', 'sample', '--yes']);
    expect(yes.code).toBe(0);
    expect(yes.stdout).toContain('1 path(s) deleted on the server');
    expect((await h.run('ls ~/work/sample/stale.py')).code).not.toBe(0);

    const stop = await cli(['stop', h.alias, 'nosuch', '--yes']);
    expect(stop.code).toBe(1);
    expect(stop.stdout).toContain('FAILED: there is no tmux session named nosuch on gpu-1');
    const unasked = await cli(['stop', h.alias, 'nosuch']);
    expect(unasked.code).toBe(1);
    expect(unasked.stdout).toContain('not done: nosuch keeps running');
    expect((await cli(['launch', 'nope', '--host', h.alias])).code).toBe(2);
    const gpus = await cli(['launch', 'sample', '--gpus', 'most', '--session', 'x1']);
    expect(gpus.code).toBe(1);
    expect(gpus.stdout).toContain('"most" is not a GPU choice');
  });

  it('runs launch, restart and pull from the real CLI process', async () => {
    await h.run('echo 16 > ~/work/sample/crash-at-step');
    const launch = spawnCli([
      'launch',
      'sample',
      '--host',
      h.alias,
      '--session',
      'cli-1',
      '--gpus',
      'all',
      '--param',
      'seed=7',
    ]);
    const l = await launch.done;
    expect(l.code, l.stdout).toBe(0);
    expect(l.stdout).toContain('ok: launched cli-1 on gpu-1 (all GPUs)');
    await waitOnHost(h, 'cat ~/.trainyard/runs/cli-1.exit 2>/dev/null', /^1$/m);
    const restart = await spawnCli(['restart', 'sample', '--host', h.alias, '--session', 'cli-2', '--gpus', 'all'])
      .done;
    expect(restart.code, restart.stdout).toBe(0);
    expect(restart.stdout).toMatch(/newest of 3 checkpoint\(s\) in \/\S+\/work\/sample\/outputs\/cli-1: checkpoint-15/);
    await waitOnHost(h, 'cat ~/.trainyard/runs/cli-2.exit 2>/dev/null', /^0$/m, 30_000);
    // the restart kept its parent's parameters and directory: pulling it brings that directory
    const child = JSON.parse((await h.run('cat ~/.trainyard/runs/cli-2.json')).stdout) as RunManifest;
    expect(child).toMatchObject({ parent: 'cli-1', params: { seed: '7' } });
    expect(child.runDir).toMatch(/\/work\/sample\/outputs\/cli-1$/);
    const pull = await spawnCli(['pull', 'sample', '--host', h.alias, '--run', 'cli-2']).done;
    expect(pull.code, pull.stdout).toBe(0);
    expect(pull.stdout).toMatch(/ok: pulled 2 new and 0 updated file\(s\)/);
    expect(readdirSync(path.join(local, 'outputs'))).toEqual(['cli-1']);
    expect(readdirSync(path.join(local, 'outputs', 'cli-1')).sort()).toEqual(['final.json', 'metrics.jsonl']);
    const bad = await spawnCli(['launch', 'sample', '--host', h.alias, '--param', 'no-dash=1']).done;
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain('--param "no-dash" is not a parameter name');
  });

  it('Ctrl-C cancels a smoke test: exit 130 and the remote process is gone', async () => {
    // this run's own mark: other checkouts' tests run the same command as the same user
    const subset = 60_000 + (process.pid % 30_000);
    const slow = {
      ...JSON.parse(JSON.stringify({ hosts: [h.alias], sshConfig: lab.sshConfigPath })),
      projects: {
        sample: sampleProject(local, {
          smoke: `python3 train.py --steps 100000 --step-seconds 0.05 --subset ${subset}`,
        }),
      },
    };
    writeFileSync(configFile, JSON.stringify(slow));
    const run = spawnCli(['smoke', 'sample']);
    await waitFor(() => run.output().includes('step 3 loss'), 15_000, 'step 3 of the smoke test');
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code, r.stdout).toBe(130);
    expect(r.stdout).toContain('cancelled');
    await waitOnHost(h, `pgrep -f 'train[.]py .*--subset ${subset}' || echo none`, /^none$/m, 5000);
  });
});
