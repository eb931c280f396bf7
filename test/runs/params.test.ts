/**
 * Parameters as data: {name} in a train command becomes a reference to a variable the launch
 * script sets, fitted to the quotes it stands in, so bash hands the program the value as one
 * argument whatever it holds, and evaluates none of it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRunManifest } from '../../src/runs/manifest.js';
import {
  expandCommandPlaceholders,
  missingParams,
  paramNameProblem,
  paramsJson,
  parseParamAssignments,
  runLineageLines,
} from '../../src/runs/params.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ty-params-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOSTILE = `$(touch ${dir}/C1) \`touch ${dir}/C2\`; touch ${dir}/C3 & "dq" 'sq' \\ \${HOME} {lr}\nline2 *`;

/** What bash passes to printf for `command` with the run's lines set, one <arg> per line. */
function argsOf(command: string, params: Record<string, string>, runDir = '/w/outputs/r1'): string[] {
  // the lines of a launch script, then its eval of the expanded command (given as $1: data)
  const script = ['ty_session=r1', ...runLineageLines({ runDir, params }), 'eval "$1"'].join('\n');
  const text = expandCommandPlaceholders(command).text;
  const out = execFileSync('bash', ['-c', script, 'bash', text], { encoding: 'utf8' });
  return out.split('\u0000').slice(0, -1);
}

describe('train command placeholders', () => {
  it('finds them in order, not ${NAME} of the shell, not after a backslash', () => {
    const e = expandCommandPlaceholders('python t.py --lr {lr} --out "{run_dir}/x" ${HOME} \\{no} --b={lr}{seed}');
    expect(e.names).toEqual(['lr', 'run_dir', 'seed']);
    expect(e.text).toBe(
      'python t.py --lr "${ty_p_lr}" --out "${ty_run_dir}/x" ${HOME} \\{no} --b="${ty_p_lr}""${ty_p_seed}"',
    );
    expect(expandCommandPlaceholders("a '{x}' b").text).toBe(`a ''"\${ty_p_x}"'' b`);
    expect(expandCommandPlaceholders('plain command, {not a name}').names).toEqual([]);
  });

  it('hands a hostile value over as exactly one argument in plain text, double and single quotes', () => {
    const params = { lr: HOSTILE, seed: '7' };
    const command = `printf '%s\\0' {lr} "{lr}" '{lr}' --lr={lr} "x {lr} y" 'p {seed} q' {run_dir}/ckpt`;
    expect(argsOf(command, params)).toEqual([
      HOSTILE,
      HOSTILE,
      HOSTILE,
      `--lr=${HOSTILE}`,
      `x ${HOSTILE} y`,
      'p 7 q',
      '/w/outputs/r1/ckpt',
    ]);
    for (const n of [1, 2, 3]) expect(existsSync(path.join(dir, `C${n}`))).toBe(false);
  });

  it('exports the run for the program: TRAINYARD_RUN_DIR, TRAINYARD_RUN, TRAINYARD_PARAMS (JSON)', () => {
    const params = { lr: HOSTILE, b: '' };
    const out = argsOf(
      `printf '%s\\0' "$TRAINYARD_RUN_DIR" "$TRAINYARD_RUN" "$TRAINYARD_PARAMS"`,
      params,
      `/w/out dir/$(touch ${dir}/C4)`,
    );
    expect(out).toEqual([`/w/out dir/$(touch ${dir}/C4)`, 'r1', paramsJson(params)]);
    expect(JSON.parse(out[2])).toEqual(params);
    expect(paramsJson(params)).toBe(JSON.stringify({ b: '', lr: HOSTILE }));
    expect(existsSync(path.join(dir, 'C4'))).toBe(false);
  });

  it('names placeholders without a value; {run_dir} and {checkpoint} always have one', () => {
    expect(missingParams('t {lr} {run_dir} {checkpoint} {seed} {lr}', { seed: '1' })).toEqual(['lr']);
    expect(missingParams('t --x', {})).toEqual([]);
  });
});

describe('parameter names and --param', () => {
  it('takes NAME=VALUE, the value verbatim (with = and spaces)', () => {
    expect(parseParamAssignments(['lr=1e-3', 'tag=a=b c', 'empty='])).toEqual({
      lr: '1e-3',
      tag: 'a=b c',
      empty: '',
    });
  });

  it('refuses malformed and reserved names with the fix', () => {
    expect(() => parseParamAssignments(['lr'])).toThrow('--param "lr" is not NAME=VALUE — fix: e.g. --param lr=1e-3');
    expect(() => parseParamAssignments(['=1'])).toThrow(/not NAME=VALUE/);
    expect(() => parseParamAssignments(['2x=1'])).toThrow('--param "2x" is not a parameter name');
    expect(() => parseParamAssignments(['run_dir=/x'])).toThrow('"run_dir" is reserved');
    expect(paramNameProblem('checkpoint')).toMatch(/reserved/);
    expect(paramNameProblem('lr_2')).toBeNull();
  });
});

describe('run directory and parameters in a manifest', () => {
  const base = { session: 's', project: 'p', remoteDir: '/w/p', command: 'c' };
  it('an older manifest without them: the project directory and no parameters', () => {
    const { manifest } = parseRunManifest(JSON.stringify(base), '/h');
    expect(manifest).toMatchObject({ runDir: '/w/p', params: {}, sweep: null });
    expect(manifest).not.toHaveProperty('by');
  });

  it('keeps what is well formed and drops the rest of a foreign manifest', () => {
    const { manifest } = parseRunManifest(
      JSON.stringify({
        ...base,
        runDir: '/w/p/outputs/s',
        params: { lr: '1', n: 3, 'bad-name': 'x', run_dir: '/evil' },
        sweep: 'abl',
        by: 'agent',
      }),
      '/h',
    );
    expect(manifest).toMatchObject({ runDir: '/w/p/outputs/s', params: { lr: '1' }, sweep: 'abl', by: 'agent' });
    const relative = parseRunManifest(JSON.stringify({ ...base, runDir: 'outputs/s', by: 'root' }), '/h').manifest;
    expect(relative?.runDir).toBe('/w/p');
    expect(relative).not.toHaveProperty('by');
  });
});
