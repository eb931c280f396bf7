/**
 * `trainyard init [--ssh-config FILE] [--yes]`: a first config from the hosts the user's
 * ssh_config already names. Interactive on a terminal; --yes takes every host that answers.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { defaultConfigPath } from '../../config/load.js';
import { expandHome } from '../../config/paths.js';
import { expandSshPath } from '../../ssh/resolve.js';
import { safeLine } from '../../text/sanitise.js';
import { type ParsedArgs, UsageError } from '../args.js';
import { printText } from '../print.js';
import { buildConfig, configRefuses, readExistingConfig, writeConfigFile } from './configFile.js';
import { KeyInput } from './keyInput.js';
import { runPicker } from './picker.js';
import { type HostProbe, probeHosts } from './probeHosts.js';
import { askProject, gitTopLevel } from './project.js';
import { askYesNo, Cancelled } from './prompt.js';
import { listSshConfigHosts } from './sshConfigHosts.js';

export interface InitIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  stdout: NodeJS.WritableStream & { columns?: number };
  cwd: string;
}

const DEFAULT_SSH_CONFIG = '~/.ssh/config';

/** Server text (errors, GPU names, versions) is printed only through this. */
function clean(text: string): string {
  return safeLine(text);
}

export function describeProbe(p: HostProbe): string {
  if (!p.answered) return `no answer: ${clean(p.problem ?? 'unknown')}`;
  const gpus = p.gpuCount
    ? `${p.gpuCount} GPU${p.gpuCount > 1 ? 's' : ''}${p.gpuName ? ` (${clean(p.gpuName)})` : ''}`
    : `no GPU (${clean(p.gpuProblem ?? 'nvidia-smi found none')})`;
  const tmux = p.tmuxVersion ? clean(p.tmuxVersion) : 'NO tmux (install it: runs start in tmux)';
  return `${clean(p.target ?? '')}  ${gpus}, ${tmux}`;
}

export async function runInitCli(
  args: ParsedArgs,
  io: InitIo = { stdin: process.stdin, stdout: process.stdout, cwd: process.cwd() },
): Promise<number> {
  if (args.positionals.length)
    throw new UsageError('usage: trainyard init [--ssh-config FILE] [--yes] [--config FILE]');
  const out = io.stdout;
  const yes = Boolean(args.flags.yes);
  if (!yes && !io.stdin.isTTY)
    throw new UsageError(
      'init asks which hosts to keep: run it in a terminal, or pass --yes to take every host that answers',
    );
  const sshFlag = typeof args.flags['ssh-config'] === 'string' ? (args.flags['ssh-config'] as string) : undefined;
  const sshConfig = path.resolve(io.cwd, expandSshPath(sshFlag ?? DEFAULT_SSH_CONFIG));
  const recordedSshConfig = sshFlag === undefined ? DEFAULT_SSH_CONFIG : sshConfig;
  const file = args.config ? path.resolve(io.cwd, expandHome(args.config)) : defaultConfigPath();

  if (!existsSync(sshConfig)) {
    printText(
      out,
      `trainyard: there is no ssh_config at ${sshConfig} — fix: add a "Host gpu-a" block (HostName, User) for each server there, or pass --ssh-config FILE`,
    );
    return 1;
  }
  const existing = readExistingConfig(file);
  if (existing && yes) {
    printText(
      out,
      `trainyard: ${file} already exists and init --yes never overwrites it — fix: run trainyard init in a terminal to update it (it asks), or pass --config NEW_FILE`,
    );
    return 1;
  }

  const listed = listSshConfigHosts(sshConfig);
  const aliases: string[] = [];
  for (const alias of listed.aliases) {
    const refused = configRefuses(alias);
    if (refused) listed.skipped.push({ word: alias, why: refused });
    else aliases.push(alias);
  }
  const included =
    listed.files.length > 1
      ? ` (and ${listed.files.length - 1} included file${listed.files.length > 2 ? 's' : ''})`
      : '';
  printText(
    out,
    `Read ${sshConfig}${included}: ${aliases.length} host${aliases.length === 1 ? '' : 's'}${aliases.length ? `: ${aliases.join(', ')}` : ''}.`,
  );
  if (listed.skipped.length)
    printText(out, `Not hosts: ${listed.skipped.map((s) => `${clean(s.word)} (${s.why})`).join(', ')}.`);
  if (!aliases.length) {
    printText(out, `Nothing written — fix: add a "Host gpu-a" block (HostName, User) for each server to ${sshConfig}`);
    return 1;
  }

  printText(out, `Checking them (connect, nvidia-smi, tmux; up to ${args.timeoutSeconds} s)…`);
  const probes = await probeHosts(aliases, { sshConfig, timeoutMs: args.timeoutSeconds * 1000 });
  if (yes) for (const p of probes) printText(out, `  ${p.answered ? 'ok' : '--'}  ${p.alias}  ${describeProbe(p)}`);

  const keys = yes ? null : new KeyInput(io.stdin);
  try {
    let picked: string[];
    if (keys) {
      const items = probes.map((p) => ({ label: p.alias, detail: describeProbe(p), selected: p.answered }));
      const chosen = await runPicker(
        'Which hosts should trainyard watch? (those that answered are picked)',
        items,
        keys,
        out,
      );
      if (chosen === null) throw new Cancelled();
      picked = chosen;
    } else picked = probes.filter((p) => p.answered).map((p) => p.alias);
    if (!picked.length) {
      printText(out, `No host ${yes ? 'answered' : 'picked'} — nothing written.`);
      return 1;
    }
    if (
      existing &&
      keys &&
      !(await askYesNo(keys, out, `${file} exists. Replace its hosts and sshConfig (keeping everything else)?`, false))
    )
      throw new Cancelled();
    const repo = keys ? await gitTopLevel(io.cwd) : null;
    let project = repo && keys ? await askProject(keys, out, repo) : null;
    const existingProjects = (existing?.projects ?? {}) as Record<string, unknown>;
    if (
      project &&
      keys &&
      project.name in existingProjects &&
      !(await askYesNo(keys, out, `The config already has a project "${project.name}". Replace it?`, false))
    )
      project = null;

    writeConfigFile(file, buildConfig(existing, picked, recordedSshConfig, project ?? undefined));
    printText(
      out,
      `Wrote ${file}: hosts ${picked.join(', ')}; sshConfig ${recordedSshConfig}${project ? `; project ${project.name}` : ''}.`,
    );
    const leftOut = probes.filter((p) => !picked.includes(p.alias));
    for (const p of leftOut)
      printText(
        out,
        `Left out ${p.alias}: ${p.answered ? 'not picked' : `no answer — ${clean(p.problem ?? 'unknown')}`}`,
      );
    if (!project)
      printText(
        out,
        `${yes ? 'No project added (--yes asks nothing)' : 'No project added'}: see "projects" in the README to add one.`,
      );
    printText(out, 'Next: trainyard doctor checks each host; trainyard opens the cockpit.');
    return 0;
  } catch (error) {
    if (error instanceof Cancelled) {
      printText(out, 'Cancelled — nothing written.');
      return 1;
    }
    throw error;
  } finally {
    keys?.close();
  }
}
