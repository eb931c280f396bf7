/**
 * Importing this module redirects four of Ink's imports. It must run before Ink is first imported.
 * - Ink's renderer gets cachedFrameOutput.ts in place of its own frame buffer (`import Output from
 *   './output.js'` in ink/build/renderer.js);
 * - Ink's log-update gets fastLineUpdate.ts in place of its line-update.js;
 * - Ink's squash-text-nodes gets cachedSanitizeAnsi.ts, its sanitize-ansi.js with a memory;
 * - Ink's `import { throttle } from 'es-toolkit/compat'` gets the module of es-toolkit that the
 *   compat index re-exports it from: the index loads about 415 modules, a third of the cockpit's
 *   start-up, for that one function (test/components/inkImportsHook.test.ts checks it is the same one).
 * Only the Ink versions they were checked against are redirected (test/components/cachedFrameOutput.test.ts,
 * fastLineUpdate.test.ts and cachedSanitizeAnsi.test.ts compare them with Ink's own); any other keeps Ink's.
 */
import { existsSync, readFileSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath } from 'node:url';

const CHECKED_INK_VERSIONS = ['8.0.0'];

/** Ink's version, or null when it cannot be read (then Ink keeps its own Output). */
function inkVersion(inkIndex: string): string | null {
  try {
    return (
      (JSON.parse(readFileSync(new URL('../package.json', inkIndex), 'utf8')) as { version?: string }).version ?? null
    );
  } catch {
    return null;
  }
}

const inkIndex = import.meta.resolve('ink');
const renderer = new URL('./renderer.js', inkIndex).href;
const logUpdate = new URL('./log-update.js', inkIndex).href;
const inkMain = new URL('./ink.js', inkIndex).href;
const squashTextNodes = new URL('./squash-text-nodes.js', inkIndex).href;
const cached = new URL('./cachedFrameOutput.js', import.meta.url).href;
const cachedSanitizeAnsi = new URL('./cachedSanitizeAnsi.js', import.meta.url).href;
const fastLineUpdate = new URL('./fastLineUpdate.js', import.meta.url).href;

export const outputRedirected =
  CHECKED_INK_VERSIONS.includes(inkVersion(inkIndex) ?? '') && typeof module.registerHooks === 'function';

/** The module es-toolkit's compat index (at `compatIndexUrl`) takes `throttle` from, or null if it has none there. */
export function throttleBesideCompatIndex(compatIndexUrl: string): string | null {
  const url = new URL('./function/throttle.mjs', compatIndexUrl);
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url.href : null;
}

if (outputRedirected)
  module.registerHooks({
    resolve: (specifier, context, nextResolve) => {
      if (specifier === './output.js' && context.parentURL === renderer)
        return { url: cached, format: 'module', shortCircuit: true };
      if (specifier === './line-update.js' && context.parentURL === logUpdate)
        return { url: fastLineUpdate, format: 'module', shortCircuit: true };
      if (specifier === './sanitize-ansi.js' && context.parentURL === squashTextNodes)
        return { url: cachedSanitizeAnsi, format: 'module', shortCircuit: true };
      const resolved = nextResolve(specifier, context);
      if (specifier === 'es-toolkit/compat' && context.parentURL === inkMain) {
        const throttle = throttleBesideCompatIndex(resolved.url);
        if (throttle) return { url: throttle, format: 'module', shortCircuit: true };
      }
      return resolved;
    },
  });
