import { describe, expect, test } from 'vitest';
import { fit, fitSegments, textWidth, truncate } from '../../src/format/text.js';

describe('text fitting', () => {
  test('truncate cuts with … and leaves short text alone', () => {
    expect(truncate('train01', 10)).toBe('train01');
    expect(truncate('sweep-lr0-bs64', 8)).toBe('sweep-l…');
    expect(truncate('abc', 1)).toBe('…');
    expect(truncate('abc', 0)).toBe('');
  });

  test('fit pads to the exact width on the requested side', () => {
    expect(fit('99%', 5, 'right')).toBe('  99%');
    expect(fit('H100', 6)).toBe('H100  ');
    expect(textWidth(fit('▁▂▃▄▅▆▇█', 5))).toBe(5);
  });

  test('fitSegments keeps tones, pads, and cuts to exactly the width', () => {
    const segs = [
      { text: '▶2', tone: 'ok' },
      { text: ' ✓1', tone: 'muted' },
      { text: ' ✗1', tone: 'bad' },
    ];
    expect(fitSegments(segs, 10)).toEqual([...segs, { text: '  ' }]);
    expect(fitSegments(segs, 10, 'right')[0]).toEqual({ text: '  ' });
    const cut = fitSegments(segs, 5);
    expect(cut.map((s) => s.text).join('')).toBe('▶2 ✓…');
    expect(cut[1].tone).toBe('muted');
    expect(fitSegments(segs, 0)).toEqual([]);
  });
});
