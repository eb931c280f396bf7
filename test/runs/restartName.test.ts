import { describe, expect, it } from 'vitest';
import { sessionNameProblem } from '../../src/backends/tmux/tmuxArgs.js';
import { lineageOf, restartName } from '../../src/runs/restartName.js';

describe("a restarted run's name", () => {
  it('is the lineage base and the restart number', () => {
    const none = () => false;
    expect(restartName('train01', none)).toBe('train01-r1');
    expect(restartName('train01-r1', none)).toBe('train01-r2');
    expect(restartName('mnist-3f2a-r9', none)).toBe('mnist-3f2a-r10');
    // "-r" followed by something else is part of the name, not a restart number
    expect(restartName('exp-rerun', none)).toBe('exp-rerun-r1');
    expect(restartName('exp-r08', none)).toBe('exp-r08-r1');
    expect(lineageOf('a-r12')).toEqual({ root: 'a', number: 12 });
  });

  it('keeps only plain bytes of the first name, as the watchdog does (tmux would run "#(…)" in a name)', () => {
    const none = () => false;
    expect(restartName(`evil'$(touch X)";#(touch Y) x`, none)).toBe('evil---touch-X-----touch-Y--x-r1');
    expect(restartName('état-r2', none)).toBe('tat-r3');
    expect(restartName('___', none)).toBe('run-r1');
    expect(restartName(`${'a'.repeat(80)}-r1`, none)).toBe(`${'a'.repeat(60)}-r2`);
  });

  it('skips names already taken, and stays a valid session name', () => {
    const taken = new Set(['train01-r2', 'train01-r3']);
    const name = restartName('train01-r1', (n) => taken.has(n));
    expect(name).toBe('train01-r4');
    expect(sessionNameProblem(name)).toBeNull();
  });
});
