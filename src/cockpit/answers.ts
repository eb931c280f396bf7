/**
 * Answering what the cockpit is asked: an action's question (the form being composed) and an
 * encrypted key's passphrase (kept here, never in state: the state only counts its characters).
 */
import type { StoreApi } from 'zustand/vanilla';
import type { PendingQuestion } from '../state/actionsStore.js';
import type { PendingPrompt } from '../state/store.js';
import type { CockpitUiState } from './cockpitState.js';
import {
  formFor,
  moveChoice,
  type QuestionForm,
  questionCut,
  scrollDetails,
  scrollWhole,
  toggleWhole,
} from './questionForm.js';

export interface AnswersDeps {
  store: StoreApi<CockpitUiState>;
  question(): PendingQuestion | null;
  prompt(): PendingPrompt | null;
  /** The height the question's lists share now. */
  height(q: PendingQuestion): number;
  /** The terminal's size now. */
  screen(): { rows: number; columns: number };
  answerQuestion(id: number, value: boolean | string | null): void;
  answerPrompt(id: number, value: string | null): void;
}

export class Answers {
  private secret = '';
  private secretFor: number | null = null;
  /** The question answered last: until the runner takes it down, keys behind the answer pass it by. */
  answered: number | null = null;

  constructor(private readonly deps: AnswersDeps) {}

  /** The form of the question on screen, changed by `change` (null when there is no question). */
  updateForm(change: (form: QuestionForm, height: number) => QuestionForm): void {
    const pending = this.deps.question();
    if (!pending) return;
    this.deps.store.setState({
      form: change(formFor(this.deps.store.getState().form, pending), this.deps.height(pending)),
    });
  }

  scrollQuestion(delta: number): void {
    const q = this.deps.question()?.question;
    if (q) this.updateForm((f, h) => scrollDetails(f, q, h, delta));
  }

  /** Whether the question on screen has a line cut short (then Enter or tab shows it whole). */
  cut(): boolean {
    const q = this.deps.question()?.question;
    return q !== undefined && questionCut(q, this.deps.screen().columns);
  }

  /** Whether the whole question is on screen. */
  whole(): boolean {
    const pending = this.deps.question();
    return pending !== null && formFor(this.deps.store.getState().form, pending).whole;
  }

  showWhole(on: boolean): void {
    this.updateForm((f) => toggleWhole(f, on));
  }

  scrollWhole(delta: number): void {
    const q = this.deps.question()?.question;
    const { rows, columns } = this.deps.screen();
    if (q) this.updateForm((f) => scrollWhole(f, q, rows, columns, delta));
  }

  moveChoice(delta: number): void {
    const q = this.deps.question()?.question;
    if (q) this.updateForm((f) => moveChoice(f, q, delta));
  }

  /** Answers the question on screen (once: the next keys of a chunk find no question or a new one). */
  answer(value: boolean | string | null): void {
    const pending = this.deps.question();
    if (!pending) return;
    this.answered = pending.id;
    this.deps.store.setState({ form: null });
    this.deps.answerQuestion(pending.id, value);
  }

  /** Enter on an input or choice question. */
  submitForm(): void {
    const pending = this.deps.question();
    if (!pending) return;
    const q = pending.question;
    const form = formFor(this.deps.store.getState().form, pending);
    if (q.kind === 'choice') return this.answer(q.choices[form.choice]?.value ?? null);
    if (q.kind !== 'input') return;
    const problem = q.validate?.(form.text) ?? null;
    if (problem) this.deps.store.setState({ form: { ...form, error: problem } });
    else this.answer(form.text);
  }

  private setSecret(next: string): void {
    const prompt = this.deps.prompt();
    this.secretFor = prompt?.id ?? null;
    this.secret = next;
    this.deps.store.setState({ passphrase: { promptId: this.secretFor, length: [...next].length } });
  }

  /** The passphrase typed so far for the prompt on screen. */
  private currentSecret(): string {
    return this.secretFor === this.deps.prompt()?.id ? this.secret : '';
  }

  typePassphrase(text: string): void {
    this.setSecret(this.currentSecret() + text);
  }

  erasePassphrase(all: boolean): void {
    this.setSecret(all ? '' : [...this.currentSecret()].slice(0, -1).join(''));
  }

  /** Enter (the secret) or Esc (null) on the passphrase prompt. */
  answerPrompt(submit: boolean): void {
    const prompt = this.deps.prompt();
    if (!prompt) return;
    const value = submit ? this.currentSecret() : null;
    this.setSecret('');
    this.deps.answerPrompt(prompt.id, value);
  }
}
