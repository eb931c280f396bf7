/**
 * The one quoting function: every argument that reaches a shell (a remote command over SSH,
 * a tmux command line, an rsync -e) goes through here. POSIX single quotes make everything
 * literal; a single quote inside is written as '\'' .
 */
export function shQuote(arg: string): string {
  if (arg === '') return "''";
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Joins an argv into one shell command line, every element quoted. */
export function shJoin(argv: readonly string[]): string {
  return argv.map(shQuote).join(' ');
}

/**
 * A remote command that dies with its SSH channel. Closing a non-pty exec channel does not
 * kill the remote process, so the command runs in its own process group (setsid) while a
 * watcher reads stdin: when the channel (or the whole connection) goes away, stdin reaches EOF
 * and the whole group is killed, children included. The command's own exit status is passed
 * through when it ends first.
 */
export function dieWithChannel(argv: readonly string[]): string[] {
  const script =
    'exec 3<&0; ' +
    'if command -v setsid >/dev/null 2>&1; then setsid sh -c "$1" </dev/null & else sh -c "$1" </dev/null & fi; p=$!; ' +
    '(cat <&3 >/dev/null 2>&1; kill -TERM -"$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null) >/dev/null 2>&1 & w=$!; ' +
    'exec 3<&-; wait "$p"; s=$?; kill "$w" 2>/dev/null; exit "$s"';
  return ['sh', '-c', script, 'sh', shJoin(argv)];
}

/** Bytes every login shell reads literally inside '…' and that printf's format leaves alone. */
const LITERAL_BYTE = /[A-Za-z0-9_./,:=+@ -]/;

/**
 * The line handed to the server's login shell, which sshd runs with whatever shell the user
 * has: bash, dash, zsh, fish and tcsh disagree about backslashes and quotes inside '…' (fish),
 * newlines inside quotes (tcsh) and `!` (tcsh). So the POSIX command line travels inside single
 * quotes that hold only letters, digits, a few punctuation marks and backslash-digit octal
 * escapes (which no shell reinterprets), and `sh`'s own printf turns it back into the command.
 * printf is a builtin: this costs one fork, where base64 -d would cost a pipe and an exec.
 */
export function loginShellLine(argv: readonly string[]): string {
  let encoded = '';
  for (const byte of Buffer.from(shJoin(argv), 'utf8')) {
    const c = String.fromCharCode(byte);
    encoded += LITERAL_BYTE.test(c) ? c : `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return `sh -c 'eval "$(printf "${encoded}")"'`;
}
