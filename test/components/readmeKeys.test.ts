import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { keysMarkdownTable } from '../../components/keymap.js';

describe('README keys table', () => {
  it('documents every key the cockpit binds', () => {
    const readme = readFileSync(path.join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const block = readme.slice(readme.indexOf('<!-- keys:start -->'), readme.indexOf('<!-- keys:end -->'));
    const bound = keysMarkdownTable()
      .split('\n')
      .slice(2)
      .flatMap((row) => [...row.split('|')[1].matchAll(/`([^`]+)`/g)].map((m) => m[1]));
    expect(bound.length).toBeGreaterThan(10);
    for (const key of bound) expect(block, `README lacks key ${key}`).toContain(`\`${key}\``);
  });
});
