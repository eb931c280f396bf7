/** The config validator kept in the repository is the one config/schema.json gives today. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_VALIDATOR, validatorSource } from '../../config/generateValidator.js';

describe('the generated config validator', () => {
  it('matches config/schema.json (after changing the schema, run `npm run generate`)', () => {
    const kept = readFileSync(GENERATED_VALIDATOR, 'utf8');
    const fresh = validatorSource();
    expect(kept.length).toBeGreaterThan(10_000);
    expect(kept === fresh, 'src/config/configValidator.generated.ts is out of date: run `npm run generate`').toBe(true);
  });
});
