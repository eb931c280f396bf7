/**
 * `trainyard mcp` through the SDK's own client over stdio (the built bin, as an agent runs it)
 * against a real sshd lab host: tools and schemas, real figures, guard rails, hostile arguments,
 * a capped big log, a cut host.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RemoteHost, sampleProject, waitOnHost } from '../actions/helpers.js';
import { canRunTestHosts, type TestHosts } from '../harness/testHosts.js';
import { type McpLab, startMcpLab, type ToolResult } from './mcpLab.js';

const can = canRunTestHosts();

describe.skipIf(!can.ok)('trainyard mcp over stdio', () => {
  let m: McpLab;
  let lab: TestHosts;
  let h: RemoteHost;
  let client: Client;
  const call = (name: string, args: Record<string, unknown>) => m.call(name, args);

  beforeAll(async () => {
    m = await startMcpLab({
      prefix: 'ty-mcp-',
      projects: (local) => ({
        sample: sampleProject(local, { train: 'python3 train.py --steps 100000 --step-seconds 0.2' }),
        other: sampleProject(local),
      }),
      agent: { allow: ['sync', 'launch', 'stop_run'], projects: ['sample'], maxGpus: 1, maxRuns: 1 },
    });
    ({ lab, h, client } = m);
  }, 60_000);

  afterAll(async () => {
    await m?.stop();
  });

  it('lists its tools with typed schemas and honest annotations', async () => {
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect([...byName.keys()].sort()).toEqual(
      [
        'compare',
        'dry_run',
        'events',
        'explain_failure',
        'fleet_status',
        'launch',
        'list_runs',
        'pull_results',
        'restart_from_checkpoint',
        'run_log',
        'run_metrics',
        'smoke_test',
        'start_sweep',
        'stop_run',
        'stop_sweep',
        'sync',
      ].sort(),
    );
    for (const name of [
      'fleet_status',
      'list_runs',
      'run_log',
      'run_metrics',
      'events',
      'explain_failure',
      'compare',
      'dry_run',
    ])
      expect(byName.get(name)?.annotations?.readOnlyHint, name).toBe(true);
    expect(byName.get('stop_run')?.annotations?.destructiveHint).toBe(true);
    expect(byName.get('launch')?.annotations?.readOnlyHint).toBe(false);
    const launch = byName.get('launch')!.inputSchema as {
      properties: Record<string, { pattern?: string; type?: string }>;
      required: string[];
    };
    expect(Object.keys(launch.properties).sort()).toEqual(['confirm', 'host', 'params', 'project']);
    expect(launch.required.sort()).toEqual(['host', 'project']);
    expect(launch.properties.project.pattern).toBeTruthy();
    expect(launch.properties.confirm.type).toBe('boolean');
  });

  it('fleet_status returns the real host figures from the held connection', async () => {
    const r = await call('fleet_status', {});
    expect(r.isError).toBeFalsy();
    const [host] = r.body.hosts as {
      alias: string;
      state: string;
      gpus: { name: string; memoryTotalMiB: number }[];
      freeGpus: number[];
    }[];
    expect(host.alias).toBe(h.alias);
    expect(host.state).toBe('connected');
    expect(host.gpus[0].name).toContain('H100');
    expect(host.gpus[0].memoryTotalMiB).toBeGreaterThan(80_000);
    expect(host.freeGpus).toEqual([0]);
  });

  it('two clients at once each get their own server and real answers', async () => {
    const second = await m.connect(new Client({ name: 'trainyard-test-2', version: '1' }));
    try {
      const [a, b] = await Promise.all([
        client.callTool({ name: 'fleet_status', arguments: {} }),
        second.callTool({ name: 'fleet_status', arguments: {} }),
      ]);
      for (const r of [a, b] as ToolResult[]) {
        expect(r.isError).toBeFalsy();
        expect(JSON.parse(r.content[0].text).hosts[0].gpus[0].name).toContain('H100');
      }
    } finally {
      await second.close();
    }
  });

  it('guard rails: refused when not allowed, refused without confirm, done with it', async () => {
    const notAllowed = await call('pull_results', { project: 'sample', host: h.alias, confirm: true });
    expect(notAllowed.isError).toBe(true);
    expect(notAllowed.body.error).toContain('"agent": {"allow": [...]}');
    const otherProject = await call('sync', { project: 'other', host: h.alias, confirm: true });
    expect(otherProject.isError).toBe(true);
    expect(otherProject.body.error).toContain('"agent": {"projects": [...]}');
    const unconfirmed = await call('sync', { project: 'sample', host: h.alias });
    expect(unconfirmed.isError).toBe(true);
    expect(unconfirmed.body.error).toContain('"confirm": true');
    expect((await h.run('ls -d ~/work/sample')).code).not.toBe(0);

    const dry = await call('dry_run', { action: 'sync', project: 'sample', host: h.alias });
    expect(dry.isError, JSON.stringify(dry.body)).toBeFalsy();
    expect((dry.body.commands as string[]).some((c) => c.startsWith('rsync '))).toBe(true);
    expect((await h.run('ls -d ~/work/sample')).code).not.toBe(0);

    const sync = await call('sync', { project: 'sample', host: h.alias, confirm: true });
    expect(sync.isError, JSON.stringify(sync.body)).toBeFalsy();
    expect(sync.body.outcome).toBe('ok');
    expect((await h.run('ls ~/work/sample/train.py')).code).toBe(0);
    expect(m.stderr()).toContain(`sync on ${h.alias} (sample) by agent`);

    const tooMany = await call('launch', {
      project: 'sample',
      host: h.alias,
      params: { session: 'agent-big', gpus: '0,1' },
      confirm: true,
    });
    expect(tooMany.isError).toBe(true);
    expect(tooMany.body.error).toContain('"maxGpus"');
  });

  it('launch with confirm, then list_runs and run_log see the run', async () => {
    const launch = await call('launch', {
      project: 'sample',
      host: h.alias,
      params: { session: 'agent-1', gpus: '0' },
      confirm: true,
    });
    expect(launch.isError, JSON.stringify(launch.body)).toBeFalsy();
    await waitOnHost(h, 'cat ~/.trainyard/runs/agent-1.log', /step 2 /);
    const runs = await call('list_runs', { host: h.alias });
    const listed = (runs.body.hosts as { runs: { run: string; state: string; project: string }[] }[])[0].runs;
    expect(listed).toContainEqual(expect.objectContaining({ run: 'agent-1', state: 'running', project: 'sample' }));
    const second = await call('launch', {
      project: 'sample',
      host: h.alias,
      params: { session: 'agent-2', gpus: '0' },
      confirm: true,
    });
    expect(second.isError).toBe(true);
    expect(second.body.error).toContain('"maxRuns"');
    await waitOnHost(h, 'cat ~/.trainyard/runs/agent-1.log', /step 8 /);
    const metrics = await call('run_metrics', { host: h.alias, run: 'agent-1', points: 3 });
    expect(metrics.isError, JSON.stringify(metrics.body)).toBeFalsy();
    const loss = (
      metrics.body.series as { name: string; count: number; points: [number, number][]; last: number }[]
    ).find((s) => s.name === 'loss');
    expect(loss?.count).toBeGreaterThanOrEqual(8);
    expect(loss?.points.length).toBeLessThanOrEqual(3);
    expect(loss?.points.at(-1)?.[1]).toBe(loss?.last);
    expect(typeof loss?.last).toBe('number');
    const log = await call('run_log', { host: h.alias, run: 'agent-1', lines: 2 });
    expect(log.isError, JSON.stringify(log.body)).toBeFalsy();
    expect(log.body.lineCount).toBe(2);
    expect(String(log.body.text).split('\n')).toHaveLength(2);
    expect(log.body.text).toMatch(/step \d+ loss/);
  });

  it('hostile arguments are errors and run nothing', async () => {
    await h.run('rm -f ~/canary');
    const hostile = [
      '$(touch ~/canary)',
      'x; touch ~/canary',
      'x\ntouch ~/canary',
      '../../../etc/passwd',
      '`touch ~/canary`',
      'x|touch ~/canary',
    ];
    for (const bad of hostile) {
      for (const [tool, args] of [
        ['run_log', { host: h.alias, run: bad }],
        ['stop_run', { host: h.alias, run: bad, confirm: true }],
        ['launch', { project: 'sample', host: h.alias, params: { session: bad }, confirm: true }],
        ['sync', { project: bad, host: h.alias, confirm: true }],
        ['fleet_status', { host: bad }],
      ] as const) {
        const r = await call(tool, args);
        expect(r.isError, `${tool} ${JSON.stringify(args)}`).toBe(true);
      }
    }
    expect((await h.run('ls ~/canary')).code).not.toBe(0);
    expect(existsSync(path.join(process.env.HOME ?? '/root', 'canary'))).toBe(false);
    const sessions = await h.run('tmux ls -F "#{session_name}" 2>/dev/null');
    expect(sessions.stdout).not.toMatch(/canary/);
  });

  it('a 1 M-line log comes back capped, with the offset to continue from', async () => {
    await h.run('seq 1 1000000 >> ~/.trainyard/runs/agent-1.log');
    const tail = await call('run_log', { host: h.alias, run: 'agent-1', lines: 10000, maxBytes: 4096 });
    expect(tail.isError, JSON.stringify(tail.body).slice(0, 500)).toBeFalsy();
    expect(tail.body.bytesReturned as number).toBeLessThanOrEqual(4096);
    expect(tail.body.leftOutBefore as number).toBeGreaterThan(6_000_000);
    const head = await call('run_log', { host: h.alias, run: 'agent-1', offset: 0, maxBytes: 8192 });
    expect(head.body.bytesReturned as number).toBeLessThanOrEqual(8192);
    expect(head.body.leftOutAfter as number).toBeGreaterThan(6_000_000);
    expect(head.content[0].text.length).toBeLessThan(8192 * 1.5); // JSON escapes each newline
    const next = await call('run_log', {
      host: h.alias,
      run: 'agent-1',
      offset: head.body.nextOffset as number,
      maxBytes: 8192,
    });
    expect(next.body.fromOffset).toBe(head.body.nextOffset);
    const whole = await h.run('head -c 16384 ~/.trainyard/runs/agent-1.log');
    const joined = `${head.body.text}\n${next.body.text}`;
    expect(whole.stdout.startsWith(joined)).toBe(true);
    expect(String(head.body.more)).toContain(`offset ${head.body.nextOffset}`);
  });

  it('stop_run stops the run; a cut host is an error result and the server lives on', async () => {
    const stop = await call('stop_run', { host: h.alias, run: 'agent-1', confirm: true });
    expect(stop.isError, JSON.stringify(stop.body)).toBeFalsy();
    // ended, and still listed (stopped) with its log, like a crashed or finished run
    await waitOnHost(h, "tmux display-message -p -t '=agent-1:' '#{pane_dead}'", /^1$/m);
    expect((await h.run('test -e ~/.trainyard/runs/agent-1.stopped && echo marked')).stdout).toContain('marked');

    await lab.hosts[0].stopSshd();
    const log = await call('run_log', { host: h.alias, run: 'agent-1' });
    expect(log.isError).toBe(true);
    const runs = await call('list_runs', {});
    expect(runs.isError).toBeFalsy();
    expect((runs.body.hosts as { error: string | null }[])[0].error).toBeTruthy();
    const launch = await call('launch', {
      project: 'sample',
      host: h.alias,
      params: { session: 'agent-3', gpus: '0' },
      confirm: true,
    });
    expect(launch.isError).toBe(true);
    const status = await call('fleet_status', {});
    expect(status.isError).toBeFalsy();
    expect((status.body.hosts as { state: string }[])[0].state).not.toBe('connected');
  });
});
