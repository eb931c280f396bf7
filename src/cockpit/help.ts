/**
 * Help, footer and README, drawn from the key scopes the router uses: a key that works is listed,
 * in the order it is declared, and one that is listed works.
 */
import { ALL_SCOPES } from './bindings/index.js';
import { bindingKeysLabel, type KeyScope, keyLabel } from './keys.js';
import type { KeyTarget } from './keyTarget.js';

export interface HelpLine {
  text: string;
  heading: boolean;
}

/** Width of a help line: the help box's inside on a 50-column phone. */
export const HELP_WIDTH = 48;
const SEP = ' · ';

/** A heading per scope, then its bindings ("keys help") in order, several to a line where they fit. */
export function helpLines(scopes: readonly KeyScope<KeyTarget>[] = ALL_SCOPES, width = HELP_WIDTH): HelpLine[] {
  const lines: HelpLine[] = [];
  for (const scope of scopes) {
    lines.push({ text: scope.title, heading: true });
    let line = '';
    for (const b of scope.bindings) {
      const entry = `${bindingKeysLabel(b)} ${b.help}`;
      if (line && 2 + line.length + SEP.length + entry.length <= width) line += SEP + entry;
      else {
        if (line) lines.push({ text: `  ${line}`, heading: false });
        line = entry;
      }
    }
    if (line) lines.push({ text: `  ${line}`, heading: false });
  }
  return lines;
}

let count: number | null = null;
export function helpLineCount(): number {
  count ??= helpLines().length;
  return count;
}

function scopeHints(scope: KeyScope<KeyTarget>): string[] {
  return [...scope.bindings.flatMap((b) => (b.footer ? [b.footer] : [])), ...(scope.hints ?? [])];
}

/**
 * The footer for what has the keys now, in `width` columns: the last scope's hints (the general
 * ones: help, quit) always, then as many of the focused scopes' hints as fit before them.
 */
export function footerHints(scopes: readonly KeyScope<KeyTarget>[], width: number): string {
  if (scopes.length === 0) return '';
  const tail = scopeHints(scopes[scopes.length - 1]);
  const head: string[] = [];
  const room = width - tail.join('  ').length - 2;
  for (const scope of scopes.slice(0, -1)) {
    for (const h of scopeHints(scope)) {
      if (head.includes(h) || tail.includes(h)) continue;
      if ([...head, h].join('  ').length <= room) head.push(h);
    }
  }
  return [...head, ...tail].join('  ');
}

/** The keys as Markdown (the README's keys:start/keys:end block), from the same scopes. */
export function keysMarkdownTable(scopes: readonly KeyScope<KeyTarget>[] = ALL_SCOPES): string {
  const rows: string[] = [];
  for (const scope of scopes) {
    rows.push(`| **${scope.title}** | |`);
    for (const b of scope.bindings) rows.push(`| ${b.keys.map((k) => `\`${keyLabel(k)}\``).join(' ')} | ${b.help} |`);
  }
  return ['| key | what it does |', '| --- | --- |', ...rows].join('\n');
}
