/**
 * `trainyard compare` on runs that really ran: three launches of one project with different
 * learning rates (real sshd, tmux, rsync), each writing its metrics files in its own run
 * directory; every number in the table must be what those files on the server say.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runActionCli } from '../../src/cli/actions.js';
import { parseCliArgs } from '../../src/cli/args.js';
import { runCompareCli } from '../../src/cli/compare.js';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/types.js';
import { copySampleProject, type RemoteHost, remoteHost, removeDir, tempDir, waitOnHost } from '../actions/helpers.js';
import { canRunTestHosts, startTestHosts, type TestHosts } from '../harness/testHosts.js';
import { capturedIo } from '../support/capturedIo.js';

const can = canRunTestHosts();
const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'progress.py');
const LRS = ['0.001', '0.003', '0.01'];

interface Table {
  paramNames: string[];
  metricNames: string[];
  primary: { name: string; goal: string } | null;
  rows: {
    id: string;
    params: Record<string, string>;
    best: boolean;
    metrics: Record<string, { final: number; min: number; best: number }>;
  }[];
  errors: unknown[];
}

describe.skipIf(!can.ok)('trainyard compare on runs that really ran', () => {
  let lab: TestHosts;
  let h: RemoteHost;
  let work: string;
  let config: Config;
  const env = () => ({ ...process.env, TMUX: '', XDG_DATA_HOME: path.join(work, 'data') });

  async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const io = capturedIo();
    const { stdout, stderr, stdin } = io;
    const args = parseCliArgs(argv);
    const code =
      args.command === 'compare'
        ? await runCompareCli(config, args, stdout, env())
        : await runActionCli(config, args, { stdout, stderr, stdin, env: env() });
    return { code, ...io.written };
  }

  beforeAll(async () => {
    lab = await startTestHosts({ count: 1, gpu: { mode: 'idle', count: 2 } });
    h = remoteHost(lab, lab.hosts[0]);
    work = tempDir('ty-compare-');
    const local = copySampleProject(path.join(work, 'sample'));
    copyFileSync(FIXTURE, path.join(local, 'progress.py'));
    const file = path.join(work, 'config.json');
    writeFileSync(
      file,
      JSON.stringify({
        hosts: [h.alias],
        sshConfig: lab.sshConfigPath,
        projects: {
          cmp: {
            local,
            remote: '~/work/cmp',
            train: 'python3 progress.py 3 2 0.4 --lr {lr}',
            results: 'outputs',
            gpus: '0',
            metric: { name: 'val_loss', goal: 'min' },
          },
        },
      }),
    );
    config = loadConfig(file);
    const sync = await cli(['sync', 'cmp', '--yes']);
    expect(sync.code, sync.stdout + sync.stderr).toBe(0);
    for (const [i, lr] of LRS.entries()) {
      const r = await cli(['launch', 'cmp', '--session', `cmp-${i}`, '--param', `lr=${lr}`, '--yes']);
      expect(r.code, r.stdout + r.stderr).toBe(0);
    }
    for (const i of LRS.keys()) await waitOnHost(h, `cat ~/.trainyard/runs/cmp-${i}.exit`, /^0/, 60_000);
  }, 180_000);

  afterAll(async () => {
    await h?.run('tmux kill-server');
    h?.close();
    await lab?.stop();
    if (work) removeDir(work);
  });

  it('--json: one row per run, only the param that differs, the numbers of its metrics files, best first', async () => {
    const r = await cli(['compare', 'cmp', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const table = JSON.parse(r.stdout) as Table;
    expect(table.paramNames).toEqual(['lr']);
    expect(table.primary).toEqual({ name: 'val_loss', goal: 'min' });
    expect(table.rows).toHaveLength(3);
    for (const row of table.rows) {
      // what the run wrote in its own run directory on the server
      const dir = `~/work/cmp/outputs/${row.id}`;
      const jsonl = (await h.run(`cat ${dir}/metrics.jsonl`)).stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const json = JSON.parse((await h.run(`cat ${dir}/metrics.json`)).stdout);
      const values = [...jsonl.map((x: { val_loss: number }) => x.val_loss), json.val_loss];
      expect(row.metrics.val_loss).toEqual({
        final: values.at(-1),
        min: Math.min(...values),
        best: Math.min(...values),
      });
      expect(row.metrics.final_loss.final).toBe(json.final_loss);
      expect(row.params.lr).toBe(LRS[Number(row.id.split('-')[1])]);
    }
    const bests = table.rows.map((x) => x.metrics.val_loss.best);
    expect(bests).toEqual([...bests].sort((a, b) => a - b));
    expect(table.rows.map((x) => x.best)).toEqual([true, false, false]);
  });

  it('--csv and --md carry the same rows; the finished runs are in results.jsonl once', async () => {
    const csv = await cli(['compare', 'cmp', '--csv']);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0].startsWith('best,run,host:GPU,state,lr,')).toBe(true);
    expect(lines[1].startsWith('*,')).toBe(true);
    const md = await cli(['compare', 'cmp', '--md']);
    expect(md.stdout.trim().split('\n')).toHaveLength(5);
    const results = path.join(work, 'data', 'trainyard', 'results.jsonl');
    expect(existsSync(results)).toBe(true);
    const recorded = readFileSync(results, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(recorded.map((x) => x.run).sort()).toEqual(['cmp-0', 'cmp-1', 'cmp-2']);
    expect(recorded[0]).toMatchObject({
      host: h.alias,
      project: 'cmp',
      gpus: '0',
      git: { commit: expect.any(String) },
    });
    expect(Object.keys(recorded[0].params)).toEqual(['lr']);
  });

  it('a name that is no sweep or project is an error, exit 1', async () => {
    const r = await cli(['compare', 'nosuch']);
    expect(r.code).toBe(1);
  });
});
