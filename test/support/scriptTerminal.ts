/**
 * A command in a terminal of its own (script(1) gives it a pty), as the cockpit's suspended
 * terminal would be for attach: what it prints, a way to type, and how it exits.
 */
import { spawn } from 'node:child_process';
import { shJoin } from '../../src/shell/quote.js';

export function inTerminal(argv: readonly string[]) {
  const child = spawn('script', ['-qfec', shJoin([...argv]), '/dev/null'], {
    env: { ...process.env, TERM: 'xterm' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  child.stdout.on('data', (d) => (screen += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, screen: () => screen, exited };
}
