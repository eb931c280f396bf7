import { Console } from 'node:console';
import { EventEmitter } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { mountCockpit, runCockpit } from '../../components/runCockpit.js';
import { recordGpuSample } from '../../src/state/store.js';
import { bigFleet, realGpu, realLoopSamples, replicateGpu } from './fixtures.js';
import { fakeController, KEYS, tick } from './render.js';

/** A terminal as Ink sees it: a TTY stdout with a size, and a raw-mode stdin. */
class FakeTty extends EventEmitter {
  isTTY = true;
  columns = 50;
  rows = 25;
  written: string[] = [];
  bytes = 0;
  write = (chunk: string, ...rest: unknown[]) => {
    this.written.push(String(chunk));
    this.bytes += Buffer.byteLength(String(chunk));
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  };
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  private pending: string | null = null;
  setRawMode = vi.fn();
  setEncoding() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => {
    const p = this.pending;
    this.pending = null;
    return p;
  };
  type(data: string) {
    this.pending = data;
    this.emit('readable');
  }
}

function io() {
  return {
    stdout: new FakeTty() as unknown as NodeJS.WriteStream,
    stdin: new FakeStdin() as unknown as NodeJS.ReadStream,
    stderr: new FakeTty() as unknown as NodeJS.WriteStream,
  };
}

const ALT_ON = '\u001B[?1049h';
const ALT_OFF = '\u001B[?1049l';

// mountCockpit patches the console (patchConsole: true); Ink's patch-console needs console.Console,
// which Vitest's replacement console lacks. Node's own class stands in for the length of this file.
const consoleWithClass = console as unknown as { Console?: typeof Console };
const hadConsoleClass = typeof consoleWithClass.Console === 'function';
beforeAll(() => {
  if (!hadConsoleClass) consoleWithClass.Console = Console;
});
afterAll(() => {
  if (!hadConsoleClass) delete consoleWithClass.Console;
});

let mounted: { unmount(): void } | undefined;
afterEach(() => {
  mounted?.unmount();
  mounted = undefined;
});

describe('mountCockpit / runCockpit', () => {
  test('draws on the alternate screen, and q resolves waitUntilExit only after controller.shutdown() finished', async () => {
    const streams = io();
    const controller = fakeController();
    let finishShutdown!: () => void;
    controller.shutdown.mockImplementation(() => new Promise<void>((resolve) => (finishShutdown = resolve)));
    const app = mountCockpit(bigFleet(), controller, streams);
    mounted = app;
    let exited = false;
    void app.waitUntilExit().then(() => (exited = true));
    await tick(50);
    const out = () => (streams.stdout as unknown as FakeTty).written.join('');
    expect(out()).toContain(ALT_ON);
    expect(out()).toContain('gpu-node-1');
    expect((streams.stdin as unknown as FakeStdin).setRawMode).toHaveBeenCalledWith(true);

    (streams.stdin as unknown as FakeStdin).type('q');
    await tick(150); // maxFps 10: a frame may wait up to 100 ms
    expect(controller.shutdown).toHaveBeenCalledTimes(1);
    expect(exited).toBe(false);
    expect(out()).toContain('closing connections…');
    finishShutdown();
    await tick(50);
    expect(exited).toBe(true);
    expect(out()).toContain(ALT_OFF);
  });

  test('Ctrl-C is a key: runCockpit resolves after shutdown', async () => {
    const streams = io();
    const controller = fakeController();
    const done = runCockpit(bigFleet(), controller, streams);
    await tick(50);
    (streams.stdin as unknown as FakeStdin).type(KEYS.ctrlC);
    await done;
    expect(controller.shutdown).toHaveBeenCalledTimes(1);
  });

  test('unmount() (the CLI on SIGTERM) restores the screen without waiting for shutdown', async () => {
    const streams = io();
    const controller = fakeController();
    const app = mountCockpit(bigFleet(), controller, streams);
    await tick(30);
    app.unmount();
    await app.waitUntilExit();
    expect((streams.stdout as unknown as FakeTty).written.join('')).toContain(ALT_OFF);
    expect(controller.shutdown).not.toHaveBeenCalled();
  });
});

describe('bytes on the wire (interactive terminal, incremental rendering, maxFps 10)', () => {
  async function mountAt(columns: number, rows: number) {
    const streams = io();
    const tty = streams.stdout as unknown as FakeTty;
    tty.columns = columns;
    tty.rows = rows;
    const store = bigFleet();
    mounted = mountCockpit(store, fakeController(), streams);
    await tick(150);
    return { store, tty, stdin: streams.stdin as unknown as FakeStdin };
  }
  const eightGpus = (g: ReturnType<typeof realGpu>) => Array.from({ length: 8 }, (_, i) => replicateGpu(g, i));

  test('an idle cockpit writes nothing', async () => {
    const { tty } = await mountAt(200, 50);
    const before = tty.bytes;
    await tick(1200);
    expect(tty.bytes - before).toBe(0);
  });

  test('a new sample for the selected host rewrites its rows, not the screen', async () => {
    const { store, tty } = await mountAt(200, 50);
    const fullFrame = tty.bytes;
    const before = tty.bytes;
    // The 4th line of the real -lms 500 capture: power and temperature differ from the last one shown.
    recordGpuSample(store, 'gpu-node-1', eightGpus(realLoopSamples()[3]));
    await tick(150);
    const update = tty.bytes - before;
    expect(update).toBeGreaterThan(0);
    expect(update).toBeLessThan(fullFrame / 4);
  });

  test("on the phone's GPUs tab, another host's sample writes nothing", async () => {
    const { store, tty, stdin } = await mountAt(50, 25);
    stdin.type('2');
    await tick(150);
    const before = tty.bytes;
    recordGpuSample(store, 'gpu-node-5', eightGpus(realGpu('idle')));
    await tick(150);
    expect(tty.bytes - before).toBe(0);
  });
});
