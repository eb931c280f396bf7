/**
 * How an action's questions are answered: --yes answers confirmations yes (and says so), a dry run
 * takes them as yes to show what would follow, otherwise the person is asked, with secrets masked
 * in what they are shown. A cancelled run asks nothing more.
 */
import type { Redactor } from '../secrets/secrets.js';
import { ActionCancelled, type ActionContext, type OutputKind, type Question } from './types.js';

export interface QuestionPolicy {
  signal: AbortSignal;
  assumeYes: boolean;
  dryRun: boolean;
  redactor: Redactor;
  output(text: string, kind: OutputKind): void;
  /** Puts a question to the person. */
  ask(question: Question): Promise<boolean | string | null>;
}

export function contextQuestions(o: QuestionPolicy): Pick<ActionContext, 'confirm' | 'ask'> {
  const stopIfCancelled = () => {
    if (o.signal.aborted) throw new ActionCancelled('cancelled', false);
  };
  return {
    confirm: async (q) => {
      stopIfCancelled();
      if (o.assumeYes) {
        o.output(`${q.message} — yes (--yes)`, 'warn');
        return true;
      }
      if (o.dryRun) {
        o.output(`would ask: ${q.message} — taken as yes for the dry run`, 'warn');
        return true;
      }
      const a = await o.ask({
        kind: 'confirm',
        ...q,
        message: o.redactor.redact(q.message),
        details: q.details.map((d) => o.redactor.redact(d)),
      });
      stopIfCancelled();
      return a === true;
    },
    ask: async (q) => {
      stopIfCancelled();
      const a = await o.ask(q);
      stopIfCancelled();
      return typeof a === 'string' ? a : null;
    },
  };
}
