import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WATCHDOG_AWK_PROGRAMS, WATCHDOG_SH_PARTS } from '../../src/watchdog/script.js';
import { canRunTestHosts, startTestHosts, type TestHosts } from '../harness/testHosts.js';

const can = canRunTestHosts();
if (!can.ok && process.env.CI) throw new Error(`integration tests cannot run in CI: ${can.reason}`);
const ROOT = path.join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
// npm run by `npm test` passes its own settings down as npm_* variables: the user's npm has none.
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_')));

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

describe('the npm package', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'ty-pack-'));
  let tarball: string;
  let files: string[];

  beforeAll(async () => {
    // dist/ as the sources say (a clone's bin rebuilds it when stale). The pack skips prepack's
    // clean build so other test files keep running the dist/ they started with.
    await execa('node', [path.join(ROOT, 'bin', 'trainyard.js'), '--version'], { env });
    const r = await execa('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: ROOT, env });
    const [info] = JSON.parse(r.stdout) as { filename: string; files: { path: string }[] }[];
    tarball = path.join(tmp, info.filename);
    files = info.files.map((f) => f.path);
  }, 120_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('holds the built code, schema, example, README and licence, and no tests, sources or source maps', () => {
    for (const needed of [
      'package.json',
      'README.md',
      'LICENSE',
      'bin/trainyard.js',
      'config/schema.json',
      'config/example.json',
      'dist/src/cli/main.js',
      'dist/components/App.js',
    ])
      expect(files).toContain(needed);
    // every module compiled: one .js in dist/ for each .ts/.tsx source
    for (const source of [...walk(path.join(ROOT, 'src')), ...walk(path.join(ROOT, 'components'))].filter((f) =>
      /\.tsx?$/.test(f),
    )) {
      expect(files).toContain(`dist/${path.relative(ROOT, source).replace(/\.tsx?$/, '.js')}`);
    }
    expect(
      files.filter((f) => /^(test|bench|\.ci)\//.test(f) || /\.(ts|tsx|map)$/.test(f) || /^tsconfig/.test(f)),
    ).toEqual([]);
  });

  it('holds every asset the code reads at run time', () => {
    // the files next to the sources (the watchdog's sh and awk parts, and whatever joins them) …
    const assets = walk(path.join(ROOT, 'src'))
      .filter((f) => !/\.tsx?$/.test(f))
      .map((f) => path.relative(ROOT, f));
    // … the parts the watchdog script is assembled from …
    const parts = [
      ...WATCHDOG_SH_PARTS.map((p) => `src/watchdog/sh/${p}.sh`),
      ...Object.values(WATCHDOG_AWK_PROGRAMS).map((p) => `src/watchdog/awk/${p}.awk`),
    ];
    expect(parts.length).toBeGreaterThan(10);
    assets.push(...parts);
    for (const asset of assets) expect(files, asset).toContain(asset);
    // … and every file or folder the compiled code names from the package root
    const named: string[] = [];
    for (const js of files.filter((f) => f.endsWith('.js'))) {
      const text = readFileSync(path.join(ROOT, js), 'utf8');
      for (const m of text.matchAll(/path\.join\(packageRoot\(\),\s*((?:'[^']*'\s*,?\s*)+)\)/g))
        named.push([...m[1].matchAll(/'([^']*)'/g)].map((s) => s[1]).join('/'));
    }
    expect(named).toContain('src/watchdog');
    for (const name of named)
      expect(
        files.some((f) => f === name || f.startsWith(`${name}/`)),
        name,
      ).toBe(true);
  });

  describe.skipIf(!can.ok)('installed with npm install -g', () => {
    const prefix = path.join(tmp, 'prefix');
    const trainyard = path.join(prefix, 'bin', 'trainyard');
    let hosts: TestHosts;
    let config: string;

    beforeAll(async () => {
      hosts = await startTestHosts({ count: 1, gpu: { mode: 'load', count: 2 } });
      config = path.join(hosts.dir, 'config.json');
      writeFileSync(config, JSON.stringify({ hosts: ['gpu-1'], sshConfig: hosts.sshConfigPath }));
    });
    afterAll(async () => hosts?.stop());

    it('installs with npm defaults (no install script of ours), then runs: --version, help, status --json and the watchdog against a host', async () => {
      const install = await execa(
        'npm',
        ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball],
        { env, reject: false },
      );
      expect(install.stderr).not.toMatch(/install-scripts\s+trainyard@/);
      expect(install.exitCode).toBe(0);
      // what runs is the installed copy, not this clone
      expect(readFileSync(trainyard, 'utf8')).toBe(readFileSync(path.join(ROOT, 'bin', 'trainyard.js'), 'utf8'));
      const run = (...args: string[]) => execa(trainyard, args, { env, cwd: tmp, reject: false });

      expect((await run('--version')).stdout).toBe(pkg.version);
      const help = await run('help', 'status');
      expect(help.stdout).toMatch(/^Usage: trainyard status \[--json\]/);
      expect((await run('completion', 'bash')).stdout).toContain('complete -F _trainyard trainyard');

      const status = await run('status', '--json', '--config', config);
      expect(status.stderr).toBe('');
      expect(status.exitCode).toBe(0);
      const [host] = JSON.parse(status.stdout).hosts;
      expect(host).toMatchObject({ alias: 'gpu-1', state: 'connected', watchdog: { installed: false } });
      expect(host.gpus).toHaveLength(2);

      // the watchdog script ships and installs from the package
      const install2 = await run('watchdog', 'install', 'gpu-1', '--config', config);
      expect(install2.exitCode, install2.stdout + install2.stderr).toBe(0);
      expect(install2.stdout).toMatch(
        new RegExp(`gpu-1: watchdog ${pkg.version.replace(/\./g, '\\.')}\\+\\w+ started`),
      );
      const after = await run('status', '--json', '--config', config);
      expect(JSON.parse(after.stdout).hosts[0].watchdog).toMatchObject({
        installed: true,
        running: true,
        upToDate: true,
      });
    }, 240_000);
  });
});
