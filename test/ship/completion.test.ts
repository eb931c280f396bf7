import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { type Candidate, completeWords, FILE_DIRECTIVE } from '../../src/cli/completion/candidates.js';
import { TmuxTerminal } from '../e2e/terminal.js';

const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'trainyard.js');
const dir = mkdtempSync(path.join(tmpdir(), 'ty-completion-'));
symlinkSync(BIN, path.join(dir, 'trainyard'));
const config = path.join(dir, 'config.json');
writeFileSync(
  config,
  JSON.stringify({
    hosts: ['gpu-a', { alias: 'gpu-b', label: 'lab' }],
    projects: {
      mnist: { local: '~/m', remote: '/w/m', train: 'python t.py' },
      'bert-ft': { local: '~/b', remote: '/w/b', train: 'python t.py' },
    },
  }),
);
const env = { PATH: `${dir}:${process.env.PATH}`, HOME: dir, XDG_CONFIG_HOME: path.join(dir, 'xdg') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function script(shell: string): Promise<string> {
  const file = path.join(dir, `trainyard.${shell}`);
  writeFileSync(file, (await execa('node', [BIN, 'completion', shell])).stdout);
  return file;
}

const words = (answer: Candidate[] | typeof FILE_DIRECTIVE) =>
  answer === FILE_DIRECTIVE ? answer : answer.map((c) => c.word);
const fromConfig = () => ({ hosts: ['gpu-a', 'gpu-b'], projects: ['mnist', 'bert-ft'] });

describe('what completes where', () => {
  it('commands, then per command its arguments: projects, hosts, watchdog verbs, shells, commands for help', () => {
    expect(words(completeWords(['st'], fromConfig))).toEqual(['status', 'stop']);
    expect(words(completeWords(['sync', ''], fromConfig))).toEqual(['mnist', 'bert-ft']);
    expect(words(completeWords(['stop', 'g'], fromConfig))).toEqual(['gpu-a', 'gpu-b']);
    expect(words(completeWords(['stop', 'gpu-a', ''], fromConfig))).toEqual([]);
    expect(words(completeWords(['watchdog', ''], fromConfig))).toEqual(['install', 'status', 'uninstall']);
    expect(words(completeWords(['watchdog', 'install', ''], fromConfig))).toEqual(['gpu-a', 'gpu-b']);
    expect(words(completeWords(['completion', ''], fromConfig))).toEqual(['bash', 'zsh', 'fish']);
    expect(words(completeWords(['help', 'wa'], fromConfig))).toEqual(['watchdog']);
  });

  it("options are the command's own (plus --config, --help), and option values complete by kind", () => {
    expect(words(completeWords(['launch', 'mnist', '--'], fromConfig))).toEqual([
      '--host',
      '--yes',
      '--dry-run',
      '--session',
      '--gpus',
      '--param',
      '--config',
      '--help',
    ]);
    expect(words(completeWords(['--'], fromConfig))).toEqual(['--version', '--config', '--help']);
    expect(words(completeWords(['launch', 'mnist', '--host', ''], fromConfig))).toEqual(['gpu-a', 'gpu-b']);
    expect(words(completeWords(['launch', '--gpus', 'l'], fromConfig))).toEqual(['least-used', 'least-used:2']);
    expect(completeWords(['--config', ''], fromConfig)).toBe(FILE_DIRECTIVE);
    expect(completeWords(['init', '--ssh-config', '~/.s'], fromConfig)).toBe(FILE_DIRECTIVE);
    // a value taken by an option is not a positional: the project is still the first argument
    expect(words(completeWords(['sync', '--host', 'gpu-a', 'mn'], fromConfig))).toEqual(['mnist']);
  });

  it('reads the config the line names with --config', () => {
    let asked: string | undefined = 'never';
    completeWords(['--config', '/x/c.json', 'sync', ''], (p) => ((asked = p), fromConfig()));
    expect(asked).toBe('/x/c.json');
  });
});

describe('completion through each real shell', () => {
  it('bash: registered with complete -F, and COMPREPLY holds the words for the simulated line', async () => {
    const file = await script('bash');
    const run = (line: string[]) =>
      execa(
        'bash',
        [
          '-c',
          `source "$0"; complete -p trainyard; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _trainyard; printf '<%s>\\n' "\${COMPREPLY[@]}"`,
          file,
          'trainyard',
          ...line,
        ],
        { env },
      );
    const commands = await run(['st']);
    expect(commands.stdout.split('\n')).toEqual(['complete -F _trainyard trainyard', '<status>', '<stop>']);
    expect((await run(['--config', config, 'sync', ''])).stdout).toContain('<mnist>\n<bert-ft>');
    expect((await run(['--config', config, 'attach', 'gpu-'])).stdout).toContain('<gpu-a>\n<gpu-b>');
    // file names for --config, from the shell itself
    expect((await run(['--config', path.join(dir, 'conf')])).stdout).toContain(`<${config}>`);
  });

  it('zsh: the completion function offers the words (with descriptions) to _describe', async () => {
    const file = await script('zsh');
    const r = await execa(
      'zsh',
      [
        '-f',
        '-c',
        `compdef() { :; }; source "$1"; _describe() { print -rl -- "\${(@P)4}"; }; shift; words=(trainyard "$@"); CURRENT=$#words; _trainyard`,
        'zsh',
        file,
        '--config',
        config,
        'stop',
        '',
      ],
      { env },
    );
    expect(r.stdout.split('\n')).toEqual(['gpu-a:host', 'gpu-b:host']);
  });

  it('zsh: in a real terminal, Tab completes a project and lists the commands', async () => {
    const file = await script('zsh');
    const term = new TmuxTerminal(100, 20);
    try {
      term.start(`ZDOTDIR=${dir} PS1='%% ' zsh -f -i`, env);
      term.send(`autoload -U compinit && compinit -u -D && source ${file} && echo ready`, 'Enter');
      await term.waitFor((t) => /^ready$/m.test(t), 30_000, 'zsh to load the completion');
      term.send(`trainyard --config ${config} sync mn`, 'Tab');
      await term.waitFor((t) => t.includes(`sync mnist`), 30_000, 'the project completed');
      term.send('C-u', 'trainyard wa', 'Tab');
      await term.waitFor((t) => /trainyard watchdog/.test(t), 30_000, 'the command completed');
    } finally {
      term.stop();
    }
  });

  it('fish: complete -C gives the words with their descriptions', async () => {
    const file = await script('fish');
    const run = async (line: string) =>
      (
        await execa('fish', ['--no-config', '-c', `source $argv[1]; complete -C $argv[2]`, file, line], { env })
      ).stdout.split('\n');
    expect(await run('trainyard st')).toEqual([
      "status\tprint every host's state, GPUs and tmux sessions once",
      'stop\tCtrl-C, then kill a tmux session (asks first)',
    ]);
    expect(await run(`trainyard --config ${config} launch `)).toEqual(['bert-ft\tproject', 'mnist\tproject']);
    expect(await run(`trainyard --config ${config} launch mnist --host gpu-b`)).toEqual(['gpu-b\thost']);
    expect(await run('trainyard completion ')).toEqual(['bash', 'fish', 'zsh']);
  });
});
