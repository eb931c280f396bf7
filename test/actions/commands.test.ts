/** Pure unit tests of the command builders: argv values and dry-run text, nothing runs. */
import { describe, expect, it } from 'vitest';
import { protectionFor } from '../../src/actions/syncLiveRuns.js';
import type { Run } from '../../src/backends/runBackend.js';
import {
  attachArgv,
  newWindowAttachArgv,
  paneTarget,
  sessionNameProblem,
  sessionTarget,
  tmuxArg,
  tmuxFormatLiteral,
} from '../../src/backends/tmux/tmuxArgs.js';
import { hostProbeCommand, launchCommand, stopCommand } from '../../src/backends/tmux/tmuxCommands.js';
import { gitCommands } from '../../src/commands/git.js';
import { listCheckpointsCommand, mkdirCommand, writeSecretsCommand } from '../../src/commands/projectCommands.js';
import {
  approvedDeletionRules,
  DEFAULT_PULL_EXCLUDES,
  DEFAULT_SYNC_EXCLUDES,
  deleteApprovedArgv,
  literalPattern,
  pullArgv,
  rsyncRsh,
  type SyncArgs,
  skippedDeletions,
  syncArgv,
} from '../../src/commands/rsync.js';
import { launchScript, preludeLines, type RunEnvironment, smokeScript } from '../../src/commands/runScript.js';
import { describeCommand, remoteCommandLine } from '../../src/commands/value.js';
import type { RunManifest } from '../../src/runs/layout.js';
import { projectFileSlug, RUN_SCRIPT_MARKER, runFile, secretsFile } from '../../src/runs/layout.js';
import {
  buildResumeCommand,
  checkpointStep,
  compareCheckpoints,
  newestCheckpoint,
  restartCommand,
  restartManifest,
} from '../../src/runs/restart.js';
import { shJoin } from '../../src/shell/quote.js';

const sync: SyncArgs = {
  host: 'gpu-a',
  sshConfig: '/home/me/.ssh/config',
  localDir: '/home/me/proj',
  remoteDir: '/work/proj',
  excludes: ['.git/', 'data/'],
  protect: [],
};

describe('rsync command values', () => {
  it('sync: transfer never deletes, progress2 + stats, .gitignore honoured, the app ssh_config', () => {
    expect(syncArgv(sync, 'transfer')).toEqual([
      'rsync',
      '-a',
      '-z',
      '-s',
      '-e',
      'ssh -F /home/me/.ssh/config -o BatchMode=yes',
      '--no-inc-recursive',
      '--info=progress2',
      '--stats',
      '--delete',
      '--max-delete=-1',
      '--exclude=.git/',
      '--exclude=data/',
      '--filter=:- .gitignore',
      '/home/me/proj/',
      'gpu-a:/work/proj/',
    ]);
  });

  it('sync: the deletion listing is a dry run that skips every update; protect rules come first', () => {
    const argv = syncArgv({ ...sync, protect: ['/outputs/***'] }, 'list-deletions');
    expect(argv).toContain('--dry-run');
    expect(argv.slice(6, 11)).toEqual([
      '--dry-run',
      '--delete',
      '--existing',
      '--ignore-existing',
      '--itemize-changes',
    ]);
    expect(skippedDeletions('Deletions stopped due to --max-delete limit (12 skipped)')).toBe(12);
    expect(skippedDeletions('sent 10 bytes')).toBeNull();
    expect(argv.indexOf('--filter=P /outputs/***')).toBeLessThan(argv.indexOf('--exclude=.git/'));
  });

  it("sync: the delete pass lets only the approved rules file delete; a live run's protect rules still come first", () => {
    const del = deleteApprovedArgv({ ...sync, protect: ['/outputs/***'] }, '/tmp/x/approved.rules');
    expect(del).not.toContain('--dry-run');
    expect(del).toContain('--delete');
    expect(del).toContain('--from0');
    expect(del.indexOf('--filter=P /outputs/***')).toBeLessThan(del.indexOf('--filter=merge /tmp/x/approved.rules'));
    expect(del.indexOf('--filter=merge /tmp/x/approved.rules')).toBeLessThan(del.indexOf('--exclude=.git/'));
    expect(del).not.toContain('--filter=:- .gitignore');
    expect(del.slice(-2)).toEqual(['/home/me/proj/', 'gpu-a:/work/proj/']);
  });

  it('approved names become literal rules, NUL-terminated, then "P *"', () => {
    const rules = approvedDeletionRules([
      Buffer.from('old.py'),
      Buffer.from('a*b?[c]\\d.py'),
      Buffer.from('back\\slash'),
      Buffer.from('line\nbreak '),
      Buffer.from([0x66, 0xff, 0x2f]),
    ]);
    expect(rules.toString('latin1').split('\0')).toEqual([
      'R /old.py',
      'R /a\\*b\\?\\[c]\\\\d.py',
      'R /back\\slash',
      'R /line\nbreak ',
      'R /f\xff/',
      'P *',
      '',
    ]);
    expect(literalPattern(Buffer.from('plain')).toString()).toBe('plain');
  });

  it('the local machine as a host needs no ssh', () => {
    const argv = syncArgv({ ...sync, host: null }, 'transfer');
    expect(argv).not.toContain('-e');
    expect(argv.slice(-2)).toEqual(['/home/me/proj/', '/work/proj/']);
  });

  it('pull: results down, no checkpoints or weights, never deleting or overwriting newer files here', () => {
    const argv = pullArgv({
      host: 'gpu-a',
      sshConfig: '/c',
      remoteDir: '/work/proj/outputs',
      localDir: '/home/me/proj/outputs',
      excludes: DEFAULT_PULL_EXCLUDES,
    });
    expect(argv).toContain('-u');
    expect(argv.some((a) => a.startsWith('--delete'))).toBe(false);
    for (const e of ['checkpoint-*/', '*.safetensors', '*.bin', '*.pt', '*.ckpt'])
      expect(argv).toContain(`--exclude=${e}`);
    expect(argv.slice(-2)).toEqual(['gpu-a:/work/proj/outputs/', '/home/me/proj/outputs/']);
  });

  it('default sync excludes cover VCS, trackers, caches, outputs, checkpoints and weights', () => {
    for (const e of [
      '.git/',
      'wandb/',
      '__pycache__/',
      'outputs/',
      'results/',
      'checkpoint-*/',
      '*.safetensors',
      '*.pt',
      '*.ckpt',
      '*.bin',
    ])
      expect(DEFAULT_SYNC_EXCLUDES).toContain(e);
  });

  it('odd paths stay single arguments; a quote in the ssh_config path is refused with a fix', () => {
    const argv = syncArgv({ ...sync, localDir: '/tmp/a b $(x)', remoteDir: '/w/p;q' }, 'transfer');
    expect(argv.slice(-2)).toEqual(['/tmp/a b $(x)/', 'gpu-a:/w/p;q/']);
    expect(rsyncRsh('/home/me/my ssh/config')).toBe("ssh -F '/home/me/my ssh/config' -o BatchMode=yes");
    expect(rsyncRsh('/c', '/run/user/1/trainyard/cm-%C')).toBe(
      'ssh -F /c -o BatchMode=yes -o ControlMaster=auto -o ControlPath=/run/user/1/trainyard/cm-%C -o ControlPersist=300 -o ServerAliveInterval=10 -o ServerAliveCountMax=3',
    );
    expect(() => rsyncRsh("/home/o'neil/.ssh/config")).toThrow(/contains a single quote.* fix: move the file/);
  });

  it('dry-run text is the purpose and the exact command line', () => {
    expect(describeCommand({ where: 'local', argv: syncArgv(sync, 'transfer'), purpose: 'send code' })).toBe(
      `# send code\n${shJoin(syncArgv(sync, 'transfer'))}`,
    );
    expect(describeCommand(mkdirCommand('gpu-a', '/work/my proj'))).toBe(
      "# create the project directory (first sync)\n[gpu-a] mkdir -p -- '/work/my proj'",
    );
  });
});

describe('tmux values', () => {
  it('escapes a trailing ";" and doubles "#" where tmux expands formats', () => {
    expect(tmuxArg('a;')).toBe('a\\;');
    expect(tmuxArg('a;b')).toBe('a;b');
    expect(tmuxFormatLiteral('x #(touch y);')).toBe('x ##(touch y)\\;');
    expect(sessionTarget('run;')).toBe('=run\\;');
    expect(paneTarget('run;')).toBe('=run;:');
  });

  it('refuses names tmux would change, allows shell syntax (it is only data)', () => {
    for (const ok of ['train01', 'mnist-3f2a', 'a b $(c) `d` ; \'e\' "f" #(g) | & !'])
      expect(sessionNameProblem(ok)).toBeNull();
    for (const bad of [
      '',
      'a.b',
      'a:b',
      'a/b',
      'a\\b',
      '-a',
      '$1',
      '@1',
      '%1',
      '=a',
      '~a',
      'a\nb',
      'a\tb',
      'x'.repeat(201),
    ])
      expect(sessionNameProblem(bad)).not.toBeNull();
  });

  it('attach: ssh -F cfg -t -- alias, the remote tmux command as one quoted argument', () => {
    expect(attachArgv('/c', 'gpu-a', "my run's")).toEqual([
      'ssh',
      '-F',
      '/c',
      '-t',
      '--',
      'gpu-a',
      `tmux attach-session -t '=my run'\\''s'`,
    ]);
    const nw = newWindowAttachArgv('/c', 'gpu-a', 'r#1');
    expect(nw.slice(0, 4)).toEqual(['tmux', 'new-window', '-n', 'r##1@gpu-a']);
    expect(nw[4]).toBe(shJoin(attachArgv('/c', 'gpu-a', 'r#1')));
  });
});

describe('remote command values', () => {
  it('pass values as positional parameters of a fixed script', () => {
    const probe = hostProbeCommand('gpu-a', '~/work/$(x)');
    expect(probe.argv.slice(0, 2)).toEqual(['bash', '-c']);
    expect(probe.argv.slice(3, 5)).toEqual(['trainyard-probe', '~/work/$(x)']);
    expect(probe.readOnly).toBe(true);
    const ck = listCheckpointsCommand('gpu-a', '/w/p', 'outputs/checkpoint-*');
    expect(ck.argv.slice(3)).toEqual(['trainyard-checkpoints', '/w/p', 'outputs/checkpoint-*']);
    const stop = stopCommand('gpu-a', 'run;', 2.5);
    expect(stop.argv.slice(3)).toEqual(['trainyard-stop', 'run;', '=run\\;', '=run;:', '25']);
  });

  it('launch: payloads on stdin (base64 lines), only the script path reaches tmux, secrets never in argv or dry run', () => {
    const cmd = launchCommand('gpu-a', {
      session: 'r1',
      home: '/home/u',
      manifestJson: '{"session":"r1"}',
      scriptText: 'echo hi\n',
      secrets: { file: secretsFile('/home/u', 'proj'), text: "export KEY='s3cret-value'\n", names: ['KEY'] },
    });
    const line = remoteCommandLine(cmd);
    expect(line).not.toContain('s3cret');
    expect(cmd.argv.slice(3)).toEqual([
      'trainyard-launch',
      'r1',
      'r1',
      '=r1',
      '=r1:',
      '/home/u/.trainyard/runs',
      '/home/u/.trainyard/secrets/proj.env',
    ]);
    expect(cmd.argv[2]).toContain('tmux new-session -d -s "$2" -- bash "$runs/$s.sh"');
    const [m, s, k] = (cmd.stdin ?? '').split('\n');
    expect(Buffer.from(m, 'base64').toString()).toBe('{"session":"r1"}');
    expect(Buffer.from(s, 'base64').toString()).toBe('echo hi\n');
    expect(Buffer.from(k, 'base64').toString()).toContain('s3cret-value');
    const dry = describeCommand(cmd);
    expect(dry).not.toContain('s3cret');
    expect(dry).toContain('1 secret variable(s) KEY — values not shown');
    expect(dry).toContain('#   | echo hi');
    const sec = writeSecretsCommand('gpu-a', '/home/u/.trainyard/secrets/p.env', "export K='v4lue'\n", ['K']);
    expect(remoteCommandLine(sec)).not.toContain('v4lue');
    expect(describeCommand(sec)).not.toContain('v4lue');
  });

  it('git queries are read-only argv', () => {
    expect(gitCommands.head('/p')).toMatchObject({
      argv: ['git', '-C', '/p', 'rev-parse', '--verify', '-q', 'HEAD'],
      readOnly: true,
    });
  });
});

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

describe('the --delete guard', () => {
  it("protects a live run's results, checkpoints and log (with the directories leading to it)", () => {
    const manifest = {
      session: 'r1',
      project: 'p',
      host: 'gpu-a',
      remoteDir: '/w/p',
      gpus: null,
      results: 'run-out',
      checkpoints: 'run-out/checkpoint-*',
      log: '/w/p/logs/x/r1.log',
    } as RunManifest;
    const live: Run[] = [
      {
        id: 'r1',
        project: 'p',
        host: 'gpu-a',
        gpus: null,
        runDir: '/w/p',
        params: {},
        manifest,
        state: 'running',
        exitCode: null,
        stoppedMarker: false,
      },
    ];
    const p = protectionFor('/w/p', live, { results: 'outputs', checkpoints: 'outputs/checkpoint-*' });
    expect(p.patterns).toEqual([
      '/run-out/***',
      '/run-out/checkpoint-*',
      '/run-out/checkpoint-*/***',
      '/logs/',
      '/logs/x/',
      '/logs/x/r1.log',
    ]);
    expect(p.described).toEqual(['run-out/, run-out/checkpoint-*, logs/x/r1.log (run r1 is alive)']);
    expect(protectionFor('/w/p', [], { results: 'o', checkpoints: 'o/c-*' })).toEqual({ patterns: [], described: [] });
    const outside = protectionFor(
      '/w/p',
      [{ ...live[0], manifest: { ...live[0].manifest, log: '/home/u/.trainyard/runs/r1.log' } }],
      { results: 'o', checkpoints: 'o/c' },
    );
    expect(outside.patterns.some((x) => x.includes('r1.log'))).toBe(false);
    // a run with a directory of its own: its checkpoints are there; a run dir outside the results dir is kept whole
    const own = { ...live[0], runDir: '/w/p/run-out/r1', manifest: { ...manifest, checkpoints: 'ckpt-*' } };
    expect(protectionFor('/w/p', [own], { results: 'o', checkpoints: 'c' }).described).toEqual([
      'run-out/, run-out/r1/ckpt-*, logs/x/r1.log (run r1 is alive)',
    ]);
    const moved = protectionFor('/w/p', [{ ...own, runDir: '/w/p/old-out/r1' }], { results: 'o', checkpoints: 'c' });
    expect(moved.patterns.slice(0, 4)).toEqual([
      '/run-out/***',
      '/old-out/r1/***',
      '/old-out/r1/ckpt-*',
      '/old-out/r1/ckpt-*/***',
    ]);
  });
});
