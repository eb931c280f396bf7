/**
 * A guard on the source: the CLI writes to stdout and stderr only through src/cli/print.ts (which
 * sanitises), and nothing else in src/ or components/ writes to the process's streams directly.
 * A new command that prints some other way fails here, with the way to fix it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(import.meta.dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.tsx?$/.test(name) ? [p] : [];
  });
}

function hits(files: string[], pattern: RegExp): string[] {
  return files.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .flatMap((line, i) => (pattern.test(line) ? [`${path.relative(ROOT, f)}:${i + 1}: ${line.trim()}`] : [])),
  );
}

describe('every print passes the sanitiser', () => {
  it('src/cli writes only through print.ts (printText, printJson, printProgress)', () => {
    const files = sources(path.join(ROOT, 'src', 'cli')).filter((f) => path.basename(f) !== 'print.ts');
    expect(files.length).toBeGreaterThan(5);
    const direct = hits(files, /\.write\(|console\.(log|error|warn|info)\(/);
    expect(direct, 'print with printText/printJson from src/cli/print.ts instead').toEqual([]);
  });

  it('nothing else writes to process.stdout or process.stderr, or logs to the console', () => {
    const files = [...sources(path.join(ROOT, 'src')), ...sources(path.join(ROOT, 'components'))].filter(
      (f) => !f.includes(`${path.sep}cli${path.sep}`),
    );
    const direct = hits(files, /process\.(stdout|stderr)\.write\(|console\.(log|error|warn|info)\(/)
      // the bell: one constant byte
      .filter((h) => !/process\.stdout\.write\('\\x07'\)/.test(h));
    expect(
      direct,
      'server text goes to the screen through Ink views (components/Row.tsx sanitises) or src/cli/print.ts',
    ).toEqual([]);
  });

  it('the guard can fail: it finds the writes print.ts itself makes', () => {
    expect(hits([path.join(ROOT, 'src', 'cli', 'print.ts')], /\.write\(/).length).toBeGreaterThan(0);
  });
});
