/** `trainyard sweep` mistakes are caught before any host is touched, with the fix. */
import { describe, expect, it } from 'vitest';
import { parseCliArgs, UsageError } from '../../src/cli/args.js';
import { runSweepCli } from '../../src/cli/sweep.js';
import { normalizeConfig } from '../../src/config/load.js';
import { capturedIo } from '../support/capturedIo.js';

const config = normalizeConfig(
  {
    hosts: ['gpu-a'],
    projects: { mnist: { local: '/tmp/m', remote: '/w/m', train: 'python train.py --lr {lr} --depth {depth}' } },
  },
  'test.json',
);

async function run(argv: string[]) {
  const io = capturedIo();
  const { stdout, stderr, stdin } = io;
  const code = await runSweepCli(config, parseCliArgs(argv), {
    stdout,
    stderr,
    stdin,
    env: {},
  });
  return { code, out: io.written.stdout, err: io.written.stderr };
}

describe('trainyard sweep: usage', () => {
  it('a project without a grid, a bad grid, an unknown host: exit 2 with the fix, no host contacted', async () => {
    const none = await run(['sweep', 'mnist']);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(
      /a sweep of mnist needs parameters\n {2}→ give a grid, e\.g\. trainyard sweep mnist --grid/,
    );
    expect((await run(['sweep', 'mnist', '--grid', 'lr'])).err).toMatch(/--grid "lr" has no NAME=/);
    expect((await run(['sweep', 'mnist', '--grid', 'lr=1', '--hosts', 'gpu-b'])).err).toMatch(
      /--hosts names gpu-b, which is not in the config's hosts/,
    );
    expect((await run(['sweep', 'mnist', '--grid', 'run_dir=1'])).err).toMatch(/"run_dir" is reserved/);
    const depth = await run(['sweep', 'mnist', '--grid', 'lr=1,2']);
    expect(depth.code).toBe(2);
    expect(depth.err).toMatch(
      /train uses \{depth\}, which the sweep gives no value\n {2}→ add it to the grid \(--grid depth=V1,V2\)/,
    );
    expect(depth.err).not.toMatch(/looking at/);
  });

  it('numbers and sub-commands are checked', async () => {
    await expect(run(['sweep', 'mnist', '--grid', 'lr=1', '--max-parallel', '0'])).rejects.toThrow(UsageError);
    await expect(run(['sweep', 'stop'])).rejects.toThrow(/usage: trainyard sweep stop NAME/);
    await expect(run(['sweep'])).rejects.toThrow(/usage: trainyard sweep PROJECT --grid/);
  });
});
