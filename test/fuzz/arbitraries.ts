/**
 * What a hostile or broken server can send, for the property tests: any code points (lone
 * surrogates and NUL included) mixed with the pieces parsers and terminals care about — escape
 * sequences cut anywhere, carriage returns, separators, markers, numbers, JSON fragments.
 */
import fc from 'fast-check';

/** One fixed seed: a failure prints its seed and path, and reproduces on every machine. */
export const FUZZ = { seed: 20261129, numRuns: 300 } as const;

const ESC = '\u001b';
const FRAGMENTS = [
  ESC,
  `${ESC}[`,
  `${ESC}[31m`,
  `${ESC}[0m`,
  `${ESC}[2J`,
  `${ESC}[?1049h`,
  `${ESC}]52;c;ZXZpbA==\u0007`,
  `${ESC}]8;;http://x${ESC}\\`,
  `${ESC}]0;t`,
  `${ESC}P`,
  `${ESC}\\`,
  '\u0007',
  '\u009b',
  '\u009d',
  '\u009c',
  '\u0085',
  '\u202e',
  '\u2066',
  '\u200f',
  '\u2028',
  '\ud800',
  '\udfff',
  '\u0000',
  '\u007f',
  '\t',
  '\r',
  '\n',
  '\r\n',
  ', ',
  ':',
  ';',
  '=',
  '%',
  '/',
  '\\',
  '\\#012',
  '\\#377',
  '"',
  "'",
  '{',
  '}',
  '[',
  ']',
  ' ',
  '  ',
  '@@',
  '@@begin ',
  '@@end ',
  '@@apps ',
  '@@tmux ',
  '@@now 1700000000',
  '@@summary\n',
  '@@events\n',
  '@@end',
  '@@version 1',
  '@@pid 42',
  '*deleting   ',
  '>f+++++++++ ',
  'cd+++++++++ ',
  'Number of files: ',
  'Total bytes sent: ',
  '1,234,567',
  '  45%',
  '12.34MB/s',
  '0:00:03',
  '(xfr#1, to-chk=3/10)',
  'loss',
  'loss=',
  'loss: ',
  'step',
  'nan',
  'inf',
  '-inf',
  '1e-3',
  '2.4505',
  '-0',
  '99999999999999999999',
  'Traceback (most recent call last):',
  'CUDA out of memory',
  'Error:',
  'GPU-be9dbe55-b70d-7c2a-d0cf-0d4586956762',
  '[N/A]',
  '[Not Supported]',
  'NVIDIA H100 80GB HBM3',
  'python3',
  '{"time":"2026-11-29T03:00:00Z","id":"1","kind":"crashed","detail":"x"}',
  '{"epoch":1,"runs":[',
  '{"session":"s","log":',
  'null',
  'true',
  '1',
];

/** A piece of server output: a fragment, or arbitrary code points. */
const piece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...FRAGMENTS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...'0123456789.,-'), maxLength: 8 }) },
);

/** Text a server might print: up to a few hundred pieces. */
export const serverText = fc.array(piece, { maxLength: 200 }).map((parts) => parts.join(''));

/** One line (no newline in it). */
export const serverLine = serverText.map((t) => t.replace(/\n/g, ''));

/** Lines joined with newlines, as command output. */
export const serverLines = fc.array(serverLine, { maxLength: 30 }).map((l) => l.join('\n'));

/** Bytes of a file name (no NUL, no slash: one path component). */
export const nameBytes = fc
  .uint8Array({ minLength: 1, maxLength: 40 })
  .map((a) => Buffer.from(a.filter((b) => b !== 0 && b !== 0x2f)))
  .filter((b) => b.length > 0);

/** What a terminal must never receive from a server: C0 but newline, DEL, C1, bidi controls, lone surrogates are harmless but are checked by callers. */
export const UNSAFE_OUT = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** Milliseconds a call took. */
export function timed<T>(fn: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = fn();
  return { value, ms: performance.now() - start };
}

/**
 * A large adversarial input built by repeating generated server text up to `bytes`: a parser
 * that is quadratic in its input takes minutes on it; a linear one, milliseconds.
 */
export function bigInput(bytes: number): string {
  const sample = fc.sample(serverText, { seed: FUZZ.seed, numRuns: 50 }).join('');
  const unit = sample.length > 0 ? sample : 'x';
  return unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
}
