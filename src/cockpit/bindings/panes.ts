/** The three panes' own keys: moving through hosts, GPUs and sessions. */

import type { Binding, KeyScope } from '../keys.js';
import type { KeyTarget } from '../keyTarget.js';

function movement(what: {
  down: string;
  up: string;
  top: string;
  bottom: string;
  footer: string;
}): Binding<KeyTarget>[] {
  return [
    {
      id: 'down',
      keys: [{ input: 'j' }, { key: 'downArrow' }],
      help: what.down,
      footer: what.footer,
      run: (ui) => ui.move(1),
    },
    { id: 'up', keys: [{ input: 'k' }, { key: 'upArrow' }], help: what.up, run: (ui) => ui.move(-1) },
    { id: 'top', keys: [{ input: 'g' }], help: what.top, run: (ui) => ui.edge('top') },
    { id: 'bottom', keys: [{ input: 'G' }], help: what.bottom, run: (ui) => ui.edge('bottom') },
  ];
}

export const hostsScope: KeyScope<KeyTarget> = {
  id: 'hosts',
  title: 'Hosts pane',
  bindings: movement({
    down: 'next host',
    up: 'previous host',
    top: 'first host',
    bottom: 'last host',
    footer: 'j/k host',
  }),
  hints: ['r reconnect', 'w watchdog'],
};

export const gpusScope: KeyScope<KeyTarget> = {
  id: 'gpus',
  title: 'GPUs pane',
  bindings: movement({ down: 'scroll down', up: 'scroll up', top: 'top', bottom: 'bottom', footer: 'j/k scroll' }),
};

export const sessionsScope: KeyScope<KeyTarget> = {
  id: 'sessions',
  title: 'Sessions pane',
  bindings: movement({
    down: 'next session',
    up: 'previous session',
    top: 'first session',
    bottom: 'last session',
    footer: 'j/k session',
  }),
  hints: ['l log', 'a attach', 'x stop', 'X clear ended'],
};

/** The latest action's output (wide: focused with tab; narrow: the Run tab). */
export const actionScope: KeyScope<KeyTarget> = {
  id: 'action',
  title: 'Action pane',
  bindings: [
    {
      id: 'back',
      keys: [{ input: 'k' }, { key: 'upArrow' }],
      help: 'scroll back a row',
      footer: 'j/k scroll',
      run: (ui) => ui.scrollAction(1),
    },
    {
      id: 'forward',
      keys: [{ input: 'j' }, { key: 'downArrow' }],
      help: 'scroll forward a row',
      run: (ui) => ui.scrollAction(-1),
    },
    {
      id: 'pageBack',
      keys: [{ input: 'b' }, { key: 'pageUp' }],
      help: 'a page back',
      run: (ui) => ui.scrollAction(10),
    },
    {
      id: 'pageForward',
      keys: [{ input: ' ' }, { key: 'pageDown' }],
      help: 'a page forward',
      run: (ui) => ui.scrollAction(-10),
    },
    { id: 'oldest', keys: [{ input: 'g' }], help: 'oldest output', run: (ui) => ui.scrollAction(1_000_000) },
    { id: 'newest', keys: [{ input: 'G' }], help: 'newest output (follow)', run: (ui) => ui.scrollAction(null) },
  ],
  hints: ['Esc cancel'],
};

/** The selected host's watchdog: runs, and every event seen, newest first. */
export const watchdogScope: KeyScope<KeyTarget> = {
  id: 'watchdog',
  title: 'Watchdog pane',
  bindings: [
    {
      id: 'older',
      keys: [{ input: 'j' }, { key: 'downArrow' }],
      help: 'older event',
      footer: 'j/k event',
      run: (ui) => ui.details.moveWatchdogCursor(1),
    },
    {
      id: 'newer',
      keys: [{ input: 'k' }, { key: 'upArrow' }],
      help: 'newer event',
      run: (ui) => ui.details.moveWatchdogCursor(-1),
    },
    {
      id: 'newest',
      keys: [{ input: 'g' }],
      help: 'newest event',
      run: (ui) => ui.details.moveWatchdogCursor(-1_000_000),
    },
    { id: 'oldest', keys: [{ input: 'G' }], help: 'oldest event', run: (ui) => ui.details.moveWatchdogCursor(null) },
    {
      id: 'detail',
      keys: [{ key: 'return' }],
      help: 'the event in full / back to the list',
      footer: 'Enter detail',
      run: (ui) => ui.details.toggleWatchdogDetail(),
    },
  ],
  hints: ['Esc close'],
};
