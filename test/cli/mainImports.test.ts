import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.join(import.meta.dirname, '..', '..');

/** The modules of ours and of node_modules that importing dist/src/cli/main.js loads, in a fresh Node. */
function modulesOfMain(): string[] {
  const script = `
    import module from 'node:module';
    const loaded = [];
    module.registerHooks({ load: (url, context, next) => (loaded.push(url), next(url, context)) });
    await import(${JSON.stringify(pathToFileURL(path.join(root, 'dist', 'src', 'cli', 'main.js')).href)});
    process.stdout.write(JSON.stringify(loaded.filter((u) => u.startsWith('file:'))));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  return (JSON.parse(out) as string[]).map((u) => path.relative(root, new URL(u).pathname));
}

describe("the CLI's entry point", () => {
  it("loads no command's code before it knows the command: the cockpit starts without help, completion, status or doctor", () => {
    const loaded = modulesOfMain();
    expect(loaded).toContain(path.join('dist', 'src', 'config', 'load.js'));
    for (const file of ['help.js', 'commandTable.js', 'status.js', 'doctor.js', path.join('completion', 'run.js')])
      expect(loaded).not.toContain(path.join('dist', 'src', 'cli', file));
    expect(loaded.filter((f) => f.includes('node_modules/cli-table3/'))).toEqual([]);
  });
});
