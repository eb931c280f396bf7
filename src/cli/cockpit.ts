import type { Config } from '../config/types.js';
import { Fleet } from '../hosts/fleet.js';

/**
 * Opens the full-screen cockpit. The terminal is restored on every way out: q, Ctrl-C
 * (handled as a key), SIGTERM/SIGHUP, and an uncaught exception.
 */
export async function runCockpit(config: Config): Promise<number> {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    process.stderr.write('trainyard: the cockpit needs a terminal. In scripts use: trainyard status [--json]\n');
    return 2;
  }
  const { mountCockpit } = await import('../../components/runCockpit.js');
  const fleet = new Fleet(config, { interactive: true });
  const app = mountCockpit(fleet.store, fleet);
  let exiting = false;
  const bail = (code: number, message?: string) => {
    if (exiting) return;
    exiting = true;
    app.unmount();
    void fleet.shutdown().finally(() => {
      if (message) process.stderr.write(message);
      process.exit(code);
    });
  };
  const onSignal = (signal: NodeJS.Signals) => bail(signal === 'SIGTERM' ? 143 : 129);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  process.once('uncaughtException', (error) => bail(1, `trainyard crashed: ${error.stack ?? error.message}\n`));
  process.once('unhandledRejection', (error) => bail(1, `trainyard crashed: ${String((error as Error)?.stack ?? error)}\n`));
  fleet.start();
  await app.waitUntilExit();
  await fleet.shutdown();
  return 0;
}
