import { APP_QUERY_FIELDS, GPU_QUERY_FIELDS } from '../parsers/nvidiaSmi.js';
import { TMUX_SESSION_FORMAT } from '../parsers/tmux.js';
import { shJoin } from '../shell/quote.js';

/** The one streaming GPU source per host: nvidia-smi prints a line per GPU every interval. */
export function gpuStreamCommand(intervalMs: number): string {
  return shJoin(['nvidia-smi', `--query-gpu=${GPU_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits', '-lms', String(Math.round(intervalMs))]);
}

/**
 * The batched probe run every few seconds over the held connection: the server's clock,
 * tmux sessions and GPU compute processes in one exec, each section followed by its exit code.
 */
export function sessionsProbeCommand(): string {
  const script = [
    `printf '@@now %s\\n' "$(date +%s)"`,
    `${shJoin(['tmux', 'list-sessions', '-F', TMUX_SESSION_FORMAT])} 2>&1; printf '@@tmux %s\\n' "$?"`,
    `if command -v nvidia-smi >/dev/null 2>&1; then ${shJoin(['nvidia-smi', `--query-compute-apps=${APP_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'])} 2>&1; printf '@@apps %s\\n' "$?"; else printf '@@apps 127\\n'; fi`,
  ].join('; ');
  return shJoin(['sh', '-c', script]);
}

export interface ProbeSections {
  now: number | null;
  tmux: { text: string; code: number };
  apps: { text: string; code: number };
}

/** Splits the batched probe's output into its sections. */
export function parseProbeOutput(output: string): ProbeSections {
  const sections: ProbeSections = { now: null, tmux: { text: '', code: -1 }, apps: { text: '', code: -1 } };
  let buffer: string[] = [];
  for (const line of output.split('\n')) {
    const marker = /^@@(now|tmux|apps) (\d+)$/.exec(line);
    if (!marker) {
      buffer.push(line);
      continue;
    }
    const value = Number.parseInt(marker[2], 10);
    if (marker[1] === 'now') sections.now = value;
    else sections[marker[1] as 'tmux' | 'apps'] = { text: buffer.join('\n'), code: value };
    buffer = [];
  }
  return sections;
}
