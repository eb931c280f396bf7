import { parseSections, section } from '../commands/sectioned.js';
import { type ShellCommand, shScript } from '../commands/value.js';
import { LOCAL_HOST } from '../config/load.js';
import type { Config } from '../config/types.js';
import { loadExeca } from '../shell/loadExeca.js';
import { agentProblem } from '../ssh/auth.js';
import { SshConnection } from '../ssh/connection.js';
import { resolveHost } from '../ssh/resolve.js';
import { LocalTransport } from '../transport/local.js';
import type { Transport } from '../transport/types.js';
import type { Check } from './check.js';
import { printText } from './print.js';
import { slurmHostChecks } from './slurmDoctor.js';
import { ssh2Crypto, sshCryptoCheck } from './sshCryptoCheck.js';

export type { Check } from './check.js';

/** One exec on the host answers every remote question, each in its own section of the output. */
export function remoteChecksCommand(): ShellCommand {
  const probes: [string, string][] = [
    ['nvidia-smi', 'nvidia-smi -L'],
    ['tmux', 'tmux -V'],
    ['rsync', 'rsync --version'],
    ['disk', 'df -Pk "$HOME"'],
  ];
  const script = probes.map(([name, cmd]) => section(name, cmd)).join('; ');
  return shScript(script, [], 'doctor checks');
}

function parseRemoteChecks(stdout: string): Map<string, { code: number; text: string }> {
  return new Map(
    parseSections(stdout).sections.map((s) => [
      s.name,
      { code: s.exit ?? -1, text: s.lines.filter((l) => l.trim()).join('\n') },
    ]),
  );
}

function remoteChecks(host: string, stdout: string): Check[] {
  const r = parseRemoteChecks(stdout);
  const checks: Check[] = [];
  const gpu = r.get('nvidia-smi');
  checks.push(
    gpu && gpu.code === 0 && /GPU \d/.test(gpu.text)
      ? {
          host,
          name: 'nvidia-smi',
          ok: true,
          detail: gpu.text.split('\n').length + ' GPU(s): ' + gpu.text.split('\n')[0],
        }
      : {
          host,
          name: 'nvidia-smi',
          ok: false,
          warn: true,
          detail: gpu?.text || 'not found',
          fix: 'install the NVIDIA driver, or ignore this on a CPU-only host',
        },
  );
  for (const [name, fix] of [
    ['tmux', 'install tmux on the host (apt-get install tmux)'],
    ['rsync', 'install rsync on the host (apt-get install rsync)'],
  ] as const) {
    const tool = r.get(name);
    checks.push(
      tool && tool.code === 0
        ? { host, name, ok: true, detail: tool.text.split('\n')[0] }
        : { host, name, ok: false, detail: tool?.text || 'not found', fix },
    );
  }
  const disk = r.get('disk');
  const fields = disk?.text.split('\n').pop()?.split(/\s+/) ?? [];
  const availKiB = Number(fields[3]);
  if (Number.isFinite(availKiB)) {
    const gib = availKiB / 1024 / 1024;
    const pct = fields[4] ?? '';
    const low = gib < 10 || Number.parseInt(pct, 10) >= 95;
    checks.push({
      host,
      name: 'disk',
      ok: !low,
      warn: low,
      detail: `${gib.toFixed(1)} GiB free in $HOME (${pct} used)`,
      fix: low ? 'free some space: checkpoints fill disks overnight' : undefined,
    });
  } else checks.push({ host, name: 'disk', ok: false, warn: true, detail: disk?.text || 'df failed' });
  return checks;
}

async function localChecks(config: Config): Promise<Check[]> {
  const checks: Check[] = [];
  const { execa } = await loadExeca();
  for (const tool of ['ssh', 'rsync']) {
    const r = await execa(tool, tool === 'ssh' ? ['-V'] : ['--version'], { reject: false });
    const text = `${r.stdout}${r.stderr}`.split('\n')[0];
    checks.push(
      r.exitCode === 0
        ? { host: 'this machine', name: tool, ok: true, detail: text }
        : { host: 'this machine', name: tool, ok: false, detail: 'not found', fix: `install ${tool} locally` },
    );
  }
  const agent = agentProblem(process.env.SSH_AUTH_SOCK);
  checks.push(
    agent
      ? {
          host: 'this machine',
          name: 'ssh-agent',
          ok: false,
          warn: true,
          detail: agent,
          fix: 'start an agent and ssh-add your key, or rely on IdentityFile keys',
        }
      : { host: 'this machine', name: 'ssh-agent', ok: true, detail: process.env.SSH_AUTH_SOCK! },
  );
  checks.push(sshCryptoCheck(ssh2Crypto()));
  checks.push({
    host: 'this machine',
    name: 'config',
    ok: true,
    detail: `${config.file}; ssh_config ${config.sshConfig}`,
  });
  return checks;
}

async function hostChecks(config: Config, alias: string, timeoutMs: number): Promise<Check[]> {
  const checks: Check[] = [];
  let transport: Transport;
  let connection: SshConnection | null = null;
  if (alias === LOCAL_HOST) {
    transport = new LocalTransport();
    checks.push({ host: alias, name: 'connect', ok: true, detail: 'this machine (no SSH)' });
  } else {
    try {
      const r = await resolveHost(config.sshConfig, alias);
      checks.push({
        host: alias,
        name: 'resolve',
        ok: true,
        detail: `${r.user}@${r.hostname}:${r.port}${r.proxyJump.length ? ` via ${r.proxyJump.join(',')}` : ''}`,
      });
    } catch (error) {
      checks.push({
        host: alias,
        name: 'resolve',
        ok: false,
        detail: (error as Error).message,
        fix: `add a "Host ${alias}" block to ${config.sshConfig}`,
      });
      return checks;
    }
    connection = new SshConnection({
      alias,
      sshConfig: config.sshConfig,
      keepalive: config.keepalive,
      trustNewHostKeys: config.trustNewHostKeys,
    });
    connection.start();
    try {
      await Promise.race([
        connection.whenReady(timeoutMs),
        new Promise((_, reject) =>
          connection!.on(
            'state',
            (i) => i.state !== 'connecting' && i.state !== 'connected' && reject(new Error(i.error ?? i.state)),
          ),
        ),
      ]);
      checks.push({ host: alias, name: 'host key', ok: true, detail: 'matches known_hosts' });
      checks.push({ host: alias, name: 'auth', ok: true, detail: `logged in as ${connection.resolved?.user}` });
    } catch {
      const i = connection.info;
      const name = i.state.startsWith('hostkey')
        ? 'host key'
        : i.state === 'auth-failed' || i.state === 'passphrase-needed'
          ? 'auth'
          : 'connect';
      checks.push({
        host: alias,
        name,
        ok: false,
        detail: i.error ?? i.state,
        fix: i.hint ?? 'check the network path (VPN, ProxyJump) and that sshd runs',
      });
      connection.close();
      return checks;
    }
    transport = connection;
  }
  try {
    const result = await transport.exec(remoteChecksCommand(), { timeoutMs });
    const slurm = alias === LOCAL_HOST ? [] : await slurmHostChecks(config, alias, transport);
    // on a login node the GPUs are the compute nodes': no nvidia-smi there is expected, and tmux is not needed
    const notOnLoginNode = new Set(slurm.length ? ['nvidia-smi', 'tmux'] : []);
    checks.push(
      ...remoteChecks(alias, result.stdout).map((c) =>
        notOnLoginNode.has(c.name) && !c.ok
          ? { ...c, ok: true, warn: false, detail: `${c.detail} (not needed on a Slurm login node)` }
          : c,
      ),
      ...slurm,
    );
  } finally {
    connection?.close();
  }
  return checks;
}

export function formatCheck(c: Check): string {
  const mark = c.ok ? 'ok ' : c.warn ? 'warn' : 'FAIL';
  return `[${mark}] ${c.host} ${c.name}: ${c.detail}${!c.ok && c.fix ? `\n       fix: ${c.fix}` : ''}`;
}

/** `trainyard doctor`: every check, what to fix, exit 1 when something must be fixed. */
export async function runDoctor(
  config: Config,
  opts: { timeoutSeconds: number },
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const all: Check[] = await localChecks(config);
  for (const c of all) printText(out, formatCheck(c));
  const perHost = await Promise.all(config.hosts.map((h) => hostChecks(config, h.alias, opts.timeoutSeconds * 1000)));
  for (const checks of perHost) {
    for (const c of checks) printText(out, formatCheck(c));
    all.push(...checks);
  }
  const failures = all.filter((c) => !c.ok && !c.warn).length;
  printText(out, failures ? `\n${failures} problem(s) to fix.` : '\nAll good.');
  return failures ? 1 : 0;
}
