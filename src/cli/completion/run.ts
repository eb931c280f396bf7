import { printTabbed, printText } from '../print.js';
import { completeWords, FILE_DIRECTIVE } from './candidates.js';
import { completionScript } from './scripts.js';

/** `trainyard completion SHELL`: the script to source. */
export function runCompletionCli(positionals: string[], out: NodeJS.WritableStream = process.stdout): number {
  if (positionals.length > 1) completionScript(undefined);
  printText(out, completionScript(positionals[0]).trimEnd());
  return 0;
}

/** The hidden `trainyard __complete -- WORDS…` the scripts call: one candidate per line. */
export function runCompleteWords(argv: string[], out: NodeJS.WritableStream = process.stdout): number {
  const words = argv[0] === '--' ? argv.slice(1) : argv;
  const answer = completeWords(words.length ? words : ['']);
  if (answer === FILE_DIRECTIVE) printText(out, FILE_DIRECTIVE);
  // A word with a control character would break the line protocol (or the terminal): left out.
  else
    for (const c of answer.filter((c) => !/[\u0000-\u001f\u007f-\u009f]/.test(c.word)))
      printTabbed(out, c.description ? [c.word, c.description] : [c.word]);
  return 0;
}
