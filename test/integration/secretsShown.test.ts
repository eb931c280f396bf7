/**
 * Secrets (a project's secretEnv values) never shown or sent by the cockpit's own views and pushes,
 * against a real host: the log pane's lines, the watchdog's events, summary and banner, the webhook
 * body the cockpit posts (to a local HTTP server), and `trainyard events` from the built binary.
 */

import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cockpitServices } from '../../src/cli/cockpit.js';
import type { CockpitServices, OpenedLog } from '../../src/cockpit/controller.js';
import { normalizeConfig } from '../../src/config/load.js';
import { Fleet } from '../../src/hosts/fleet.js';
import { RUNS_DIR, WATCHDOG_DIR } from '../../src/runs/layout.js';
import { removeDir, tempDir } from '../actions/helpers.js';
import { canRunTestHosts, startTestHosts, type TestHost, type TestHosts } from '../harness/testHosts.js';

const can = canRunTestHosts();
if (!can.ok && process.env.CI) throw new Error(`integration tests cannot run in CI: ${can.reason}`);
const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'trainyard.js');
const SECRET = 'wandb-5ecret-c0ffee-1234';

const iso = (ms = Date.now()) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
function eventLine(id: string, kind: string, detail: string, ms?: number): string {
  return `${JSON.stringify({ time: iso(ms), id, host: 'node', session: 'run1', project: 'sample', kind, level: 'error', detail, pushed: false })}\n`;
}

async function until<T>(what: string, get: () => T | undefined | null | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!can.ok)('secrets are masked in what the cockpit shows and sends', () => {
  let lab: TestHosts;
  let host: TestHost;
  let work: string;
  let server: Server;
  const bodies: string[] = [];
  let fleet: Fleet;
  let services: CockpitServices;
  let stop: () => void;
  let configFile: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    lab = await startTestHosts({ count: 1 });
    host = lab.hosts[0];
    work = tempDir('ty-secrets-shown-');
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        bodies.push(body);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const raw = {
      hosts: [host.alias],
      sshConfig: lab.sshConfigPath,
      alertWebhook: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`,
      projects: {
        sample: { local: work, remote: '~/work/sample', train: 'python3 train.py', secretEnv: ['TY_TEST_TOKEN'] },
      },
    };
    configFile = path.join(work, 'config.json');
    writeFileSync(configFile, JSON.stringify(raw));
    env = { ...process.env, TY_TEST_TOKEN: SECRET, XDG_DATA_HOME: path.join(work, 'data') };
    // the watchdog's files live in this machine's directory under WATCHDOG_DIR
    await host.run(
      `mkdir -p ~/${WATCHDOG_DIR}/"$(uname -n)" ~/${RUNS_DIR} && cat > ~/${WATCHDOG_DIR}/"$(uname -n)"/events.jsonl`,
      { input: eventLine('1-1-1', 'traceback', `wandb.errors.AuthError: key ${SECRET} rejected`, Date.now() - 60_000) },
    );
    await host.run(
      `printf '%s\\n' "{\\"log\\": \\"$HOME/${RUNS_DIR}/run1.log\\"}" > ~/${RUNS_DIR}/run1.json && printf 'step 1 loss 2.0\\nlogging in with ${SECRET}\\nstep 2 loss 1.5\\n' > ~/${RUNS_DIR}/run1.log`,
    );
    fleet = new Fleet(normalizeConfig(raw, configFile), { interactive: false });
    fleet.start();
    await fleet.settled(20_000);
    ({ services, stop } = cockpitServices(fleet, env));
  });

  afterAll(async () => {
    stop?.();
    await fleet?.shutdown();
    server?.close();
    await lab?.stop();
    if (work) removeDir(work);
  });

  it('the log pane', async () => {
    const opened = (await services.openLog!(host.alias, 'run1')) as OpenedLog;
    expect('error' in opened ? opened.error : null).toBeNull();
    try {
      const lines = await until('the log lines', () => {
        const l = opened.tail.lines;
        const all = l.slice(l.startSeq, l.endSeq);
        return all.length >= 3 && all;
      });
      expect(lines.join('\n')).toContain('logging in with •••');
      expect(lines.join('\n')).not.toContain(SECRET);
    } finally {
      opened.close();
    }
  });

  it('watchdog events and the banner on screen, and the webhook body the cockpit posts', async () => {
    const watchdog = services.watchdog!;
    await watchdog.pollNow(host.alias);
    const first = await until('the watchdog status', () => watchdog.store.getState().hosts[host.alias]?.status);
    expect(first.unread.map((e) => e.detail)).toEqual(['wandb.errors.AuthError: key ••• rejected']);

    await host.run(`cat >> ~/${WATCHDOG_DIR}/"$(uname -n)"/events.jsonl`, {
      input: eventLine('2-1-1', 'crashed', `exit code 1 after printing ${SECRET}`),
    });
    await watchdog.pollNow(host.alias);
    const body = await until('the webhook post', () => bodies.find((b) => b.includes('crashed')));
    expect(body).toContain('exit code 1 after printing •••');
    expect(bodies.join('\n')).not.toContain(SECRET);
    expect(watchdog.store.getState().banner?.text).toContain('•••');
    expect(JSON.stringify(watchdog.store.getState())).not.toContain(SECRET);
  });

  it('trainyard events', async () => {
    const r = await execa('node', [BIN, 'events', '--config', configFile], { env, reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('key ••• rejected');
    expect(r.stdout).not.toContain(SECRET);
    const json = await execa('node', [BIN, 'events', '--json', '--config', configFile], { env, reject: false });
    expect(json.stdout).not.toContain(SECRET);
  });
});
