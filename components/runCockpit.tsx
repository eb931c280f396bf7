/** Starts the full-screen cockpit on the terminal (alternate screen, Ctrl-C handled as a key). */

import { render } from 'ink';
import type { CockpitController, CockpitServices } from '../src/cockpit/controller.js';
import type { TrainyardStore } from '../src/state/store.js';
import { App } from './App.js';
import { compactingStdout } from './compactOutput.js';

export interface CockpitStreams {
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  stderr?: NodeJS.WriteStream;
  /** Only for the benchmark's full-redraw baseline: Ink's default rewrites every line. */
  incrementalRendering?: boolean;
  /** Actions, logs and the watchdog (src/cli/cockpit.ts builds them from the Fleet). */
  services?: CockpitServices;
}

export interface MountedCockpit {
  /** Settles once the cockpit is gone: after q / Ctrl-C (controller.shutdown() has run) or unmount(). */
  waitUntilExit(): Promise<void>;
  /** Leaves the cockpit now and restores the terminal (for SIGTERM, SIGHUP, crashes). Does not call shutdown(). */
  unmount(): void;
}

export function mountCockpit(
  store: TrainyardStore,
  controller: CockpitController,
  opts: CockpitStreams = {},
): MountedCockpit {
  const stdout = compactingStdout(opts.stdout ?? process.stdout);
  const instance = render(<App store={store} controller={controller} services={opts.services} />, {
    stdout,
    stdin: opts.stdin ?? process.stdin,
    stderr: opts.stderr ?? process.stderr,
    alternateScreen: true,
    incrementalRendering: opts.incrementalRendering ?? true,
    maxFps: 30, // keypress-to-frame p99 under 50 ms while a busy log is followed (bench/logs.bench.ts)
    exitOnCtrlC: false,
    patchConsole: true,
    // Ink treats CI=true as non-interactive unless told; the end-to-end tests run under CI=true in tmux.
    interactive: Boolean(stdout.isTTY),
  });
  return {
    waitUntilExit: async () => {
      await instance.waitUntilExit();
    },
    unmount: () => instance.unmount(),
  };
}

/** Runs the cockpit until the user quits (q or Ctrl-C, after controller.shutdown()). */
export async function runCockpit(
  store: TrainyardStore,
  controller: CockpitController,
  opts: CockpitStreams = {},
): Promise<void> {
  await mountCockpit(store, controller, opts).waitUntilExit();
}
