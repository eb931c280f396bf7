/**
 * `trainyard mcp` with a client that can ask its person (elicitation), against a real sshd host
 * with the real watchdog: an unconfirmed action asks with the exact commands; what an agent does
 * is marked in the manifests and in the timeline (events tool and `trainyard events`);
 * explain_failure reads the watchdog's verdict and the traceback; logs and manifests are
 * resources; the morning report tells the story.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RemoteHost, sampleProject, waitOnHost } from '../actions/helpers.js';
import { canRunTestHosts } from '../harness/testHosts.js';
import { BIN, type McpLab, startMcpLab } from './mcpLab.js';

const can = canRunTestHosts();
const run = promisify(execFile);

type Body = Record<string, unknown>;

describe.skipIf(!can.ok)('trainyard mcp: the person asked, agent actions recorded, failures explained', () => {
  let mcp: McpLab;
  let h: RemoteHost;
  let local: string;
  let configFile: string;
  let env: Record<string, string>;
  let client: Client;
  const questions: string[] = [];
  let answer: 'yes' | 'no' | 'decline' = 'no';
  let crashed = '';
  let child = '';
  const call = (name: string, args: Record<string, unknown>) => mcp.call(name, args);

  beforeAll(async () => {
    const asking = new Client({ name: 'person-at-laptop', version: '1' }, { capabilities: { elicitation: {} } });
    asking.setRequestHandler(ElicitRequestSchema, async (req) => {
      questions.push(String(req.params.message));
      if (answer === 'decline') return { action: 'decline' };
      return { action: 'accept', content: { allow: answer === 'yes' } };
    });
    mcp = await startMcpLab({
      prefix: 'ty-mcp-agent-',
      projects: (dir) => ({
        sample: sampleProject(dir, {
          train: 'python3 train.py --output {run_dir} --steps 2000 --save-every 5 --step-seconds 0.15',
        }),
      }),
      agent: { allow: ['sync', 'launch', 'restart_from_checkpoint', 'stop_run', 'smoke_test', 'pull_results'] },
      client: asking,
    });
    ({ h, local, configFile, env, client } = mcp);
    await run(process.execPath, [BIN, '--config', configFile, 'watchdog', 'install', h.alias, '--interval', '1'], {
      env,
    });
  }, 60_000);

  afterAll(async () => {
    await mcp?.stop();
  });

  it('an unconfirmed action asks the person with the exact commands: no and decline do nothing, yes does it', async () => {
    answer = 'no';
    const no = await call('sync', { project: 'sample', host: h.alias });
    expect(no.isError).toBe(true);
    expect(no.body.error).toContain('the person answered no');
    expect(questions[0]).toContain(`sync on ${h.alias} (project sample)`);
    expect(questions[0]).toMatch(/^rsync /m);
    answer = 'decline';
    expect((await call('sync', { project: 'sample', host: h.alias })).body.error).toContain('declined');
    expect((await h.run('ls -d ~/work/sample')).code).not.toBe(0);
    answer = 'yes';
    const yes = await call('sync', { project: 'sample', host: h.alias });
    expect(yes.isError, JSON.stringify(yes.body)).toBe(false);
    expect((await h.run('ls ~/work/sample/train.py')).code).toBe(0);
    expect(questions).toHaveLength(3);
  });

  it('a launch the person approved runs as shown, and its manifest says an agent started it', async () => {
    await h.run('echo 12 > ~/work/sample/crash-at-step');
    answer = 'yes';
    const launch = await call('launch', { project: 'sample', host: h.alias, params: { gpus: '0' } });
    expect(launch.isError, JSON.stringify(launch.body)).toBe(false);
    crashed = (launch.body.data as { session: string }).session;
    expect(questions.at(-1)).toContain(crashed); // the name it was shown is the name it got
    const manifest = JSON.parse((await h.run(`cat ~/.trainyard/runs/${crashed}.json`)).stdout) as Body;
    expect(manifest.by).toBe('agent');
  });

  it("explain_failure: the watchdog's verdict and the traceback around the crash", async () => {
    await waitOnHost(
      h,
      'cat ~/.trainyard/watchdog/*/events.jsonl',
      new RegExp(`"session":"${crashed}".*"kind":"crashed"`),
    );
    const r = await call('explain_failure', { host: h.alias, run: crashed, context: 2 });
    expect(r.isError, JSON.stringify(r.body)).toBe(false);
    expect(r.body.cause).toBe('traceback');
    expect(r.body.summary).toContain(`${crashed} crashed (exit 1)`);
    expect(r.body.summary).toContain('RuntimeError: simulated crash at step 12');
    const log = r.body.log as { excerpt: string; failureLine: string; failureOffset: number };
    expect(log.excerpt.split('\n')[0]).toMatch(/^step 10 loss/); // two lines before the traceback
    expect(log.excerpt).toContain('Traceback (most recent call last):');
    const wd = r.body.watchdog as { status: string; flags: string[] };
    expect(wd.status).toBe('crashed');
    expect(wd.flags).toContain('traceback');
    expect((r.body.events as { kind: string }[]).map((e) => e.kind)).toContain('crashed');
    // the offset it gives points at that line in the real log
    const at = await h.run(`tail -c +${log.failureOffset + 1} ~/.trainyard/runs/${crashed}.log | head -n 1`);
    expect(at.stdout.trim()).toBe(log.failureLine);
  });

  it("a restart by the agent resumes from the newest checkpoint and is marked as the agent's", async () => {
    const r = await call('restart_from_checkpoint', { project: 'sample', host: h.alias, run: crashed, confirm: true });
    expect(r.isError, JSON.stringify(r.body)).toBe(false);
    child = (r.body.data as { session: string }).session;
    const manifest = JSON.parse((await h.run(`cat ~/.trainyard/runs/${child}.json`)).stdout) as Body;
    expect(manifest).toMatchObject({ by: 'agent', parent: crashed, restartedBy: 'user' });
    expect(String(manifest.resumedFrom)).toMatch(/checkpoint-10$/);
    await waitOnHost(h, `cat ~/.trainyard/runs/${child}.log`, /step 13 loss/);
  });

  it('the timeline shows what the agent did: the events tool and trainyard events', async () => {
    const events = await call('events', { since: '1h' });
    const agent = (events.body.events as { kind: string; detail: string; session: string | null }[]).filter(
      (e) => e.kind === 'agent-action',
    );
    expect(agent.map((e) => e.detail.split(':')[0])).toEqual([
      'sync by agent person-at-laptop',
      'launch by agent person-at-laptop',
      'restart_from_checkpoint by agent person-at-laptop',
    ]);
    expect(agent[2].session).toBe(child);
    const cli = await run(process.execPath, [BIN, '--config', configFile, 'events', '--since', '1h', '--json'], {
      env,
    });
    const printed = (JSON.parse(cli.stdout) as { events: { kind: string; session: string | null }[] }).events;
    expect(printed.filter((e) => e.kind === 'agent-action')).toHaveLength(3);
    expect(printed.some((e) => e.kind === 'crashed' && e.session === crashed)).toBe(true);
    const text = await run(process.execPath, [BIN, '--config', configFile, 'events', '--since', '1h'], { env });
    expect(text.stdout).toMatch(/agent-action +restart_from_checkpoint by agent person-at-laptop/);
  });

  it("runs' logs and manifests are resources; a hostile URI reads nothing", async () => {
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual([
      'trainyard://run/{host}/{run}/log',
      'trainyard://run/{host}/{run}/manifest',
    ]);
    const { resources } = await client.listResources();
    const uris = resources.map((r) => r.uri);
    for (const id of [crashed, child]) {
      expect(uris).toContain(`trainyard://run/${h.alias}/${id}/log`);
      expect(uris).toContain(`trainyard://run/${h.alias}/${id}/manifest`);
    }
    const log = await client.readResource({ uri: `trainyard://run/${h.alias}/${child}/log` });
    const text = String((log.contents[0] as { text: string }).text);
    expect(text.split('\n')[0]).toMatch(/^\[trainyard\] the whole log \(\d+ bytes/);
    expect(text).toContain(`resumed from`);
    const manifest = await client.readResource({ uri: `trainyard://run/${h.alias}/${child}/manifest` });
    const m = JSON.parse(String((manifest.contents[0] as { text: string }).text)) as { manifest: Body; state: string };
    expect(m.manifest).toMatchObject({ session: child, parent: crashed, by: 'agent' });
    await h.run('rm -f ~/canary');
    for (const bad of ['..%2F..%2Fetc%2Fpasswd', '%24(touch%20~%2Fcanary)', 'x%3Btouch%20~%2Fcanary', 'nope'])
      await expect(client.readResource({ uri: `trainyard://run/${h.alias}/${bad}/log` })).rejects.toThrow();
    await expect(
      client.readResource({ uri: `trainyard://run/%24(touch%20~%2Fcanary)/${child}/manifest` }),
    ).rejects.toThrow();
    expect((await h.run('ls ~/canary')).code).not.toBe(0);
  });

  it('the morning_report prompt: two lines per host and per run of the night', async () => {
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name)).toContain('morning_report');
    const r = await client.getPrompt({ name: 'morning_report', arguments: { since: '1h' } });
    const text = String((r.messages[0].content as { text: string }).text);
    const lines = text.split('\n');
    const hostLine = lines.findIndex((l) => l.startsWith(`${h.alias} — connected`));
    expect(hostLine, text).toBeGreaterThan(-1);
    expect(lines[hostLine]).toContain('watchdog running');
    expect(lines[hostLine + 1]).toMatch(
      /since 1h .*: 2 started, 0 finished, 1 crashed, 1 restarted, 0 stopped; 1 running now/,
    );
    expect(lines[hostLine + 1]).toContain('3 agent action(s)');
    const crashedLine = lines.findIndex((l) =>
      l.includes(`${crashed} (sample) CRASHED (exit 1), restarted as ${child}`),
    );
    expect(crashedLine, text).toBeGreaterThan(hostLine);
    expect(lines[crashedLine]).toMatch(/step 11 loss|loss /);
    expect(lines[crashedLine]).toContain('by agent');
    expect(lines[crashedLine + 1]).toContain('last error: RuntimeError: simulated crash at step 12');
    const childLine = lines.find((l) => l.includes(`${child} (sample) running`));
    expect(childLine).toMatch(new RegExp(`continues ${crashed}`));
    await expect(client.getPrompt({ name: 'morning_report', arguments: { since: 'yesterday' } })).rejects.toThrow(
      /since takes/,
    );
  });

  it("compare: the project's runs side by side, with the figures their metrics files hold", async () => {
    const stop = await call('stop_run', { host: h.alias, run: child, confirm: true });
    expect(stop.isError, JSON.stringify(stop.body)).toBe(false);
    // a stopped run keeps its dead pane (listed as stopped, log readable) or is gone: either way nothing runs
    await waitOnHost(h, `tmux list-panes -s -t =${child} -F '#{pane_dead}' 2>/dev/null || echo 1`, /^1$/m);
    const r = await call('compare', { name: 'sample' });
    expect(r.isError, JSON.stringify(r.body)).toBe(false);
    const rows = r.body.rows as {
      id: string;
      state: string;
      metrics: Record<string, { final: number; min: number }>;
    }[];
    expect(rows.map((row) => row.id)).toEqual([child]); // its crashed parent is continued by it
    expect(rows[0].state).toBe('stopped');
    // the metrics file the run wrote in its run directory (the parent's steps, then the child's)
    const runDir = (JSON.parse((await h.run(`cat ~/.trainyard/runs/${child}.json`)).stdout) as { runDir: string })
      .runDir;
    const logged = (await h.run(`cat '${runDir}/metrics.jsonl'`)).stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { loss: number }).loss);
    expect(logged.length).toBeGreaterThan(2);
    expect(rows[0].metrics.loss.final).toBe(logged.at(-1));
    expect(rows[0].metrics.loss.min).toBe(Math.min(...logged));
    expect(r.body.rowsLeftOut).toBe(0);
    const none = await call('compare', { name: 'nothing' });
    expect(none.isError).toBe(true);
    expect(none.body.error).toContain('no run belongs to a sweep or project named "nothing"');
  });

  it('smoke_test returns the verdict and the tail of its output; pull_results brings the results back', async () => {
    const smoke = await call('smoke_test', { project: 'sample', host: h.alias, params: { gpus: '0' }, confirm: true });
    expect(smoke.isError, JSON.stringify(smoke.body)).toBe(false);
    expect(smoke.body.outcome).toBe('ok');
    expect((smoke.body.output as string[]).some((l) => /^step 10 loss/.test(l))).toBe(true);
    expect((smoke.body.details as string[]).join('\n')).toContain('loss went down');
    const m = JSON.parse((await h.run(`cat ~/.trainyard/runs/${child}.json`)).stdout) as {
      remoteDir: string;
      runDir: string;
    };
    const here = path.join(local, path.relative(m.remoteDir, m.runDir), 'metrics.jsonl');
    expect(existsSync(here)).toBe(false);
    const pull = await call('pull_results', { project: 'sample', host: h.alias, confirm: true });
    expect(pull.isError, JSON.stringify(pull.body)).toBe(false);
    const remote = (await h.run(`cat '${m.runDir}/metrics.jsonl'`)).stdout;
    expect(readFileSync(here, 'utf8')).toBe(remote);
  });
});
