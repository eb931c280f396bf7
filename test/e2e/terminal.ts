import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from '../support/waitFor.js';

/**
 * A real terminal for end-to-end tests: a private tmux server (its own socket) running one
 * command in a window of a fixed size, driven with send-keys and read with capture-pane.
 */
export class TmuxTerminal {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'ty-e2e-'));
  readonly socket = path.join(this.dir, 'tmux.sock');

  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {}

  tmux(...args: string[]): string {
    return execFileSync('tmux', ['-S', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  }

  /** Starts `command` (a shell line) in the terminal; `env` is added to the environment. */
  start(command: string, env: Record<string, string> = {}): void {
    const exports = Object.entries(env)
      .map(([k, v]) => `export ${k}='${v.replace(/'/g, `'\\''`)}'; `)
      .join('');
    // A person's terminal has no CI variable (chalk turns colours off under an unknown CI).
    this.tmux(
      'new-session',
      '-d',
      '-s',
      'e2e',
      '-x',
      String(this.columns),
      '-y',
      String(this.rows),
      `unset CI CONTINUOUS_INTEGRATION; ${exports}${command}; echo "[exit $?]"; sleep 600`,
    );
  }

  send(...keys: string[]): void {
    this.tmux('send-keys', '-t', 'e2e', ...keys);
  }

  /** The screen as text, one string per row. */
  screen(): string[] {
    return this.tmux('capture-pane', '-p', '-t', 'e2e').replace(/\n$/, '').split('\n');
  }

  text(): string {
    return this.screen().join('\n');
  }

  /** 1 while the program shows the alternate screen. */
  alternateOn(): boolean {
    return this.tmux('display-message', '-p', '-t', 'e2e', '#{alternate_on}').trim() === '1';
  }

  async waitFor(predicate: (text: string) => boolean, timeoutMs = 20_000, what = 'screen'): Promise<string> {
    return waitFor(() => this.text(), {
      until: predicate,
      timeoutMs,
      intervalMs: 100,
      what,
      show: (text) => `the screen was:\n${text}`,
    });
  }

  stop(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
