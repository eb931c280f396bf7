import { describe, expect, it } from 'vitest';
import { LineSplitter, MAX_LINE_CHARS } from '../../src/transport/lineSplitter.js';

function split(chunks: string[], splitCr = false, maxLineChars?: number): { lines: string[]; progress: string[] } {
  const lines: string[] = [];
  const progress: string[] = [];
  const s = new LineSplitter((l) => lines.push(l), splitCr, { maxLineChars, onProgress: (p) => progress.push(p) });
  for (const c of chunks) s.push(c);
  s.end();
  return { lines, progress };
}

/** Every way of cutting `text` in two, and one character at a time. */
function chunkings(text: string): string[][] {
  const all = [[text], [...text]];
  for (let i = 1; i < text.length; i++) all.push([text.slice(0, i), text.slice(i)]);
  return all;
}

describe('LineSplitter', () => {
  it('splits on \\n and \\r\\n however the stream is chunked', () => {
    const text = 'one\r\ntwo\n\nthree\r\n\r\nlast';
    for (const chunks of chunkings(text)) expect(split(chunks).lines).toEqual(['one', 'two', '', 'three', '', 'last']);
  });

  it('a \\r rewrites the line, as on a terminal: tqdm updates become the one line they end as', () => {
    const text = 'start\n 10%|#         |\r 50%|#####     |\r100%|##########|\ndone\r\n';
    for (const chunks of chunkings(text)) expect(split(chunks).lines).toEqual(['start', '100%|##########|', 'done']);
    expect(split(['a\r\r\n']).lines).toEqual(['a']);
    expect(split(['left over\r']).lines).toEqual(['left over']);
  });

  it('hands the updates of an unfinished line to onProgress, once per chunk, not one line each', () => {
    const updates = Array.from(
      { length: 30_000 },
      (_, i) => `\r${String(i).padStart(5)}/30000 [00:01<00:00, 9000it/s]`,
    );
    const chunks: string[] = [];
    for (let i = 0; i < updates.length; i += 1000) chunks.push(updates.slice(i, i + 1000).join(''));
    const { lines, progress } = split([...chunks, '\nnext line\n']);
    expect(lines).toEqual([`29999/30000 [00:01<00:00, 9000it/s]`, 'next line']);
    expect(progress).toHaveLength(30);
    expect(progress[0]).toBe('  998/30000 [00:01<00:00, 9000it/s]');
    expect(progress.at(-1)).toBe('29998/30000 [00:01<00:00, 9000it/s]');
  });

  it('splitCr mode ends a line at every \\r, \\n or \\r\\n (rsync progress), however chunked', () => {
    const text = '  1,000  10%\r  5,000  50%\r\nfile\n\rtail';
    for (const chunks of chunkings(text))
      expect(split(chunks, true).lines).toEqual(['  1,000  10%', '  5,000  50%', 'file', '', 'tail']);
  });

  it('cuts a line longer than the cap and says how much was cut', () => {
    const huge = 'x'.repeat(10 * 1024 * 1024);
    const { lines } = split([huge.slice(0, 3_000_000), huge.slice(3_000_000), '\nafter\n']);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(`${'x'.repeat(MAX_LINE_CHARS)} … (${huge.length - MAX_LINE_CHARS} more characters cut)`);
    expect(lines[1]).toBe('after');
    expect(split(['abcdefgh\n', 'abc\n'], false, 4).lines).toEqual(['abcd … (4 more characters cut)', 'abc']);
  });
});
