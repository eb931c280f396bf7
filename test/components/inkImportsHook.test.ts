import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.join(import.meta.dirname, '..', '..');
const hook = pathToFileURL(path.join(root, 'dist', 'components', 'inkImportsHook.js')).href;

/** Loads Ink in a fresh Node, with or without the bin's hook, and says what it loaded of es-toolkit. */
function loadInk(withHook: boolean): {
  esToolkitModules: number;
  compatIndexLoaded: boolean;
  throttleWorks: boolean;
  rememberingSanitiser: boolean;
  cursorMoveStripped: boolean;
} {
  const script = `
    import module from 'node:module';
    const loaded = [];
    module.registerHooks({ load: (url, context, next) => (loaded.push(url), next(url, context)) });
    ${withHook ? `await import(${JSON.stringify(hook)});` : ''}
    const { render, Text } = await import('ink');
    const { createElement } = await import('react');
    const { PassThrough } = await import('node:stream');
    const stdout = new PassThrough();
    stdout.columns = 40;
    let written = '';
    stdout.on('data', (d) => (written += d));
    const app = render(createElement(Text, null, 'frame'), { stdout, patchConsole: false, maxFps: 30 });
    app.rerender(createElement(Text, null, 'second frame \u001b[5;7Hmoved'));
    await new Promise((r) => setTimeout(r, 100));
    app.unmount();
    const es = loaded.filter((u) => u.includes('/node_modules/es-toolkit/'));
    process.stdout.write(JSON.stringify({
      esToolkitModules: es.length,
      compatIndexLoaded: es.some((u) => u.endsWith('/compat/index.mjs')),
      throttleWorks: written.includes('second frame'),
      rememberingSanitiser: loaded.some((u) => u.endsWith('/components/cachedSanitizeAnsi.js')),
      cursorMoveStripped: written.includes('moved') && !written.includes('\u001b[5;7H'),
    }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out);
}

describe("the bin's hook on Ink's imports (dist/components/inkImportsHook.js)", () => {
  it("gives Ink the very throttle es-toolkit's compat index would have given it", async () => {
    const { throttleBesideCompatIndex } = await import(hook);
    const compatIndex = import.meta.resolve('es-toolkit/compat');
    const redirected = throttleBesideCompatIndex(compatIndex);
    expect(redirected).not.toBeNull();
    const [viaIndex, direct] = await Promise.all([import(compatIndex), import(redirected)]);
    expect(direct.throttle).toBeTypeOf('function');
    expect(direct.throttle).toBe(viaIndex.throttle);
    expect(throttleBesideCompatIndex(new URL('./nowhere/index.mjs', compatIndex).href)).toBeNull();
  });

  it('loads a handful of es-toolkit modules instead of its whole compat index, and Ink still draws throttled frames', () => {
    const plain = loadInk(false);
    const hooked = loadInk(true);
    expect(plain).toMatchObject({ compatIndexLoaded: true, throttleWorks: true });
    expect(plain.esToolkitModules).toBeGreaterThan(100);
    expect(hooked).toMatchObject({ compatIndexLoaded: false, throttleWorks: true });
    expect(hooked.esToolkitModules).toBeLessThan(10);
  });

  it("gives Ink's text squashing the remembering sanitiser, which still strips a cursor move from a text", () => {
    expect(loadInk(false)).toMatchObject({ rememberingSanitiser: false, cursorMoveStripped: true });
    expect(loadInk(true)).toMatchObject({ rememberingSanitiser: true, cursorMoveStripped: true });
  });
});
