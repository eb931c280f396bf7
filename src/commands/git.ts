/** Read-only git queries about the local project, for the run manifest. */
import type { LocalCommand } from './value.js';

const git = (dir: string, purpose: string, ...args: string[]): LocalCommand => ({
  where: 'local',
  argv: ['git', '-C', dir, ...args],
  purpose,
  readOnly: true,
});

export const gitCommands = {
  head: (dir: string) => git(dir, 'local git commit', 'rev-parse', '--verify', '-q', 'HEAD'),
  status: (dir: string) =>
    git(dir, 'local changes (dirty flag)', 'status', '--porcelain=v1', '-z', '--untracked-files=all'),
  diff: (dir: string) =>
    git(dir, 'local diff (hashed into the manifest)', 'diff', 'HEAD', '--binary', '--no-ext-diff', '--no-color'),
  untracked: (dir: string) =>
    git(dir, 'untracked files (hashed into the manifest)', 'ls-files', '--others', '--exclude-standard', '-z'),
};
