/**
 * Benchmark (not a test) of `trainyard mcp` through the SDK's client over stdio, against real sshd
 * hosts, each beside what an agent with a shell does instead (same run):
 *   1. fleet_status over the held connections vs `ssh host nvidia-smi; ssh host tmux ls` per host;
 *   2. bytes (and time) run_log returns for a 100 MB log vs `ssh host cat LOG`.
 * Run (as root, it starts test hosts): node --import tsx bench/mcp.bench.ts [N]
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { copySampleProject, removeDir, sampleProject, tempDir } from '../test/actions/helpers.js';
import { startTestHosts } from '../test/harness/testHosts.js';

const run = promisify(execFile);
const N = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 15);
const HOSTS = 2;
const repo = path.resolve(import.meta.dirname, '..');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await fn();
  return [performance.now() - t0, v];
}
const text = (r: unknown) => (r as { content: { text: string }[] }).content[0].text;

const lab = await startTestHosts({ count: HOSTS });
const work = tempDir('ty-bench-mcp-');
const rows: string[][] = [];
let client: Client | null = null;
try {
  const local = copySampleProject(path.join(work, 'sample'));
  const configFile = path.join(work, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      hosts: lab.hosts.map((h) => h.alias),
      sshConfig: lab.sshConfigPath,
      projects: { sample: sampleProject(local, { train: 'sleep 600' }) },
      agent: { allow: ['sync', 'launch', 'stop_run'] },
    }),
  );
  client = new Client({ name: 'bench', version: '1' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [path.join(repo, 'bin/trainyard.js'), '--config', configFile, 'mcp'],
      env: { ...(process.env as Record<string, string>), TMUX: '', XDG_DATA_HOME: path.join(work, 'data') },
      stderr: 'ignore',
    }),
  );
  const call = (name: string, args: Record<string, unknown>) => client!.callTool({ name, arguments: args });
  const ssh = (alias: string, cmd: string) =>
    run('ssh', ['-F', lab.sshConfigPath, alias, cmd], { maxBuffer: 256 << 20, encoding: 'buffer' });

  // 1. fleet status
  await call('fleet_status', {}); // the first waits for the connections
  const mcp: number[] = [];
  const shell: number[] = [];
  for (let i = 0; i < N; i++) {
    mcp.push((await time(() => call('fleet_status', {})))[0]);
    shell.push(
      (
        await time(async () => {
          for (const h of lab.hosts) {
            await ssh(h.alias, 'nvidia-smi');
            await ssh(h.alias, 'tmux ls || true');
          }
        })
      )[0],
    );
  }
  rows.push([
    `fleet_status, ${HOSTS} hosts (median of ${N})`,
    `**${median(mcp).toFixed(1)} ms**`,
    `${median(shell).toFixed(0)} ms (\`ssh host nvidia-smi; ssh host tmux ls\` per host, fresh ssh)`,
  ]);
  rows.push([
    'fleet_status, per host',
    `${(median(mcp) / HOSTS).toFixed(1)} ms`,
    `${(median(shell) / HOSTS).toFixed(0)} ms`,
  ]);

  // 2. a 100 MB log
  const alias = lab.hosts[0].alias;
  await call('sync', { project: 'sample', host: alias, confirm: true });
  await call('launch', { project: 'sample', host: alias, params: { session: 'big', gpus: '0' }, confirm: true });
  await ssh(
    alias,
    "yes 'step 123456 loss 0.123456 lr 0.0001 grad_norm 1.2345' | head -c 100000000 >> ~/.trainyard/runs/big.log",
  );
  const [catMs, cat] = await time(() => ssh(alias, 'cat ~/.trainyard/runs/big.log'));
  const [tailMs, tail] = await time(() => call('run_log', { host: alias, run: 'big' }));
  const [capMs, cap] = await time(() => call('run_log', { host: alias, run: 'big', offset: 0, maxBytes: 1024 * 1024 }));
  const [explainMs, explain] = await time(() => call('explain_failure', { host: alias, run: 'big' }));
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const catBytes = (cat.stdout as Buffer).length;
  rows.push([
    'run_log of a 100 MB log, default (last 100 lines, cap 32 KiB): bytes returned',
    `**${kb(Buffer.byteLength(text(tail)))}** in ${tailMs.toFixed(0)} ms`,
    `${(catBytes / 1e6).toFixed(1)} MB in ${catMs.toFixed(0)} ms (\`ssh host cat LOG\`)`,
  ]);
  rows.push([
    'run_log of the same log, offset 0, maxBytes 1 MiB (the most one call returns)',
    `${kb(Buffer.byteLength(text(cap)))} in ${capMs.toFixed(0)} ms`,
    '—',
  ]);
  rows.push([
    'explain_failure on the same log (scans its last 1 MiB)',
    `${kb(Buffer.byteLength(text(explain)))} in ${explainMs.toFixed(0)} ms`,
    '—',
  ]);
} finally {
  await client?.close();
  await lab.stop();
  removeDir(work);
}
console.log('| measure | trainyard mcp | what an agent with a shell does (same run) |');
console.log('| --- | ---: | ---: |');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
process.exit(0);
