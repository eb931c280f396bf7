/**
 * Importing this module gives Ink's renderer cachedFrameOutput.ts in place of its own frame buffer
 * (`import Output from './output.js'` in ink/build/renderer.js), and Ink's log-update
 * fastLineUpdate.ts in place of its line-update.js. It must run before Ink is first imported. Only
 * the Ink versions they were checked against are redirected (test/components/cachedFrameOutput.test.ts
 * and fastLineUpdate.test.ts compare them with Ink's own); any other keeps Ink's.
 */
import { readFileSync } from 'node:fs';
import module from 'node:module';

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
const cached = new URL('./cachedFrameOutput.js', import.meta.url).href;
const fastLineUpdate = new URL('./fastLineUpdate.js', import.meta.url).href;

export const outputRedirected =
  CHECKED_INK_VERSIONS.includes(inkVersion(inkIndex) ?? '') && typeof module.registerHooks === 'function';

if (outputRedirected)
  module.registerHooks({
    resolve: (specifier, context, nextResolve) =>
      specifier === './output.js' && context.parentURL === renderer
        ? { url: cached, format: 'module', shortCircuit: true }
        : specifier === './line-update.js' && context.parentURL === logUpdate
          ? { url: fastLineUpdate, format: 'module', shortCircuit: true }
          : nextResolve(specifier, context),
  });
