/** A project for the git repository init runs in: where it is here and on the servers, how to train and smoke-test it. */
import { homedir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import type { ProjectConfig } from '../../config/types.js';
import { printText } from '../print.js';
import type { KeyInput } from './keyInput.js';
import { askLine, askYesNo } from './prompt.js';

type Out = Pick<NodeJS.WritableStream, 'write'>;

/** The top directory of the git repository `cwd` is in, or null. */
export async function gitTopLevel(cwd: string): Promise<string | null> {
  const r = await execa('git', ['rev-parse', '--show-toplevel'], { cwd, reject: false });
  return r.exitCode === 0 && String(r.stdout).trim() ? String(r.stdout).trim() : null;
}

/** `~/x` for a path under the home directory, so the config reads the same on another account. */
export function tildePath(p: string, home = homedir()): string {
  return p === home ? '~' : p.startsWith(home + path.sep) ? `~/${p.slice(home.length + 1)}` : p;
}

/** A project name from a directory name: the letters a project key is easy to type with. */
export function projectName(dir: string): string {
  return (
    path
      .basename(dir)
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'project'
  );
}

export async function askProject(
  keys: KeyInput,
  out: Out,
  repo: string,
): Promise<{ name: string; config: ProjectConfig } | null> {
  if (!(await askYesNo(keys, out, `Add a project for the git repository ${repo}?`, true))) return null;
  const name = projectName(await askLine(keys, out, 'Project name', projectName(repo)));
  printText(out, `Where the code goes on the servers, e.g. ~/${name} or /work/${name}`);
  const remote = await askLine(keys, out, 'Remote directory', `~/${name}`);
  printText(out, 'The training command, run in the remote directory, e.g. python train.py --config configs/exp1.yaml');
  let train = '';
  while (!train) train = await askLine(keys, out, 'Train command');
  printText(out, 'A quick smoke test (a minute at most), e.g. python train.py --epochs 1 --subset 100 (Enter: none)');
  const smoke = await askLine(keys, out, 'Smoke command');
  const config: ProjectConfig = { local: tildePath(repo), remote, train };
  if (smoke) config.smoke = smoke;
  return { name, config };
}
