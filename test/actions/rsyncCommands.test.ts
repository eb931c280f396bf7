/** Pure unit tests of the rsync command builders (sync, pull, the --delete guard): argv values and dry-run text, nothing runs. */
import { describe, expect, it } from 'vitest';
import { protectionFor } from '../../src/actions/syncLiveRuns.js';
import type { Run } from '../../src/backends/runBackend.js';
import { mkdirCommand } from '../../src/commands/projectCommands.js';
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
import { describeCommand } from '../../src/commands/value.js';
import type { RunManifest } from '../../src/runs/layout.js';
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
