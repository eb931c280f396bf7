/** Pure parsers for what rsync prints with --info=progress2, --itemize-changes and --stats. */

export interface RsyncProgress {
  /** Bytes transferred so far (progress2 counts the whole run). */
  bytes: number;
  /** 0..1 */
  fraction: number;
  /** As rsync prints it, e.g. "12.34MB/s". */
  rate: string;
  /** As rsync prints it, e.g. "0:00:03". */
  eta: string;
  /** Files still to check, from "to-chk=N/M", when shown. */
  toCheck: { left: number; total: number } | null;
}

const PROGRESS =
  /^\s*([\d,]+)\s+(\d{1,3})%\s+(\S+\/s)\s+(\d+:\d{2}:\d{2})(?:\s+\((?:xfr#\d+,\s*)?(?:ir|to)-chk=(\d+)\/(\d+)\))?\s*$/;

/** One progress2 update (rsync separates them with \r: split the output on /[\r\n]/). */
export function parseProgressLine(line: string): RsyncProgress | null {
  const m = PROGRESS.exec(line);
  if (!m) return null;
  return {
    bytes: Number(m[1].replace(/,/g, '')),
    fraction: Math.min(1, Number(m[2]) / 100),
    rate: m[3],
    eta: m[4],
    toCheck: m[5] !== undefined ? { left: Number(m[5]), total: Number(m[6]) } : null,
  };
}

export interface ItemizedChange {
  /** "*deleting", ">f+++++++++", "cd+++++++++", … */
  code: string;
  path: string;
  kind: 'deleted' | 'created' | 'updated' | 'other';
  isDir: boolean;
}

/** One --itemize-changes line: an 11-character code, a space, the path. */
export function parseItemizeLine(line: string): ItemizedChange | null {
  if (line.startsWith('*deleting ')) {
    const path = line.slice(12);
    if (path === '') return null;
    return { code: '*deleting', path, kind: 'deleted', isDir: path.endsWith('/') };
  }
  const m = /^([<>ch.][fdLDS][.+?cstpoguaxbn]{9}) (.+)$/.exec(line);
  if (!m) return null;
  const code = m[1];
  const kind = code.slice(2).startsWith('+++++++++')
    ? 'created'
    : code[0] === '>' || code[0] === '<'
      ? 'updated'
      : 'other';
  return { code, path: m[2], kind, isDir: code[1] === 'd' };
}

/**
 * The bytes of a name as rsync printed it. rsync writes a byte it will not print (a control
 * character, a byte its locale does not print) as \#ooo in octal, and the backslash of a
 * literal "\#ooo" as \#134, so the printed form maps back to exactly one name.
 */
export function rsyncNameBytes(printed: string): Buffer {
  const parts: Buffer[] = [];
  let last = 0;
  for (const m of printed.matchAll(/\\#([0-3][0-7]{2})/g)) {
    parts.push(Buffer.from(printed.slice(last, m.index), 'utf8'), Buffer.from([Number.parseInt(m[1], 8)]));
    last = m.index + m[0].length;
  }
  parts.push(Buffer.from(printed.slice(last), 'utf8'));
  return Buffer.concat(parts);
}

export interface RsyncStats {
  files: number | null;
  createdFiles: number | null;
  deletedFiles: number | null;
  transferredFiles: number | null;
  totalSize: number | null;
  transferredSize: number | null;
  bytesSent: number | null;
  bytesReceived: number | null;
}

function statNumber(text: string, label: string): number | null {
  const m = new RegExp(`^${label}:\\s*([\\d,]+)`, 'm').exec(text);
  return m ? Number(m[1].replace(/,/g, '')) : null;
}

/** The --stats block at the end of a run. */
export function parseStats(text: string): RsyncStats {
  return {
    files: statNumber(text, 'Number of files'),
    createdFiles: statNumber(text, 'Number of created files'),
    deletedFiles: statNumber(text, 'Number of deleted files'),
    transferredFiles: statNumber(text, 'Number of regular files transferred'),
    totalSize: statNumber(text, 'Total file size'),
    transferredSize: statNumber(text, 'Total transferred file size'),
    bytesSent: statNumber(text, 'Total bytes sent'),
    bytesReceived: statNumber(text, 'Total bytes received'),
  };
}

/** rsync's documented exit codes, as a person would say them. */
export function describeRsyncExit(code: number | null): string {
  const words: Record<number, string> = {
    1: 'syntax or usage error',
    2: 'protocol incompatibility',
    3: 'errors selecting input/output files or directories',
    5: 'error starting the client-server protocol',
    10: 'error in socket I/O',
    11: 'error in file I/O (disk full? permissions?)',
    12: 'error in the rsync protocol data stream (is rsync installed on the server?)',
    14: 'error in IPC code',
    20: 'interrupted',
    23: 'some files could not be transferred (permissions? vanished?)',
    24: 'some source files vanished during the transfer',
    25: 'deletion limit reached',
    30: 'timeout in data send/receive',
    35: 'timeout waiting for the daemon connection',
    127: 'rsync not found (install rsync here and on the server)',
    255: 'ssh failed (host unreachable, or the key was refused)',
  };
  if (code === null) return 'killed';
  return words[code] ?? `exit ${code}`;
}

/** 1536 → "1.5 KiB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}
