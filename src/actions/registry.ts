/**
 * Every action of the research loop, one key each. The cockpit's keymap and help are built
 * from this table; the CLI's commands dispatch through it.
 *   s sync · t smoke test · L launch · R restart · p pull · a attach · x stop
 * (Esc cancels the running action; r stays "reconnect the host".)
 */
import { runAttach } from './attach.js';
import { runLaunch } from './launch.js';
import { runPull } from './pull.js';
import { runRestart } from './restart.js';
import { runSmoke } from './smoke.js';
import { runStop } from './stop.js';
import { runSync } from './sync.js';
import type { ActionDefinition, ActionId } from './types.js';

export const ACTIONS: readonly ActionDefinition[] = [
  {
    id: 'sync',
    key: 's',
    title: 'Sync code',
    help: 'sync the project code to the host (asks before deleting anything there)',
    needs: { project: true, session: false },
    destructive: false, // it asks itself, with the list of files, only when something would be deleted
    cancellable: true,
    terminal: false,
    run: runSync,
  },
  {
    id: 'smoke',
    key: 't',
    title: 'Smoke test',
    help: 'run the smoke command in the foreground and judge it',
    needs: { project: true, session: false },
    destructive: false,
    cancellable: true,
    terminal: false,
    run: runSmoke,
  },
  {
    id: 'launch',
    key: 'L',
    title: 'Launch',
    help: 'launch the training run in a new tmux session',
    needs: { project: true, session: false },
    destructive: false,
    cancellable: true,
    terminal: false,
    run: runLaunch,
  },
  {
    id: 'restart',
    key: 'R',
    title: 'Restart from checkpoint',
    help: 'relaunch the selected run from its newest checkpoint',
    needs: { project: 'unless-session', session: false },
    destructive: false,
    cancellable: true,
    terminal: false,
    run: runRestart,
  },
  {
    id: 'pull',
    key: 'p',
    title: 'Pull results',
    help: 'fetch the results directory (no checkpoints or weights)',
    needs: { project: true, session: false },
    destructive: false,
    cancellable: true,
    terminal: false,
    run: runPull,
  },
  {
    id: 'attach',
    key: 'a',
    title: 'Attach',
    help: 'attach to the selected tmux session (detach: Ctrl-b d)',
    needs: { project: false, session: true },
    destructive: false,
    cancellable: false,
    terminal: true,
    run: runAttach,
  },
  {
    id: 'stop',
    key: 'x',
    title: 'Stop',
    help: 'stop the selected session: Ctrl-C, then kill (asks first)',
    needs: { project: false, session: true },
    destructive: true,
    cancellable: false,
    terminal: false,
    run: runStop,
  },
];

export function findAction(id: ActionId | string): ActionDefinition | undefined {
  return ACTIONS.find((a) => a.id === id);
}

export function actionForKey(key: string): ActionDefinition | undefined {
  return ACTIONS.find((a) => a.key === key);
}
