/**
 * Edit distance with adjacent transpositions (optimal string alignment), so "hsots" is one
 * edit from "hosts" as a person would count it.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The valid key closest to a mistyped one, or null when none is close enough to be a plausible typo. */
export function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  let bestCaseDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    // case counts least: "secretENV" is nearest to "secretEnv"
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    const caseDistance = editDistance(word, candidate);
    if (distance < bestDistance || (distance === bestDistance && caseDistance < bestCaseDistance)) {
      best = candidate;
      bestDistance = distance;
      bestCaseDistance = caseDistance;
    }
  }
  if (best === null) return null;
  const limit = Math.max(2, Math.floor(Math.max(word.length, best.length) / 3));
  if (bestDistance <= limit) return best;
  // a word cut short ("interval" for "intervalSeconds") is far in edits but plain to a person
  const lower = word.toLowerCase();
  const prefixed = candidates.filter((c) => lower.length >= 4 && c.toLowerCase().startsWith(lower));
  return prefixed.length === 1 ? prefixed[0] : null;
}

/** `"hots" is not a key — did you mean "hosts"?`, with where it is when it is not at the top level. */
export function unknownKeyMessage(key: string, where: string | null, valid: readonly string[]): string {
  const at = where ? ` of ${where}` : '';
  const guess = closest(key, valid);
  if (guess) return `"${key}" is not a key${at} — did you mean "${guess}"?`;
  return `"${key}" is not a key${at} — fix: remove it, or use one of: ${valid.join(', ')}`;
}
