/**
 * The remote side of a log tail: one POSIX sh + awk loop that follows a file by name, the way
 * `tail -F` does, but reports the byte offset after every complete line, so the follower can
 * resume after a reconnect exactly where the user's screen stopped.
 *
 * Why not `tail -c +N -F file`: its output is a plain byte stream. The follower only sees decoded
 * lines (CRLF folded, invalid UTF-8 replaced), so it cannot count bytes exactly; and when tail
 * switches to a rotated or truncated file it says so on stderr, unordered with stdout, so the
 * offset of what follows is unknown. Here awk (in the C locale, where length() counts bytes) does
 * the counting on the server and frames every record with its offset.
 *
 * Each poll runs one small sh command that opens the file once,
 * checks the inode of what it opened and, if it grew, reads the new bytes with `tail -c +N` from
 * that same descriptor, so a rotation between the check and the read cannot mix two files.
 * A printed end marker tells awk which record was the unterminated last line.
 *
 * Records (one per stdout line, each ending with \x1e so a record cut short by a dropped link is
 * recognisable):
 *   F <inode> <offset> <skip> <why>   following this file from offset (why: start|resume|rotated|truncated)
 *   L <end> <text>                    a complete line; end = byte offset just past its newline
 *   P <start> <text>                  the unterminated last line so far (a progress bar), replaced by the next P or L
 *   M                                 the file does not exist (yet); polling goes on
 *   E <message>                       the server cannot run this (no GNU/busybox stat); the command exits
 * Text is what a terminal would show (after the last \r), cut to `lineCap` bytes. Offsets count
 * every byte, whatever was cut.
 *
 * Rotation: when the name points to a new inode, the rest of the old file is read first if it is
 * still in the same directory (renamed to log.1 and the like), then the new file from 0. A file
 * that shrank (copytruncate), or whose byte just before the read position is no longer the one
 * read there (rewritten in place by a restart's `>`, and already longer than before), is read
 * again from 0. Polls run back to back while the file grows, every `pollSeconds` while it does not.
 */
import { argvCommand, type ShellCommand } from '../commands/value.js';

export const RECORD_END = '\u001e';
const EOT = 'TRAINYARD-EOT-7c1f';

const AWK_PROGRAM = `
function n2s(x) { return sprintf("%.0f", x) }
function shown(s) {
  sub(/\\r+$/, "", s)
  if (match(s, /\\r[^\\r]*$/)) s = substr(s, RSTART + 1)
  return s
}
function keep(s,   t) {
  t = substr(shown(s), 1, cap)
  if (s ~ /\\r$/) t = t "\\r"
  return t
}
function out(kind, at, s) {
  s = substr(shown(s), 1, cap)
  gsub(/\\036/, "", s)
  printf "%s %s %s\\036\\n", kind, n2s(at), s
}
function take(rec, complete,   t) {
  t = ptext rec
  if (complete) {
    off = off + plen + length(rec) + 1; pos = off; plen = 0; ptext = ""; psent = ""; last = "\\n"
    if (skip) skip = 0
    else out("L", off, t)
  } else {
    plen = plen + length(rec); pos = off + plen; ptext = keep(t)
    if (rec != "") last = substr(rec, length(rec), 1)
  }
}
function consume(cmd, verify,   rec, n, b1, b2, first) {
  n = 0; first = 1
  while ((cmd | getline rec) > 0) {
    if (first) {
      first = 0
      if (verify == "\\n") { if (rec != "") { close(cmd); return 0 } continue }
      if (verify != "") { if (substr(rec, 1, 1) != verify) { close(cmd); return 0 } rec = substr(rec, 2) }
    }
    if (n == 2) { take(b1, 1); b1 = b2; b2 = rec }
    else if (n == 1) { b2 = rec; n = 2 }
    else { b1 = rec; n = 1 }
  }
  close(cmd)
  if (n == 2 && b2 == EOT) take(b1, 0)
  else if (n == 2) { take(b1, 1); take(b2, 0) }
  else if (n == 1 && b1 != EOT) take(b1, 0)
  if (plen > 0 && !skip && shown(ptext) != psent) { psent = shown(ptext); out("P", off, ptext) }
  return 1
}
function follow(newino, why) {
  ino = newino; off = 0; pos = 0; plen = 0; ptext = ""; psent = ""; skip = 0; last = ""
  printf "F %s 0 0 %s\\036\\n", ino, why
}
function drain() {
  consume("d=$(dirname -- \\"$TY_F\\"); g=$(find \\"$d\\" -maxdepth 1 -inum " ino " -type f 2>/dev/null | head -n 1); " \\
    "[ -n \\"$g\\" ] && tail -c +" n2s(pos + 1) " -- \\"$g\\" 2>/dev/null && printf '\\\\n%s\\\\n' " EOT, "")
  if (plen > 0) take("", 1)
}
BEGIN {
  EOT = "${EOT}"
  off = off + 0; pos = off; plen = 0; ptext = ""; psent = ""; skip = skip + 0; missing = 0; idle = 0
  last = off > 0 && !skip ? "\\n" : ""
  if (ino != "") printf "F %s %s %d resume\\036\\n", ino, n2s(off), skip
  fflush()
  for (;;) {
    cmd = idle ? "sleep " poll " 2>/dev/null || sleep 1; " : ""
    cmd = cmd "{ set -- $(stat -L -c '%i %s' /dev/stdin 2>/dev/null); echo \\"\${1:-NOSTAT} $2\\"; " \\
      "if [ \\"$1\\" = '" ino "' ] && [ \\"$2\\" -gt " n2s(pos) " ]; then tail -c +" n2s(last == "" ? pos + 1 : pos) "; printf '\\\\n%s\\\\n' " EOT "; fi; } 2>/dev/null <\\"$TY_F\\""
    head = ""
    if ((cmd | getline head) > 0 && split(head, a, " ") == 1 && a[1] == "NOSTAT") {
      close(cmd)
      printf "E stat -L -c does not work on this host (trainyard needs GNU coreutils or busybox)\\036\\n"
      exit 3
    }
    if (head == "" || split(head, a, " ") < 2) {
      close(cmd)
      if (!missing) { printf "M\\036\\n"; fflush(); missing = 1 }
      idle = 1
      continue
    }
    missing = 0
    cino = a[1] ""; csize = a[2] + 0
    if (ino == "") {
      close(cmd)
      ino = cino
      if (initial < 0 || csize <= initial) { off = 0; skip = 0 }
      else { off = csize - initial - 1; skip = 1 }
      pos = off
      printf "F %s %s %d start\\036\\n", ino, n2s(off), skip
      fflush(); idle = 0
      continue
    }
    if (cino != ino "") { close(cmd); drain(); follow(cino, "rotated"); fflush(); idle = 0; continue }
    if (csize < pos) { close(cmd); follow(cino, "truncated"); fflush(); idle = 0; continue }
    if (csize == pos) { close(cmd); idle = 1; continue }
    before = pos
    # The byte before pos is read again: if it is not what was read there before, the file was
    # rewritten in place (truncated by a restart's '>' and grown past pos since).
    if (!consume(cmd, last)) { follow(cino, "truncated"); fflush(); idle = 0; continue }
    fflush()
    idle = pos - before < 65536
  }
}
`;

export interface TailPosition {
  /** Inode of the file being followed, as the server prints it; null before the first start. */
  inode: string | null;
  /** Byte offset just past the last complete line received. */
  offset: number;
  /** The first line at offset is a fragment (the tail started mid-file) and is not shown. */
  skipFirst: boolean;
}

export interface TailCommandOptions {
  /** On a fresh start, how many bytes before the end to begin at (from a line start); null = the whole file. */
  initialBytes: number | null;
  /** Longest line text sent, in bytes (offsets still count every byte). */
  lineCap: number;
  /** Seconds between polls while the file does not grow. */
  pollSeconds: number;
}

/** The remote command that follows `file` from `position`. */
export function tailCommand(file: string, position: TailPosition, options: TailCommandOptions): ShellCommand {
  if (position.inode !== null && !/^[0-9]+$/.test(position.inode)) throw new Error(`bad inode ${position.inode}`);
  const script =
    'TY_F=$1; export TY_F; LC_ALL=C; export LC_ALL; exec awk -v ino="$2" -v off="$3" -v skip="$4" -v initial="$5" -v cap="$6" -v poll="$7" "$8"';
  return argvCommand(
    [
      'sh',
      '-c',
      script,
      'trainyard-tail',
      file,
      position.inode ?? '',
      String(Math.max(0, Math.floor(position.offset))),
      position.skipFirst ? '1' : '0',
      options.initialBytes === null ? '-1' : String(Math.max(0, Math.floor(options.initialBytes))),
      String(Math.max(16, Math.floor(options.lineCap))),
      String(options.pollSeconds),
      AWK_PROGRAM,
    ],
    'log tail',
  );
}

export type TailRecord =
  | {
      kind: 'follow';
      inode: string;
      offset: number;
      skipFirst: boolean;
      why: 'start' | 'resume' | 'rotated' | 'truncated';
    }
  | { kind: 'line'; end: number; text: string }
  | { kind: 'partial'; start: number; text: string }
  | { kind: 'missing' }
  | { kind: 'error'; message: string };

/** Parses one stdout line of the tail command; null for anything that is not a whole record. */
export function parseTailRecord(line: string): TailRecord | null {
  if (!line.endsWith(RECORD_END)) return null;
  const kind = line.charCodeAt(0);
  if (kind === 0x4c /* L */ || kind === 0x50 /* P */) {
    const space = line.indexOf(' ', 2);
    if (line.charCodeAt(1) !== 0x20 || space === -1) return null;
    const at = Number(line.slice(2, space));
    if (!Number.isFinite(at)) return null;
    const text = line.slice(space + 1, -1);
    return kind === 0x4c ? { kind: 'line', end: at, text } : { kind: 'partial', start: at, text };
  }
  if (line === `M${RECORD_END}`) return { kind: 'missing' };
  if (line.startsWith('E ')) return { kind: 'error', message: line.slice(2, -1) };
  const f = /^F ([0-9]+) ([0-9]+) ([01]) (start|resume|rotated|truncated)\u001e$/.exec(line);
  if (f) return { kind: 'follow', inode: f[1], offset: Number(f[2]), skipFirst: f[3] === '1', why: f[4] as 'start' };
  return null;
}
