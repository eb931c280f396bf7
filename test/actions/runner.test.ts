/** The action runner the cockpit wires keys to: state in the store, questions, cancel, masking, every failure a verdict. */
import { describe, expect, it } from 'vitest';
import { ActionRunner } from '../../src/actions/runner.js';
import { type ActionContext, type ActionDefinition, ActionFailure, type Verdict } from '../../src/actions/types.js';
import { normalizeConfig } from '../../src/config/load.js';
import { OUTPUT_LINES_KEPT } from '../../src/state/actionsStore.js';
import { ScriptedTransport } from '../support/scriptedTransport.js';
import { waitFor } from '../support/waitFor.js';

/** No command is expected: any one fails the test. */
const transport = new ScriptedTransport();

const project = { local: '/tmp/p', remote: '/w/p', train: 'python t.py' };
const config = normalizeConfig({ hosts: ['gpu-a'], projects: { one: project } }, '/cfg.json');
const twoProjects = normalizeConfig(
  { hosts: ['gpu-a'], projects: { one: project, two: { ...project, remote: '/w/two' } } },
  '/cfg.json',
);

function def(run: (ctx: ActionContext) => Promise<Verdict>, over: Partial<ActionDefinition> = {}): ActionDefinition {
  return {
    id: 'sync',
    title: 'Test',
    help: '',
    needs: { project: true, session: false },
    destructive: false,
    cancellable: true,
    terminal: false,
    run,
    ...over,
  };
}

function runnerWith(
  d: ActionDefinition,
  cfg = config,
  extra: Partial<ConstructorParameters<typeof ActionRunner>[0]> = {},
) {
  return new ActionRunner({
    config: cfg,
    registry: [d],
    transportFor: () => transport,
    dataDir: '/tmp/ty-data',
    flushMs: 5,
    ...extra,
  });
}

describe('runner', () => {
  it('keeps a run in the store: running → waiting for an answer → ok, with output, progress and verdict', async () => {
    const runner = runnerWith(
      def(async (ctx) => {
        ctx.output('one');
        ctx.progress({ fraction: 0.5, label: 'half' });
        const yes = await ctx.confirm({
          title: 'Sure?',
          message: 'Delete 2 files?',
          details: ['a', 'b'],
          destructive: true,
        });
        ctx.output(`answer ${yes}`, 'step');
        return { outcome: 'ok', summary: 'done', details: [], hint: null };
      }),
    );
    const { runId, done } = runner.start('sync', { host: 'gpu-a' });
    await waitFor(() => runner.store.getState().question !== null && runner.store.getState().runs[runId]?.progress);
    let s = runner.store.getState();
    expect(s.runs[runId]).toMatchObject({
      status: 'waiting',
      project: 'one',
      title: 'Test',
      progress: { fraction: 0.5, label: 'half' },
    });
    expect(s.question).toMatchObject({
      runId,
      question: { kind: 'confirm', message: 'Delete 2 files?', details: ['a', 'b'], destructive: true },
    });
    runner.answer(s.question!.id, true);
    const v = await done;
    s = runner.store.getState();
    expect(v.outcome).toBe('ok');
    expect(s.question).toBeNull();
    expect(s.runs[runId]).toMatchObject({
      status: 'ok',
      progress: null,
      verdict: { summary: 'done' },
      cancellable: false,
    });
    expect(s.runs[runId].lines.map((l) => [l.n, l.text, l.kind])).toEqual([
      [1, 'one', 'out'],
      [2, 'answer true', 'step'],
    ]);
  });

  it('cancel aborts the action and dismisses its question', async () => {
    let aborted = false;
    const runner = runnerWith(
      def(async (ctx) => {
        ctx.signal.addEventListener('abort', () => (aborted = true));
        await ctx.confirm({ title: 't', message: 'm', details: [], destructive: false });
        return { outcome: 'ok', summary: 'not reached', details: [], hint: null };
      }),
    );
    const { runId, done } = runner.start('sync', { host: 'gpu-a' });
    await waitFor(() => runner.store.getState().question);
    expect(runner.store.getState().question).not.toBeNull();
    runner.cancel(runId);
    expect((await done).outcome).toBe('cancelled');
    expect(aborted).toBe(true);
    expect(runner.store.getState().question).toBeNull();
    expect(runner.isRunning(runId)).toBe(false);
  });

  it('answering no declines; --yes answers yes without asking', async () => {
    const d = def(async (ctx) => {
      if (!(await ctx.confirm({ title: 't', message: 'Go?', details: [], destructive: true })))
        throw new (await import('../../src/actions/types.js')).ActionCancelled('kept', true);
      return { outcome: 'ok', summary: 'went', details: [], hint: null };
    });
    const r1 = runnerWith(d);
    const a = r1.start('sync', { host: 'gpu-a' });
    await waitFor(() => r1.store.getState().question);
    r1.answer(r1.store.getState().question!.id, false);
    expect(await a.done).toMatchObject({ outcome: 'declined', summary: 'not done: kept' });
    const r2 = runnerWith(d);
    const b = r2.start('sync', { host: 'gpu-a' }, { assumeYes: true });
    expect(await b.done).toMatchObject({ outcome: 'ok' });
    expect(r2.store.getState().runs[b.runId].lines.at(-1)).toMatchObject({ text: 'Go? — yes (--yes)', kind: 'warn' });
    const r3 = runnerWith(d);
    const c = r3.start('sync', { host: 'gpu-a' }, { dryRun: true });
    expect(await c.done).toMatchObject({ outcome: 'ok' });
    expect(r3.store.getState().question).toBeNull();
    expect(r3.store.getState().runs[c.runId].lines.map((l) => l.text)).toContain(
      'would ask: Go? — taken as yes for the dry run',
    );
  });

  it('masks secrets in lines, questions and the verdict', async () => {
    const runner = runnerWith(
      def(async (ctx) => {
        ctx.addSecrets(['hunter2-secret']);
        ctx.output('token=hunter2-secret');
        return {
          outcome: 'failed',
          summary: 'bad hunter2-secret',
          details: ['x hunter2-secret'],
          hint: 'hunter2-secret',
        };
      }),
    );
    const { runId, done } = runner.start('sync', { host: 'gpu-a' });
    await done;
    expect(JSON.stringify(runner.store.getState().runs[runId])).not.toContain('hunter2');
    expect(runner.store.getState().runs[runId].lines[0].text).toBe('token=•••');
  });

  it('batches fast output into few store updates and keeps the newest lines', async () => {
    const runner = runnerWith(
      def(async (ctx) => {
        for (let i = 1; i <= OUTPUT_LINES_KEPT + 500; i++) ctx.output(`line ${i}`);
        return { outcome: 'ok', summary: '', details: [], hint: null };
      }),
    );
    let updates = 0;
    runner.store.subscribe(() => updates++);
    const { runId, done } = runner.start('sync', { host: 'gpu-a' });
    await done;
    const run = runner.store.getState().runs[runId];
    expect(updates).toBeLessThan(10);
    expect(run.lines).toHaveLength(OUTPUT_LINES_KEPT);
    expect(run.droppedLines).toBe(500);
    expect(run.lines[0]).toMatchObject({ n: 501, text: 'line 501' });
  });

  it('asks which project when there are several, uses the only one otherwise', async () => {
    const seen: string[] = [];
    const d = def(
      async (ctx) => (seen.push(ctx.project!.name), { outcome: 'ok', summary: '', details: [], hint: null }),
    );
    const runner = runnerWith(d, twoProjects);
    const { done } = runner.start('sync', { host: 'gpu-a' });
    await waitFor(() => runner.store.getState().question);
    const q = runner.store.getState().question!;
    expect(q.question).toMatchObject({ kind: 'choice', choices: [{ value: 'one' }, { value: 'two' }] });
    expect(q.question).toMatchObject({ defaultValue: 'one' });
    runner.answer(q.id, 'two');
    await done;
    // The next question offers the project last picked first.
    const again = runner.start('sync', { host: 'gpu-a' });
    await waitFor(() => runner.store.getState().question);
    const q2 = runner.store.getState().question!;
    expect(q2.question).toMatchObject({ defaultValue: 'two' });
    runner.answer(q2.id, 'two');
    await again.done;
    await runnerWith(d).start('sync', { host: 'gpu-a' }).done;
    expect(seen).toEqual(['two', 'two', 'one']);
  });

  it('ends in a verdict on every failure, never a throw', async () => {
    const bad = normalizeConfig(
      { hosts: ['gpu-a'], projects: { one: { ...project, conda: 'a', venv: 'b' } } },
      '/cfg.json',
    );
    const ok = async () => ({ outcome: 'ok' as const, summary: '', details: [], hint: null });
    expect(await runnerWith(def(ok), bad).start('sync', { host: 'gpu-a' }).done).toMatchObject({
      outcome: 'failed',
      cause: 'config',
      details: ['projects.one.conda and projects.one.venv are both set — fix: keep one of them'],
    });
    expect(
      await runnerWith(def(ok, { needs: { project: false, session: true } })).start('sync', { host: 'gpu-a' }).done,
    ).toMatchObject({ outcome: 'failed', hint: 'select a tmux session first' });
    expect(
      await runnerWith(def(ok), config, {
        transportFor: () => {
          throw new Error('connection refused');
        },
      }).start('sync', { host: 'gpu-a' }).done,
    ).toMatchObject({
      outcome: 'failed',
      summary: 'gpu-a is not reachable: connection refused',
      cause: 'not-connected',
    });
    expect(
      await runnerWith(
        def(async () => {
          throw new ActionFailure('rsync failed', 'check it');
        }),
      ).start('sync', { host: 'gpu-a' }).done,
    ).toMatchObject({ outcome: 'failed', summary: 'rsync failed', hint: 'check it' });
    expect(
      await runnerWith(
        def(async () => {
          throw new TypeError('boom');
        }),
      ).start('sync', { host: 'gpu-a' }).done,
    ).toMatchObject({ outcome: 'failed', summary: 'internal error: boom' });
    expect(await runnerWith(def(ok)).start('sync', { host: 'gpu-a', project: 'nope' }).done).toMatchObject({
      outcome: 'failed',
      details: ['projects.nope does not exist — fix: use one of one, or add it under "projects"'],
    });
  });

  it('a run cancelled before it began never starts its action', async () => {
    let ran = false;
    const runner = runnerWith(def(async () => ((ran = true), { outcome: 'ok', summary: '', details: [], hint: null })));
    const { runId, done } = runner.start('sync', { host: 'gpu-a' });
    runner.cancel(runId);
    expect((await done).outcome).toBe('cancelled');
    expect(ran).toBe(false);
  });
});
