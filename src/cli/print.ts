/**
 * The only way the CLI writes to stdout and stderr: every text passes the sanitiser, so nothing a
 * server said (log lines, file and process names, stderr in an error) reaches the terminal as an
 * escape sequence or control character. JSON keeps its data exact and its text inert.
 */
import { safeJson, safeLine, safeText } from '../text/sanitise.js';

type Out = Pick<NodeJS.WritableStream, 'write'>;

/** Text (one or more lines) and a newline. */
export function printText(out: Out, text: string): void {
  out.write(`${safeText(text)}\n`);
}

/** A value as indented JSON and a newline. */
export function printJson(out: Out, value: unknown): void {
  out.write(`${safeJson(value)}\n`);
}

/** A progress line that replaces the previous one on a terminal (\r, then erase to the end of the line). */
export function printProgress(out: Out, text: string): void {
  out.write(`\r\x1b[K${safeLine(text)}`);
}

/** The terminal bell (an alert). */
export function printBell(out: Out): void {
  out.write('\x07');
}

/** Erases the progress line. */
export function clearProgressLine(out: Out): void {
  out.write('\r\x1b[K');
}

/** Text with no newline after it (a question, or the keys typed in answer). */
export function printInline(out: Out, text: string): void {
  out.write(safeLine(text));
}

/** Erases the character before the cursor (a backspace typed in an answer). */
export function printBackspace(out: Out): void {
  out.write('\b \b');
}

/** Lines drawn in place of the `previous` lines drawn just above the cursor (a checklist being edited). */
export function printRedraw(out: Out, previous: number, lines: string[]): void {
  out.write(`${previous > 0 ? `\x1b[${previous}A\r\x1b[J` : ''}${lines.map(safeLine).join('\n')}\n`);
}

/** One line of tab-separated fields (shell completion's `word<TAB>description`). */
export function printTabbed(out: Out, fields: string[]): void {
  out.write(`${fields.map(safeLine).join('\t')}\n`);
}
