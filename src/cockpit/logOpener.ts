/**
 * Opens a session's log for the cockpit, one at a time: a log opened after another one, or
 * closed before it arrives, is closed as soon as it comes (no tail left running unseen).
 */

import type { OpenLogView } from './cockpitState.js';
import type { CockpitServices } from './controller.js';
import { ChartModel, LogViewModel } from './paneModels.js';

export class LogOpener {
  private token = 0;
  private closeOpen: (() => void) | null = null;

  constructor(private readonly openLog: NonNullable<CockpitServices['openLog']>) {}

  /** Opens alias/session; `show` gets the view at once (reading) and again when it is open or failed. */
  open(alias: string, session: string, show: (log: OpenLogView) => void): void {
    this.close();
    const token = this.token;
    show({ alias, session, opened: null, view: null, chart: null });
    this.openLog(alias, session).then(
      (opened) => {
        if (token !== this.token) {
          if ('tail' in opened) opened.close();
          return;
        }
        if (!('tail' in opened)) return show({ alias, session, opened, view: null, chart: null });
        this.closeOpen = opened.close;
        show({
          alias,
          session,
          opened,
          view: new LogViewModel(opened.tail.lines),
          chart: new ChartModel(opened.metrics.store),
        });
      },
      (error: Error) => {
        if (token === this.token) show({ alias, session, opened: { error: error.message }, view: null, chart: null });
      },
    );
  }

  /** Closes the open log (and forgets one still opening). */
  close(): void {
    this.token++;
    this.closeOpen?.();
    this.closeOpen = null;
  }
}
