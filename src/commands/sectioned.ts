/**
 * The sectioned output format that lets one exec answer several questions. Scripts print
 * marker lines, and the lines after a marker (up to the next one) are its body:
 *
 *   @@home /home/u          a field: a name and a one-line value
 *   @@tmux                  a command's section: its output follows,
 *   …output lines…
 *   @@/tmux 0               and the closing marker carries its exit status
 *
 * A section with a closing marker keeps every line up to its LAST closing marker as body, so
 * command output that itself starts with "@@" cannot end it early or forge the fields after it.
 * The shell side is built here too (field, section), so names are checked in one place.
 */

export interface Section {
  name: string;
  /** The text after the name on the marker line ('' when none). */
  value: string;
  /** The lines that followed the marker. */
  lines: string[];
  /** The exit status on the closing marker, or null when the section has none. */
  exit: number | null;
}

const NAME = /^[a-z][a-z0-9-]*$/;
const MARKER = /^@@([a-z][a-z0-9-]*)(?: (.*))?$/;
const CLOSING = /^@@\/([a-z][a-z0-9-]*) (\d+)$/;

function checkedName(name: string): string {
  if (!NAME.test(name)) throw new Error(`section name ${JSON.stringify(name)} must match ${NAME}`);
  return name;
}

/** Shell that prints a field; `valueWord` is a shell word such as "$HOME" or "$(date +%s)". */
export function field(name: string, valueWord?: string): string {
  return valueWord === undefined
    ? `printf '@@%s\\n' ${checkedName(name)}`
    : `printf '@@%s %s\\n' ${checkedName(name)} ${valueWord}`;
}

/** Shell that runs `command` in a subshell (stdout and stderr together, an `exit` ends only it) inside a section closed with its exit status. */
export function section(name: string, command: string): string {
  const n = checkedName(name);
  return `printf '@@%s\\n' ${n}; ( ${command}\n) 2>&1; printf '@@/%s %s\\n' ${n} "$?"`;
}

/**
 * A section whose command runs in the script's own shell, not a subshell: no fork, which counts
 * in a script that runs every few seconds on every host. So the command must not `exit`, and
 * the variables it sets stay set; the closing marker carries `statusWord` (default: the exit
 * status of the command's last command).
 */
export function sectionInShell(name: string, command: string, statusWord = '"$?"'): string {
  const n = checkedName(name);
  return `printf '@@%s\\n' ${n}; { ${command}\n} 2>&1; printf '@@/%s %s\\n' ${n} ${statusWord}`;
}

/** What parseSections returns: every section in order, and ways to look one up. */
export class SectionedOutput {
  constructor(
    /** Lines before the first marker. */
    readonly preamble: string[],
    readonly sections: Section[],
  ) {}

  first(name: string): Section | undefined {
    return this.sections.find((s) => s.name === name);
  }

  all(name: string): Section[] {
    return this.sections.filter((s) => s.name === name);
  }

  has(name: string): boolean {
    return this.first(name) !== undefined;
  }

  /** The value of the first marker of that name. */
  value(name: string): string | undefined {
    return this.first(name)?.value;
  }

  /** The value of the first marker of that name as an integer, or null. */
  number(name: string): number | null {
    const v = this.value(name);
    return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : null;
  }

  /** The body of the first section of that name, joined with newlines ('' when absent). */
  text(name: string): string {
    return this.first(name)?.lines.join('\n') ?? '';
  }
}

export function parseSections(output: string): SectionedOutput {
  const lines = output.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const lastClose = new Map<string, number>();
  lines.forEach((line, i) => {
    const c = CLOSING.exec(line);
    if (c) lastClose.set(c[1], i);
  });
  const preamble: string[] = [];
  const sections: Section[] = [];
  let current: Section | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const m = MARKER.exec(line);
    if (!m) {
      if (CLOSING.test(line))
        current = null; // a stray closing marker ends whatever was open
      else if (current) current.lines.push(line);
      else preamble.push(line);
      continue;
    }
    const end = lastClose.get(m[1]);
    if (end !== undefined && end > i) {
      sections.push({
        name: m[1],
        value: m[2] ?? '',
        lines: lines.slice(i + 1, end),
        exit: Number(CLOSING.exec(lines[end])?.[2]),
      });
      lastClose.delete(m[1]);
      current = null;
      i = end;
      continue;
    }
    current = { name: m[1], value: m[2] ?? '', lines: [], exit: null };
    sections.push(current);
  }
  return new SectionedOutput(preamble, sections);
}
