/**
 * Which hosts answer: every alias is resolved with `ssh -G` and connected the way the cockpit
 * connects (same host-key and auth rules), then asked for nvidia-smi and tmux in one exec.
 * All hosts at once, each within the time limit.
 */

import { parseSections, section } from '../../commands/sectioned.js';
import { shScript } from '../../commands/value.js';
import { SshConnection } from '../../ssh/connection.js';
import { resolveHost } from '../../ssh/resolve.js';

export interface HostProbe {
  alias: string;
  /** user@hostname:port as ssh -G resolves it, or null when it could not. */
  target: string | null;
  answered: boolean;
  /** Why it did not answer (state and error, with the fix when known); raw server text possible. */
  problem: string | null;
  gpuCount: number;
  gpuName: string | null;
  /** nvidia-smi's complaint when it found no GPU. */
  gpuProblem: string | null;
  tmuxVersion: string | null;
}

const PROBE_COMMAND = shScript(
  `${section('gpu', 'nvidia-smi -L')}; ${section('tmux', 'tmux -V')}`,
  [],
  'init host check',
);

export function parseProbeOutput(
  stdout: string,
): Pick<HostProbe, 'gpuCount' | 'gpuName' | 'gpuProblem' | 'tmuxVersion'> {
  const out = parseSections(stdout);
  const read = (name: string) => ({ text: out.text(name).trim(), code: out.first(name)?.exit ?? 127 });
  const gpu = read('gpu');
  const gpus = gpu.text.split('\n').filter((l) => /^GPU \d+:/.test(l));
  const tmux = read('tmux');
  return {
    gpuCount: gpu.code === 0 ? gpus.length : 0,
    gpuName: gpus.length ? (/^GPU \d+: (.*?)(?: \(UUID: [^)]*\))?$/.exec(gpus[0])?.[1] ?? null) : null,
    gpuProblem:
      gpu.code === 0 && gpus.length
        ? null
        : gpu.code === 127
          ? 'nvidia-smi not found'
          : gpu.text.split('\n')[0] || `nvidia-smi exited ${gpu.code}`,
    tmuxVersion: tmux.code === 0 ? tmux.text.split('\n')[0] : null,
  };
}

export interface ProbeOptions {
  sshConfig: string;
  timeoutMs: number;
}

export async function probeHost(alias: string, opts: ProbeOptions): Promise<HostProbe> {
  const probe: HostProbe = {
    alias,
    target: null,
    answered: false,
    problem: null,
    gpuCount: 0,
    gpuName: null,
    gpuProblem: null,
    tmuxVersion: null,
  };
  try {
    const r = await resolveHost(opts.sshConfig, alias);
    probe.target = `${r.user}@${r.hostname}:${r.port}${r.proxyJump.length ? ` via ${r.proxyJump.join(',')}` : ''}`;
  } catch (error) {
    probe.problem = (error as Error).message;
    return probe;
  }
  const connection = new SshConnection({
    alias,
    sshConfig: opts.sshConfig,
    keepalive: { intervalSeconds: 5, countMax: 2 },
    trustNewHostKeys: false,
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    connection.start();
    await Promise.race([
      connection.whenReady(opts.timeoutMs),
      new Promise<never>((_, reject) => {
        connection.on(
          'state',
          (i) => i.state !== 'connecting' && i.state !== 'connected' && reject(new Error('not connected')),
        );
      }),
    ]);
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(new Error(`connected, but nvidia-smi and tmux -V did not answer within ${opts.timeoutMs / 1000} s`)),
        opts.timeoutMs,
      );
    });
    const result = await Promise.race([connection.exec(PROBE_COMMAND, { timeoutMs: opts.timeoutMs }), deadline]);
    Object.assign(probe, parseProbeOutput(result.stdout), { answered: true });
  } catch (error) {
    const i = connection.info;
    probe.problem = connection.isReady
      ? (error as Error).message
      : `${i.state === 'connecting' ? `no answer within ${opts.timeoutMs / 1000} s` : i.state}${i.error ? `: ${i.error}` : ''}${i.hint ? ` — ${i.hint}` : ''}`;
  } finally {
    clearTimeout(timer);
    connection.close();
  }
  return probe;
}

export function probeHosts(
  aliases: string[],
  opts: ProbeOptions,
  onDone?: (probe: HostProbe) => void,
): Promise<HostProbe[]> {
  return Promise.all(
    aliases.map(async (alias) => {
      const probe = await probeHost(alias, opts);
      onDone?.(probe);
      return probe;
    }),
  );
}
