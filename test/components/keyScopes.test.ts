import { describe, expect, test, vi } from 'vitest';
import { globalScope } from '../../src/cockpit/bindings/global.js';
import { ACTION_KEYS, ALL_SCOPES } from '../../src/cockpit/bindings/index.js';
import { hostsScope, sessionsScope } from '../../src/cockpit/bindings/panes.js';
import { footerHints, helpLines, keysMarkdownTable } from '../../src/cockpit/help.js';
import {
  bindingKeysLabel,
  findBinding,
  type KeyFlags,
  type KeyScope,
  keyLabel,
  routeKey,
  splitKeys,
} from '../../src/cockpit/keys.js';

const press = (input: string, key: KeyFlags = {}) => ({ input, key });

describe('key scopes', () => {
  test('within a scope no key is claimed twice at the same time; ids are unique; every binding has help', () => {
    for (const scope of ALL_SCOPES) {
      const unconditional = scope.bindings.filter((b) => !b.when).flatMap((b) => b.keys.map(keyLabel));
      expect(new Set(unconditional).size, scope.id).toBe(unconditional.length);
      expect(new Set(scope.bindings.map((b) => b.id)).size, scope.id).toBe(scope.bindings.length);
      for (const b of scope.bindings) expect(b.help.length, `${scope.id}.${b.id}`).toBeGreaterThan(0);
    }
  });

  test('the global keys resolve as the README says', () => {
    const id = (input: string, k: KeyFlags = {}) => findBinding(globalScope, press(input, k))?.id;
    expect(id('', { tab: true })).toBe('nextPane');
    expect(id('', { tab: true, shift: true })).toBe('prevPane');
    expect(id('r')).toBe('reconnect');
    expect(id('?')).toBe('help');
    expect(id('', { escape: true })).toBe('close');
    expect(id('q')).toBe('quit');
    expect(id('c', { ctrl: true })).toBe('quit');
    expect(id('c')).toBeUndefined();
    expect(id('q', { meta: true })).toBeUndefined();
    for (const a of ACTION_KEYS) expect(id(a.key), a.key).toBe(a.id);
    expect(ACTION_KEYS.map((a) => a.key)).toEqual(['s', 't', 'L', 'R', 'p', 'a', 'x', 'X']);
    expect(findBinding(hostsScope, press('', { downArrow: true }))?.id).toBe('down');
  });

  test('a chunk of keys is split into single keys, Enter and Tab included', () => {
    expect(splitKeys('jj\r', {})).toEqual([
      press('j', { shift: false }),
      press('j', { shift: false }),
      press('', { return: true }),
    ]);
    expect(splitKeys('G', { shift: true })).toEqual([press('G', { shift: true })]);
    expect(splitKeys('aB\t', {}).map((p) => p.key)).toEqual([{ shift: false }, { shift: true }, { tab: true }]);
    expect(splitKeys('c', { ctrl: true })).toEqual([press('c', { ctrl: true })]);
  });

  test('routing: the first scope that takes the key wins; false passes it on; a modal scope keeps the rest', () => {
    const seen: string[] = [];
    const front: KeyScope<null> = {
      id: 'front',
      title: 'Front',
      bindings: [
        { id: 'a', keys: [{ input: 'a' }], help: 'a', run: () => void seen.push('front a') },
        { id: 'b', keys: [{ input: 'b' }], help: 'b', run: () => false },
      ],
    };
    const back: KeyScope<null> = {
      id: 'back',
      title: 'Back',
      bindings: [
        { id: 'b', keys: [{ input: 'b' }], help: 'b', run: () => void seen.push('back b') },
        { id: 'c', keys: [{ input: 'c' }], help: 'c', run: () => void seen.push('back c') },
      ],
    };
    const modal: KeyScope<null> = { ...front, id: 'modal', modal: true };
    for (const k of 'abc') routeKey([front, back], null, press(k));
    expect(seen).toEqual(['front a', 'back b', 'back c']);
    seen.length = 0;
    expect(routeKey([modal, back], null, press('c'))).toBe(false);
    expect(seen).toEqual([]);
    const text = vi.fn();
    routeKey([{ ...modal, text }, back], null, press('z'));
    expect(text).toHaveBeenCalledWith(null, press('z'));
  });

  test('the footer fits 50 columns and always ends with help and quit', () => {
    for (const scopes of [
      [hostsScope, globalScope],
      [sessionsScope, globalScope],
    ]) {
      const f = footerHints(scopes, 50);
      expect(f.length).toBeLessThanOrEqual(50);
      expect(f).toMatch(/\? help {2}q quit$/);
    }
    expect(footerHints([sessionsScope, globalScope], 200)).toContain('x stop');
  });

  test('help lists every binding of every scope, in declared order, under its scope', () => {
    const text = helpLines()
      .map((l) => l.text)
      .join('\n');
    let at = 0;
    for (const scope of ALL_SCOPES) {
      at = text.indexOf(scope.title, at);
      expect(at, scope.title).toBeGreaterThanOrEqual(0);
      for (const b of scope.bindings) {
        const next = text.indexOf(`${bindingKeysLabel(b)} ${b.help}`, at);
        expect(next, `${scope.id}.${b.id}`).toBeGreaterThanOrEqual(at);
        at = next;
      }
    }
    for (const l of helpLines()) expect(l.text.length).toBeLessThanOrEqual(48);
  });

  test('the README table is generated from the same scopes', () => {
    const md = keysMarkdownTable();
    expect(md.split('\n')).toHaveLength(2 + ALL_SCOPES.reduce((n, s) => n + 1 + s.bindings.length, 0));
    expect(md).toContain('| `q` `Ctrl-C` | quit |');
    expect(md).toContain('| **Log pane** | |');
  });
});
