/**
 * Every action of the research loop. The CLI's commands dispatch through this table; the
 * cockpit binds a key to each (src/cockpit/bindings/global.ts).
 */
import { runAttach } from './attach.js';
import { runClear } from './clear.js';
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
    title: 'Stop',
    help: 'stop the selected session: Ctrl-C, then kill (asks first); it stays listed as stopped',
    needs: { project: false, session: true },
    destructive: true,
    cancellable: false,
    terminal: false,
    run: runStop,
  },
  {
    id: 'clear',
    title: 'Clear ended runs',
    help: "remove the host's ended sessions from the list (asks first; logs and manifests stay)",
    needs: { project: false, session: false },
    destructive: true,
    cancellable: false,
    terminal: false,
    run: runClear,
  },
];

export function findAction(id: ActionId | string): ActionDefinition | undefined {
  return ACTIONS.find((a) => a.id === id);
}
