/**
 * Dedupe: a parameter set whose config hash (project, command, environment, parameters, code)
 * already ran, runs or waits in a queue on any host is skipped and reported, whatever sweep it
 * was part of. Pure: the known runs come in (src/sweeps/fleetLook.ts gathers them).
 */

export interface KnownRun {
  hash: string;
  id: string;
  host: string;
  /** running, exited 0, queued, … in words. */
  state: string;
}

export interface Candidate<T> {
  item: T;
  hash: string;
}

export interface DedupeResult<T> {
  fresh: Candidate<T>[];
  duplicates: { item: T; hash: string; seen: KnownRun }[];
}

export function splitDuplicates<T>(candidates: readonly Candidate<T>[], known: readonly KnownRun[]): DedupeResult<T> {
  const byHash = new Map<string, KnownRun>();
  for (const k of known) if (!byHash.has(k.hash)) byHash.set(k.hash, k);
  const out: DedupeResult<T> = { fresh: [], duplicates: [] };
  for (const c of candidates) {
    const seen = byHash.get(c.hash);
    if (seen) out.duplicates.push({ ...c, seen });
    else out.fresh.push(c);
  }
  return out;
}

/** "6 skipped: already ran or queued (4 ran, 2 queued)". */
export function skippedLine(duplicates: readonly { seen: KnownRun }[]): string | null {
  if (!duplicates.length) return null;
  const counts = new Map<string, number>();
  for (const d of duplicates) {
    const kind = d.seen.state === 'queued' ? 'queued' : d.seen.state === 'running' ? 'running' : 'ran';
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  const parts = [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
  return `${duplicates.length} skipped: already ran or queued (${parts})`;
}
