import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.join(import.meta.dirname, '..', '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Layout of the code'), readme.indexOf('## Dependencies'));
/** [paths in the first column, the description] of each row of the layout table. */
const rows = section
  .split('\n')
  .filter((l) => /^\| `/.test(l))
  .map((l) => {
    const [, first, what] = l.split('|').map((c) => c.trim());
    return { paths: [...first.matchAll(/`([^`]+)`/g)].map((m) => m[1]), what };
  });

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? [`${e.name}/`, ...filesUnder(full)] : [e.name];
  });
}

describe('README: the layout table matches the tree', () => {
  it('every path in the first column exists', () => {
    expect(rows.length).toBeGreaterThan(10);
    const missing = rows.flatMap((r) => r.paths).filter((p) => !existsSync(path.join(root, p)));
    expect(missing).toEqual([]);
  });

  it('every folder of src/ has a row', () => {
    const listed = rows.flatMap((r) => r.paths);
    const folders = readdirSync(path.join(root, 'src')).filter((n) =>
      statSync(path.join(root, 'src', n)).isDirectory(),
    );
    expect(folders.filter((f) => !listed.some((p) => p.startsWith(`src/${f}/`)))).toEqual([]);
  });

  it('every file a folder row names is in that folder', () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const { paths, what } of rows) {
      const dirs = paths.filter((p) => p.endsWith('/') && p.startsWith('src/'));
      if (dirs.length === 0) continue;
      const present = new Set(dirs.flatMap((d) => filesUnder(path.join(root, d))));
      for (const [, name] of what.matchAll(/`([A-Za-z0-9_.-]+\.(?:ts|tsx|sh|awk)|[A-Za-z0-9_-]+\/)`/g)) {
        checked++;
        if (!present.has(path.basename(name) + (name.endsWith('/') ? '/' : '')))
          wrong.push(`${dirs.join(', ')}: ${name}`);
      }
    }
    expect(checked).toBeGreaterThan(30);
    expect(wrong).toEqual([]);
  });
});
