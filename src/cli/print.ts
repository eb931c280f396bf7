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

/** Erases the progress line. */
export function clearProgressLine(out: Out): void {
  out.write('\r\x1b[K');
}
