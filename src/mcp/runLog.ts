/**
 * A slice of a run's log for an agent: the last N lines, or what follows a byte offset, never
 * more than a byte cap, with the offset to continue from and how much was left out. The server
 * reads only the bytes it sends (tail -c +K | head -c N), however big the log is.
 */
import type { RemoteCommand } from '../commands/value.js';
import { safeText } from '../text/sanitise.js';
import type { Transport } from '../transport/types.js';

export const LOG_SLICE_SCRIPT = [
  'f=$1; from=$2; cap=$3',
  '[ -f "$f" ] || exit 3',
  'size=$(wc -c < "$f" | tr -d \' \')',
  'printf \'%s\\n\' "$size"',
  'if [ "$from" = end ]; then if [ "$size" -gt "$cap" ]; then start=$((size - cap)); else start=0; fi; else start=$from; fi',
  '[ "$start" -lt "$size" ] || exit 0',
  'n=$((size - start)); [ "$n" -le "$cap" ] || n=$cap',
  'printf \'%s\\n\' "$start"',
  'tail -c +$((start + 1)) -- "$f" | head -c "$n"',
].join('\n');

export function logSliceCommand(host: string, file: string, from: number | 'end', capBytes: number): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: 'read part of a run log',
    readOnly: true,
    argv: ['sh', '-c', LOG_SLICE_SCRIPT, 'trainyard-log', file, String(from), String(capBytes)],
  };
}

export interface LogSlice {
  log: string;
  /** The log's size in bytes when it was read. */
  size: number;
  /** Byte offset of the first line returned. */
  fromOffset: number;
  /** Pass this as `offset` to read what follows. */
  nextOffset: number;
  /** The lines, sanitised (unless asked not to), joined with newlines. */
  text: string;
  lineCount: number;
  bytesReturned: number;
  /** Bytes of the log before the first line returned (not sent). */
  leftOutBefore: number;
  /** Bytes after nextOffset not sent yet (the cap was reached). */
  leftOutAfter: number;
}

export class LogReadError extends Error {}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** `lines` last lines (offset undefined), or the lines after `offset`; at most capBytes either way. */
export async function readLogSlice(
  transport: Transport,
  host: string,
  file: string,
  opts: { lines: number; offset?: number; capBytes: number; sanitise?: boolean },
): Promise<LogSlice> {
  const from = opts.offset ?? 'end';
  const r = await transport.exec(logSliceCommand(host, file, from, opts.capBytes), { timeoutMs: 30_000 });
  if (r.code === 3) throw new LogReadError(`the log ${file} does not exist on ${host} (yet)`);
  if (r.code !== 0)
    throw new LogReadError(
      `cannot read the log ${file} on ${host}: ${(r.stderr || r.stdout).trim().split('\n')[0] || `exit ${r.code}`}`,
    );
  const first = r.stdout.indexOf('\n');
  const size = Number(r.stdout.slice(0, first));
  const rest = r.stdout.slice(first + 1);
  if (opts.offset !== undefined && opts.offset > size)
    throw new LogReadError(
      `offset ${opts.offset} is past the end of the log (${size} bytes): it was truncated or rotated — read again without an offset`,
    );
  if (rest === '')
    return {
      log: file,
      size,
      fromOffset: size,
      nextOffset: size,
      text: '',
      lineCount: 0,
      bytesReturned: 0,
      leftOutBefore: size,
      leftOutAfter: 0,
    };
  const second = rest.indexOf('\n');
  let start = Number(rest.slice(0, second));
  let data = rest.slice(second + 1);
  if (opts.offset === undefined && start > 0) {
    // the window began inside a line: drop that fragment
    const nl = data.indexOf('\n');
    const cut = nl === -1 ? data.length : nl + 1;
    start += bytes(data.slice(0, cut));
    data = data.slice(cut);
  }
  let end = start + bytes(data);
  if (end < size && opts.offset !== undefined) {
    // the cap ended inside a line: keep whole lines (unless one line is bigger than the cap)
    const nl = data.lastIndexOf('\n');
    if (nl !== -1) {
      data = data.slice(0, nl + 1);
      end = start + bytes(data);
    }
  }
  let lines = data.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (opts.offset === undefined && lines.length > opts.lines) {
    const dropped = lines.slice(0, lines.length - opts.lines);
    start += dropped.reduce((n, l) => n + bytes(l) + 1, 0);
    lines = lines.slice(-opts.lines);
  }
  return {
    log: file,
    size,
    fromOffset: start,
    nextOffset: end,
    // unsanitised only for a caller that needs exact byte offsets per line and sanitises what it sends
    text: opts.sanitise === false ? lines.join('\n') : lines.map((l) => safeText(l)).join('\n'),
    lineCount: lines.length,
    bytesReturned: end - start,
    leftOutBefore: start,
    leftOutAfter: size - end,
  };
}
