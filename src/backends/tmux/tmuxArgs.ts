/**
 * tmux's own argument rules, on top of shell quoting (tmux parses its argv again):
 *  - an argument ending in ";" ends the tmux command there, unless written "\;";
 *  - some arguments are expanded as formats, where "#(cmd)" RUNS cmd: new-session -s and
 *    new-window -n are, so a literal name has every "#" doubled. Targets (-t) are not expanded.
 * These helpers produce argv elements; the shell quoting stays shQuote's job.
 */
import { shJoin } from '../../shell/quote.js';

/** An argv element tmux takes literally (a trailing ";" no longer separates commands). */
export function tmuxArg(value: string): string {
  return value.endsWith(';') ? `${value.slice(0, -1)}\\;` : value;
}

/** An argv element for a format-expanded option (new-session -s, new-window -n): literal text. */
export function tmuxFormatLiteral(value: string): string {
  return tmuxArg(value.replace(/#/g, '##'));
}

/** `-t` value naming exactly this session (no prefix matching). */
export function sessionTarget(session: string): string {
  return tmuxArg(`=${session}`);
}

/** `-t` value naming the active pane of exactly this session. */
export function paneTarget(session: string): string {
  return `=${session}:`;
}

/**
 * Why a session name cannot be used for a new run, or null. tmux turns ":" and "." into "_" and
 * writes a backslash as two (the session would not be found again), "/" would leave the runs directory, a leading
 * "$", "@" or "%" reads as a tmux id, and control characters do not survive tmux's output.
 * Everything else — spaces, quotes, $(), backticks, ";" — is fine: it is only ever data.
 */
export function sessionNameProblem(name: string): string | null {
  if (name === '') return 'the session name is empty';
  if (Buffer.byteLength(name) > 200)
    return 'the session name is longer than 200 bytes (it is also a file name on the server)';
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'the session name contains a control character (newline, tab, …)';
  if (/[:./\\]/.test(name))
    return 'the session name contains ":", ".", "/" or "\\" (tmux changes them, or the runs directory cannot keep them)';
  if (/^[-$@%=~]/.test(name))
    return 'the session name starts with "-", "$", "@", "%", "=" or "~" (tmux would read it as an id or option)';
  return null;
}

/** The local argv that attaches to a remote session with the terminal handed over. */
export function attachArgv(sshConfig: string, alias: string, session: string): string[] {
  return ['ssh', '-F', sshConfig, '-t', '--', alias, shJoin(['tmux', 'attach-session', '-t', sessionTarget(session)])];
}

/** The local argv that opens that attach in a new window of the local tmux (when $TMUX is set). */
export function newWindowAttachArgv(sshConfig: string, alias: string, session: string): string[] {
  return [
    'tmux',
    'new-window',
    '-n',
    tmuxFormatLiteral(`${session}@${alias}`),
    tmuxArg(shJoin(attachArgv(sshConfig, alias, session))),
  ];
}
