/** The log pane's keys (they go to its view model first) and the loss chart's. */

import type { Binding, KeyMatch, KeyPress, KeyScope } from '../keys.js';
import type { KeyTarget } from '../keyTarget.js';

/** The open log's view takes the key; false (pass it on) when it does not use it. */
const toLog = (ui: KeyTarget, press: KeyPress): boolean => ui.state.log?.view?.press(press) ?? false;
const cut = (ui: KeyTarget) => ui.state.log?.view?.state.wrap === false;
const searching = (ui: KeyTarget) => Boolean(ui.state.log?.view?.state.search);

function logKey(
  id: string,
  keys: KeyMatch[],
  help: string,
  extra: Partial<Binding<KeyTarget>> = {},
): Binding<KeyTarget> {
  return { id, keys, help, run: toLog, ...extra };
}

export const logScope: KeyScope<KeyTarget> = {
  id: 'log',
  title: 'Log pane',
  bindings: [
    logKey('follow', [{ input: 'f' }], 'follow / pause', { footer: 'f follow' }),
    logKey('newest', [{ input: 'G' }, { key: 'end' }], 'follow (newest line)'),
    logKey('oldest', [{ input: 'g' }, { key: 'home' }], 'oldest line kept'),
    logKey('lineUp', [{ input: 'k' }, { key: 'upArrow' }], 'a line up', { footer: 'j/k scroll' }),
    logKey('lineDown', [{ input: 'j' }, { key: 'downArrow' }], 'a line down'),
    logKey(
      'pageUp',
      [{ input: 'b' }, { key: 'pageUp' }, { input: 'u', ctrl: true }, { input: 'b', ctrl: true }],
      'a page up',
    ),
    logKey(
      'pageDown',
      [{ input: ' ' }, { key: 'pageDown' }, { input: 'd', ctrl: true }, { input: 'f', ctrl: true }],
      'a page down',
    ),
    logKey('search', [{ input: '/' }], 'search', { footer: '/ search' }),
    logKey('older', [{ input: 'n' }], 'older match', { when: searching }),
    logKey('newer', [{ input: 'N' }], 'newer match', { when: searching }),
    logKey('clearSearch', [{ key: 'escape' }], 'clear the search', { when: searching }),
    logKey('wrap', [{ input: 'w' }], 'wrap / cut long lines'),
    logKey('left', [{ input: 'h' }], 'cut lines: scroll left', { when: cut }),
    logKey('right', [{ input: 'l' }], 'cut lines: scroll right', { when: cut }),
    logKey('leftEdge', [{ input: '0' }], 'cut lines: back to the left edge', { when: cut }),
  ],
  hints: ['Esc close'],
};

/** While a search is typed every key is text, except these. */
export const logSearchScope: KeyScope<KeyTarget> = {
  id: 'logSearch',
  title: 'Log search (typing)',
  bindings: [
    logKey('runSearch', [{ key: 'return' }], 'search, newest match first', { footer: 'Enter search' }),
    logKey('cancelSearch', [{ key: 'escape' }], 'cancel', { footer: 'Esc cancel' }),
    logKey('eraseSearch', [{ key: 'backspace' }, { key: 'delete' }], 'delete a character'),
  ],
  text: (ui, press) => void toLog(ui, press),
  modal: true,
};

export const chartScope: KeyScope<KeyTarget> = {
  id: 'chart',
  title: 'Loss chart',
  bindings: [
    {
      id: 'metric',
      keys: [{ input: 'm' }],
      help: 'chart the next metric',
      footer: 'm metric',
      run: (ui) => ui.state.log?.chart?.nextMetric(),
    },
    { id: 'logY', keys: [{ input: 'y' }], help: 'linear / log y axis', run: (ui) => ui.state.log?.chart?.toggleLogY() },
  ],
};
