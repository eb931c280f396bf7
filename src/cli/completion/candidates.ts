/**
 * What completes at the cursor, computed here once for every shell: the shell scripts pass the
 * words typed so far (the last one is the word under the cursor) and print what comes back.
 */
import { loadConfig } from '../../config/load.js';
import { COMMANDS, findCommand, findOption, GLOBAL_OPTIONS, OPTIONS, type WordKind } from '../commandTable.js';

/** A candidate word and a short description (shown by zsh and fish). */
export interface Candidate {
  word: string;
  description?: string;
}

/** Printed instead of words when the shell should complete file names itself. */
export const FILE_DIRECTIVE = ':file';

export interface ConfigWords {
  hosts: string[];
  projects: string[];
}

/** Host aliases and project names from the config the command line names (or the default one). */
export function configWords(configPath: string | undefined): ConfigWords {
  try {
    const config = loadConfig(configPath);
    return { hosts: config.hosts.map((h) => h.alias), projects: Object.keys(config.projects) };
  } catch {
    return { hosts: [], projects: [] };
  }
}

function optionFor(word: string) {
  if (word.startsWith('--')) return findOption(word.slice(2));
  if (/^-[a-z]$/.test(word)) return OPTIONS.find((o) => o.short === word.slice(1));
  return undefined;
}

function wordsOf(kind: WordKind, config: () => ConfigWords): Candidate[] | typeof FILE_DIRECTIVE {
  if (kind === 'file') return FILE_DIRECTIVE;
  if (Array.isArray(kind)) return kind.map((word) => ({ word }));
  switch (kind) {
    case 'project':
      return config().projects.map((word) => ({ word, description: 'project' }));
    case 'host':
      return config().hosts.map((word) => ({ word, description: 'host' }));
    case 'command':
      return COMMANDS.map((c) => ({ word: c.name, description: c.summary }));
    case 'shell':
      return ['bash', 'zsh', 'fish'].map((word) => ({ word }));
    default:
      return [];
  }
}

/**
 * Candidates for the last of `words` (the words after `trainyard`, the last one possibly empty).
 * `readConfig` is given the --config value found on the line.
 */
export function completeWords(
  words: string[],
  readConfig: (path: string | undefined) => ConfigWords = configWords,
): Candidate[] | typeof FILE_DIRECTIVE {
  const current = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  let configPath: string | undefined;
  const positionals: string[] = [];
  for (let i = 0; i < before.length; i++) {
    const option = optionFor(before[i]);
    if (option?.value) {
      if (option.name === 'config') configPath = before[i + 1];
      i++;
    } else if (!before[i].startsWith('-')) positionals.push(before[i]);
  }
  let cached: ConfigWords | undefined;
  const config = () => (cached ??= readConfig(configPath));
  const byPrefix = (list: Candidate[] | typeof FILE_DIRECTIVE) =>
    list === FILE_DIRECTIVE ? list : list.filter((c) => c.word.startsWith(current));

  const previous = optionFor(before.at(-1) ?? '');
  if (previous?.value && previous.complete) return byPrefix(wordsOf(previous.complete, config));

  const command = positionals[0] === undefined ? undefined : findCommand(positionals[0]);
  if (current.startsWith('-')) {
    const names = command ? [...command.options, ...GLOBAL_OPTIONS] : ['version', ...GLOBAL_OPTIONS];
    return byPrefix(names.map((name) => ({ word: `--${name}`, description: findOption(name)?.help })));
  }
  if (positionals.length === 0) return byPrefix(COMMANDS.map((c) => ({ word: c.name, description: c.summary })));
  const kind = command?.args[positionals.length - 1];
  return kind === undefined ? [] : byPrefix(wordsOf(kind, config));
}
