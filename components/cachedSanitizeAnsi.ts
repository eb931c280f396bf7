/**
 * Ink's sanitizeAnsi (`ink/build/sanitize-ansi.js`) with a memory. Ink runs it on every text node's
 * squashed text in every frame — tokenising each pre-styled cockpit row again though the row did
 * not change — so a frame with 65 fixed lines paid 65 tokenisations for the handful that changed.
 * It is a function of its argument alone; the answers of the last two generations of calls are
 * kept (a generation ends after GENERATION_SIZE distinct texts: a frame's rows stay, a busy log's
 * lines go). inkImportsHook.ts gives it to Ink's squash-text-nodes.js.
 */

type Sanitise = (text: string) => string;

/** Distinct texts remembered per generation: several frames' worth of rows, a bounded memory. */
export const GENERATION_SIZE = 1024;

/** `sanitise`, remembering its answers for the last two generations of distinct texts. */
export function rememberingSanitiser(sanitise: Sanitise, generationSize = GENERATION_SIZE): Sanitise {
  let now = new Map<string, string>();
  let before = new Map<string, string>();
  return (text) => {
    let answer = now.get(text);
    if (answer !== undefined) return answer;
    answer = before.get(text) ?? sanitise(text);
    if (now.size >= generationSize) {
      before = now;
      now = new Map();
    }
    now.set(text, answer);
    return answer;
  };
}

/** Ink's own, loaded by file from Ink's folder (Ink's package exports only its index). */
export const inkSanitizeAnsi: Sanitise = (await import(new URL('./sanitize-ansi.js', import.meta.resolve('ink')).href))
  .default;

export default rememberingSanitiser(inkSanitizeAnsi);
