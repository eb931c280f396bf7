/** Reconnect delays: 1 s doubling to a 60 s cap, with ±20 % jitter so hosts do not retry in lockstep. */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, capMs: 60_000, jitter: 0.2 };

export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random = Math.random): number {
  const exp = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = exp * (1 - policy.jitter + 2 * policy.jitter * random());
  return Math.round(Math.min(policy.capMs, jittered));
}
