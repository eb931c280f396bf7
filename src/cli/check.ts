/** One line of `trainyard doctor`: what was checked on which host, and what to fix. */
export interface Check {
  host: string;
  name: string;
  ok: boolean;
  /** warn: not fatal (e.g. no GPU on a CPU box). */
  warn?: boolean;
  detail: string;
  fix?: string;
}
