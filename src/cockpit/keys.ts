/**
 * Keys as data: a key press, a binding (keys, description, when it applies, what it does) and a
 * scope (the bindings of one pane or overlay). The router tries the scopes on screen in order;
 * help, footer and the README table are drawn from the same scopes.
 */

/** The flags of one key press (Ink's Key has these and more). */
export interface KeyFlags {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
  ctrl?: boolean;
  shift?: boolean;
  meta?: boolean;
}

/** One key: what Ink reports for it, after any chunk has been split. */
export interface KeyPress {
  input: string;
  key: KeyFlags;
}

export type NamedKey =
  | 'upArrow'
  | 'downArrow'
  | 'leftArrow'
  | 'rightArrow'
  | 'pageUp'
  | 'pageDown'
  | 'home'
  | 'end'
  | 'tab'
  | 'escape'
  | 'return'
  | 'backspace'
  | 'delete';

/** A printable `input` (case-sensitive; shift is implied by the letter) or a named key. */
export interface KeyMatch {
  input?: string;
  key?: NamedKey;
  ctrl?: boolean;
  shift?: boolean;
}

export interface Binding<C> {
  id: string;
  keys: KeyMatch[];
  /** One line in help and the README. */
  help: string;
  /** Short hint for the context footer. */
  footer?: string;
  /** Whether the binding applies now (default: always). */
  when?(ctx: C): boolean;
  /** Does it. Returning false passes the key on to the next scope. */
  run(ctx: C, press: KeyPress): boolean | void;
}

export interface KeyScope<C> {
  id: string;
  /** Heading in help and the README. */
  title: string;
  bindings: readonly Binding<C>[];
  /** Keys no binding took are typed text (a prompt, a search): this takes them all. */
  text?(ctx: C, press: KeyPress): void;
  /** Keys of other scopes worth a place in the footer while this one has focus. */
  hints?: readonly string[];
  /** A modal scope keeps the keys it does not use from the scopes behind it. */
  modal?: boolean;
}

/**
 * Splits what one read from the terminal delivered into single keys. Ink hands a chunk of
 * printable characters typed faster than the link delivers them ("jj\r" from a phone) to the
 * handler as one input; every handler must see every key, in order.
 */
export function splitKeys(input: string, key: KeyFlags): KeyPress[] {
  if (input.length <= 1 || key.ctrl || key.meta) return [{ input, key }];
  const presses: KeyPress[] = [];
  for (const ch of input) {
    if (ch === '\r' || ch === '\n') presses.push({ input: '', key: { return: true } });
    else if (ch === '\t') presses.push({ input: '', key: { tab: true } });
    else if (ch === '\x7f' || ch === '\b') presses.push({ input: '', key: { backspace: true } });
    else if (ch === '\x1b') presses.push({ input: '', key: { escape: true } });
    else if (ch < ' ') presses.push({ input: String.fromCharCode(ch.charCodeAt(0) + 96), key: { ctrl: true } });
    else presses.push({ input: ch, key: { shift: /[A-Z]/.test(ch) } });
  }
  return presses;
}

export function matchesKey(match: KeyMatch, press: KeyPress): boolean {
  const { input, key } = press;
  if (match.key !== undefined) {
    return (
      Boolean(key[match.key]) &&
      Boolean(key.shift) === Boolean(match.shift) &&
      Boolean(key.ctrl) === Boolean(match.ctrl)
    );
  }
  // Alt+j arrives as meta+j: not a single key, so not j.
  return match.input === input && Boolean(key.ctrl) === Boolean(match.ctrl) && !key.meta;
}

/** The binding of `scope` that takes this key now, if any. */
export function findBinding<C>(scope: KeyScope<C>, press: KeyPress, ctx?: C): Binding<C> | undefined {
  return scope.bindings.find(
    (b) => b.keys.some((m) => matchesKey(m, press)) && (ctx === undefined || !b.when || b.when(ctx)),
  );
}

/** Offers the key to each scope in turn; true when one used it. */
export function routeKey<C>(scopes: readonly KeyScope<C>[], ctx: C, press: KeyPress): boolean {
  for (const scope of scopes) {
    const binding = findBinding(scope, press, ctx);
    if (binding && binding.run(ctx, press) !== false) return true;
    if (scope.text) {
      scope.text(ctx, press);
      return true;
    }
    if (scope.modal) return false;
  }
  return false;
}

const NAMED_LABELS: Record<NamedKey, string> = {
  upArrow: '↑',
  downArrow: '↓',
  leftArrow: '←',
  rightArrow: '→',
  pageUp: 'PgUp',
  pageDown: 'PgDn',
  home: 'Home',
  end: 'End',
  tab: 'tab',
  escape: 'Esc',
  return: 'Enter',
  backspace: 'Backspace',
  delete: 'Delete',
};

export function keyLabel(match: KeyMatch): string {
  const base = match.key !== undefined ? NAMED_LABELS[match.key] : match.input === ' ' ? 'space' : (match.input ?? '');
  if (match.ctrl) return `Ctrl-${base.toUpperCase()}`;
  if (match.shift) return `shift-${base}`;
  return base;
}

/** "j ↓", "q Ctrl-C": how help names a binding's keys. */
export function bindingKeysLabel<C>(binding: Binding<C>): string {
  return binding.keys.map(keyLabel).join(' ');
}
