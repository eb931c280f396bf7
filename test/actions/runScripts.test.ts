/** Pure unit tests of the run scripts, the restart contract and file layout: the text built, nothing runs. */
import { describe, expect, it } from 'vitest';
import { launchScript, preludeLines, type RunEnvironment, smokeScript } from '../../src/commands/runScript.js';
import type { RunManifest } from '../../src/runs/layout.js';
import { projectFileSlug, RUN_SCRIPT_MARKER, runFile } from '../../src/runs/layout.js';
import {
  buildResumeCommand,
  checkpointStep,
  compareCheckpoints,
  newestCheckpoint,
  restartCommand,
  restartManifest,
} from '../../src/runs/restart.js';

describe('run scripts', () => {
  const spec: RunEnvironment = {
    remoteDir: '/w/my proj',
    env: { HF_HOME: "/data/hf's" },
    secretsFile: '/h/.trainyard/secrets/p.env',
    activation: { kind: 'conda', env: 'torch 2' },
    gpus: '0,1',
  };

  it('cd, secrets sourced, variables quoted, GPUs, conda through its shell hook', () => {
    const lines = preludeLines(spec);
    expect(lines[0]).toMatch(/^cd -- '\/w\/my proj' \|\| /);
    expect(lines).toContain('set -a; . /h/.trainyard/secrets/p.env; set +a');
    expect(lines).toContain('export PYTHONUNBUFFERED=1');
    expect(lines).toContain(`export HF_HOME='/data/hf'\\''s'`);
    expect(lines).toContain('export CUDA_VISIBLE_DEVICES=0,1');
    const text = lines.join('\n');
    expect(text).toContain('ty_hook=$("$ty_conda" shell.bash hook)');
    expect(text).toContain("conda activate 'torch 2' ||");
    expect(text).toContain('"$HOME"/miniconda3');
  });

  it('a venv path may be relative, absolute or under ~', () => {
    expect(preludeLines({ ...spec, activation: { kind: 'venv', path: '.venv' } })).toContain('. .venv/bin/activate');
    expect(preludeLines({ ...spec, activation: { kind: 'venv', path: '~/venvs/t' } })).toContain(
      '. "$HOME"/venvs/t/bin/activate',
    );
  });

  it('smoke: the command evaluated once, in the background, TERM handed to the group, in a scratch run dir', () => {
    const text = smokeScript(spec, "python train.py --tag 'a b'", { slug: 'p', params: { lr: '1e-3' } });
    expect(text).toContain(`eval 'python train.py --tag '\\''a b'\\''' &`);
    expect(text).toContain(
      `trap 'trap - TERM INT HUP; rm -rf -- "$ty_run_dir"; kill -TERM 0 2>/dev/null; exit 143' TERM INT HUP`,
    );
    expect(text).toContain('ty_run_dir=$(mktemp -d "$HOME"/.trainyard/smoke/p.XXXXXX)');
    expect(text).toContain('ty_p_lr=1e-3');
    expect(text.trimEnd().split('\n').slice(-2)).toEqual(['rm -rf -- "$ty_run_dir"', 'exit "$ty_status"']);
  });

  it('launch: tee to the log, exit code to the marker, no secret value', () => {
    const text = launchScript({
      ...spec,
      session: 'r1',
      project: 'p',
      log: '/h/.trainyard/runs/r1.log',
      exitFile: '/h/.trainyard/runs/r1.exit',
      command: 'python train.py',
      runDir: '/w/outputs/first-run',
      params: { lr: '1e-3', tag: "it's" },
    });
    expect(text.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect(text).toContain('} 2>&1 | tee -i -a -- "$ty_log"');
    expect(text).toContain('ty_status=${PIPESTATUS[0]}');
    expect(text).toContain('  eval "$ty_command"');
    // the watchdog's contract: run-specific assignments, the marker, then only $ty_* names
    const [head, body] = text.split(`${RUN_SCRIPT_MARKER}\n`);
    expect(head.split('\n').slice(2, -1)).toEqual([
      'ty_session=r1',
      'ty_log=/h/.trainyard/runs/r1.log',
      'ty_exit=/h/.trainyard/runs/r1.exit',
      "ty_command='python train.py'",
    ]);
    expect(body).not.toContain('r1');
    // the lineage's lines, kept by a restart: run dir, parameters, the environment the program gets
    expect(body.split('\n').slice(0, 5)).toEqual([
      'ty_run_dir=/w/outputs/first-run',
      `ty_params='{"lr":"1e-3","tag":"it'\\''s"}'`,
      'ty_p_lr=1e-3',
      `ty_p_tag='it'\\''s'`,
      'export TRAINYARD_RUN_DIR="$ty_run_dir" TRAINYARD_RUN="$ty_session" TRAINYARD_PARAMS="$ty_params"',
    ]);
    expect(body).toContain('  mkdir -p -- "$ty_run_dir" ||');
  });
});

describe('restart contract (mirrored by the watchdog)', () => {
  it('orders checkpoints by step number, then mtime', () => {
    expect(checkpointStep('outputs/checkpoint-1000')).toBe(1000);
    expect(checkpointStep('ckpt/epoch=3-step=250.ckpt')).toBe(250);
    expect(checkpointStep('outputs/last')).toBeNull();
    const entries = [
      { path: 'outputs/checkpoint-999', mtime: 300 },
      { path: 'outputs/checkpoint-1000', mtime: 100 },
      { path: 'outputs/checkpoint-best', mtime: 900 },
      { path: 'outputs/checkpoint-20', mtime: 950 },
    ];
    expect(newestCheckpoint(entries)?.path).toBe('outputs/checkpoint-1000');
    expect([...entries].sort(compareCheckpoints).map((e) => e.path)).toEqual([
      'outputs/checkpoint-1000',
      'outputs/checkpoint-999',
      'outputs/checkpoint-20',
      'outputs/checkpoint-best',
    ]);
    expect(
      newestCheckpoint([
        { path: 'a/step-5', mtime: 1 },
        { path: 'b/step-5', mtime: 2 },
      ])?.path,
    ).toBe('b/step-5');
    expect(newestCheckpoint([])).toBeNull();
  });

  it('builds the resume command with the path as a variable, never in the text', () => {
    expect(buildResumeCommand('python train.py', '--resume {checkpoint}', 'outputs/checkpoint-10')).toBe(
      'python train.py --resume "$ty_checkpoint"',
    );
    expect(buildResumeCommand('python t.py', '--resume={checkpoint} --x', 'o/c 1;$(x)')).toBe(
      `python t.py --resume="$ty_checkpoint" --x`,
    );
    expect(buildResumeCommand('python t.py', '--resume "{checkpoint}"', 'o/c 1;$(x)')).toBe(
      `python t.py --resume "$ty_checkpoint"`,
    );
    expect(buildResumeCommand('python t.py', null, 'o/c')).toBe('python t.py');
    expect(restartCommand({ command: 'python t.py', resume: '--resume {checkpoint}' }, null)).toBe('python t.py');
  });

  it('the restarted manifest names its parent', () => {
    const parent = {
      session: 'a',
      command: 'python t.py',
      resume: '--resume {checkpoint}',
      restartCount: 1,
    } as RunManifest;
    const next = restartManifest(parent, {
      session: 'b',
      checkpoint: 'o/checkpoint-5',
      startedAt: 'T',
      log: '/l',
      automatic: true,
    });
    expect(next).toMatchObject({
      session: 'b',
      parent: 'a',
      resumedFrom: 'o/checkpoint-5',
      restartCount: 2,
      restartedBy: 'watchdog',
      effectiveCommand: 'python t.py --resume "$ty_checkpoint"',
    });
    // a restart by the user does not count towards autoRestart.max, and says who did it
    expect(restartManifest(parent, { session: 'c', checkpoint: null, startedAt: 'T', log: '/l' })).toMatchObject({
      restartCount: 1,
      restartedBy: 'user',
    });
  });
});

describe('layout', () => {
  it('plain project names are their own file names; others get a safe slug', () => {
    expect(projectFileSlug('mnist')).toBe('mnist');
    expect(projectFileSlug('a b/$(c)')).toMatch(/^a_b_c_-[0-9a-f]{8}$/);
    expect(projectFileSlug('../x')).not.toContain('/');
    expect(runFile('/h', 's 1', 'exit')).toBe('/h/.trainyard/runs/s 1.exit');
  });
});
