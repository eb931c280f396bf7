import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, test } from 'vitest';
import { PROMPT_HINTS } from '../../components/Footer.js';
import { fillConnectedHost, makeStore } from './fixtures.js';
import { KEYS, lines, renderAt, stripAnsi, tick } from './render.js';

afterEach(() => cleanup());

// Shares no 4-character piece with any text on screen.
const SECRET = 'Zq7vX9pL2wKm';

async function withPrompt(columns = 50, rows = 25) {
  const store = makeStore(['gpu-a', 'gpu-b']);
  fillConnectedHost(store, 'gpu-a');
  const t = await renderAt(columns, rows, store);
  store.setState({ prompt: { id: 7, kind: 'passphrase', message: 'Passphrase for /home/me/.ssh/id_ed25519' } });
  await tick();
  return { ...t, store };
}

describe('passphrase prompt', () => {
  test('shows one • per character and never the secret, in any frame; Enter answers through the controller', async () => {
    const t = await withPrompt();
    expect(stripAnsi(t.frame())).toContain('Passphrase for /home/me/.ssh/id_ed25519');
    expect(lines(t.frame()).at(-1)).toBe(PROMPT_HINTS);
    for (const ch of SECRET) await t.press(ch);
    expect(stripAnsi(t.frame())).toContain('•'.repeat(SECRET.length) + '_');
    await t.press(KEYS.backspace);
    expect(stripAnsi(t.frame())).toContain('•'.repeat(SECRET.length - 1) + '_');
    await t.press(SECRET.at(-1) as string);
    await t.press(KEYS.enter);
    expect(t.controller.answerPrompt).toHaveBeenCalledTimes(1);
    expect(t.controller.answerPrompt).toHaveBeenCalledWith(7, SECRET);
    // Not one frame ever showed the secret, nor a 4-character piece of it.
    const everything = stripAnsi(t.frames.join('\n'));
    for (let i = 0; i + 4 <= SECRET.length; i++) expect(everything).not.toContain(SECRET.slice(i, i + 4));
  });

  test('a pasted passphrase is masked too', async () => {
    const t = await withPrompt();
    await t.press(SECRET);
    expect(stripAnsi(t.frame())).toContain('•'.repeat(SECRET.length));
    await t.press(KEYS.enter);
    expect(t.controller.answerPrompt).toHaveBeenCalledWith(7, SECRET);
    expect(stripAnsi(t.frames.join(''))).not.toContain(SECRET.slice(0, 4));
  });

  test('Esc cancels with null', async () => {
    const t = await withPrompt();
    await t.press('a', 'b', KEYS.esc);
    expect(t.controller.answerPrompt).toHaveBeenCalledWith(7, null);
  });

  test('while it is open, keys are text: q does not quit and j does not move', async () => {
    const t = await withPrompt(120, 40);
    await t.press('q', 'j', 'r');
    expect(t.controller.shutdown).not.toHaveBeenCalled();
    expect(t.controller.retryNow).not.toHaveBeenCalled();
    expect(stripAnsi(t.frame())).toContain('•••_');
    // Once answered and cleared, the cockpit is back and keys work again.
    await t.press(KEYS.enter);
    expect(t.controller.answerPrompt).toHaveBeenCalledWith(7, 'qjr');
    t.store.setState({ prompt: null });
    await tick();
    expect(stripAnsi(t.frame())).not.toContain('Passphrase for');
    await t.press('j');
    expect(stripAnsi(t.frame())).toMatch(/▸ gpu-b/);
  });

  test('Ctrl-C cancels the prompt and quits', async () => {
    const t = await withPrompt();
    await t.press(KEYS.ctrlC);
    expect(t.controller.answerPrompt).toHaveBeenCalledWith(7, null);
    expect(t.controller.shutdown).toHaveBeenCalledTimes(1);
  });

  test('the next prompt starts empty', async () => {
    const t = await withPrompt();
    await t.press('a', 'b', 'c', KEYS.enter);
    t.store.setState({ prompt: { id: 8, kind: 'passphrase', message: 'Passphrase for /home/me/.ssh/id_rsa' } });
    await tick();
    expect(stripAnsi(t.frame())).toContain('id_rsa');
    expect(stripAnsi(t.frame())).not.toContain('•');
    await t.press('x', KEYS.enter);
    expect(t.controller.answerPrompt).toHaveBeenLastCalledWith(8, 'x');
  });
});
