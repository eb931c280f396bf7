/**
 * The commands the research loop runs on a server for a project, whatever holds its runs (the
 * run backends build their own, src/backends/). Scripts are fixed bash text run as
 * `bash -c SCRIPT NAME ARG…`: values (names, paths, globs) only ever arrive as positional
 * parameters, so no value is parsed as shell code; payloads (secrets) arrive on stdin.
 */
import { GPU_QUERY_FIELDS } from '../parsers/nvidiaSmi.js';
import { bashScriptArgv, type RemoteCommand } from './value.js';

export function mkdirCommand(host: string, dir: string): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: 'create the project directory (first sync)',
    idempotent: true,
    argv: ['mkdir', '-p', '--', dir],
  };
}

/** Writes the secrets file (0600, atomically) from stdin: the values never touch a command line. */
export function writeSecretsCommand(host: string, file: string, fileText: string, names: string[]): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: 'write the project secrets to a 0600 file on the host',
    idempotent: true,
    argv: bashScriptArgv(
      'trainyard-secrets',
      [
        'set -e',
        'umask 077',
        'mkdir -p -- "${1%/*}"',
        'cat > "$1.tmp"',
        'chmod 600 -- "$1.tmp"',
        'mv -f -- "$1.tmp" "$1"',
      ],
      file,
    ),
    stdin: fileText,
    stdinLabel: `${names.length} secret variable(s) ${names.join(', ')} — values not shown`,
  };
}

/**
 * The checkpoints matching a glob in the project directory, NUL-separated "mtime<TAB>path".
 * The glob expands with IFS empty and is never evaluated: a file name is only ever data.
 */
export function listCheckpointsCommand(host: string, remoteDir: string, glob: string): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: `find checkpoints matching ${glob}`,
    readOnly: true,
    argv: bashScriptArgv(
      'trainyard-checkpoints',
      [
        'cd -- "$1" 2>/dev/null || exit 0',
        'IFS=',
        'for f in $2; do',
        '  [ -e "$f" ] || continue',
        '  printf \'%s\\t%s\\0\' "$(stat -c %Y -- "$f")" "$f"',
        'done',
      ],
      remoteDir,
      glob,
    ),
  };
}

/** One nvidia-smi sample, to pick the least-used GPUs when the cockpit has none at hand. */
export function gpuQueryCommand(host: string): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: 'read GPU use (to pick the least-used GPUs)',
    readOnly: true,
    argv: ['nvidia-smi', `--query-gpu=${GPU_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'],
  };
}

/** The smoke test as it runs over the channel (the transport adds dieWithChannel). */
export function smokeCommand(host: string, scriptText: string): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: 'run the smoke test in the foreground (output streamed here)',
    argv: ['bash', '-c', scriptText, 'trainyard-smoke'],
  };
}

/** The last lines of a log, for a failure message. */
export function logEndCommand(host: string, file: string, lines: number): RemoteCommand {
  return {
    where: 'remote',
    host,
    purpose: 'read the end of the log',
    readOnly: true,
    argv: ['tail', '-n', String(lines), '--', file],
  };
}
