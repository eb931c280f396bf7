/** Every key scope, and which of them take keys for what is on screen, in the order they are asked. */

import type { KeyScope } from '../keys.js';
import type { KeyTarget } from '../keyTarget.js';
import { globalScope } from './global.js';
import { chartScope, logScope, logSearchScope } from './log.js';
import { helpScope, passphraseScope, questionScope } from './modals.js';
import { actionScope, gpusScope, hostsScope, sessionsScope, watchdogScope } from './panes.js';
import { runsFilterScope, runsScope } from './runs.js';

export { ACTION_KEYS } from './global.js';

/** All scopes, in the order help and the README list them. */
export const ALL_SCOPES: readonly KeyScope<KeyTarget>[] = [
  globalScope,
  hostsScope,
  gpusScope,
  sessionsScope,
  actionScope,
  watchdogScope,
  runsScope,
  runsFilterScope,
  logScope,
  logSearchScope,
  chartScope,
  questionScope,
  passphraseScope,
  helpScope,
];

const PANE_SCOPES = { hosts: hostsScope, gpus: gpusScope, sessions: sessionsScope } as const;

/** The scopes that see a key now, first to last; a modal one keeps the rest from seeing it. */
export function activeScopes(ui: KeyTarget): KeyScope<KeyTarget>[] {
  if (ui.prompt()) return [passphraseScope];
  if (ui.question()) return [questionScope];
  const s = ui.state;
  if (s.help) return [helpScope];
  const frame = ui.frame();
  if (s.detail === 'log' && frame.detailShown) {
    const view = s.log?.view;
    if (view?.typing) return [logSearchScope];
    if (view) return frame.chartShown ? [logScope, chartScope, globalScope] : [logScope, globalScope];
    return [globalScope];
  }
  if (s.detail === 'watchdog' && frame.detailShown) return [watchdogScope, globalScope];
  if (s.detail === 'runs' && frame.detailShown) return ui.runs.typing ? [runsFilterScope] : [runsScope, globalScope];
  if (frame.actionShown && (frame.runTabShown || ui.actionFocused())) return [actionScope, globalScope];
  if (frame.runTabShown) return [globalScope];
  return [PANE_SCOPES[s.focus], globalScope];
}
