/**
 * The answer being composed for an action's question: the text typed, the choice under the
 * cursor, how far the details are scrolled. Pure functions of the question and the screen height.
 */
import type { Question } from '../actions/types.js';
import type { PendingQuestion } from '../state/actionsStore.js';
import { charWidth, displayWidth } from '../text/width.js';

export interface QuestionForm {
  questionId: number;
  text: string;
  choice: number;
  detailTop: number;
  error: string | null;
  /** The whole question is shown (every line wrapped, nothing cut), scrolled to wholeTop. */
  whole: boolean;
  wholeTop: number;
}

export function initialForm(pending: PendingQuestion): QuestionForm {
  const q = pending.question;
  return {
    questionId: pending.id,
    text: q.kind === 'input' ? q.defaultValue : '',
    choice:
      q.kind === 'choice'
        ? Math.max(
            0,
            q.choices.findIndex((c) => c.value === q.defaultValue),
          )
        : 0,
    detailTop: 0,
    error: null,
    whole: false,
    wholeTop: 0,
  };
}

/** The form for the question on screen (a fresh one when the question changed). */
export function formFor(form: QuestionForm | null, pending: PendingQuestion): QuestionForm {
  return form !== null && form.questionId === pending.id ? form : initialForm(pending);
}

/** The modal's height budget: the frame minus its header and footer lines. */
export function modalHeight(rows: number): number {
  return Math.max(0, rows - 2);
}

/** Columns inside the modal's border and padding. */
export function modalInnerWidth(columns: number): number {
  return Math.max(10, Math.min(columns, 72)) - 4;
}

/** A question's message takes at most this many rows; the lists get the rest. */
export const MESSAGE_ROWS_MAX = 6;

/** Words wrapped into rows of `width` columns (a word longer than a row is cut across rows). */
export function wrapWords(text: string, width: number): string[] {
  const rows: string[] = [];
  let row = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let w = word;
    while ([...w].length > width) {
      if (row) rows.push(row);
      row = '';
      rows.push([...w].slice(0, width).join(''));
      w = [...w].slice(width).join('');
    }
    if (!row) row = w;
    else if ([...row].length + 1 + [...w].length <= width) row += ` ${w}`;
    else {
      rows.push(row);
      row = w;
    }
  }
  if (row || rows.length === 0) rows.push(row);
  return rows;
}

/** The message's rows as shown: wrapped, at most MESSAGE_ROWS_MAX (the last one cut with …). */
export function messageRows(message: string, columns: number): string[] {
  const rows = wrapWords(message, modalInnerWidth(columns));
  if (rows.length <= MESSAGE_ROWS_MAX) return rows;
  const shown = rows.slice(0, MESSAGE_ROWS_MAX);
  shown[MESSAGE_ROWS_MAX - 1] = `${[...shown[MESSAGE_ROWS_MAX - 1]].slice(0, modalInnerWidth(columns) - 1).join('')}…`;
  return shown;
}

/** The height the lists of `q` may share: the modal's, less the rows the message wraps onto. */
export function listHeight(q: Question, rows: number, columns: number): number {
  return Math.max(0, modalHeight(rows) - (messageRows(q.message, columns).length - 1));
}

/** How many detail lines (confirm) and choices (choice) fit in `height`: border 2, title, message, answer line, hint. */
export function questionRows(q: Question, height: number): { detailRows: number; choiceRows: number } {
  const details = q.kind === 'confirm' ? q.details.length : 0;
  const detailRows = Math.max(0, Math.min(details, height - 6 - (q.kind === 'confirm' && q.destructive ? 1 : 0)));
  const choiceRows = q.kind === 'choice' ? Math.max(1, Math.min(q.choices.length, height - 6)) : 0;
  return { detailRows, choiceRows };
}

export function scrollDetails(form: QuestionForm, q: Question, height: number, delta: number): QuestionForm {
  const details = q.kind === 'confirm' ? q.details.length : 0;
  const max = Math.max(0, details - questionRows(q, height).detailRows);
  const detailTop = Math.max(0, Math.min(max, form.detailTop + delta));
  return detailTop === form.detailTop ? form : { ...form, detailTop };
}

export function moveChoice(form: QuestionForm, q: Question, delta: number): QuestionForm {
  if (q.kind !== 'choice') return form;
  const choice = Math.max(0, Math.min(q.choices.length - 1, form.choice + delta));
  return choice === form.choice ? form : { ...form, choice };
}

/** Text cut into rows of at most `width` columns, every character kept (spaces too). */
export function wrapChars(text: string, width: number): string[] {
  const rows: string[] = [];
  let row = '';
  let used = 0;
  for (const ch of text) {
    const w = charWidth(ch);
    if (used + w > width && row) {
      rows.push(row);
      row = '';
      used = 0;
    }
    row += ch;
    used += w;
  }
  rows.push(row);
  return rows;
}

/** Whether the modal cuts something of `q` at this width: a long message, a detail line or a choice wider than the box. */
export function questionCut(q: Question, columns: number): boolean {
  const inner = modalInnerWidth(columns);
  if (wrapWords(q.message, inner).length > MESSAGE_ROWS_MAX) return true;
  if (q.kind === 'confirm') return q.details.some((d) => displayWidth(d) > inner);
  if (q.kind === 'choice') return q.choices.some((c) => displayWidth(c.label) + 2 > inner);
  return false;
}

/** The whole question in rows of the modal's width: the message, then every detail line or choice, nothing cut. */
export function wholeRows(q: Question, columns: number): string[] {
  const inner = modalInnerWidth(columns);
  const rows = wrapWords(q.message, inner);
  if (q.kind === 'confirm') for (const d of q.details) rows.push(...wrapChars(d, inner));
  if (q.kind === 'choice')
    for (const c of q.choices) rows.push(...wrapChars(c.label, inner - 2).map((r, i) => (i ? '  ' : '· ') + r));
  return rows;
}

/** Rows of the whole question on screen at once: the modal less its border, title and hint. */
export function wholeHeight(rows: number): number {
  return Math.max(1, modalHeight(rows) - 4);
}

/** Shows or leaves the whole question. */
export function toggleWhole(form: QuestionForm, whole: boolean): QuestionForm {
  return form.whole === whole ? form : { ...form, whole, wholeTop: 0 };
}

export function scrollWhole(
  form: QuestionForm,
  q: Question,
  rows: number,
  columns: number,
  delta: number,
): QuestionForm {
  const max = Math.max(0, wholeRows(q, columns).length - wholeHeight(rows));
  const wholeTop = Math.max(0, Math.min(max, form.wholeTop + delta));
  return wholeTop === form.wholeTop ? form : { ...form, wholeTop };
}
