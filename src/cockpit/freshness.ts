/**
 * How fresh a host's GPU figures are. A sample is stale when it is older than two sampling
 * intervals (plus the one interval samples may wait to be drawn together); its age is then shown
 * in steps coarse enough that the label changes a few times a minute, not every frame.
 */

export function staleAfterMs(intervalMs: number): number {
  return 3 * intervalMs;
}

/** The shown age: whole seconds to 10 s, tens of seconds to a minute, then minutes. */
export function ageLabel(ageMs: number): string {
  const s = Math.floor(ageMs / 1000);
  if (s < 10) return `${s}s`;
  if (s < 60) return `${Math.floor(s / 10) * 10}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  return `${Math.floor(s / 3600)}h`;
}

/** Milliseconds until ageLabel changes. */
export function msUntilLabelChanges(ageMs: number): number {
  const step = ageMs < 10_000 ? 1000 : ageMs < 60_000 ? 10_000 : ageMs < 3_600_000 ? 60_000 : 3_600_000;
  return step - (ageMs % step) + 5;
}

/** The age label of a sample taken at `updatedAt`, or null while it is fresh (or there is none). */
export function staleAge(updatedAt: number | null, now: number, intervalMs: number): string | null {
  if (updatedAt === null) return null;
  const age = now - updatedAt;
  return age > staleAfterMs(intervalMs) ? ageLabel(age) : null;
}
