/**
 * The view state of the log pane and the loss chart, outside React: each a small vanilla store
 * with the key handling that changes it, so a router (or a test) drives it one key at a time.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { initialLogView, type Lines, type LogViewState, type ViewSize } from '../logs/logView.js';
import { handleKey } from '../logs/logViewKeys.js';
import type { MetricsState } from '../logs/metrics.js';
import type { KeyPress } from './keys.js';

export class LogViewModel {
  readonly store: StoreApi<LogViewState>;
  /** The size the pane was last drawn at (pages and clamping follow it). */
  private size: ViewSize = { width: 80, height: 20 };

  constructor(
    private readonly lines: Lines,
    wrap = true,
  ) {
    this.store = createStore<LogViewState>()(() => ({ ...initialLogView, wrap }));
  }

  setSize(size: ViewSize): void {
    this.size = size;
  }

  get typing(): boolean {
    return this.store.getState().input !== null;
  }

  get state(): LogViewState {
    return this.store.getState();
  }

  /** One key; false when the pane does not use it (it is then the rest of the cockpit's). */
  press({ input, key }: KeyPress): boolean {
    const r = handleKey(this.store.getState(), input, key, this.lines, this.size);
    if (r.state !== this.store.getState()) this.store.setState(r.state, true);
    return r.consumed;
  }
}

export interface ChartView {
  /** The metric picked with m (undefined: the default one). */
  chosen: string | undefined;
  logY: boolean;
}

/** Which metric the chart shows by default: loss, else a training *loss, else any loss, else the first. */
export function defaultMetric(names: readonly string[]): string | undefined {
  return (
    names.find((n) => n === 'loss') ??
    names.find((n) => /loss$/i.test(n) && !/val|eval|test/i.test(n)) ??
    names.find((n) => /loss/i.test(n)) ??
    names[0]
  );
}

export function shownMetric(view: ChartView, metrics: MetricsState): string | undefined {
  return view.chosen && metrics.series[view.chosen] ? view.chosen : defaultMetric(metrics.names);
}

export class ChartModel {
  readonly store: StoreApi<ChartView>;

  constructor(
    private readonly metrics: StoreApi<MetricsState>,
    metric?: string,
  ) {
    this.store = createStore<ChartView>()(() => ({ chosen: metric, logY: false }));
  }

  nextMetric(): void {
    const m = this.metrics.getState();
    if (m.names.length === 0) return;
    const name = shownMetric(this.store.getState(), m);
    const i = name ? m.names.indexOf(name) : -1;
    this.store.setState({ chosen: m.names[(i + 1) % m.names.length] });
  }

  toggleLogY(): void {
    this.store.setState((s) => ({ logY: !s.logY }));
  }
}
