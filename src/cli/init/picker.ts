/**
 * A checklist in the terminal, drawn in place below the cursor: single keys only (j/k, space,
 * digits, enter), so it works from a phone keyboard with no arrows or modifiers.
 */
import { truncate } from '../../format/text.js';
import { printRedraw } from '../print.js';
import type { Key, KeyInput } from './keyInput.js';

export interface PickerItem {
  label: string;
  detail: string;
  selected: boolean;
}

export interface PickerState {
  items: PickerItem[];
  cursor: number;
}

export type PickerOutcome = 'confirm' | 'cancel' | null;

export const PICKER_KEYS = 'j/k move · space pick · a all · enter ok · q quit';

/** One key's effect: the next state, and whether the picker is finished. */
export function pickerStep(state: PickerState, key: Key): { state: PickerState; outcome: PickerOutcome } {
  const n = state.items.length;
  const toggle = (index: number): PickerState => ({
    cursor: index,
    items: state.items.map((item, i) => (i === index ? { ...item, selected: !item.selected } : item)),
  });
  const move = (cursor: number): PickerState => ({ ...state, cursor: Math.max(0, Math.min(n - 1, cursor)) });
  if (key.name === 'return') return { state, outcome: 'confirm' };
  if (key.name === 'escape' || key.name === 'interrupt' || key.name === 'eof') return { state, outcome: 'cancel' };
  if (key.name === 'down' || key.name === 'tab') return { state: move(state.cursor + 1), outcome: null };
  if (key.name === 'up') return { state: move(state.cursor - 1), outcome: null };
  if (key.name !== 'char') return { state, outcome: null };
  switch (key.char) {
    case 'j':
      return { state: move(state.cursor + 1), outcome: null };
    case 'k':
      return { state: move(state.cursor - 1), outcome: null };
    case 'g':
      return { state: move(0), outcome: null };
    case 'G':
      return { state: move(n - 1), outcome: null };
    case ' ':
    case 'x':
      return { state: n ? toggle(state.cursor) : state, outcome: null };
    case 'a': {
      const all = state.items.every((item) => item.selected);
      return { state: { ...state, items: state.items.map((item) => ({ ...item, selected: !all })) }, outcome: null };
    }
    case 'q':
      return { state, outcome: 'cancel' };
    default:
      if (/^[1-9]$/.test(key.char) && Number(key.char) <= n)
        return { state: toggle(Number(key.char) - 1), outcome: null };
      return { state, outcome: null };
  }
}

/** The picker's lines, each cut to `columns` so the redraw can count them. */
export function renderPicker(title: string, state: PickerState, columns: number): string[] {
  const width = Math.max(20, columns - 1);
  const labelWidth = Math.min(24, Math.max(...state.items.map((item) => item.label.length), 4));
  const rows = state.items.map((item, i) => {
    const number = i < 9 ? `${i + 1}` : ' ';
    return truncate(
      `${i === state.cursor ? '>' : ' '} ${number} [${item.selected ? 'x' : ' '}] ${item.label.padEnd(labelWidth)}  ${item.detail}`,
      width,
    );
  });
  const count = state.items.filter((item) => item.selected).length;
  return [truncate(title, width), ...rows, truncate(`${count} picked · ${PICKER_KEYS}`, width)];
}

/** Runs the picker on the terminal; the picked labels, or null when cancelled. */
export async function runPicker(
  title: string,
  items: PickerItem[],
  keys: KeyInput,
  out: NodeJS.WritableStream & { columns?: number },
): Promise<string[] | null> {
  let state: PickerState = { items, cursor: 0 };
  let drawn = 0;
  const draw = () => {
    const lines = renderPicker(title, state, out.columns ?? 80);
    printRedraw(out, drawn, lines);
    drawn = lines.length;
  };
  draw();
  for (;;) {
    const step = pickerStep(state, await keys.next());
    state = step.state;
    if (step.outcome === 'cancel') return null;
    if (step.outcome === 'confirm') return state.items.filter((item) => item.selected).map((item) => item.label);
    if (keys.queued === 0) draw();
  }
}
