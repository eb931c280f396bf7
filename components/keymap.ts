/**
 * Every key the cockpit understands, in ONE table. The input handler dispatches through it and the
 * help overlay and footer are drawn from it, so help cannot drift from behaviour.
 *
 * Adding an action key is one entry, e.g.
 *   { id: 'sync', keys: [{ input: 's' }], group: 'Host', help: 'sync code to the host', run: (c) => c.alias && c.controller.sync(c.alias) },
 * (test/components/keymap.test.tsx fails if two entries claim the same key).
 */
import type { Key } from 'ink';
import { ACTIONS } from '../src/actions/registry.js';
import type { ActionId } from '../src/actions/types.js';
import type { CockpitController } from '../src/cockpit/controller.js';
import type { PaneId } from './uiState.js';

/** Ink's named keys we bind (single keys only: phones have no Alt or F-keys). */
export type NamedKey = 'upArrow' | 'downArrow' | 'tab' | 'escape' | 'return';

/** One key: a printable `input` (case-sensitive; shift is implied by the letter) or a named key. */
export interface KeyMatch {
  input?: string;
  key?: NamedKey;
  ctrl?: boolean;
  shift?: boolean;
}

/** What a binding may do to the view. */
export interface ViewCommands {
  /** Next/previous host in the Hosts pane, scrolls the focused list (or the help) elsewhere. */
  move(delta: number): void;
  edge(to: 'top' | 'bottom'): void;
  /** Changes the selected host whatever pane has focus. */
  selectHost(delta: number): void;
  cyclePane(delta: number): void;
  focusPane(pane: PaneId): void;
  toggleHelp(): void;
  /** Closes help, else the log or watchdog pane, else cancels the shown running action. */
  closeOverlay(): void;
  /** Starts an action on the selected host (and the selected session, if any). */
  runAction(action: ActionId): void;
  /** Opens / closes the selected session's log. */
  toggleLog(): void;
  /** Opens / closes the selected host's watchdog pane. */
  toggleWatchdog(): void;
}

export interface ActionContext {
  controller: CockpitController;
  /** The selected host, or undefined when there is none. */
  alias: string | undefined;
  view: ViewCommands;
  /** controller.shutdown(), then leave the cockpit. */
  quit(): void;
}

export type KeyGroup = 'Move' | 'Panes' | 'Host' | 'Actions' | 'App';

export interface KeyBinding {
  id: string;
  keys: KeyMatch[];
  group: KeyGroup;
  /** One line in the help overlay. */
  help: string;
  /** Short hint for the footer, if the binding earns a place there. */
  footer?: string;
  /** Still active while the help overlay is open. */
  inOverlay?: boolean;
  run(ctx: ActionContext): void;
}

/** One short line per action for the help overlay (the registry's help is longer). */
const ACTION_HELP: Record<ActionId, string> = {
  sync: 'sync code',
  smoke: 'smoke test',
  launch: 'launch training',
  restart: 'restart from checkpoint',
  pull: 'pull results',
  attach: 'attach to the session',
  stop: 'stop the session',
};

export const KEYMAP: readonly KeyBinding[] = [
  { id: 'down', keys: [{ input: 'j' }, { key: 'downArrow' }], group: 'Move', help: 'next host / scroll down', footer: 'j/k move', inOverlay: true, run: (c) => c.view.move(1) },
  { id: 'up', keys: [{ input: 'k' }, { key: 'upArrow' }], group: 'Move', help: 'previous host / scroll up', inOverlay: true, run: (c) => c.view.move(-1) },
  { id: 'top', keys: [{ input: 'g' }], group: 'Move', help: 'top of the list', inOverlay: true, run: (c) => c.view.edge('top') },
  { id: 'bottom', keys: [{ input: 'G' }], group: 'Move', help: 'bottom of the list', inOverlay: true, run: (c) => c.view.edge('bottom') },
  { id: 'nextHost', keys: [{ input: ']' }], group: 'Move', help: 'next host, from any pane', run: (c) => c.view.selectHost(1) },
  { id: 'prevHost', keys: [{ input: '[' }], group: 'Move', help: 'previous host, from any pane', run: (c) => c.view.selectHost(-1) },
  { id: 'nextPane', keys: [{ key: 'tab' }], group: 'Panes', help: 'next pane / tab', footer: 'tab pane', run: (c) => c.view.cyclePane(1) },
  { id: 'prevPane', keys: [{ key: 'tab', shift: true }], group: 'Panes', help: 'previous pane / tab', run: (c) => c.view.cyclePane(-1) },
  { id: 'paneHosts', keys: [{ input: '1' }], group: 'Panes', help: 'Hosts pane', run: (c) => c.view.focusPane('hosts') },
  { id: 'paneGpus', keys: [{ input: '2' }], group: 'Panes', help: 'GPUs pane', run: (c) => c.view.focusPane('gpus') },
  { id: 'paneSessions', keys: [{ input: '3' }], group: 'Panes', help: 'Sessions pane', run: (c) => c.view.focusPane('sessions') },
  { id: 'retry', keys: [{ input: 'r' }], group: 'Host', help: 'reconnect the selected host now', footer: 'r retry', run: (c) => c.alias !== undefined && c.controller.retryNow(c.alias) },
  { id: 'log', keys: [{ input: 'l' }], group: 'Host', help: 'log of the selected session', run: (c) => c.view.toggleLog() },
  { id: 'watchdog', keys: [{ input: 'w' }], group: 'Host', help: 'watchdog alerts', run: (c) => c.view.toggleWatchdog() },
  // The actions of src/actions/registry.ts, one key each (short help: the overlay fits a phone).
  ...ACTIONS.map(
    (a): KeyBinding => ({ id: a.id, keys: [{ input: a.key }], group: 'Actions', help: ACTION_HELP[a.id], run: (c) => c.view.runAction(a.id) }),
  ),
  { id: 'help', keys: [{ input: '?' }], group: 'App', help: 'show / hide this help', footer: '? help', inOverlay: true, run: (c) => c.view.toggleHelp() },
  { id: 'close', keys: [{ key: 'escape' }], group: 'App', help: 'close pane, cancel action', inOverlay: true, run: (c) => c.view.closeOverlay() },
  { id: 'quit', keys: [{ input: 'q' }, { input: 'c', ctrl: true }], group: 'App', help: 'quit', footer: 'q quit', inOverlay: true, run: (c) => c.quit() },
];

export function matchesKey(match: KeyMatch, input: string, key: Key): boolean {
  if (match.key !== undefined) {
    return key[match.key] && Boolean(key.shift) === Boolean(match.shift) && Boolean(key.ctrl) === Boolean(match.ctrl);
  }
  // Alt+j arrives as meta+j: not a single key, so not j.
  return match.input === input && Boolean(key.ctrl) === Boolean(match.ctrl) && !key.meta;
}

export function findBinding(input: string, key: Key, keymap: readonly KeyBinding[] = KEYMAP): KeyBinding | undefined {
  return keymap.find((b) => b.keys.some((m) => matchesKey(m, input, key)));
}

const NAMED_LABELS: Record<NamedKey, string> = { upArrow: '↑', downArrow: '↓', tab: 'tab', escape: 'Esc', return: 'Enter' };

export function keyLabel(match: KeyMatch): string {
  const base = match.key !== undefined ? NAMED_LABELS[match.key] : match.input === ' ' ? 'space' : (match.input ?? '');
  if (match.ctrl) return `Ctrl-${base.toUpperCase()}`;
  if (match.shift) return `shift-${base}`;
  return base;
}

/** "j ↓", "q Ctrl-C": how the help overlay names a binding's keys. */
export function bindingKeysLabel(binding: KeyBinding): string {
  return binding.keys.map(keyLabel).join(' ');
}

export function footerHints(keymap: readonly KeyBinding[] = KEYMAP): string[] {
  return keymap.filter((b) => b.footer !== undefined).map((b) => b.footer as string);
}

/** The keys as a Markdown table (for the README's keys:start/keys:end block), from the same table. */
export function keysMarkdownTable(keymap: readonly KeyBinding[] = KEYMAP): string {
  const rows = keymap.map((b) => `| ${b.keys.map((k) => `\`${keyLabel(k)}\``).join(' ')} | ${b.help} |`);
  return ['| key | what it does |', '| --- | --- |', ...rows].join('\n');
}
