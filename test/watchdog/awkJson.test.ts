/**
 * The watchdog's JSON writer and reader (src/watchdog/awk/json.awk) under mawk, gawk and busybox
 * awk, on one table of hostile strings: what the writer prints must JSON.parse back to the same
 * text, and what the reader reads back must be the same bytes.
 */
import { describe, expect, it } from 'vitest';
import { awkProgram } from '../../src/watchdog/script.js';
import { availableAwks, runAwk } from './awkHarness.js';

const b = (...bytes: number[]) => Buffer.from(bytes);
const t = (s: string) => Buffer.from(s, 'utf8');

/** name -> the raw bytes a log line or file name could carry */
export const NASTY: [string, Buffer][] = [
  ['plain', t('loss 0.25 at step 10')],
  ['a regex backslash', t('re.error: bad escape \\d at position 3')],
  ['Windows paths', t('C:\\new\\table\\')],
  ['only backslashes', t('\\\\\\')],
  ['quotes', t('say "hi" and \\"escaped\\"')],
  ['a tab in a command', t('python train.py\t--lr 1e-3')],
  ['every control byte', b(...Array.from({ length: 31 }, (_, i) => i + 1), 0x7f)],
  ['literal \\u escape text (OSC 52)', t('\\u001b]52;c;aGVsbG8=\\u0007 and \\n not a newline')],
  ['real escape sequences', t('\u001b]52;c;aGVsbG8=\u0007\u001b]0;title\u0007\u001b[31mred')],
  ['UTF-8', t('résumé ✓ 学习 🚀')],
  ['invalid UTF-8', b(0x61, 0xff, 0xfe, 0x62, 0x80, 0xe2, 0x82, 0x63, 0xc0, 0xaf)],
  ['a NUL byte', b(0x61, 0x00, 0x62)],
  ['JSON-looking text', t('","kind":"crashed","x":"')],
  ['100 KB of escapes', t('a\\"\t\u001b\\u0000'.repeat(10_000))],
  ['100 KB plain', t('x'.repeat(100 * 1024))],
];

const hex = (buf: Buffer) => buf.toString('hex');
/** Bytes as space-separated hex pairs: the driver splits them without substr (slow in busybox on long lines). */
const hexPairs = (buf: Buffer) => buf.toString('hex').replace(/(..)(?!$)/g, '$1 ');

/** Reads hex lines, prints one JSON string per line (jenc), or re-reads it (jparse) when mode=read. */
const DRIVER = `
function unhex(h,   i, P, H, n) {
  n = split(h, H, " ")
  for (i = 1; i <= n; i++) P[i] = CHR[H[i]]
  return n ? jjoin(P, 1, n, "") : ""
}
function tohex(s,   i, P, np) { np = 0; for (i = 1; i <= length(s); i++) P[++np] = sprintf("%02x", ORD[substr(s, i, 1)]); return np ? jjoin(P, 1, np, "") : "" }
BEGIN { jinit(); for (i = 0; i < 256; i++) { ORD[sprintf("%c", i)] = i; CHR[sprintf("%02x", i)] = sprintf("%c", i) } }
mode == "write" { print jenc(unhex($0)); next }
mode == "read" { if (!jparse($0) || K[""] != "s") print "ERROR"; else print tohex(J[""]) }
`;

/** What a reader of the JSON sees of the original bytes: UTF-8 decoding, invalid bytes as U+FFFD. */
const decoded = (buf: Buffer) => buf.toString('utf8');

const awks = availableAwks();

describe.each(awks)('the watchdog JSON writer under $name', (awk) => {
  const program = awkProgram('json') + '\n' + DRIVER;

  it('writes every nasty string so that JSON.parse gives it back', () => {
    const out = runAwk(awk, program, {
      vars: { mode: 'write' },
      input: NASTY.map(([, v]) => hexPairs(v)).join('\n') + '\n',
    });
    const lines = out.toString('utf8').split('\n');
    NASTY.forEach(([name, value], i) => {
      let parsed: unknown;
      expect(() => (parsed = JSON.parse(lines[i])), `${name}: ${lines[i]?.slice(0, 200)}`).not.toThrow();
      const want = decoded(value);
      // an awk that cannot hold NUL in a string drops it: the only change allowed
      if (parsed !== want) expect(parsed, name).toBe(want.replaceAll('\0', ''));
    });
  });

  it('never lets an escape sequence through as a raw byte, nor a literal \\u become one', () => {
    const out = runAwk(awk, program, {
      vars: { mode: 'write' },
      input: NASTY.map(([, v]) => hexPairs(v)).join('\n') + '\n',
    });
    // the JSON text itself carries no raw control byte (the events file stays one record per line)
    expect(out.toString('latin1').split('\n').slice(0, NASTY.length).join('')).not.toMatch(/[\u0000-\u001f\u007f]/);
    const osc = JSON.parse(out.toString('utf8').split('\n')[7]) as string;
    expect(osc).toContain('\\u001b]52');
    expect(osc).not.toContain('\u001b');
  });

  it('reads back what it wrote, byte for byte', () => {
    const written = runAwk(awk, program, {
      vars: { mode: 'write' },
      input: NASTY.map(([, v]) => hexPairs(v)).join('\n') + '\n',
    }).toString('latin1');
    const back = runAwk(awk, program, { vars: { mode: 'read' }, input: Buffer.from(written, 'latin1') })
      .toString('utf8')
      .split('\n');
    NASTY.forEach(([name, value], i) => {
      const got = back[i];
      if (got !== hex(value)) expect(got, name).toBe(hex(Buffer.from(value.filter((x) => x !== 0))));
    });
  });
});

it('runs the matrix on at least one awk here', () => {
  expect(awks.length).toBeGreaterThan(0);
});
