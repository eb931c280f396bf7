/**
 * Property tests of the sanitiser over hostile text: it never throws, nothing unsafe comes out
 * (no ESC but SGR colour codes, no BEL, no C1, no bidi controls), it is idempotent, JSON keeps the
 * data, and its time grows with its input, not faster.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeJson, safeLine, safeText, sanitizeLine } from '../../src/text/sanitise.js';
import { bigInput, FUZZ, serverLine, serverText, timed, UNSAFE_OUT } from './arbitraries.js';

/** An ESC that does not start an SGR colour code. */
const BARE_ESC = /\u001b(?!\[[0-9;]*m)/;
const WITHOUT_SGR = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');
const PER_CALL_MS = 1000; // a generous bound: these inputs take microseconds

describe('the sanitiser, fuzzed', () => {
  it('log lines: only SGR escapes survive, nothing else unsafe, colours closed', () => {
    fc.assert(
      fc.property(serverLine, (line) => {
        const { value: out, ms } = timed(() => sanitizeLine(line));
        expect(out).not.toMatch(BARE_ESC);
        expect(WITHOUT_SGR(out)).not.toMatch(UNSAFE_OUT);
        expect(ms).toBeLessThan(PER_CALL_MS);
      }),
      FUZZ,
    );
  });

  it('safeLine and safeText: no escape at all, no control but newlines between lines', () => {
    fc.assert(
      fc.property(serverText, (text) => {
        const line = safeLine(text);
        const many = safeText(text);
        expect(line).not.toMatch(UNSAFE_OUT);
        expect(line).not.toContain('\n');
        expect(many).not.toMatch(UNSAFE_OUT);
        expect(many.split('\n')).toHaveLength(text.split('\n').length);
      }),
      FUZZ,
    );
  });

  it('is idempotent: sanitised text passes through unchanged', () => {
    fc.assert(
      fc.property(serverText, (text) => {
        const once = safeText(text);
        expect(safeText(once)).toBe(once);
        const line = sanitizeLine(text.replace(/\n/g, ''), { keepColors: false });
        expect(sanitizeLine(line, { keepColors: false })).toBe(line);
      }),
      FUZZ,
    );
  });

  it('printable text is kept as it is', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'abc XYZ 019 .,:;!?()[]{}<>=+-_/|#%&*~é損失✓🔥'), maxLength: 80 }),
        (text) => {
          expect(safeLine(text)).toBe(text);
        },
      ),
      FUZZ,
    );
  });

  it('safeJson: parses back to the same data, with nothing unsafe in the text', () => {
    fc.assert(
      fc.property(
        fc.dictionary(serverLine, fc.oneof(serverText, fc.integer(), fc.array(serverLine, { maxLength: 4 })), {
          maxKeys: 5,
        }),
        (value) => {
          const text = safeJson(value);
          expect(text).not.toMatch(UNSAFE_OUT);
          expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        },
      ),
      FUZZ,
    );
  });

  it('takes time in proportion to its input: 2 MB of hostile text in well under the bound', () => {
    const big = bigInput(2 * 1024 * 1024);
    for (const f of [(s: string) => sanitizeLine(s), safeLine, safeText]) {
      const { value, ms } = timed(() => f(big));
      expect(typeof value).toBe('string');
      expect(ms).toBeLessThan(10_000); // linear: tens of ms; quadratic would be hours
    }
  });
});
