/** Questions answered on the terminal, read key by key (so pasted or chunked answers work). */
import { printBackspace, printInline, printText } from '../print.js';
import type { KeyInput } from './keyInput.js';

export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

type Out = Pick<NodeJS.WritableStream, 'write'>;

/** A line of text; Enter with nothing typed takes `fallback`. Esc or Ctrl-C cancels. */
export async function askLine(keys: KeyInput, out: Out, question: string, fallback = ''): Promise<string> {
  printInline(out, `${question}${fallback ? ` [${fallback}]` : ''}: `);
  let answer = '';
  for (;;) {
    const key = await keys.next();
    if (key.name === 'return') {
      printText(out, '');
      return answer.trim() || fallback;
    }
    if (key.name === 'escape' || key.name === 'interrupt' || key.name === 'eof') {
      printText(out, '');
      throw new Cancelled();
    }
    if (key.name === 'backspace' && answer) {
      answer = [...answer].slice(0, -1).join('');
      printBackspace(out);
    } else if (key.name === 'char') {
      answer += key.char;
      printInline(out, key.char);
    }
  }
}

/** y or n (one key); Enter takes the default. */
export async function askYesNo(keys: KeyInput, out: Out, question: string, fallback: boolean): Promise<boolean> {
  printInline(out, `${question} ${fallback ? '[Y/n]' : '[y/N]'} `);
  for (;;) {
    const key = await keys.next();
    if (key.name === 'escape' || key.name === 'interrupt' || key.name === 'eof') {
      printText(out, '');
      throw new Cancelled();
    }
    const yes =
      key.name === 'return'
        ? fallback
        : key.name === 'char' && /^[yY]$/.test(key.char)
          ? true
          : key.name === 'char' && /^[nN]$/.test(key.char)
            ? false
            : null;
    if (yes !== null) {
      printText(out, yes ? 'yes' : 'no');
      return yes;
    }
  }
}
