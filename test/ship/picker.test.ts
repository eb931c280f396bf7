import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type Key, KeyInput, splitKeys } from '../../src/cli/init/keyInput.js';
import { type PickerState, pickerStep, renderPicker, runPicker } from '../../src/cli/init/picker.js';
import { askLine, askYesNo, Cancelled } from '../../src/cli/init/prompt.js';

const chars = (s: string): Key[] => [...s].map((char) => ({ name: 'char', char }));

function sink() {
  let text = '';
  const out = { columns: 50, write: (chunk: string) => ((text += chunk), true) } as unknown as NodeJS.WritableStream & {
    columns: number;
  };
  return { out, text: () => text };
}

describe('keys from a terminal', () => {
  it('splits a chunk into every key it holds, arrows and CRLF included', () => {
    expect(splitKeys('jj x\r')).toEqual([...chars('jj x'), { name: 'return' }]);
    expect(splitKeys('\u001b[A\u001bOB\u001b[1;5C\u001b')).toEqual([
      { name: 'up' },
      { name: 'down' },
      { name: 'escape' },
    ]);
    expect(splitKeys('ab\r\nc\u007f\u0003\t')).toEqual([
      ...chars('ab'),
      { name: 'return' },
      ...chars('c'),
      { name: 'backspace' },
      { name: 'interrupt' },
      { name: 'tab' },
    ]);
    expect(splitKeys('\u0007\u009b\u0000')).toEqual([]);
  });

  it('KeyInput hands out the keys of one chunk one by one, then eof when the stream ends', async () => {
    const stream = new PassThrough();
    const keys = new KeyInput(stream);
    stream.write('k \r');
    expect([await keys.next(), await keys.next(), await keys.next()]).toEqual([...chars('k '), { name: 'return' }]);
    stream.end();
    expect(await keys.next()).toEqual({ name: 'eof' });
    keys.close();
  });
});

describe('the host picker', () => {
  const start: PickerState = {
    cursor: 0,
    items: [
      { label: 'gpu-1', detail: 'ok', selected: true },
      { label: 'gpu-2', detail: 'no answer', selected: false },
      { label: 'gpu-3', detail: 'ok', selected: true },
    ],
  };
  const run = (keys: Key[]) => keys.reduce((s, k) => pickerStep(s, k).state, start);
  const picked = (s: PickerState) => s.items.filter((i) => i.selected).map((i) => i.label);

  it('j/k move (clamped), space toggles, digits toggle a row, a toggles all', () => {
    expect(run(chars('jjjj')).cursor).toBe(2);
    expect(run(chars('kk')).cursor).toBe(0);
    expect(picked(run(chars('j ')))).toEqual(['gpu-1', 'gpu-2', 'gpu-3']);
    expect(picked(run(chars('13')))).toEqual([]);
    expect(picked(run(chars('a')))).toEqual(['gpu-1', 'gpu-2', 'gpu-3']);
    expect(picked(run(chars('aa')))).toEqual([]);
    expect(picked(run(chars('9')))).toEqual(['gpu-1', 'gpu-3']);
  });

  it('enter confirms; q, Esc and Ctrl-C cancel', () => {
    expect(pickerStep(start, { name: 'return' }).outcome).toBe('confirm');
    for (const key of [...chars('q'), { name: 'escape' }, { name: 'interrupt' }] as Key[])
      expect(pickerStep(start, key).outcome).toBe('cancel');
  });

  it('draws every row within the terminal width, the cursor and the picks visible', () => {
    const lines = renderPicker(
      'Pick hosts',
      { ...start, items: start.items.map((i) => ({ ...i, detail: 'x'.repeat(200) })) },
      50,
    );
    expect(lines).toHaveLength(5);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(49);
    expect(lines[1]).toMatch(/^> 1 \[x\] gpu-1/);
    expect(lines[2]).toMatch(/^ {2}2 \[ \] gpu-2/);
    expect(lines[4]).toMatch(/^2 picked/);
  });

  it('a chunk of keys typed at once all count, and the screen is redrawn once for them', async () => {
    const stream = new PassThrough();
    const keys = new KeyInput(stream);
    const { out, text } = sink();
    const result = runPicker('Pick hosts', start.items, keys, out);
    stream.write('j 3\r');
    expect(await result).toEqual(['gpu-1', 'gpu-2']);
    // the first draw only: the four keys arrived together, so no redraw was needed before enter
    expect(text().match(/Pick hosts/g)).toHaveLength(1);
    keys.close();
  });
});

describe('questions', () => {
  it('askLine takes a pasted answer with backspace, or the default on a bare enter', async () => {
    const stream = new PassThrough();
    const keys = new KeyInput(stream);
    const { out, text } = sink();
    stream.write('python trainn\u007f.py\r\r');
    expect(await askLine(keys, out, 'Train command')).toBe('python train.py');
    expect(await askLine(keys, out, 'Remote directory', '~/demo')).toBe('~/demo');
    expect(text()).toContain('Remote directory [~/demo]: ');
    stream.write('\u0003');
    await expect(askLine(keys, out, 'Name')).rejects.toBeInstanceOf(Cancelled);
    keys.close();
  });

  it('askYesNo waits for y, n or enter and ignores other keys', async () => {
    const stream = new PassThrough();
    const keys = new KeyInput(stream);
    const { out } = sink();
    stream.write('xY\rzn');
    expect(await askYesNo(keys, out, 'Add?', false)).toBe(true);
    expect(await askYesNo(keys, out, 'Add?', false)).toBe(false);
    expect(await askYesNo(keys, out, 'Add?', false)).toBe(false);
    keys.close();
  });
});
