/** Run manifests kept on this machine too (…/trainyard/runs/<host>/<session>.json), so a run stays traceable when the server is gone. */
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { projectFileSlug, type RunManifest } from '../runs/layout.js';

/** $XDG_DATA_HOME/trainyard, else ~/.local/share/trainyard. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME)
      ? env.XDG_DATA_HOME
      : path.join(homedir(), '.local', 'share');
  return path.join(base, 'trainyard');
}

export function localManifestPath(dataDir: string, host: string, session: string): string {
  return path.join(dataDir, 'runs', projectFileSlug(host), `${projectFileSlug(session)}.json`);
}

export async function writeLocalManifest(dataDir: string, manifest: RunManifest): Promise<string> {
  const file = localManifestPath(dataDir, manifest.host, manifest.session);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(`${file}.tmp`, JSON.stringify(manifest, null, 2) + '\n', { mode: 0o644 });
  await rename(`${file}.tmp`, file);
  return file;
}

/** Every local manifest (all hosts), unreadable ones skipped. */
export async function readLocalManifests(dataDir: string): Promise<RunManifest[]> {
  const root = path.join(dataDir, 'runs');
  const out: RunManifest[] = [];
  let hosts: string[];
  try {
    hosts = await readdir(root);
  } catch {
    return out;
  }
  for (const h of hosts) {
    let files: string[];
    try {
      files = await readdir(path.join(root, h));
    } catch {
      continue;
    }
    for (const f of files.filter((x) => x.endsWith('.json'))) {
      try {
        out.push(JSON.parse(await readFile(path.join(root, h, f), 'utf8')) as RunManifest);
      } catch {
        // half-written or foreign
      }
    }
  }
  return out;
}
