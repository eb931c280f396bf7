/** What takes the keyboard over the panes: the passphrase prompt, else an action's question, centred. */

import { Box } from 'ink';
import { modalHeight } from '../src/cockpit/questionForm.js';
import { PassphrasePrompt } from './PassphrasePrompt.js';
import { QuestionModal } from './QuestionModal.js';
import { useActions } from './servicesContext.js';
import { useTrainyard } from './storeContext.js';
import { useUi } from './uiContext.js';

export function ModalBody({ columns, rows }: { columns: number; rows: number }) {
  const prompt = useTrainyard((s) => s.prompt);
  const question = useActions((s) => s.question);
  const typed = useUi((s) => (prompt !== null && s.passphrase.promptId === prompt.id ? s.passphrase.length : 0));
  const form = useUi((s) => s.form);
  return (
    <Box flexGrow={1} flexShrink={1} alignItems="center" justifyContent="center" overflow="hidden">
      {prompt ? (
        <PassphrasePrompt key={prompt.id} prompt={prompt} typed={typed} width={columns} />
      ) : question ? (
        <QuestionModal key={question.id} pending={question} form={form} width={columns} height={modalHeight(rows)} />
      ) : null}
    </Box>
  );
}
