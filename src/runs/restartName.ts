/**
 * A restarted run's name says which run it continues: the lineage's first name, then "-r" and
 * the restart number (train01 → train01-r1 → train01-r2). The watchdog's automatic restart
 * (src/watchdog/sh/restart.sh) names its restarts by the same rule, so the first name keeps only
 * bytes that are plain in every tool (A-Z a-z 0-9 _ -; any other byte becomes "-", as `tr -c`
 * does): tmux expands "#(…)" in a new session's name, and a POSIX sh cannot escape it.
 */

const RESTART_SUFFIX = /^(.+)-r([1-9][0-9]{0,5})$/;

/** The lineage's first name and the restart number of `name` (0 for the first run). */
export function lineageOf(name: string): { root: string; number: number } {
  const m = RESTART_SUFFIX.exec(name);
  return m ? { root: m[1], number: Number(m[2]) } : { root: name, number: 0 };
}

const PLAIN_BYTE = /^[A-Za-z0-9_-]$/;

/** The lineage's first name as a restart's name starts: plain bytes, no "-" or "_" at either end, at most 60. */
export function plainRoot(root: string): string {
  const plain = [...Buffer.from(root, 'utf8')]
    .map((b) => (PLAIN_BYTE.test(String.fromCharCode(b)) ? String.fromCharCode(b) : '-'))
    .join('');
  return plain.replace(/^[-_]+|[-_]+$/g, '').slice(0, 60) || 'run';
}

/** The name of the next restart of `parent`: the first "<root>-r<n>" from n = its number + 1 that is not taken. */
export function restartName(parent: string, taken: (name: string) => boolean): string {
  const { root: first, number } = lineageOf(parent);
  const root = plainRoot(first);
  for (let n = number + 1; ; n++) {
    const name = `${root}-r${n}`;
    if (!taken(name)) return name;
  }
}
