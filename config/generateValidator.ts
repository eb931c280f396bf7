/**
 * The config validator is ajv's code for `config/schema.json`, generated once and kept in
 * src/config/configValidator.generated.ts: compiling the schema at every start cost ~65 ms (and
 * ajv's compiler ~100 modules) before the cockpit could draw. `npm run generate` writes it again
 * after the schema changes; a unit test fails while the kept file and the schema disagree. A tool
 * of the repository, beside the schema: the package does not need it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

export const GENERATED_VALIDATOR = path.join(
  import.meta.dirname,
  '..',
  'src',
  'config',
  'configValidator.generated.ts',
);

/** The options the cockpit validates with: every error, ajv's non-standard keywords allowed, the failing value kept. */
const OPTIONS = { allErrors: true, strict: false, verbose: true } as const;

/** The text of configValidator.generated.ts for the schema in config/schema.json. */
export function validatorSource(): string {
  const schema = JSON.parse(readFileSync(path.join(import.meta.dirname, 'schema.json'), 'utf8')) as object;
  const ajv = new Ajv({ ...OPTIONS, code: { source: true, esm: true } });
  const code = standaloneCode.default(ajv, ajv.compile(schema));
  return [
    '// @ts-nocheck',
    '// Generated from config/schema.json by config/generateValidator.ts (`npm run generate`): do not edit.',
    // ajv's ESM output still calls require() for its runtime helpers
    "import { createRequire } from 'node:module';",
    'const require = createRequire(import.meta.url);',
    code,
    '',
  ].join('\n');
}

if (import.meta.main) writeFileSync(GENERATED_VALIDATOR, validatorSource());
