import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parseCliArgs, USAGE } from '../../src/cli/args.js';
import { COMMANDS, OPTIONS } from '../../src/cli/commandTable.js';
import { commandHelp } from '../../src/cli/help.js';

const BIN = path.join(import.meta.dirname, '..', '..', 'bin', 'trainyard.js');
const pkg = (await import('../../package.json', { with: { type: 'json' } })).default as { version: string };

describe('version and help for each command', () => {
  it('--version and -v print the package version', async () => {
    for (const flag of ['--version', '-v']) {
      const r = await execa('node', [BIN, flag]);
      expect(r.stdout).toBe(pkg.version);
    }
  });

  it('help COMMAND and COMMAND --help print its usage and every option it takes', async () => {
    const viaHelp = await execa('node', [BIN, 'help', 'launch']);
    const viaFlag = await execa('node', [BIN, 'launch', '--help']);
    expect(viaFlag.stdout).toBe(viaHelp.stdout);
    expect(viaHelp.stdout).toMatch(/^Usage: trainyard launch PROJECT/);
    for (const option of ['--host ALIAS', '--session NAME', '--gpus G', '--dry-run', '--config FILE'])
      expect(viaHelp.stdout).toContain(option);
    expect(viaHelp.stdout).not.toContain('--webhook');
  });

  it('help for an unknown command names the commands, exit 2', async () => {
    const r = await execa('node', [BIN, 'help', 'lanch'], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/no command "lanch" — the commands are: status, doctor, init/);
  });

  it('every command has help with a line for each of its options', () => {
    for (const command of COMMANDS) {
      const text = commandHelp(command.name);
      expect(text).toContain(`Usage: trainyard ${command.name}`);
      for (const option of [...command.options, 'config', 'help'])
        expect(text).toMatch(new RegExp(`^ .*--${option}\\b`, 'm'));
    }
  });

  it('the option table and the parser agree, and the overview names every command', () => {
    // every option the parser accepts parses as documented (a switch or a value)
    for (const o of OPTIONS) {
      const argv = o.value ? [`--${o.name}`, '5'] : [`--${o.name}`];
      expect(() => parseCliArgs(argv), `--${o.name}`).not.toThrow();
      if (o.short) expect(() => parseCliArgs(o.value ? [`-${o.short}`, '5'] : [`-${o.short}`])).not.toThrow();
    }
    for (const command of COMMANDS) expect(USAGE).toMatch(new RegExp(`trainyard ${command.name}\\b`));
    // and every option the overview documents is in the table help and completion are made from
    for (const [, name] of USAGE.matchAll(/--([a-z-]+)/g))
      expect(
        OPTIONS.map((o) => o.name),
        `--${name}`,
      ).toContain(name);
  });
});
