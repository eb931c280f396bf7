/** The local project's git state for a run manifest: commit, dirty flag, a hash of the changes. */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { gitCommands } from '../commands/git.js';
import { readLocal } from './execute.js';

export interface GitInfo {
  commit: string | null;
  dirty: boolean;
  /** sha256 (16 hex) of `git diff HEAD` plus untracked files, or null when clean / not a repo. */
  diffHash: string | null;
}

/** Untracked files larger than this are hashed by name and size only. */
const UNTRACKED_CONTENT_LIMIT = 8 * 1024 * 1024;

export async function readGitInfo(dir: string): Promise<GitInfo> {
  try {
    const [head, status] = await Promise.all([readLocal(gitCommands.head(dir)), readLocal(gitCommands.status(dir))]);
    if (status.code !== 0) return { commit: null, dirty: false, diffHash: null };
    const commit = head.code === 0 ? head.stdout.trim() || null : null;
    const dirty = status.bytes.length > 0;
    if (!dirty) return { commit, dirty, diffHash: null };
    const hash = createHash('sha256');
    if (commit) hash.update((await readLocal(gitCommands.diff(dir))).bytes);
    const untracked = (await readLocal(gitCommands.untracked(dir))).stdout.split('\0').filter(Boolean).sort();
    for (const rel of untracked) {
      hash.update(`\0untracked\0${rel}\0`);
      try {
        const file = path.join(dir, rel);
        const st = await stat(file);
        if (st.isFile() && st.size <= UNTRACKED_CONTENT_LIMIT) hash.update(await readFile(file));
        else hash.update(`size:${st.size}`);
      } catch {
        // vanished meanwhile
      }
    }
    return { commit, dirty, diffHash: hash.digest('hex').slice(0, 16) };
  } catch {
    return { commit: null, dirty: false, diffHash: null };
  }
}
