import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.join(import.meta.dirname, '..', '..');

// The running cockpit's frames are checked against Ink's walk in cachedFrameOutput.test.ts
// (frameOutputShadow.ts); these are the kinds of change the cockpit may not make today.
describe('the incremental walk (components/incrementalRender.ts, changeMarkingDom.ts)', () => {
  it('writes what Ink’s own walk writes, frame after frame, for every kind of change to Ink’s DOM', () => {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', path.join(import.meta.dirname, 'incrementalRenderCases.tsx')],
      { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } },
    );
    const result = JSON.parse(out.slice(out.indexOf('{'))) as {
      walkRedirected: boolean;
      frames: number;
      replayed: number;
      mismatches: unknown[];
    };
    expect(result.walkRedirected).toBe(true);
    expect(result.frames).toBeGreaterThan(30);
    expect(result.replayed).toBeGreaterThan(result.frames * 5);
    expect(result.mismatches).toEqual([]);
  });

  it('leaves Ink’s walk in place when TRAINYARD_FULL_REDRAW=1', () => {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', path.join(import.meta.dirname, 'incrementalRenderCases.tsx')],
      { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production', TRAINYARD_FULL_REDRAW: '1' } },
    );
    const result = JSON.parse(out.slice(out.indexOf('{'))) as { walkRedirected: boolean; replayed: number };
    expect(result.walkRedirected).toBe(false);
    expect(result.replayed).toBe(0);
  });
});
