/**
 * start_sweep and stop_sweep through the SDK's own client over stdio, against a real sshd host
 * with 2 fake GPUs: without confirm only the plan comes back and nothing changes; with it the
 * runs that fit start (marked as the agent's) and the rest are queued; stop_sweep drops the
 * queue; a hostile parameter value is data; a tool the config does not allow is refused.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RemoteHost, sampleProject } from '../actions/helpers.js';
import { canRunTestHosts } from '../harness/testHosts.js';
import { BIN, type McpLab, startMcpLab } from './mcpLab.js';

const can = canRunTestHosts();
const run = promisify(execFile);

type Body = Record<string, unknown>;

describe.skipIf(!can.ok)('trainyard mcp: start_sweep and stop_sweep', () => {
  let m: McpLab;
  let h: RemoteHost;
  let client: Client;
  let canary: string;
  const call = (name: string, args: Record<string, unknown>) => m.call(name, args);
  const runsOnHost = async () =>
    (await h.run('ls ~/.trainyard/runs/ 2>/dev/null | grep "\\.json$" || true')).stdout.split('\n').filter(Boolean);

  beforeAll(async () => {
    m = await startMcpLab({
      prefix: 'ty-mcp-sweep-',
      hosts: { count: 1, gpu: { count: 2 } },
      projects: (local) => ({
        sample: sampleProject(local, {
          train: 'python3 train.py --output {run_dir} --steps 400 --step-seconds 0.2 --tag {tag}',
        }),
      }),
      agent: { allow: ['start_sweep', 'stop_sweep'], maxGpus: 1 },
      client: new Client({ name: 'sweep-agent', version: '1' }),
    });
    ({ h, client } = m);
    canary = path.join(m.work, 'canary');
    await run(process.execPath, [BIN, '--config', m.configFile, 'sync', 'sample', '--host', h.alias, '--yes'], {
      env: m.env,
    });
  }, 90_000);

  afterAll(async () => {
    await m?.stop();
  });

  it('lists both tools as actions, stop_sweep destructive', async () => {
    const tools = (await client.listTools()).tools;
    const start = tools.find((t) => t.name === 'start_sweep');
    const stop = tools.find((t) => t.name === 'stop_sweep');
    expect(start?.annotations?.readOnlyHint).toBe(false);
    expect(stop?.annotations?.destructiveHint).toBe(true);
    expect(Object.keys((start?.inputSchema as { properties?: Body } | undefined)?.properties ?? {})).toContain('grid');
  });

  it('without confirm: the plan, and nothing on the host', async () => {
    const r = await call('start_sweep', {
      project: 'sample',
      name: 'scan',
      grid: { tag: ['a', 'b', `$(touch ${canary})`] },
    });
    expect(r.isError, JSON.stringify(r.body)).toBe(false);
    expect(r.body.dryRun).toBe(true);
    expect(String(r.body.summary)).toContain('would start 2, queued 1');
    expect(await runsOnHost()).toEqual([]);
  });

  it('a run wanting more GPUs than agent.maxGpus is refused', async () => {
    const r = await call('start_sweep', { project: 'sample', grid: { tag: ['x'] }, gpusPerRun: 2, confirm: true });
    expect(r.isError).toBe(true);
    expect(String(r.body.error)).toContain('agent.maxGpus');
  });

  it('with confirm: two start (the agent is on record), one waits in the queue, the hostile value is data', async () => {
    const r = await call('start_sweep', {
      project: 'sample',
      name: 'scan',
      grid: { tag: ['a', 'b', `$(touch ${canary})`] },
      confirm: true,
    });
    expect(r.isError, JSON.stringify(r.body)).toBe(false);
    expect(r.body.started).toHaveLength(2);
    expect(r.body.queued).toHaveLength(1);
    const manifests = await Promise.all(
      (await runsOnHost()).map(async (f) => JSON.parse((await h.run(`cat ~/.trainyard/runs/${f}`)).stdout) as Body),
    );
    expect(manifests.map((m) => [m.sweep, m.by])).toEqual([
      ['scan', 'agent'],
      ['scan', 'agent'],
    ]);
    expect(existsSync(canary)).toBe(false);
    expect((await h.run(`ls ${canary}`)).code).not.toBe(0);
  });

  it('stop_sweep drops the queued run and lets the running ones finish', async () => {
    const preview = await call('stop_sweep', { name: 'scan' });
    expect(preview.body.dryRun).toBe(true);
    expect((await h.run('ls ~/.trainyard/queue/*/ | grep -c scan || true')).stdout.trim()).toBe('1');
    const r = await call('stop_sweep', { name: 'scan', confirm: true });
    expect(r.isError, JSON.stringify(r.body)).toBe(false);
    expect(r.body.dropped).toHaveLength(1);
    expect(r.body.stillRunning).toHaveLength(2);
    expect((await h.run('ls ~/.trainyard/queue/*/ | grep -c scan || true')).stdout.trim()).toBe('0');
  });

  it('a tool outside agent.allow is refused with the key that allows it', async () => {
    const r = await call('launch', { project: 'sample', host: h.alias, confirm: true });
    expect(r.isError).toBe(true);
    expect(String(r.body.error)).toContain('"agent": {"allow"');
  });
});
