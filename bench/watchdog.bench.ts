/**
 * Watchdog CPU per interval on a server: user+sys time of the loop and of every process it
 * starts (bash `time` over `watchdog.sh run N`), on a real sshd test host with real tmux and the
 * fake nvidia-smi (4 GPUs). Scenarios: no runs; 4 runs with quiet logs; 4 runs logging at a
 * training pace (10 lines/s each); the same with one 100 MB log appended at 1 MB/s. Plus the one
 * first look at a run whose log is already 100 MB. N intervals of 1 s (BENCH_SECONDS, default 30).
 *
 *   node --import tsx bench/watchdog.bench.ts
 */
import { openHostTransport } from '../src/cli/hostTransport.js';
import { installWatchdog } from '../src/watchdog/operations.js';
import { canRunTestHosts, startTestHosts } from '../test/harness/testHosts.js';
import { testConfig } from '../test/integration/fleetHelpers.js';
import { launchTestRun, remoteHome } from '../test/watchdog/helpers.js';

const ticks = Number(process.env.BENCH_SECONDS ?? 30);
const can = canRunTestHosts();
if (!can.ok) {
  console.log(`skipped: ${can.reason}`);
  process.exit(0);
}

const hosts = await startTestHosts({ count: 1, gpu: { mode: 'load', count: 4 } });
try {
  const host = hosts.hosts[0];
  const { transport, close } = await openHostTransport(testConfig(hosts), host.alias, 20_000);
  const home = await remoteHome(transport);
  await installWatchdog(transport, host.alias, { intervalSeconds: 1 });
  // stop the tmux copy: the loop is timed directly below
  await host.run(
    'tmux kill-session -t =trainyard-watchdog; while [ -L ~/.trainyard/watchdog/"$(uname -n)"/lock ]; do sleep 0.1; done',
  );

  /** user+sys seconds and wall seconds of `watchdog.sh run n`, the whole process tree */
  const timeLoop = async (n: number) => {
    const r = await host.run(
      `TIMEFORMAT='%U %S %R'; time sh ~/.trainyard/watchdog/"$(uname -n)"/watchdog.sh run ${n}`,
      { timeoutMs: (n + 120) * 1000 },
    );
    const [u, s, real] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
    if (!Number.isFinite(u + s)) throw new Error(`could not time the loop: ${r.stderr}`);
    return { cpu: u + s, real };
  };
  const rows: string[] = [
    '| scenario | CPU per interval (user+sys) | ticks | CPU at the default 30 s interval |',
    '| --- | --- | --- | --- |',
  ];
  const row = (name: string, t: { cpu: number }, n: number) =>
    rows.push(
      `| ${name} | ${((t.cpu / n) * 1000).toFixed(1)} ms | ${n} | ${((t.cpu / n / 30) * 100).toFixed(3)} % of a core |`,
    );

  row('no runs', await timeLoop(ticks), ticks);

  await host.run(
    `yes 'step 123456 loss 1.234567 lr 3.0e-04 grad_norm 0.987 tokens/s 123456' | head -c 100000000 > ~/.trainyard/runs/big-run.log; head -c 100000 ~/.trainyard/runs/big-run.log > ~/chunk; echo quiet > ~/bench-mode`,
  );
  const writer = (big: boolean) =>
    [
      'i=0; while :; do',
      '  case $(cat ~/bench-mode) in',
      '    quiet) sleep 0.5 ;;',
      `    pace) echo "step $i loss 1.2345 lr 3.0e-04"; i=$((i + 1)); sleep 0.1 ;;`,
      `    heavy) ${big ? 'cat ~/chunk >> "$ty_log"' : 'echo "step $i loss 1.2345 lr 3.0e-04"; i=$((i + 1))'}; sleep 0.1 ;;`,
      '  esac',
      'done',
    ].join('\n');
  await launchTestRun(transport, host.alias, home, { session: 'big-run', command: writer(true), gpus: '0' });
  for (const n of [1, 2, 3])
    await launchTestRun(transport, host.alias, home, { session: `run-${n}`, command: writer(false), gpus: String(n) });

  const first = await timeLoop(1);
  rows.push(
    `| first look at 4 new runs, one log already 100 MB (its last MiB is read) | ${(first.cpu * 1000).toFixed(0)} ms | 1 | once |`,
  );
  row('4 runs, logs quiet', await timeLoop(ticks), ticks);
  await host.run('echo pace > ~/bench-mode; sleep 1');
  row('4 runs, each logging 10 lines/s', await timeLoop(ticks), ticks);
  await host.run('echo heavy > ~/bench-mode; sleep 1');
  const before = Number((await host.run('wc -c < ~/.trainyard/runs/big-run.log')).stdout.trim());
  const heavy = await timeLoop(ticks);
  const after = Number((await host.run('wc -c < ~/.trainyard/runs/big-run.log')).stdout.trim());
  row(`4 runs, the 100 MB log growing ${((after - before) / heavy.real / 1e6).toFixed(1)} MB/s`, heavy, ticks);
  const summary = JSON.parse((await host.run('cat ~/.trainyard/watchdog/"$(uname -n)"/summary.json')).stdout) as {
    cpuSeconds: number;
    ticks: number;
  };
  close();

  console.log(
    `Watchdog on a test host (1 s interval, 4 GPUs, POSIX sh = ${(await host.run('readlink -f /bin/sh')).stdout.trim()}, awk = ${(await host.run('readlink -f "$(command -v awk)"')).stdout.trim()}):\n`,
  );
  console.log(rows.join('\n'));
  console.log(
    `\n(the watchdog's own account in summary.json agrees: ${summary.cpuSeconds.toFixed(2)} s over its last ${summary.ticks} ticks)`,
  );
} finally {
  await hosts.stop();
}
process.exit(0);
