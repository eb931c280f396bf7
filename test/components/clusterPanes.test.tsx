/**
 * The Slurm panes: partitions and nodes (a drained node marked), my jobs with the pending reason and
 * how finished ones ended, within 50 columns, with hostile server text (a job name, a node name,
 * squeue's error) printed inert.
 */
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterGpuPane } from '../../components/ClusterGpuPane.js';
import { ClusterJobsPane } from '../../components/ClusterJobsPane.js';
import { StoreContext } from '../../components/storeContext.js';
import { hostSummary } from '../../src/cockpit/selectors.js';
import { parseSinfo, parseSqueue } from '../../src/parsers/slurm.js';
import type { ClusterState } from '../../src/state/cluster.js';
import { patchHost } from '../../src/state/store.js';
import { makeStore } from './fixtures.js';
import { stripAnsi, tick } from './render.js';

afterEach(() => cleanup());

const ESC = '\u001b';
const HOSTILE = `ev${ESC}]52;c;ZXZpbA==\u0007il${ESC}[2J\u202e`;
const UNSAFE =
  /\u001b(?!\[[0-9;]*m)|[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

function storeWith(cluster: Partial<ClusterState>) {
  const store = makeStore(['cluster']);
  patchHost(store, 'cluster', {
    connection: { state: 'connected', attempt: 0, nextRetryAt: null, error: null, hint: null },
    cluster: { at: 1, error: null, nodes: [], jobs: [], guarded: [], finished: [], ...cluster },
  });
  return store;
}

const NODES = parseSinfo(
  [
    'n1|gpu*|mixed|gpu:a100:4(S:0-1)|gpu:a100:3(IDX:0-2)|',
    'n2|gpu*|drained|gpu:a100:4|gpu:a100:0|',
    `${HOSTILE}|debug|idle|gpu:2|gpu:0|`,
  ].join('\n'),
);
const JOBS = parseSqueue(
  [
    '11|RUNNING|None|1:02:03|2:00:00|1|gres/gpu:2|n1|gpu|train',
    '12|PENDING|Priority|0:00|1:00:00|1|gres/gpu:4||gpu|waits',
    `13|RUNNING|None|0:10|30:00|1|gres/gpu:1|n1|gpu|${HOSTILE}`,
  ].join('\n'),
);

describe('the Slurm panes', () => {
  it("the host list's GPU column for a cluster is the share of its GPUs allocated", () => {
    const store = storeWith({ nodes: NODES, jobs: JOBS });
    // 3 of the 10 GPUs (4 + 4 + 2, the drained node's counted) are allocated
    expect(hostSummary(store.getState().hosts.cluster)).toMatchObject({ state: 'connected', avgUtil: 30 });
    expect(hostSummary(storeWith({ nodes: [] }).getState().hosts.cluster).avgUtil).toBeNull();
  });

  it('GPUs per partition and per node at 50 columns, the drained node marked, server text inert', async () => {
    const r = render(
      <StoreContext.Provider value={storeWith({ nodes: NODES, error: `squeue: ${HOSTILE}` })}>
        <ClusterGpuPane alias="cluster" width={50} visible={10} scroll={0} />
      </StoreContext.Provider>,
    );
    await tick();
    const frame = r.lastFrame() ?? '';
    expect(frame).not.toMatch(UNSAFE);
    const text = stripAnsi(frame);
    expect(text).toMatch(/gpu\*\s+8\s+3\s+1\s+4/);
    expect(text).toMatch(/debug\s+2\s+0\s+2/);
    expect(text).toMatch(/n2\s+gpu\s+DRAINED\s+0\/4/);
    expect(text).toContain('evil');
    for (const line of text.split('\n')) expect([...line].length).toBeLessThanOrEqual(50);
  });

  it('my jobs at 50 columns: pending reason, guarded, finished with exit and MaxRSS; hostile name inert', async () => {
    const store = storeWith({
      jobs: JOBS,
      guarded: ['train'],
      finished: [
        {
          id: '9',
          name: 'old',
          state: 'OUT_OF_MEMORY',
          exitCode: null,
          signal: 9,
          elapsed: 75,
          maxRssBytes: 3 * 1024 ** 3,
          leftAt: 0,
        },
      ],
    });
    const r = render(
      <StoreContext.Provider value={store}>
        <ClusterJobsPane alias="cluster" width={50} visible={10} scroll={0} cursor={1} />
      </StoreContext.Provider>,
    );
    await tick();
    const frame = r.lastFrame() ?? '';
    expect(frame).not.toMatch(UNSAFE);
    const text = stripAnsi(frame);
    expect(text).toMatch(/11\s+train\s+RUNNING\s+guarded\s+2/);
    expect(text).toMatch(/12\s+waits\s+PENDING\s+Priority\s+4/);
    expect(text).toMatch(/13\s+evil/);
    expect(text).toMatch(/9\s+old\s+OUT_OF_MEMORY\s+signal 9/);
    for (const line of text.split('\n')) expect([...line].length).toBeLessThanOrEqual(50);
    // the wide pane adds elapsed / limit and nodes
    r.rerender(
      <StoreContext.Provider value={store}>
        <ClusterJobsPane alias="cluster" width={120} visible={10} scroll={0} />
      </StoreContext.Provider>,
    );
    await tick();
    const wide = stripAnsi(r.lastFrame() ?? '');
    expect(wide).toMatch(/train\s+RUNNING\s+guarded\s+2\s+1:02:03\/2:00:00\s+n1/);
    expect(wide).toMatch(/old\s+OUT_OF_MEMORY\s+signal 9 rss 3\.0G/);
  });
});
