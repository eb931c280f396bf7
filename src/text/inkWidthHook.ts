/**
 * Importing this module points Ink's `import stringWidth from 'string-width'` at fastStringWidth
 * (same answers, several times faster; see there). It must run before Ink is first imported. Only
 * ES imports are redirected: cli-table3's require() of the old CommonJS string-width is left alone.
 * Node versions without module.registerHooks keep string-width.
 */
import module from 'node:module';

const fastWidth = new URL('./fastStringWidth.js', import.meta.url).href;

module.registerHooks?.({
  resolve: (specifier, context, nextResolve) =>
    specifier === 'string-width' && context.conditions?.includes('import')
      ? { url: fastWidth, format: 'module', shortCircuit: true }
      : nextResolve(specifier, context),
});
