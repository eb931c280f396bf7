/**
 * The log tail over a real OpenSSH connection, across a 15 s network cut while the training run
 * keeps writing: every line arrives, in order, none twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogTail } from '../../src/logs/logTail.js';
import { SshConnection } from '../../src/ssh/connection.js';
import { canRunTestHosts, startTestHosts, type TestHost, type TestHosts } from '../harness/testHosts.js';
import { sleep, waitFor } from './helpers.js';

const can = canRunTestHosts();
if (!can.ok && process.env.CI) throw new Error(`integration tests cannot run in CI: ${can.reason}`);

const CUT_SECONDS = 15;

/**
 * A training run's log writer on the host: lines written in two pieces (so a cut can land inside a
 * line), a burst of 200 lines every 20th round (so a cut can land inside a big read), a tqdm-like
 * \r bar now and then; it stops when the file `stop` appears and writes how many lines it wrote.
 */
const WRITER = `
i=0; round=0
while [ ! -e stop ]; do
  printf 'line %d part' "$i" >> run.log; sleep 0.01; printf 'ial\\n' >> run.log; i=$((i+1))
  round=$((round+1))
  if [ $((round % 20)) -eq 0 ]; then
    awk -v s="$i" 'BEGIN { for (k = s; k < s + 200; k++) printf "line %d burst\\n", k }' >> run.log; i=$((i+200))
  fi
  if [ $((round % 50)) -eq 0 ]; then
    printf ' 10%%|#\\r 50%%|#####\\r' >> run.log; sleep 0.02; printf '100%%|##########\\n' >> run.log; i=$((i+1))
  fi
  sleep 0.02
done
echo "$i" > count`;

/** What the writer wrote, rebuilt from its count: split, burst and bar lines. */
function expectedLines(count: number): string[] {
  const out: string[] = [];
  let i = 0;
  let round = 0;
  while (i < count) {
    out.push(`line ${i} partial`);
    i++;
    round++;
    if (round % 20 === 0) {
      for (let k = i; k < i + 200; k++) out.push(`line ${k} burst`);
      i += 200;
    }
    if (round % 50 === 0) {
      out.push('100%|##########');
      i++;
    }
  }
  return out;
}

describe.skipIf(!can.ok)('log tail over a real sshd connection', () => {
  let hosts: TestHosts;
  let host: TestHost;
  let connection: SshConnection;
  let tail: LogTail | undefined;

  beforeAll(async () => {
    // The server gives up on a silent client after 2 × 2 s, well inside the cut, so the old
    // session (and the tail command it ran) is gone by the time the link comes back.
    hosts = await startTestHosts({ count: 1, clientAliveInterval: 2, clientAliveCountMax: 2 });
    host = hosts.hosts[0];
    connection = new SshConnection({
      alias: host.alias,
      sshConfig: hosts.sshConfigPath,
      keepalive: { intervalSeconds: 1, countMax: 2 },
      trustNewHostKeys: false,
      backoff: { baseMs: 200, capMs: 1000, jitter: 0 },
    });
    connection.start();
    await connection.whenReady(20_000);
  }, 60_000);

  afterAll(async () => {
    tail?.stop();
    connection?.close();
    await hosts?.stop();
  });

  it(`keeps every line in order, none twice, across a ${CUT_SECONDS} s network cut while the writer keeps writing`, async () => {
    const home = (await host.run('echo "$HOME"')).stdout.trim();
    const name = `run-${process.pid}.log`;
    const file = `${home}/${name}`;
    await host.run(
      `rm -f ${name} stop count; : > ${name}; nohup sh -c '${WRITER.replace(/run\.log/g, name).replace(/'/g, `'\\''`)}' >/dev/null 2>&1 &`,
    );

    tail = new LogTail({
      transport: connection,
      link: connection,
      file,
      initialBytes: null,
      capacity: 100_000,
      flushMs: 100,
    });
    const seen: string[] = [];
    tail.onLines((batch) => seen.push(...batch));
    const statuses: string[] = [];
    tail.store.subscribe((s) => statuses.at(-1) !== s.status && statuses.push(s.status));
    tail.start();

    await waitFor(() => seen.length > 300, 20_000, 'lines before the cut');
    const beforeCut = seen.length;

    await host.linkDown();
    const cutAt = Date.now();
    await waitFor(() => tail!.store.getState().status === 'disconnected', 10_000, 'the tail to notice the cut');
    const noticedMs = Date.now() - cutAt;
    const duringCut = seen.length;
    await sleep(CUT_SECONDS * 1000 - (Date.now() - cutAt));
    await host.linkUp();
    const upAt = Date.now();
    await waitFor(
      () => tail!.store.getState().resumes === 1,
      20_000,
      `resume (tail: ${JSON.stringify(tail!.store.getState())}, link: ${connection.info.state})`,
    );
    const resumedMs = Date.now() - upAt;

    await sleep(1500);
    await host.run('touch stop');
    let count = 0;
    for (let k = 0; k < 50 && !count; k++) {
      count = Number((await host.run('cat count 2>/dev/null')).stdout.trim()) || 0;
      if (!count) await sleep(100);
    }
    expect(count).toBeGreaterThan(beforeCut);
    await waitFor(() => seen.length >= count, 20_000, `all ${count} lines`);
    await sleep(500);

    const expected = expectedLines(count);
    // Compare in one go but report the first difference readably.
    const firstDiff = expected.findIndex((l, i) => l !== seen[i]);
    expect(
      firstDiff,
      `first difference at ${firstDiff}: got ${JSON.stringify(seen.slice(firstDiff - 2, firstDiff + 3))}, expected ${JSON.stringify(expected.slice(firstDiff - 2, firstDiff + 3))}`,
    ).toBe(-1);
    expect(
      seen.length,
      `count ${count}, last seen ${JSON.stringify(seen.slice(-3))}, last expected ${JSON.stringify(expected.slice(-3))}`,
    ).toBe(expected.length);
    const numbers = seen.filter((l) => l.startsWith('line ')).map((l) => Number(l.split(' ')[1]));
    expect(numbers.every((n, i) => i === 0 || n > numbers[i - 1])).toBe(true); // none twice

    // The old channel's tail command died with the session; only the resumed one runs.
    // (Only tails of this file: other tests may run tails as the same user at the same time.)
    const procs = async () =>
      (
        await host.run(
          `for p in $(pgrep -u ${hosts.user} -f '^awk -v ino='); do tr '\\0' '\\n' < /proc/$p/environ 2>/dev/null | grep -qxF 'TY_F=${file}' && echo "$p"; done | wc -l`,
        )
      ).stdout.trim();
    for (let k = 0; k < 50 && (await procs()) !== '1'; k++) await sleep(200);
    expect(await procs(), (await host.run('ps -u "$USER" -o pid,ppid,args | cut -c1-150')).stdout).toBe('1');

    console.log(
      `ssh tail: ${count} lines (${beforeCut} before the cut, ${duringCut - beforeCut} flushed after it), cut noticed in ${noticedMs} ms, ` +
        `resumed ${resumedMs} ms after the link came back; statuses ${statuses.join(' → ')}`,
    );
  }, 90_000);

  it('a log rotated while the link was down: the rest of the old file, then the new one', async () => {
    const home = (await host.run('echo "$HOME"')).stdout.trim();
    await host.run('rm -f rot.log rot.log.1; for i in 1 2 3; do echo "old $i" >> rot.log; done');
    const rot = new LogTail({
      transport: connection,
      link: connection,
      file: `${home}/rot.log`,
      initialBytes: null,
      flushMs: 50,
    });
    const seen: string[] = [];
    rot.onLines((b) => seen.push(...b));
    rot.start();
    try {
      await waitFor(() => seen.length === 3, 10_000, 'first lines');
      await host.linkDown();
      await waitFor(() => rot.store.getState().status === 'disconnected', 10_000, 'cut noticed');
      await host.run(
        'echo "old 4" >> rot.log; printf "old 5 unterminated" >> rot.log; mv rot.log rot.log.1; echo "new 1" > rot.log; echo "new 2" >> rot.log',
      );
      await host.linkUp();
      await waitFor(() => seen.length === 7, 20_000, `all lines, got ${JSON.stringify(seen)}`);
      expect(seen).toEqual(['old 1', 'old 2', 'old 3', 'old 4', 'old 5 unterminated', 'new 1', 'new 2']);
      expect(rot.lines.slice(0, 10).some((l) => l.includes('log rotated'))).toBe(true);
    } finally {
      rot.stop();
    }
  }, 60_000);
});
