import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { keysMarkdownTable } from '../../src/cockpit/help.js';

describe('README keys table', () => {
  it('is the table generated from the key scopes the cockpit routes by', () => {
    const readme = readFileSync(path.join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const start = readme.indexOf('<!-- keys:start -->') + '<!-- keys:start -->'.length;
    const block = readme.slice(start, readme.indexOf('<!-- keys:end -->')).trim();
    expect(block).toBe(keysMarkdownTable());
  });
});
