/**
 * Importing this module gives Ink's renderer cachedFrameOutput.ts in place of its own frame buffer
 * (`import Output from './output.js'` in ink/build/renderer.js) and incrementalRender.ts in place
 * of its walk over the tree, Ink's reconciler changeMarkingDom.ts in place of its DOM, and Ink's
 * log-update fastLineUpdate.ts in place of its line-update.js. It must run before Ink is first
 * imported. Only the Ink versions they were checked against are redirected
 * (test/components/cachedFrameOutput.test.ts, incrementalRender.test.ts and fastLineUpdate.test.ts
 * compare them with Ink's own); any other keeps Ink's. TRAINYARD_FULL_REDRAW=1 keeps Ink's walk
 * (every node, every frame).
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
const reconciler = new URL('./reconciler.js', inkIndex).href;
const cached = new URL('./cachedFrameOutput.js', import.meta.url).href;
const fastLineUpdate = new URL('./fastLineUpdate.js', import.meta.url).href;
const incrementalRender = new URL('./incrementalRender.js', import.meta.url).href;
const changeMarkingDom = new URL('./changeMarkingDom.js', import.meta.url).href;

export const outputRedirected =
  CHECKED_INK_VERSIONS.includes(inkVersion(inkIndex) ?? '') && typeof module.registerHooks === 'function';
export const walkRedirected = outputRedirected && process.env.TRAINYARD_FULL_REDRAW !== '1';

/** Ink's module (by the importing file and the specifier it names) and ours in its place. */
const redirects = new Map<string, string>([
  [`${renderer}\0./output.js`, cached],
  [`${logUpdate}\0./line-update.js`, fastLineUpdate],
]);
if (walkRedirected) {
  redirects.set(`${renderer}\0./render-node-to-output.js`, incrementalRender);
  redirects.set(`${reconciler}\0./dom.js`, changeMarkingDom);
}

if (outputRedirected)
  module.registerHooks({
    resolve: (specifier, context, nextResolve) => {
      const url = redirects.get(`${context.parentURL}\0${specifier}`);
      return url ? { url, format: 'module', shortCircuit: true } : nextResolve(specifier, context);
    },
  });
