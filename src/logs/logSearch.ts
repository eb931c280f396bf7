/** Finding text in the log pane's lines: smart case, markers skipped, colours ignored. */
import { MARKER_PREFIX, stripSgr } from '../text/sanitise.js';
import type { LineRing } from './ringBuffer.js';

/** The lines a view reads: the ring buffer, or anything shaped like it. */
export type Lines = Pick<LineRing, 'get' | 'startSeq' | 'endSeq'>;

/** Smart case: a query with a capital letter matches case-sensitively. */
export function matchRanges(text: string, query: string): [number, number][] {
  if (!query) return [];
  const sensitive = query !== query.toLowerCase();
  const hay = sensitive ? text : text.toLowerCase();
  const needle = sensitive ? query : query.toLowerCase();
  const out: [number, number][] = [];
  for (let i = hay.indexOf(needle); i !== -1; i = hay.indexOf(needle, i + needle.length))
    out.push([i, i + needle.length]);
  return out;
}

/** The nearest line from `fromSeq` (included) in direction dir holding the query, or null. */
export function findMatch(lines: Lines, query: string, fromSeq: number, dir: -1 | 1): number | null {
  if (!query) return null;
  const sensitive = query !== query.toLowerCase();
  const needle = sensitive ? query : query.toLowerCase();
  for (let seq = fromSeq; seq >= lines.startSeq && seq < lines.endSeq; seq += dir) {
    const line = lines.get(seq);
    if (line === undefined || line.startsWith(MARKER_PREFIX)) continue;
    const plain = stripSgr(line);
    if ((sensitive ? plain : plain.toLowerCase()).includes(needle)) return seq;
  }
  return null;
}
