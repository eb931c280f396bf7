/** Keys that work wherever the cockpit's panes are on screen (no modal open). */
import type { ActionId } from '../../actions/types.js';
import type { Binding, KeyScope } from '../keys.js';
import type { KeyTarget } from '../keyTarget.js';

/** The research loop's actions, one key each (capitals for the heavier ones), with a short help line. */
export const ACTION_KEYS: readonly { id: ActionId; key: string; help: string }[] = [
  { id: 'sync', key: 's', help: 'sync code to the host' },
  { id: 'smoke', key: 't', help: 'smoke test' },
  { id: 'launch', key: 'L', help: 'launch training' },
  { id: 'restart', key: 'R', help: 'restart from checkpoint' },
  { id: 'pull', key: 'p', help: 'pull results' },
  { id: 'attach', key: 'a', help: 'attach to the session' },
  { id: 'stop', key: 'x', help: 'stop the session (an ended one: remove it)' },
  { id: 'clear', key: 'X', help: "clear the host's ended sessions (asks first)" },
];

const actionBindings = ACTION_KEYS.map(
  (a): Binding<KeyTarget> => ({ id: a.id, keys: [{ input: a.key }], help: a.help, run: (ui) => ui.runAction(a.id) }),
);

export const globalScope: KeyScope<KeyTarget> = {
  id: 'global',
  title: 'Everywhere',
  bindings: [
    {
      id: 'nextPane',
      keys: [{ key: 'tab' }],
      help: 'next pane / tab',
      footer: 'tab pane',
      run: (ui) => ui.cyclePane(1),
    },
    { id: 'prevPane', keys: [{ key: 'tab', shift: true }], help: 'previous pane / tab', run: (ui) => ui.cyclePane(-1) },
    { id: 'paneHosts', keys: [{ input: '1' }], help: 'Hosts pane', run: (ui) => ui.focusPane('hosts') },
    { id: 'paneGpus', keys: [{ input: '2' }], help: 'GPUs pane', run: (ui) => ui.focusPane('gpus') },
    { id: 'paneSessions', keys: [{ input: '3' }], help: 'Sessions pane', run: (ui) => ui.focusPane('sessions') },
    {
      id: 'runs',
      keys: [{ input: '4' }],
      help: 'Runs: every run on every host / back',
      run: (ui) => ui.details.toggleRuns(),
    },
    { id: 'prevHost', keys: [{ input: '[' }], help: 'previous host, from any pane', run: (ui) => ui.selectHost(-1) },
    { id: 'nextHost', keys: [{ input: ']' }], help: 'next host, from any pane', run: (ui) => ui.selectHost(1) },
    { id: 'reconnect', keys: [{ input: 'r' }], help: 'reconnect the selected host now', run: (ui) => ui.reconnect() },
    ...actionBindings,
    { id: 'log', keys: [{ input: 'l' }], help: 'log of the selected session', run: (ui) => ui.details.toggleLog() },
    {
      id: 'watchdog',
      keys: [{ input: 'w' }],
      help: 'watchdog: runs and alerts',
      run: (ui) => ui.details.toggleWatchdog(),
    },
    { id: 'help', keys: [{ input: '?' }], help: 'help: every key', footer: '? help', run: (ui) => ui.toggleHelp() },
    {
      id: 'close',
      keys: [{ key: 'escape' }],
      help: 'close pane, else cancel the action',
      run: (ui) => ui.closeOverlay(),
    },
    {
      id: 'quit',
      keys: [{ input: 'q' }, { input: 'c', ctrl: true }],
      help: 'quit',
      footer: 'q quit',
      run: (ui) => ui.quit(),
    },
  ],
};
