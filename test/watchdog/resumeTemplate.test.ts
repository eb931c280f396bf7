/**
 * Resume templates are arguments, never shell code: the TS split (CLI restart) and the awk split
 * (the watchdog's automatic restart) give the same answer on one table, and the text they build
 * runs the checkpoint as one argument whatever quotes surround {checkpoint}.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScriptHeader } from '../../src/runs/layout.js';
import { runLineageLines } from '../../src/runs/params.js';
import { buildResumeCommand } from '../../src/runs/restart.js';
import { resumeArgumentsText, resumeTemplateProblem, splitResumeTemplate } from '../../src/runs/resumeTemplate.js';
import { awkProgram } from '../../src/watchdog/script.js';
import { tempDir } from '../support/tempDir.js';
import { availableAwks, runAwk } from './awkHarness.js';

const ACCEPTED: [string, string[]][] = [
  ['--resume {checkpoint}', ['--resume', '{checkpoint}']],
  ['--resume "{checkpoint}"', ['--resume', '{checkpoint}']],
  ["--resume '{checkpoint}'", ['--resume', '{checkpoint}']],
  ['--resume={checkpoint}', ['--resume={checkpoint}']],
  ['--resume="{checkpoint}" --tag "a b"', ['--resume={checkpoint}', '--tag', 'a b']],
  ['--ckpt \\"{checkpoint}\\"', ['--ckpt', '"{checkpoint}"']],
  ['  --x   {checkpoint}{checkpoint}  ', ['--x', '{checkpoint}{checkpoint}']],
  ['--from "dir with \\"q\\" and \\\\"/{checkpoint} \'\'', ['--from', 'dir with "q" and \\/{checkpoint}', '']],
  ['--resume "{checkpoint}" --note it\\\'s', ['--resume', '{checkpoint}', '--note', "it's"]],
  // the run's directory and parameters: references to the variables below the script's marker
  [
    '--resume {checkpoint} --out {run_dir}/x --lr={lr}',
    ['--resume', '{checkpoint}', '--out', '{run_dir}/x', '--lr={lr}'],
  ],
  [
    '--r \'{lr}{checkpoint}\' x{seed}y "{run_dir}" {a b}',
    ['--r', '{lr}{checkpoint}', 'x{seed}y', '{run_dir}', '{a', 'b}'],
  ],
];
const REFUSED = [
  '--resume "$(cat x)/{checkpoint}"',
  '--resume `id` {checkpoint}',
  '--resume {checkpoint}; rm -rf ~',
  '--resume {checkpoint} | tee x',
  '--resume {checkpoint} > out',
  '--resume "{checkpoint}',
  "--resume '{checkpoint}",
  '--resume {checkpoint}\nrm x',
  '--resume $CKPT {checkpoint}',
  '--resume *{checkpoint}',
  '--resume {checkpoint} #comment',
  '--resume ~/{checkpoint}',
  '--resume {checkpoint} \\',
  '--resume latest',
];

describe('resume templates in TypeScript', () => {
  it.each(ACCEPTED)('splits %j into arguments', (template, words) => {
    expect(splitResumeTemplate(template)).toEqual({ words, problem: null });
    expect(resumeTemplateProblem(template)).toBeNull();
  });

  it.each(REFUSED)('refuses %j with the fix', (template) => {
    expect(resumeTemplateProblem(template)).toMatch(/fix: /);
    expect(() => buildResumeCommand('python t.py', template, 'c')).toThrow();
  });

  it('runs a checkpoint named like shell code as one argument, whatever the quotes (bash)', () => {
    const dir = tempDir('ty-resume-');
    const ckpt = `out/ck-$(touch ${dir}/CANARY1)\`touch ${dir}/CANARY2\`;touch ${dir}/CANARY3 "x" 'y' \\ 999`;
    const runDir = `/w/outputs/r $(touch ${dir}/CANARY4)`;
    for (const [template] of ACCEPTED) {
      const command = buildResumeCommand('printf "<%s>\\n"', template, ckpt);
      const script = [
        ...runScriptHeader({ session: 's', log: '/dev/null', exitFile: '/dev/null', command, checkpoint: ckpt }),
        ...runLineageLines({ runDir, params: { lr: ckpt.replace('ck-', 'lr-'), seed: ' 7 $x ' } }),
        'eval "$ty_command"',
      ].join('\n');
      const out = execFileSync('bash', ['-c', script], { encoding: 'utf8' });
      const args = splitResumeTemplate(template).words!.map(
        (w) =>
          `<${w
            .split('{checkpoint}')
            .join(ckpt)
            .split('{run_dir}')
            .join(runDir)
            .split('{lr}')
            .join(ckpt.replace('ck-', 'lr-'))
            .split('{seed}')
            .join(' 7 $x ')}>`,
      );
      expect(out.trim().split('\n'), template).toEqual(args);
    }
    for (const n of [1, 2, 3, 4]) expect(existsSync(path.join(dir, `CANARY${n}`))).toBe(false);
  });
});

const DRIVER = `
{ t = $0; gsub(/\\\\n/, "\\n", t); out = resume_text(t); print (RERR != "" ? "REFUSED " RERR : "OK " out) }
`;

describe.each(availableAwks())('the watchdog splits resume templates the same way under $name', (awk) => {
  it('gives the same text for every accepted template and refuses the rest', () => {
    const templates = [...ACCEPTED.map(([t]) => t), ...REFUSED];
    // one template per line; a line break inside one is written as \\n for the driver
    const input = templates.map((t) => t.replace(/\n/g, '\\n')).join('\n') + '\n';
    const out = runAwk(
      awk,
      awkProgram('json') + '\n' + awkProgram('restart').replace(/^FNR == 1[\s\S]*/m, '') + '\n' + DRIVER,
      { input },
    )
      .toString('utf8')
      .split('\n');
    templates.forEach((t, i) => {
      if (resumeTemplateProblem(t) === null) expect(out[i], t).toBe(`OK ${resumeArgumentsText(t)}`);
      else expect(out[i], t).toMatch(/^REFUSED /);
    });
  });
});
