import type { Key } from 'ink';
import { describe, expect, test } from 'vitest';
import { helpLines } from '../../components/HelpOverlay.js';
import { findBinding, footerHints, keyLabel, KEYMAP, keysMarkdownTable, type KeyBinding } from '../../components/keymap.js';

const NO_KEY: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false, home: false, end: false,
  return: false, escape: false, ctrl: false, shift: false, tab: false, backspace: false, delete: false, meta: false,
  super: false, hyper: false, capsLock: false, numLock: false,
};
const key = (over: Partial<Key> = {}): Key => ({ ...NO_KEY, ...over });

describe('keymap', () => {
  test('no key is claimed twice, ids are unique, every binding has help text', () => {
    const claimed = KEYMAP.flatMap((b) => b.keys.map(keyLabel));
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(new Set(KEYMAP.map((b) => b.id)).size).toBe(KEYMAP.length);
    for (const b of KEYMAP) expect(b.help.length).toBeGreaterThan(0);
  });

  test('keys resolve to the bindings the brief asks for', () => {
    const id = (input: string, k: Partial<Key> = {}) => findBinding(input, key(k))?.id;
    expect(id('j')).toBe('down');
    expect(id('', { downArrow: true })).toBe('down');
    expect(id('k')).toBe('up');
    expect(id('', { upArrow: true })).toBe('up');
    expect(id('g')).toBe('top');
    expect(id('G', { shift: true })).toBe('bottom');
    expect(id('', { tab: true })).toBe('nextPane');
    expect(id('', { tab: true, shift: true })).toBe('prevPane');
    expect(id('1')).toBe('paneHosts');
    expect(id('2')).toBe('paneGpus');
    expect(id('3')).toBe('paneSessions');
    expect(id('r')).toBe('retry');
    expect(id('?')).toBe('help');
    expect(id('', { escape: true })).toBe('close');
    expect(id('q')).toBe('quit');
    expect(id('c', { ctrl: true })).toBe('quit');
    // Not single keys, or not ours:
    expect(id('c')).toBeUndefined();
    expect(id('j', { meta: true })).toBeUndefined();
    expect(id('e')).toBeUndefined();
    // The actions (src/actions/registry.ts), the log and the watchdog:
    for (const [k, action] of [['s', 'sync'], ['t', 'smoke'], ['L', 'launch'], ['R', 'restart'], ['p', 'pull'], ['a', 'attach'], ['x', 'stop'], ['l', 'log'], ['w', 'watchdog']]) {
      expect(id(k), k).toBe(action);
    }
  });

  test('the footer hints fit a 50-column phone', () => {
    expect(footerHints().join('  ').length).toBeLessThanOrEqual(50);
  });

  test('adding an action key is one entry, and help lists it', () => {
    const extra: KeyBinding = { id: 'extra', keys: [{ input: 'e' }], group: 'Host', help: 'an extra host action', run: () => {} };
    const keymap = [...KEYMAP, extra];
    expect(findBinding('e', key(), keymap)).toBe(extra);
    expect(findBinding('e', key())).toBeUndefined();
    expect(helpLines(keymap).map((l) => l.text).join('\n')).toContain('an extra host action');
  });

  test('help shows every binding with its keys', () => {
    const text = helpLines().map((l) => l.text).join('\n');
    for (const b of KEYMAP) expect(text).toContain(b.help);
    for (const label of ['j ↓', 'k ↑', 'tab', 'shift-tab', 'Esc', 'q Ctrl-C', 'G', '?']) expect(text).toContain(label);
  });

  test('the README table can be generated from the same table', () => {
    const md = keysMarkdownTable();
    expect(md.split('\n')).toHaveLength(KEYMAP.length + 2);
    expect(md).toContain('| `q` `Ctrl-C` | quit |');
  });
});
