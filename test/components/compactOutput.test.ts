import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { compactCursorMoves, compactingStdout } from '../../components/compactOutput.js';

describe('compactCursorMoves', () => {
  it('turns a run of next-line moves into one counted move', () => {
    expect(compactCursorMoves('\x1b[49A\x1b[E\x1b[E\x1b[E\x1b[70G42%\n\x1b[E\x1b[E')).toBe(
      '\x1b[49A\x1b[3E\x1b[70G42%\n\x1b[2E',
    );
  });

  it('leaves a single move and other text alone', () => {
    expect(compactCursorMoves('a\x1b[Eb\x1b[2Kc')).toBe('a\x1b[Eb\x1b[2Kc');
  });

  it('the wrapped stream keeps the terminal size and compacts what is written', () => {
    let out = '';
    const tty = Object.assign(
      new Writable({
        write(chunk, _e, done) {
          out += String(chunk);
          done();
        },
      }),
      { columns: 50, rows: 25, isTTY: true },
    );
    const wrapped = compactingStdout(tty as unknown as NodeJS.WriteStream);
    expect(wrapped.columns).toBe(50);
    expect(wrapped.rows).toBe(25);
    wrapped.write('\x1b[E\x1b[E\x1b[E\x1b[E');
    expect(out).toBe('\x1b[4E');
  });
});
