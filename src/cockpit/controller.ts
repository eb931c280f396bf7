/** What the Ink views may ask of the core; they never touch connections directly. */
export interface CockpitController {
  /** Reconnect a host now instead of waiting out its back-off. */
  retryNow(alias: string): void;
  /** Answers the pending prompt (null = cancelled). */
  answerPrompt(id: number, value: string | null): void;
  /** Closes every connection and stream. */
  shutdown(): Promise<void>;
}
