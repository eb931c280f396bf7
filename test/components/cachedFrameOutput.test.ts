import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { random } from '../support/random.js';

// The built module, as the bin's hook loads it (`npm test` builds first).
const root = path.join(import.meta.dirname, '..', '..');
const { CachedFrameOutput, InkOutput } = await import(
  pathToFileURL(path.join(root, 'dist', 'components', 'cachedFrameOutput.js')).href
);

interface Writable {
  write(
    x: number,
    y: number,
    text: string,
    options: { transformers: ((line: string, index: number) => string)[] },
  ): void;
  clip(clip: { x1?: number; x2?: number; y1?: number; y2?: number }): void;
  unclip(): void;
}
type Op = (o: Writable) => void;

const pieces = ['gpu-node-1', ' ', '▁▂▃▅▇█', '中文', '🧪', 'e\u0301', '81 %', '┃', '\u200b', 'a\tb', '—'];
const sgr = (open: number, close: number) => (t: string) => `\u001b[${open}m${t}\u001b[${close}m`;
const styles = [(t: string) => t, sgr(31, 39), sgr(1, 22), sgr(7, 27), (t: string) => sgr(44, 49)(sgr(32, 39)(t))];

function randomFrame(next: (n: number) => number, width: number, height: number): Op[] {
  const ops: Op[] = [];
  let depth = 0;
  for (let i = 0; i < 40; i++) {
    const kind = next(10);
    if (kind === 0) {
      const x1 = next(width + 4) - 2;
      const y1 = next(height + 2) - 1;
      const clip = next(3) === 0 ? { x1, x2: x1 + next(20) } : { x1, x2: x1 + next(30), y1, y2: y1 + next(6) };
      ops.push((o) => o.clip(clip));
      depth++;
    } else if (kind === 1 && depth > 0) {
      ops.push((o) => o.unclip());
      depth--;
    } else {
      const lines = Array.from({ length: 1 + next(3) }, () =>
        Array.from({ length: 1 + next(5) }, () => styles[next(styles.length)](pieces[next(pieces.length)])).join(''),
      );
      const text = lines.join('\n');
      const x = next(width + 6) - 3;
      const y = next(height + 2) - 1;
      const transformers =
        next(3) === 0 ? [(line: string, index: number) => (index % 2 ? sgr(2, 22)(line) : line)] : [];
      ops.push((o) => o.write(x, y, text, { transformers }));
    }
  }
  return ops;
}

describe('the cockpit’s frame buffer (components/cachedFrameOutput.ts)', () => {
  it('draws what Ink’s own Output draws from the same writes, frame after frame', () => {
    const next = random(7);
    const wrong: string[] = [];
    for (let frame = 0; frame < 400; frame++) {
      const [width, height] = frame % 50 < 25 ? [30, 8] : [12, 4];
      // Every other frame repeats the last one, so the caches answer as well as compute.
      const ops = frame % 2 ? randomFrame(random(frame), width, height) : randomFrame(next, width, height);
      const ours = new CachedFrameOutput({ width, height });
      const inks = new InkOutput({ width, height });
      for (const op of ops) {
        op(ours);
        op(inks);
      }
      const [a, b] = [ours.get(), inks.get()];
      if (a.output !== b.output || a.height !== b.height) wrong.push(`frame ${frame}: ${JSON.stringify(b.output)}`);
    }
    expect(wrong.slice(0, 3)).toEqual([]);
  });

  it('draws every frame of the running cockpit as Ink would (wide, narrow, tiny, odd names, keys, a resize)', () => {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', path.join(import.meta.dirname, 'frameOutputShadow.ts')],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, NODE_ENV: 'production' },
      },
    );
    const result = JSON.parse(out.slice(out.indexOf('{'))) as {
      outputRedirected: boolean;
      frames: number;
      mismatches: unknown[];
    };
    expect(result.outputRedirected).toBe(true);
    expect(result.frames).toBeGreaterThan(60);
    expect(result.mismatches).toEqual([]);
  });
});
