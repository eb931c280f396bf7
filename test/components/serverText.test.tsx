/**
 * Every pane that prints server text prints it inert: process names, session names, nvidia-smi's
 * complaint, watchdog events (OSC 8 links), the files a sync would delete, action output, the
 * banner. Each view is rendered with hostile text and its frame checked for anything but colour.
 */

import { cleanup, render } from 'ink-testing-library';
import type React from 'react';
import { afterEach, describe, expect, test } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { ActionPane } from '../../components/ActionPane.js';
import { GpuPane } from '../../components/GpuPane.js';
import { Header } from '../../components/Header.js';
import { QuestionModal } from '../../components/QuestionModal.js';
import { SessionsPane } from '../../components/SessionsPane.js';
import { ServicesContext } from '../../components/servicesContext.js';
import { StoreContext } from '../../components/storeContext.js';
import { WatchdogPane } from '../../components/WatchdogPane.js';
import type { CockpitServices } from '../../src/cockpit/controller.js';
import { addRun, appendLines, createActionsStore } from '../../src/state/actionsStore.js';
import { patchHost, type TrainyardStore } from '../../src/state/store.js';
import type { WatchdogEvent } from '../../src/watchdog/events.js';
import type { WatchdogPollerApi, WatchdogViewState } from '../../src/watchdog/poller.js';
import type { WatchdogStatus } from '../../src/watchdog/status.js';
import { watchdogStatus } from '../support/watchdogStatus.js';
import { fillConnectedHost, makeStore, realProcess, sessionsFrom } from './fixtures.js';
import { tick } from './render.js';

afterEach(() => cleanup());

const ESC = '\u001b';
/** A clipboard write, a hyperlink, a title, a C1 CSI, a bidi override, a bell, a lone CR. */
const HOSTILE = `A${ESC}]52;c;ZXZpbA==\u0007B${ESC}]8;;http://evil.example/${ESC}\\C${ESC}]8;;${ESC}\\D${ESC}]0;title\u0007E\u009b2JF\u202eG\u0007H`;
const SHOWN = 'ABCDE2JFGH';
/** Anything in a frame other than text and SGR colour codes. */
const UNSAFE =
  /\u001b(?!\[[0-9;]*m)|[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

function mount(node: React.ReactNode, store: TrainyardStore = makeStore(['gpu-a']), services: CockpitServices = {}) {
  return render(
    <StoreContext.Provider value={store}>
      <ServicesContext.Provider value={services}>{node}</ServicesContext.Provider>
    </StoreContext.Provider>,
  );
}

async function frameOf(r: ReturnType<typeof render>): Promise<string> {
  await tick();
  return r.lastFrame() ?? '';
}

function expectInert(frame: string, shown: string) {
  expect(frame).not.toMatch(UNSAFE);
  expect(frame.replace(/\u001b\[[0-9;]*m/g, '')).toContain(shown);
}

function watchdogServices(
  status: Partial<WatchdogStatus>,
  shown: WatchdogEvent[],
  banner: string | null = null,
): CockpitServices {
  const full = watchdogStatus(status);
  const store = createStore<WatchdogViewState>()(() => ({
    hosts: { 'gpu-a': { status: full, checkedAt: 1, shown } },
    banner: banner ? { alias: 'gpu-a', text: banner } : null,
  }));
  const api: WatchdogPollerApi = { store, pollNow: async () => {}, markSeen: () => {}, dismissBanner: () => {} };
  return { watchdog: api };
}

describe('server text in the cockpit is inert', () => {
  test('GPU pane: a process name', async () => {
    const store = makeStore(['gpu-a']);
    fillConnectedHost(store, 'gpu-a', { gpus: 1 });
    const gpu = store.getState().hosts['gpu-a'].gpus[0];
    patchHost(store, 'gpu-a', { processes: [{ ...realProcess(), gpuUuid: gpu.uuid, name: HOSTILE }] });
    expectInert(await frameOf(mount(<GpuPane alias="gpu-a" width={100} visible={10} scroll={0} />, store)), SHOWN);
  });

  test("GPU pane: nvidia-smi's error text", async () => {
    const store = makeStore(['gpu-a']);
    patchHost(store, 'gpu-a', {
      connection: { state: 'connected', attempt: 0, nextRetryAt: null, error: null, hint: null },
      gpuError: `NVIDIA-SMI has failed ${HOSTILE}`,
      gpuUpdatedAt: Date.now(),
    });
    expectInert(await frameOf(mount(<GpuPane alias="gpu-a" width={100} visible={10} scroll={0} />, store)), SHOWN);
  });

  test("Sessions pane: a session name (tmux keeps bidi overrides) and tmux's error", async () => {
    const store = makeStore(['gpu-a']);
    fillConnectedHost(store, 'gpu-a');
    patchHost(store, 'gpu-a', { sessions: sessionsFrom([{ name: 'run\u202Egpj.exe', ageSeconds: 60 }]) });
    expectInert(
      await frameOf(mount(<SessionsPane alias="gpu-a" width={80} visible={5} scroll={0} />, store)),
      'rungpj.exe',
    );
    patchHost(store, 'gpu-a', { sessionsError: `tmux: ${HOSTILE}` });
    expectInert(await frameOf(mount(<SessionsPane alias="gpu-a" width={80} visible={5} scroll={0} />, store)), SHOWN);
  });

  test('Watchdog pane: an event whose detail carries an OSC 8 link, a run and an error', async () => {
    const event: WatchdogEvent = {
      time: '2026-11-29T03:00:00Z',
      id: '1-1-1',
      host: 'node',
      session: `run${ESC}]8;;http://x${ESC}\\1`,
      project: 'p',
      kind: 'traceback',
      level: 'error',
      detail: HOSTILE,
      pushed: false,
    };
    const summary = {
      runs: [
        {
          session: `s${ESC}[2J1`,
          status: 'crashed',
          exitCode: 1,
          stalled: false,
          silent: false,
          flags: [`f${ESC}]0;x\u0007`],
        },
      ],
    } as unknown as WatchdogStatus['summary'];
    expectInert(
      await frameOf(
        mount(
          <WatchdogPane alias="gpu-a" width={120} height={10} />,
          undefined,
          watchdogServices({ summary }, [event]),
        ),
      ),
      SHOWN,
    );
    expectInert(
      await frameOf(
        mount(
          <WatchdogPane alias="gpu-a" width={120} height={10} />,
          undefined,
          watchdogServices({ error: `cannot read: ${HOSTILE}` }, []),
        ),
      ),
      SHOWN,
    );
  });

  test('the alert banner in the header', async () => {
    expectInert(
      await frameOf(
        mount(<Header width={150} />, undefined, watchdogServices({}, [], `⚠ gpu-a: run crashed — ${HOSTILE}`)),
      ),
      SHOWN,
    );
  });

  test('Action pane: output lines, progress label and verdict', async () => {
    const actions = createActionsStore();
    addRun(actions, {
      runId: 1,
      action: 'smoke',
      title: 'smoke test',
      host: 'gpu-a',
      project: 'p',
      session: null,
      dryRun: false,
      status: 'failed',
      cancellable: false,
      progress: null,
      lines: [],
      droppedLines: 0,
      verdict: { outcome: 'failed', summary: `smoke test FAILED: ${HOSTILE}`, details: [], hint: HOSTILE },
      startedAt: 0,
      endedAt: 1,
    });
    appendLines(actions, 1, [
      { text: HOSTILE, kind: 'out' },
      { text: `err ${HOSTILE}`, kind: 'err' },
    ]);
    const services: CockpitServices = {
      actions: { store: actions, start: () => undefined, cancel: () => {}, answer: () => {} },
    };
    expectInert(await frameOf(mount(<ActionPane alias="gpu-a" width={100} height={8} />, undefined, services)), SHOWN);
  });

  test('the sync question: the files --delete would remove', async () => {
    const pending = {
      id: 1,
      runId: 1,
      question: {
        kind: 'confirm' as const,
        title: 'Delete on the server?',
        message: `remove 2 path(s) in gpu-a:/work/${HOSTILE}?`,
        details: [HOSTILE, `dir\u202E/txt.exe`],
        destructive: true,
      },
    };
    const frame = await frameOf(mount(<QuestionModal pending={pending} form={null} width={100} height={20} />));
    expectInert(frame, SHOWN);
    expect(frame).toContain('dir/txt.exe');
  });
});
