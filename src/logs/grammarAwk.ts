/**
 * The training-log grammar (logs/grammar.ts) as awk for the server-side watchdog, generated when
 * the watchdog script is assembled: grammar_line(LINE) sets g_oom, g_nccl, g_tb, g_exc, g_bad
 * (1 or 0) and grammar_progress(LINE) sets g_pkind, g_pdone, g_ptotal (or ""), as classifyLine()
 * answers. The log scanner needs no progress and does not pay for it.
 * Patterns become awk strings used as dynamic regular expressions (no / to escape), with
 * LC_ALL=C so that tolower() and [a-z] mean what they mean in JavaScript here.
 */
import { BAD_LOSS, EXCEPTION_LINE, NCCL_TIMEOUT, OOM, type Phrases, PROGRESS, TRACEBACK_START } from './grammar.js';

/** A JS string as an awk string literal; \047 for ' (the program is embedded in single quotes). */
export function awkString(s: string): string {
  if (/[\u0000-\u0008\u000a-\u001f\u007f-\uffff]/.test(s))
    throw new Error(`grammar text ${JSON.stringify(s)} has a character the awk side cannot carry`);
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\t/g, '\\t').replace(/'/g, '\\047')}"`;
}

function phrasesAwk(phrases: Phrases, line: string): string {
  const alt = phrases.map((alternative) =>
    alternative.map((group) => `(${group.map((p) => `index(${line}, ${awkString(p)})`).join(' || ')})`).join(' && '),
  );
  return alt.map((a) => `(${a})`).join(' || ');
}

export function grammarAwk(): string {
  const progress = PROGRESS.map(
    (p, i) =>
      `  ${i ? 'else ' : ''}if (match(l, ${awkString(p.pattern)})) { g_pkind = ${awkString(p.kind)}; grammar_numbers(substr(l, RSTART, RLENGTH)) }`,
  );
  return [
    '# generated from src/logs/grammar.ts by src/logs/grammarAwk.ts: edit the TypeScript',
    'function grammar_line(line,   l) {',
    '  l = tolower(line)',
    `  g_oom = (${phrasesAwk(OOM, 'l')}) ? 1 : 0`,
    `  g_nccl = (${phrasesAwk(NCCL_TIMEOUT, 'l')}) ? 1 : 0`,
    `  g_tb = index(line, ${awkString(TRACEBACK_START)}) == 1 ? 1 : 0`,
    `  g_exc = line ~ ${awkString(EXCEPTION_LINE)} ? 1 : 0`,
    `  g_bad = (index(l, "loss") && l ~ ${awkString(BAD_LOSS)}) ? 1 : 0`,
    '}',
    'function grammar_progress(line,   l) {',
    '  g_pkind = ""; g_pdone = ""; g_ptotal = ""',
    '  if (!index(line, "/")) return',
    '  l = tolower(line)',
    ...progress,
    '}',
    '# done/total: the digits either side of the last "/" of the matched text',
    'function grammar_numbers(t,   i, a, b) {',
    '  i = length(t); while (i > 0 && substr(t, i, 1) != "/") i--',
    '  a = substr(t, 1, i - 1); sub(/[ \\t]+$/, "", a); sub(/^.*[^0-9]/, "", a)',
    '  b = substr(t, i + 1); sub(/^[ \\t]+/, "", b); sub(/[^0-9].*$/, "", b)',
    '  g_pdone = a + 0; g_ptotal = b + 0',
    '}',
  ].join('\n');
}
