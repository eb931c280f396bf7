/** Keys of what takes the whole keyboard: the help overlay, an action's question, the passphrase prompt. */

import type { KeyPress, KeyScope } from '../keys.js';
import type { KeyTarget } from '../keyTarget.js';

export const helpScope: KeyScope<KeyTarget> = {
  id: 'help',
  title: 'Help',
  bindings: [
    {
      id: 'helpDown',
      keys: [{ input: 'j' }, { key: 'downArrow' }],
      help: 'scroll down',
      footer: 'j/k scroll',
      run: (ui) => ui.move(1),
    },
    { id: 'helpUp', keys: [{ input: 'k' }, { key: 'upArrow' }], help: 'scroll up', run: (ui) => ui.move(-1) },
    { id: 'helpTop', keys: [{ input: 'g' }], help: 'top', run: (ui) => ui.edge('top') },
    { id: 'helpBottom', keys: [{ input: 'G' }], help: 'bottom', run: (ui) => ui.edge('bottom') },
    {
      id: 'helpClose',
      keys: [{ key: 'escape' }, { input: '?' }],
      help: 'close help',
      footer: 'Esc close',
      run: (ui) => ui.toggleHelp(),
    },
    { id: 'helpQuit', keys: [{ input: 'q' }, { input: 'c', ctrl: true }], help: 'quit', run: (ui) => ui.quit() },
  ],
  modal: true,
};

const kind = (ui: KeyTarget) => ui.question()?.question.kind;

/** Printable text from a key (no control characters, no Ctrl/Alt combinations). */
function typed(press: KeyPress): string {
  if (press.key.ctrl || press.key.meta) return '';
  return press.input.replace(/[\x00-\x1f\x7f]/g, '');
}

export const questionScope: KeyScope<KeyTarget> = {
  id: 'question',
  title: 'Questions',
  bindings: [
    {
      id: 'wholeBack',
      keys: [{ key: 'return' }, { key: 'tab' }],
      help: 'back from the whole text',
      when: (ui) => ui.answers.whole(),
      run: (ui) => ui.answers.showWhole(false),
    },
    {
      id: 'whole',
      keys: [{ key: 'return' }],
      help: 'whole text of a cut (…) confirm',
      when: (ui) => kind(ui) === 'confirm' && ui.answers.cut(),
      run: (ui) => ui.answers.showWhole(true),
    },
    {
      id: 'wholeAny',
      keys: [{ key: 'tab' }],
      help: 'whole text of any cut (…) question',
      when: (ui) => ui.answers.cut(),
      run: (ui) => ui.answers.showWhole(true),
    },
    {
      id: 'yes',
      keys: [{ input: 'y' }, { input: 'Y' }],
      help: 'yes',
      when: (ui) => kind(ui) === 'confirm',
      run: (ui) => ui.answers.answer(true),
    },
    {
      id: 'no',
      keys: [{ input: 'n' }, { input: 'N' }, { key: 'return' }],
      help: 'no',
      when: (ui) => kind(ui) === 'confirm',
      run: (ui) => ui.answers.answer(false),
    },
    {
      id: 'detailsDown',
      keys: [{ input: 'j' }, { key: 'downArrow' }],
      help: 'scroll the list / next choice',
      when: (ui) => kind(ui) !== 'input' || ui.answers.whole(),
      run: (ui) =>
        ui.answers.whole()
          ? ui.answers.scrollWhole(1)
          : kind(ui) === 'choice'
            ? ui.answers.moveChoice(1)
            : ui.answers.scrollQuestion(1),
    },
    {
      id: 'detailsUp',
      keys: [{ input: 'k' }, { key: 'upArrow' }],
      help: 'scroll the list / previous choice',
      when: (ui) => kind(ui) !== 'input' || ui.answers.whole(),
      run: (ui) =>
        ui.answers.whole()
          ? ui.answers.scrollWhole(-1)
          : kind(ui) === 'choice'
            ? ui.answers.moveChoice(-1)
            : ui.answers.scrollQuestion(-1),
    },
    {
      id: 'accept',
      keys: [{ key: 'return' }],
      help: 'accept the text or choice',
      when: (ui) => kind(ui) !== 'confirm',
      run: (ui) => ui.answers.submitForm(),
    },
    {
      id: 'erase',
      keys: [{ key: 'backspace' }, { key: 'delete' }],
      help: 'delete a character',
      when: (ui) => kind(ui) === 'input',
      run: (ui) => ui.answers.updateForm((f) => ({ ...f, text: [...f.text].slice(0, -1).join('') })),
    },
    {
      id: 'clear',
      keys: [{ input: 'u', ctrl: true }],
      help: 'clear the text',
      when: (ui) => kind(ui) === 'input',
      run: (ui) => ui.answers.updateForm((f) => ({ ...f, text: '' })),
    },
    {
      id: 'dismiss',
      keys: [{ key: 'escape' }],
      help: 'no / dismiss',
      run: (ui) => ui.answers.answer(kind(ui) === 'confirm' ? false : null),
    },
  ],
  text: (ui, press) => {
    const text = typed(press);
    if (kind(ui) === 'input' && text) ui.answers.updateForm((f) => ({ ...f, text: f.text + text }));
  },
  modal: true,
};

export const passphraseScope: KeyScope<KeyTarget> = {
  id: 'passphrase',
  title: 'Passphrase prompt',
  bindings: [
    { id: 'unlock', keys: [{ key: 'return' }], help: 'unlock', run: (ui) => ui.answers.answerPrompt(true) },
    { id: 'cancelPrompt', keys: [{ key: 'escape' }], help: 'cancel', run: (ui) => ui.answers.answerPrompt(false) },
    {
      id: 'erasePassphrase',
      keys: [{ key: 'backspace' }, { key: 'delete' }],
      help: 'delete a character',
      run: (ui) => ui.answers.erasePassphrase(false),
    },
    {
      id: 'clearPassphrase',
      keys: [{ input: 'u', ctrl: true }],
      help: 'clear',
      run: (ui) => ui.answers.erasePassphrase(true),
    },
    {
      id: 'quitFromPrompt',
      keys: [{ input: 'c', ctrl: true }],
      help: 'cancel and quit',
      run: (ui) => {
        ui.answers.answerPrompt(false);
        ui.quit();
      },
    },
  ],
  text: (ui, press) => {
    const text = typed(press);
    if (text) ui.answers.typePassphrase(text);
  },
  modal: true,
};
