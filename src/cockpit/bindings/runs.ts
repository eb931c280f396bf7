/** The Runs pane's keys (every run on every host), and the filter being typed. */

import type { KeyScope } from '../keys.js';
import type { KeyTarget } from '../keyTarget.js';

export const runsScope: KeyScope<KeyTarget> = {
  id: 'runs',
  title: 'Runs pane',
  bindings: [
    {
      id: 'down',
      keys: [{ input: 'j' }, { key: 'downArrow' }],
      help: 'next run',
      footer: 'j/k run',
      run: (ui) => ui.runs.move(1),
    },
    { id: 'up', keys: [{ input: 'k' }, { key: 'upArrow' }], help: 'previous run', run: (ui) => ui.runs.move(-1) },
    { id: 'top', keys: [{ input: 'g' }], help: 'first run', run: (ui) => ui.runs.move('top') },
    { id: 'bottom', keys: [{ input: 'G' }], help: 'last run', run: (ui) => ui.runs.move('bottom') },
    {
      id: 'open',
      keys: [{ key: 'return' }],
      help: "the run's log",
      footer: 'Enter log',
      run: (ui) => ui.runs.open(),
    },
    {
      id: 'sort',
      keys: [{ input: 'o' }],
      help: 'next sort: state, started, name, host, …',
      footer: 'o sort',
      run: (ui) => ui.runs.cycleSort(),
    },
    {
      id: 'filter',
      keys: [{ input: '/' }],
      help: 'filter (name, sweep, host, state)',
      footer: '/ filter',
      run: (ui) => ui.runs.startFilter(),
    },
    {
      id: 'compare',
      keys: [{ input: 'c' }],
      help: "the run's sweep compared / back to the list",
      footer: 'c compare',
      run: (ui) => (ui.runs.comparing ? ui.runs.closeCompare() : ui.runs.compare()),
    },
    {
      id: 'closeCompare',
      keys: [{ key: 'escape' }],
      help: 'back from the comparison to the list',
      when: (ui) => ui.runs.comparing,
      run: (ui) => ui.runs.closeCompare(),
    },
    {
      id: 'clearFilter',
      keys: [{ key: 'escape' }],
      help: 'clear the filter',
      when: (ui) => ui.runs.filtered,
      run: (ui) => ui.runs.clearFilter(),
    },
  ],
  hints: ['Esc close'],
};

/** While the filter is typed every key is text, except these. */
export const runsFilterScope: KeyScope<KeyTarget> = {
  id: 'runsFilter',
  title: 'Runs filter (typing)',
  bindings: [
    {
      id: 'keepFilter',
      keys: [{ key: 'return' }],
      help: 'keep the filter',
      footer: 'Enter keep',
      run: (ui) => ui.runs.finishFilter(),
    },
    {
      id: 'cancelFilter',
      keys: [{ key: 'escape' }],
      help: 'clear the filter',
      footer: 'Esc clear',
      run: (ui) => ui.runs.clearFilter(),
    },
    {
      id: 'eraseFilter',
      keys: [{ key: 'backspace' }, { key: 'delete' }],
      help: 'delete a character',
      run: (ui) => ui.runs.eraseFilter(),
    },
  ],
  text: (ui, press) => ui.runs.type(press),
  modal: true,
};
