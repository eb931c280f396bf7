/**
 * The answer being composed for an action's question: the text typed, the choice under the
 * cursor, how far the details are scrolled. Pure functions of the question and the screen height.
 */
import type { Question } from '../actions/types.js';
import type { PendingQuestion } from '../state/actionsStore.js';

export interface QuestionForm {
  questionId: number;
  text: string;
  choice: number;
  detailTop: number;
  error: string | null;
}

export function initialForm(pending: PendingQuestion): QuestionForm {
  const q = pending.question;
  return {
    questionId: pending.id,
    text: q.kind === 'input' ? q.defaultValue : '',
    choice: q.kind === 'choice' ? Math.max(0, q.choices.findIndex((c) => c.value === q.defaultValue)) : 0,
    detailTop: 0,
    error: null,
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
