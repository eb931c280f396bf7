import { createCockpitRunner } from '../actions/cockpitRunner.js';
import { defaultDataDir } from '../actions/localManifests.js';
import { postAlert } from '../alerts/webhook.js';
import type { CockpitServices, SuspendTerminal } from '../cockpit/controller.js';
import type { Config } from '../config/types.js';
import { topRows } from '../format/compare.js';
import { isUp } from '../format/connection.js';
import { Fleet } from '../hosts/fleet.js';
import { openSessionLog } from '../logs/sessionLog.js';
import { primaryMetricOf, runsToCompare } from '../runs/compareRead.js';
import { recordResults } from '../runs/results.js';
import { RunsPoller } from '../runs/runsPoller.js';
import { sweepAlerter } from '../runs/sweepWatch.js';
import { configRedactor, redactDeep } from '../secrets/redact.js';
import { QueueRebalancer } from '../sweeps/cockpitRebalance.js';
import type { SweepSession } from '../sweeps/session.js';
import type { Transport } from '../transport/types.js';
import { WatchdogPoller } from '../watchdog/poller.js';
import { defaultSeenFile } from '../watchdog/seen.js';
import { watchdogStatusFor } from '../watchdog/status.js';
import { loadCockpitUi } from './loadCockpitUi.js';
import { printBell, printText } from './print.js';

/** Actions, logs and the watchdog over the Fleet's held connections, for the cockpit's views. */
export function cockpitServices(
  fleet: Fleet,
  env: NodeJS.ProcessEnv = process.env,
): { services: CockpitServices; stop(): void } {
  let suspend: SuspendTerminal | null = null;
  // secrets masked in what the log pane shows, the watchdog's events and summary, and webhook bodies
  const redactor = configRedactor(fleet.config, env);
  const runner = createCockpitRunner(fleet, {
    // attach hands the terminal over: Ink suspends itself around it (Ink 8's suspendTerminal).
    withTerminal: async <T>(fn: () => Promise<T>): Promise<T> => {
      if (!suspend) return fn();
      let result!: T;
      await suspend(async () => {
        result = await fn();
      });
      return result;
    },
  });
  const connected = (alias: string) => {
    const h = fleet.store.getState().hosts[alias];
    return h !== undefined && isUp(h.connection.state);
  };
  const watchdog = new WatchdogPoller({
    aliases: fleet.config.hosts.map((h) => h.alias),
    transportFor: (alias) => (connected(alias) ? (fleet.monitor(alias)?.transport ?? null) : null),
    changeMark: (alias) => fleet.store.getState().hosts[alias]?.marks?.watchdog ?? null,
    seenFile: defaultSeenFile(env),
    statusFor: async (transport, alias, options) =>
      redactDeep(await watchdogStatusFor(transport, alias, options), redactor),
    push: fleet.config.alertWebhook
      ? (text) => void postAlert(fleet.config.alertWebhook!, redactor.redact(text))
      : undefined,
  });
  const bell = () => printBell(process.stdout);
  // When every run of a sweep has ended: one alert (bell, banner, webhook) with its top three rows.
  const onRows = sweepAlerter({
    compare: async (sweep) => {
      const rows = runs.store.getState().rows;
      const { table, metrics } = await runs.readComparison(sweep);
      return {
        top: topRows(table).map((l) => redactor.redact(l)),
        record: () =>
          recordResults(
            defaultDataDir(env),
            runsToCompare(rows, sweep).map((row) => ({ row, metrics: metrics.get(row.key) ?? {} })),
            (project) => primaryMetricOf(fleet.config, project),
          ),
      };
    },
    announce: (banner, text) => {
      bell();
      watchdog.store.setState({ banner: { alias: '', text: redactor.redact(banner) } });
      if (fleet.config.alertWebhook) void postAlert(fleet.config.alertWebhook, redactor.redact(text));
    },
  });
  const transportOf = (alias: string) => (connected(alias) ? (fleet.monitor(alias)?.transport ?? null) : null);
  const rebalancer = new QueueRebalancer({
    session: cockpitSweepSession(fleet.config, transportOf, env),
    onMoved: () => void runs.pollNow(),
  });
  const runs = new RunsPoller({
    config: fleet.config,
    hosts: fleet.store,
    transportFor: transportOf,
    onRows: (rows, complete) => {
      onRows(rows, complete);
      rebalancer.onRows(rows, complete);
    },
  });
  const services: CockpitServices = {
    actions: runner,
    openLog: async (alias, session) => {
      const monitor = fleet.monitor(alias);
      if (!monitor) return { error: `${alias} is not one of the configured hosts` };
      return openSessionLog(monitor.transport, session, {
        link: monitor.connection ?? undefined,
        tail: { redact: (text) => redactor.redact(text) },
      });
    },
    watchdog,
    runs,
    gpuIntervalMs: fleet.config.refreshSeconds * 1000,
    bindTerminal: (fn) => {
      suspend = fn;
    },
  };
  watchdog.start();
  runs.start();
  return {
    services,
    stop: () => {
      watchdog.stop();
      runs.stop();
      runner.cancelAll();
    },
  };
}

/** The sweep session the cockpit's queue rebalancing runs in: the held connections, no questions, nothing printed. */
function cockpitSweepSession(
  config: Config,
  transportOf: (alias: string) => Transport | null,
  env: NodeJS.ProcessEnv,
): SweepSession {
  return {
    config,
    transportFor: async (alias) => {
      const t = transportOf(alias);
      if (!t) throw new Error(`${alias} is not connected`);
      return t;
    },
    dataDir: defaultDataDir(env),
    env,
    dryRun: false,
    assumeYes: true,
    by: 'user',
    output: () => {},
    confirm: async () => true,
  };
}

/**
 * Opens the full-screen cockpit. The terminal is restored on every way out: q, Ctrl-C
 * (handled as a key), SIGTERM/SIGHUP, and an uncaught exception.
 */
export async function runCockpit(config: Config): Promise<number> {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    printText(process.stderr, 'trainyard: the cockpit needs a terminal. In scripts use: trainyard status [--json]');
    return 2;
  }
  const { mountCockpit } = await loadCockpitUi();
  const fleet = new Fleet(config, { interactive: true });
  const extras = cockpitServices(fleet);
  const app = mountCockpit(fleet.store, fleet, { services: extras.services });
  let exiting = false;
  const bail = (code: number, message?: string) => {
    if (exiting) return;
    exiting = true;
    app.unmount();
    extras.stop();
    void fleet.shutdown().finally(() => {
      if (message) printText(process.stderr, message);
      process.exit(code);
    });
  };
  const onSignal = (signal: NodeJS.Signals) => bail(signal === 'SIGTERM' ? 143 : 129);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  process.once('uncaughtException', (error) => bail(1, `trainyard crashed: ${error.stack ?? error.message}`));
  process.once('unhandledRejection', (error) =>
    bail(1, `trainyard crashed: ${String((error as Error)?.stack ?? error)}`),
  );
  fleet.start();
  await app.waitUntilExit();
  extras.stop();
  await fleet.shutdown();
  return 0;
}
