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
 * through when it ends first. The watcher reads with the shell's own `read` (no `cat`): one
 * process fewer per stream, for as long as the stream lives, on every server.
 */
export function dieWithChannel(argv: readonly string[]): string[] {
  const script =
    'exec 3<&0; ' +
    'if command -v setsid >/dev/null 2>&1; then setsid sh -c "$1" </dev/null & else sh -c "$1" </dev/null & fi; p=$!; ' +
    '(while read -r _; do :; done <&3; kill -TERM -"$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null) >/dev/null 2>&1 & w=$!; ' +
    'exec 3<&-; wait "$p"; s=$?; kill "$w" 2>/dev/null; exit "$s"';
  return ['sh', '-c', script, 'sh', shJoin(argv)];
}

/** Bytes every login shell reads literally inside '…' and that printf's format leaves alone. */
const LITERAL_BYTES = new Uint8Array(256);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_./,:=+@ -')
  LITERAL_BYTES[c.charCodeAt(0)] = 1;
const BACKSLASH = 0x5c;
const DIGIT_ZERO = 0x30;

/**
 * The line handed to the server's login shell, which sshd runs with whatever shell the user
 * has: bash, dash, zsh, fish and tcsh disagree about backslashes and quotes inside '…' (fish),
 * newlines inside quotes (tcsh) and `!` (tcsh). So the POSIX command line travels inside single
 * quotes that hold only letters, digits, a few punctuation marks and backslash-digit octal
 * escapes (which no shell reinterprets), and `sh`'s own printf turns it back into the command.
 * printf is a builtin: this costs one fork, where base64 -d would cost a pipe and an exec.
 * The escapes are written into one buffer: a string grown byte by byte would reach ssh2 as a
 * rope of thousands of pieces (the sessions stream's line is ~9 KB), flattened there at a cost.
 */
export function loginShellLine(argv: readonly string[]): string {
  const bytes = Buffer.from(shJoin(argv), 'utf8');
  const encoded = Buffer.allocUnsafe(bytes.length * 4);
  let n = 0;
  for (const byte of bytes) {
    if (LITERAL_BYTES[byte]) encoded[n++] = byte;
    else {
      encoded[n++] = BACKSLASH;
      encoded[n++] = DIGIT_ZERO + (byte >> 6);
      encoded[n++] = DIGIT_ZERO + ((byte >> 3) & 7);
      encoded[n++] = DIGIT_ZERO + (byte & 7);
    }
  }
  return `sh -c 'eval "$(printf "${encoded.toString('latin1', 0, n)}")"'`;
}
