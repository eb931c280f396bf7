import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  BEGIN_SYNCHRONIZED_UPDATE as BEGIN,
  compactCursorMoves,
  compactingStdout,
  END_SYNCHRONIZED_UPDATE as END,
} from '../../components/compactOutput.js';

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

  describe('a synchronized update', () => {
    /** A terminal stream that records each write it is given. */
    function recordingTty() {
      const writes: string[] = [];
      const tty = {
        isTTY: true,
        columns: 50,
        write(chunk: string, callback?: () => void) {
          writes.push(chunk);
          callback?.();
          return true;
        },
      };
      return { writes, wrapped: compactingStdout(tty as unknown as NodeJS.WriteStream) };
    }

    it("goes out as one write: Ink's begin mark, the frame and its end mark", () => {
      const { writes, wrapped } = recordingTty();
      wrapped.write('before');
      wrapped.write(BEGIN);
      wrapped.write('\x1b[E\x1b[Eframe');
      expect(writes).toEqual(['before']);
      wrapped.write(END);
      wrapped.write('after');
      expect(writes).toEqual(['before', `${BEGIN}\x1b[2Eframe${END}`, 'after']);
    });

    it('that is never ended still goes out, in order, before anything written with a callback', async () => {
      const { writes, wrapped } = recordingTty();
      wrapped.write(BEGIN);
      wrapped.write('half a frame');
      let called = false;
      wrapped.write('restore the terminal', () => {
        called = true;
      });
      expect(writes).toEqual([`${BEGIN}half a frame`, 'restore the terminal']);
      expect(called).toBe(true);
      wrapped.write(BEGIN);
      wrapped.write('a frame whose writer threw');
      expect(writes).toHaveLength(2);
      await Promise.resolve();
      expect(writes.at(-1)).toBe(`${BEGIN}a frame whose writer threw`);
    });
  });
});
