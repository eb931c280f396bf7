import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { shScript } from '../../src/commands/value.js';
import { LocalTransport } from '../../src/transport/local.js';
import { tempDir } from '../support/tempDir.js';

function running(marker: string): number {
  let n = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) n++;
    } catch {
      // gone
    }
  }
  return n;
}

describe('LocalTransport limits', () => {
  it('a time limit kills the command and everything it started', async () => {
    const marker = `ty-local-limit-${process.pid}`;
    const pending = new LocalTransport().exec(
      shScript(`sh -c 'sleep 30; :' ${marker} & sh -c 'sleep 30; :' ${marker}; :`),
      { timeoutMs: 1500 },
    );
    await new Promise((res) => setTimeout(res, 700));
    expect(running(marker)).toBeGreaterThanOrEqual(2);
    const r = await pending;
    expect(r).toMatchObject({ code: null, signal: 'timeout' });
    expect(r.stderr).toContain('timed out after 1500 ms');
    await new Promise((res) => setTimeout(res, 300));
    expect(running(marker)).toBe(0);
  });

  it('output past the cap is cut, marked truncated, and the command killed', async () => {
    const r = await new LocalTransport().exec(shScript('yes'), { maxOutputBytes: 100_000, timeoutMs: 20_000 });
    expect(r).toMatchObject({ code: null, signal: 'output-cap', truncated: true });
    expect(r.stdout.length).toBeLessThanOrEqual(100_000);
    expect(r.stdout.length).toBeGreaterThan(50_000);
  });

  it('a stream gives every line of stdout and stderr, and one cancelled at once runs nothing further', async () => {
    const lines: string[] = [];
    const first = new LocalTransport().stream(shScript("printf 'a\\nb\\n'; printf 'c\\n' >&2"), {
      onLine: (l) => lines.push(l),
    });
    expect(await first.done).toMatchObject({ code: 0 });
    expect(lines.sort()).toEqual(['a', 'b', 'c']);

    const dir = tempDir('trainyard-local-');
    const flag = path.join(dir, 'ran');
    const cancelled = new LocalTransport().stream(shScript('sleep 0.3; touch "$1"', [flag]), { onLine: () => {} });
    cancelled.cancel();
    expect(await cancelled.done).toMatchObject({ code: null, signal: 'SIGTERM' });
    await new Promise((res) => setTimeout(res, 600));
    expect(existsSync(flag)).toBe(false);
  });
});
