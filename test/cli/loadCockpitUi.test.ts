import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { whileFetchHidden } from '../../src/cli/loadCockpitUi.js';

const root = path.join(import.meta.dirname, '..', '..');
const built = (file: string) => JSON.stringify(pathToFileURL(path.join(root, 'dist', file)).href);

/** Imports the cockpit's components in a fresh Node, as the cockpit does or plainly; says whether undici was loaded. */
function loadCockpitModules(hidden: boolean): { undici: boolean; fetchAfter: string; yogaWorks: boolean } {
  const script = `
    const { loadCockpitUi } = await import(${built('src/cli/loadCockpitUi.js')});
    await ${hidden ? 'loadCockpitUi()' : `import(${built('components/runCockpit.js')})`};
    const { default: Yoga } = await import('yoga-layout');
    const node = Yoga.Node.create();
    node.setWidth(7);
    node.calculateLayout();
    process.stdout.write(JSON.stringify({
      undici: process.moduleLoadList.some((m) => m.includes('undici')),
      fetchAfter: typeof fetch,
      yogaWorks: node.getComputedWidth() === 7,
    }));`;
  return JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' }),
  );
}

describe('loadCockpitUi', () => {
  it("keeps Yoga's loader from loading Node's HTTP client for its inline wasm, and Yoga still lays out", () => {
    expect(loadCockpitModules(false).undici).toBe(true); // what it saves: the plain import loads undici
    expect(loadCockpitModules(true)).toEqual({ undici: false, fetchAfter: 'function', yogaWorks: true });
  });

  it('whileFetchHidden gives fetch back whether the import succeeded or failed', async () => {
    const before = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
    let seen = 'unset';
    await expect(
      whileFetchHidden(async () => {
        seen = typeof fetch;
        throw new Error('no such module');
      }),
    ).rejects.toThrow('no such module');
    expect(seen).toBe('undefined');
    expect(Object.getOwnPropertyDescriptor(globalThis, 'fetch')).toEqual(before);
    expect(await whileFetchHidden(async () => typeof fetch)).toBe('undefined');
    expect(typeof fetch).toBe('function');
  });
});
