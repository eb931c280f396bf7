/**
 * A resume template ("--resume {checkpoint}") is a list of arguments, not shell code. It is split
 * into words the way a shell would split plain text (spaces; '…' literal; "…" with \" \\ \$ \`
 * escapes; \x outside quotes), and anything a shell would expand or interpret ($, `, ;, |, &,
 * <, >, (, ), globs, a leading # or ~, a line break) is refused. Every word is then quoted again,
 * and {checkpoint} becomes a reference to the variable the launch script sets, "$ty_checkpoint":
 * the checkpoint path reaches the program as one argument, whatever quotes the user wrote around
 * the placeholder, and is never part of the text the script evaluates.
 *
 * The watchdog's automatic restart does the same in awk (src/watchdog/awk/restart.awk); a table
 * test holds the two to the same answers.
 */
import { shQuote } from '../shell/quote.js';
import { placeholderVariable } from './params.js';

export const CHECKPOINT_PLACEHOLDER = '{checkpoint}';
/** The shell variable the launch script sets to the checkpoint path (src/runs/layout.ts). */
export const CHECKPOINT_VARIABLE = 'ty_checkpoint';

export type ResumeWords = { words: string[]; problem: null } | { words: null; problem: string };

const SPECIAL_UNQUOTED = '$`;|&<>()*?[]!';

/** The template's words, or why it cannot be used as arguments. */
export function splitResumeTemplate(template: string): ResumeWords {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  const bad = (what: string): ResumeWords => ({
    words: null,
    problem: `${what} is not allowed in a resume template (it is split into arguments, never run by a shell)`,
  });
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === '\n' || c === '\r') return bad('a line break');
    if (c === ' ' || c === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    if (!inWord && (c === '#' || c === '~')) return bad(`"${c}" at the start of a word`);
    inWord = true;
    if (c === "'") {
      const end = template.indexOf("'", i + 1);
      if (end < 0) return bad('an unclosed quote');
      word += template.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < template.length && template[j] !== '"'; j++) {
        const d = template[j];
        if (d === '$' || d === '`') return bad(`"${d}"`);
        if (d === '\\' && j + 1 < template.length && '"\\$`'.includes(template[j + 1])) word += template[++j];
        else word += d;
      }
      if (j >= template.length) return bad('an unclosed quote');
      i = j;
    } else if (c === '\\') {
      if (i + 1 >= template.length) return bad('a trailing backslash');
      word += template[++i];
    } else if (SPECIAL_UNQUOTED.includes(c)) {
      return bad(`"${c}"`);
    } else word += c;
  }
  if (inWord) words.push(word);
  return { words, problem: null };
}

/** Why a template cannot be used, with the fix, or null. */
export function resumeTemplateProblem(template: string): string | null {
  const split = splitResumeTemplate(template);
  if (split.problem !== null)
    return `${split.problem} — fix: write plain arguments such as "--resume {checkpoint}" (quotes around {checkpoint} are not needed)`;
  if (!split.words.some((w) => w.includes(CHECKPOINT_PLACEHOLDER)))
    return 'has no {checkpoint} — fix: e.g. "--resume {checkpoint}" (it is replaced by the checkpoint path)';
  return null;
}

/**
 * One word as shell text: {checkpoint} as "$ty_checkpoint", {run_dir} as "$ty_run_dir", any
 * other {name} as the parameter's "$ty_p_name" (src/runs/params.ts).
 */
function wordText(word: string): string {
  if (word === '') return "''";
  let out = '';
  let last = 0;
  for (const m of word.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
    if (m.index > last) out += shQuote(word.slice(last, m.index));
    out += `"$${placeholderVariable(m[1])}"`;
    last = m.index + m[0].length;
  }
  return last < word.length ? out + shQuote(word.slice(last)) : out;
}

/** The resume arguments as shell text (the words quoted again); throws on a template resumeTemplateProblem refuses. */
export function resumeArgumentsText(template: string): string {
  const problem = resumeTemplateProblem(template);
  if (problem !== null) throw new Error(`the resume template ${JSON.stringify(template)} ${problem}`);
  return splitResumeTemplate(template).words!.map(wordText).join(' ');
}
