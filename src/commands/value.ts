/**
 * Commands as values: every command trainyard runs, on this machine or on a server, is first
 * built as one of these (an argv, quoted only by src/shell/quote.ts), then printed (dry run),
 * asserted on (unit tests) or run (src/actions/execute.ts).
 */
import { shJoin } from '../shell/quote.js';

/**
 * What a transport runs: an argv, every element reaching the program as one argument. The
 * richer values below (LocalCommand, RemoteCommand) are ShellCommands too.
 */
export interface ShellCommand {
  readonly argv: readonly string[];
  /** What it is for (dry runs, errors, scripted fake transports). */
  readonly purpose?: string;
  /** Data written to stdin, then stdin is closed (ExecOptions.stdin wins when both are given). */
  readonly stdin?: string;
}

/** A program and its arguments. */
export function argvCommand(argv: readonly string[], purpose?: string): ShellCommand {
  return purpose === undefined ? { argv: [...argv] } : { argv: [...argv], purpose };
}

/** A POSIX sh script run by `sh -c`; `args` become its $1, $2, … (values never enter the script text). */
export function shScript(script: string, args: readonly string[] = [], purpose?: string, name = 'sh'): ShellCommand {
  return argvCommand(['sh', '-c', script, ...(args.length ? [name, ...args] : [])], purpose);
}

/** The readable command line of a value: what a POSIX shell would need typed to run it. */
/** argv of a bash script: its lines, the name it runs as ($0), then its arguments ($1 …) as data. */
export function bashScriptArgv(name: string, body: readonly string[], ...args: string[]): string[] {
  return ['bash', '-c', body.join('\n'), name, ...args];
}

export function commandLine(command: ShellCommand): string {
  return shJoin(command.argv);
}

export interface LocalCommand {
  where: 'local';
  /** Executed directly (no shell): argv[0] is the program. */
  argv: string[];
  /** One line saying what it is for, shown above it in a dry run. */
  purpose: string;
  /** True when running it changes nothing (dry runs may run these to show exact later commands). */
  readOnly?: boolean;
}

export interface RemoteCommand {
  where: 'remote';
  /** The host alias it runs on. */
  host: string;
  /** Joined with shJoin into the command line the server's login shell runs. */
  argv: string[];
  purpose: string;
  readOnly?: boolean;
  /** Running it twice does no harm (mkdir -p, writing the same file): it may be retried. */
  idempotent?: boolean;
  /** Data written to the command's stdin (never on a command line: it may hold secrets). */
  stdin?: string;
  /** How a dry run shows the stdin: never the data itself. */
  stdinLabel?: string;
  /** Text shown under the command in a dry run (e.g. the launch script it writes), secrets excluded. */
  attachments?: { title: string; text: string }[];
}

export type CommandValue = LocalCommand | RemoteCommand;

/** The exact line sent over the SSH channel (or run by `sh -c` locally). */
export function remoteCommandLine(command: RemoteCommand): string {
  return shJoin(command.argv);
}

/** The exact local command line, as a shell would need it typed. */
export function localCommandLine(command: LocalCommand): string {
  return shJoin(command.argv);
}

/** How a dry run prints one command: a comment with its purpose, then exactly what runs. */
export function describeCommand(command: CommandValue): string {
  const lines = [`# ${command.purpose}${command.readOnly ? ' (read-only)' : ''}`];
  if (command.where === 'local') lines.push(localCommandLine(command));
  else {
    lines.push(`[${command.host}] ${remoteCommandLine(command)}`);
    if (command.stdinLabel) lines.push(`#   stdin: ${command.stdinLabel}`);
    for (const a of command.attachments ?? []) {
      lines.push(`#   ${a.title}:`);
      for (const l of a.text.replace(/\n$/, '').split('\n')) lines.push(`#   | ${l}`);
    }
  }
  return lines.join('\n');
}

/** The header of every dry run, so the [host] prefix is never a mystery. */
/**
 * A file's text as one line of a command's stdin (the script reads it with `base64 -d`): whatever
 * the text holds, it arrives as data, and a line per file keeps the payload easy to split.
 */
export function stdinLine(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

export const DRY_RUN_HEADER =
  '# dry run: nothing below was run except the read-only queries marked so.\n' +
  '# Lines "[host] …" are command lines the server\'s shell runs over the SSH connection\n' +
  "# (the same as: ssh -F <ssh_config> host '…'; trainyard hands each one to sh with its special\n" +
  '# characters as octal escapes, so it means the same whatever the login shell); other lines run here.';
