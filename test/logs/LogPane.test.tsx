import chalk from 'chalk';
import { render } from 'ink-testing-library';
import type React from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { LogPane } from '../../components/LogPane.js';
import { LossChart } from '../../components/LossChart.js';
import { LogTail } from '../../src/logs/logTail.js';
import { MetricsCollector } from '../../src/logs/metrics.js';
import { RECORD_END } from '../../src/logs/tailCommand.js';
import { resizeTerminal } from '../support/resizeTerminal.js';
import { ScriptedTransport } from '../support/scriptedTransport.js';
import { sleep, waitFor } from './helpers.js';

const ESC = '\u001b';
const KEYS = { esc: ESC, enter: '\r', up: `${ESC}[A`, pgup: `${ESC}[5~` };

function setup() {
  // the tail's record stream, fed as the server would write it
  const transport = new ScriptedTransport();
  const stream = transport.expectStream('trainyard-tail', { live: true });
  const tail = new LogTail({ transport, file: '/runs/train01.log', flushMs: 10 });
  tail.start();
  stream.line(`F 9 0 0 start${RECORD_END}`);
  let offset = 0;
  let n = 0;
  const write = (text: string) => {
    offset += text.length + 1;
    stream.line(`L ${offset} ${text}${RECORD_END}`);
  };
  const writeSteps = (count: number) => {
    for (let i = 0; i < count; i++, n++) write(stepLine(n));
  };
  return {
    tail,
    transport,
    write,
    writeSteps,
    partial: (text: string) => stream.line(`P ${offset} ${text}${RECORD_END}`),
  };
}

async function mount(node: React.ReactElement, columns = 50, rows = 25) {
  const r = render(node);
  resizeTerminal(r.stdout, columns, rows);
  await sleep(30);
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      r.stdin.write(k);
      await sleep(k === ESC ? 60 : 15);
    }
  };
  const frame = () => r.lastFrame() ?? '';
  const plain = () => frame().replace(/\u001b\[[0-9;]*m/g, '');
  return { ...r, press, frame, plain, lines: () => plain().split('\n') };
}

// Vitest's output is not a terminal: give chalk (Ink's styling, same instance) a colour level so
// inverse highlights are visible in frames.
let level: typeof chalk.level;
beforeAll(() => {
  level = chalk.level;
  chalk.level = 1;
});
afterAll(() => {
  chalk.level = level;
});

const stepLine = (n: number) =>
  n % 25 === 7 ? `step ${n} loss nan` : `step ${n} loss ${(2 / (1 + n / 50)).toFixed(4)}`;
/** Rows with text (a short log leaves blank rows under it). */
const filled = (lines: string[]) => lines.filter((l) => l.trim() !== '');

const mounted: { unmount(): void }[] = [];
const tails: LogTail[] = [];
afterEach(() => {
  for (const m of mounted.splice(0)) m.unmount();
  for (const t of tails.splice(0)) t.stop();
});

describe('LogPane at 50x25', () => {
  test('follows the newest lines, fits the screen, and keeps only SGR escapes', async () => {
    const s = setup();
    tails.push(s.tail);
    const ui = await mount(<LogPane tail={s.tail} width={50} height={25} title="gpu-1 train01" />);
    mounted.push(ui);
    s.writeSteps(100);
    s.write(`${ESC}[2J${ESC}[H${ESC}[31mred error${ESC}[0m${ESC}]0;title${ESC}\\ after`);
    s.write('x'.repeat(130));
    s.partial(`${ESC}[2K 10%|█\r 60%|██████`);
    await sleep(60);
    const lines = ui.lines();
    expect(lines.length).toBeLessThanOrEqual(25);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(50);
    expect(lines[0]).toContain('gpu-1 train01');
    expect(lines[0]).toContain('following');
    expect(lines.at(-1)).toBe(' 60%|██████');
    expect(lines.slice(-4, -1)).toEqual(['x'.repeat(50), 'x'.repeat(50), 'x'.repeat(30)]);
    expect(lines.at(-5)).toBe('red error after');
    expect(lines.at(-6)).toBe(stepLine(99));
    // Colours reach Ink; cursor movement, clearing and titles do not.
    expect(ui.frame()).toMatch(/\u001b\[31m/);
    expect(ui.frame()).not.toMatch(/\u001b(?!\[[0-9;]*m)/);
  });

  test('f pauses: new lines do not scroll the view; G follows again', async () => {
    const s = setup();
    tails.push(s.tail);
    const ui = await mount(<LogPane tail={s.tail} width={50} height={25} />);
    mounted.push(ui);
    s.writeSteps(50);
    await sleep(40);
    await ui.press('f');
    const before = ui.lines().slice(1);
    expect(ui.lines()[0]).toContain('paused');
    s.writeSteps(30);
    await sleep(60);
    expect(ui.lines().slice(1)).toEqual(before);
    expect(ui.lines()[0]).toContain('paused +30');
    await ui.press('G');
    expect(ui.lines().at(-1)).toBe(stepLine(79));
    expect(ui.lines()[0]).toContain('following');
  });

  test('scrolling up with k and PgUp pauses and moves back', async () => {
    const s = setup();
    tails.push(s.tail);
    const ui = await mount(<LogPane tail={s.tail} width={50} height={25} />);
    mounted.push(ui);
    s.writeSteps(100);
    await sleep(40);
    await ui.press('k');
    expect(ui.lines().at(-1)).toBe(stepLine(98));
    await ui.press(KEYS.pgup);
    expect(ui.lines().at(-1)).toMatch(/^step 75 /);
    expect(ui.lines()[0]).toContain('paused +24');
  });

  test('/ search: typing shows at the bottom, Enter jumps to the newest match, n / N move, Esc clears', async () => {
    const s = setup();
    tails.push(s.tail);
    const typing: boolean[] = [];
    const ui = await mount(<LogPane tail={s.tail} width={50} height={25} onInputModeChange={(t) => typing.push(t)} />);
    mounted.push(ui);
    s.writeSteps(200); // nan at 7, 32, 57, ..., 182
    await sleep(40);
    await ui.press('/', 'n', 'a', 'n');
    expect(ui.lines().at(-1)!.trimEnd()).toBe('/nan');
    expect(typing).toEqual([true]);
    await ui.press(KEYS.enter);
    expect(typing).toEqual([true, false]);
    expect(ui.lines()[0]).toContain('/nan');
    expect(ui.plain()).toContain('step 182 loss nan');
    expect(ui.frame()).toMatch(/\u001b\[7m[^\n]*nan/); // the match is drawn inverse
    await ui.press('n');
    expect(ui.plain()).toContain('step 157 loss nan');
    expect(ui.plain()).not.toContain('step 182 loss nan');
    await ui.press('N');
    expect(ui.plain()).toContain('step 182 loss nan');
    await ui.press(ESC);
    expect(ui.lines()[0]).not.toContain('/nan');
    await ui.press('/', 'z', 'z', 'z', KEYS.enter);
    expect(ui.lines()[0]).toContain('/zzz not found');
  });

  test('w cuts long lines to one row; wrapped or cut, nothing is wider than 50 columns', async () => {
    const s = setup();
    tails.push(s.tail);
    const ui = await mount(<LogPane tail={s.tail} width={50} height={25} />);
    mounted.push(ui);
    s.write('日本語のログ'.repeat(12));
    s.write('y'.repeat(75));
    await sleep(40);
    let lines = filled(ui.lines());
    expect(lines.at(-1)).toBe('y'.repeat(25));
    expect(lines.at(-2)).toBe('y'.repeat(50));
    await ui.press('w');
    lines = filled(ui.lines());
    expect(lines.at(-1)).toBe('y'.repeat(50));
    expect(lines[0]).toContain('cut');
    await ui.press('l'); // half a screen to the right
    expect(filled(ui.lines()).at(-1)).toBe('y'.repeat(50));
    await ui.press('l');
    expect(filled(ui.lines()).at(-1)).toBe('y'.repeat(25));
    for (const l of ui.lines())
      expect([...l].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0)).toBeLessThanOrEqual(50);
  });

  test('keys are ignored while the pane is not active', async () => {
    const s = setup();
    tails.push(s.tail);
    const ui = await mount(<LogPane tail={s.tail} width={50} height={25} isActive={false} />);
    mounted.push(ui);
    s.writeSteps(10);
    await sleep(40);
    await ui.press('f', '/');
    expect(ui.lines()[0]).toContain('following');
  });

  test('a dropped link shows in the status line', async () => {
    const transport = new ScriptedTransport();
    transport.expectStream('trainyard-tail', { result: { code: null, signal: 'disconnected' } });
    const tail = new LogTail({ transport, file: '/x.log', maxRetryMs: 60_000 });
    tails.push(tail);
    const ui = await mount(<LogPane tail={tail} width={50} height={25} />);
    mounted.push(ui);
    tail.start();
    await sleep(50);
    expect(ui.lines()[0]).toContain('link down');
  });
});

describe('LossChart at 50 columns', () => {
  test('draws the loss from the log with its nan marks, and m switches metric', async () => {
    const s = setup();
    tails.push(s.tail);
    const metrics = new MetricsCollector(null, { publishMs: 10 });
    metrics.attach(s.tail);
    const ui = await mount(<LossChart metrics={metrics} width={50} height={12} />);
    mounted.push(ui);
    expect(ui.lines()[0]).toContain('no metrics');
    for (let i = 0; i < 300; i++)
      s.write(i % 50 === 7 ? `step ${i} loss nan lr 1e-3` : `step ${i} loss ${(2 / (1 + i / 20)).toFixed(4)} lr 1e-3`);
    await waitFor(() => ui.lines()[0], {
      until: (top) => /^loss 0\.125 .*6 nan\/inf/.test(top),
      what: 'the chart to draw all 300 steps',
      show: String,
    });
    const lines = ui.lines();
    expect(lines).toHaveLength(12);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(50);
    expect(lines[0]).toMatch(/^loss 0\.125 .*6 nan\/inf/);
    expect(lines.some((l) => /[\u2801-\u28ff]/.test(l))).toBe(true);
    expect(lines[10].match(/x/g)).toHaveLength(6);
    await ui.press('m');
    expect(ui.lines()[0]).toMatch(/^lr 0\.001/);
    await ui.press('y');
    expect(ui.lines()[0]).toContain('log y');
  });
});
