import { UsageError } from './args.js';
import { COMMANDS, findCommand, findOption, GLOBAL_OPTIONS } from './commandTable.js';

function optionLine(name: string): string {
  const o = findOption(name);
  if (!o) throw new Error(`command table names an unknown option --${name}`);
  const flag = `${o.short ? `-${o.short}, ` : '    '}--${o.name}${o.value ? ` ${o.value}` : ''}`;
  return `  ${flag.padEnd(24)} ${o.help}`;
}

/** `trainyard help COMMAND`: the usage line, what it does, and every option it takes. */
export function commandHelp(name: string): string {
  const spec = findCommand(name);
  if (!spec) throw new UsageError(`no command "${name}" — the commands are: ${COMMANDS.map((c) => c.name).join(', ')}`);
  const lines = [`Usage: ${spec.usage}`, '', `${spec.summary[0].toUpperCase()}${spec.summary.slice(1)}.`];
  if (spec.details) lines.push('', ...wrap(spec.details, 78));
  lines.push('', 'Options:', ...[...spec.options, ...GLOBAL_OPTIONS].map(optionLine));
  return lines.join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
