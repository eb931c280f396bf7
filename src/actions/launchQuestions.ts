/**
 * The launch's two questions: the run's name (a restart suggests <parent>-r<n>) and its GPUs (the
 * least-used k, each GPU with its use, or all). Given as parameters (the CLI, sweeps, agents),
 * nothing is asked.
 */
import type { GpuSample } from '../parsers/nvidiaSmi.js';
import { restartName } from '../runs/restartName.js';
import { defaultSessionName } from './common.js';
import { leastUsed } from './gpuChoice.js';
import type { HostSnapshot } from './hostState.js';
import type { ResolvedProject } from './project.js';
import { ActionCancelled, type ActionContext, ActionFailure } from './types.js';

/** "4% · 1/80 GiB": one GPU's use, for the picker. */
function gpuUse(g: GpuSample): string {
  const gib = (mib: number | null) => (mib === null ? '?' : String(Math.round(mib / 1024)));
  return `${g.utilization ?? '?'}% · ${gib(g.memoryUsedMiB)}/${gib(g.memoryTotalMiB)} GiB`;
}

/**
 * GPU choices for the question: the least-used k (naming the ones they would be now), each GPU
 * with its use, and all. Defaults to the project's choice when it names one, else the least-used GPU.
 */
function gpuChoices(
  ctx: ActionContext,
  configured: string | undefined,
  fallback: string,
): { choices: { value: string; label: string }[]; defaultValue: string } {
  const samples = ctx.gpuSamples() ?? [];
  const n = samples.length;
  const choices: { value: string; label: string }[] = [];
  for (let k = 1; k < Math.max(n, 2); k++) {
    const which = n ? ` (now ${leastUsed(samples, k).join(',')})` : '';
    choices.push({
      value: k === 1 ? 'least-used' : `least-used:${k}`,
      label: `the ${k === 1 ? '' : `${k} `}least-used GPU${k === 1 ? '' : 's'}${which}`,
    });
  }
  for (const g of [...samples].sort((a, b) => a.index - b.index))
    choices.push({ value: String(g.index), label: `GPU ${g.index} · ${gpuUse(g)}` });
  choices.push({ value: 'all', label: 'all GPUs' });
  // Without a sample (the CLI, where nobody is asked) the project's default stands.
  const defaultValue = configured ?? (n ? 'least-used' : fallback);
  if (!choices.some((c) => c.value === defaultValue)) choices.push({ value: defaultValue, label: defaultValue });
  return { choices, defaultValue };
}

/** Session name and GPUs: from the parameters, else asked (the cockpit) or defaulted (the CLI). */
export async function chooseSessionAndGpus(
  ctx: ActionContext,
  p: ResolvedProject,
  snap: HostSnapshot,
  parent: string | null,
): Promise<{ session: string; gpuChoice: string }> {
  let session = ctx.params.session;
  if (session === undefined) {
    // a restart's name says which run it continues (train01 → train01-r1)
    const suggested = parent
      ? restartName(parent, (n) => snap.takenNames.includes(n) || snap.runs.some((r) => r.id === n))
      : defaultSessionName(p.name);
    const answer = await ctx.ask({
      kind: 'input',
      title: 'Session name',
      message: `tmux session for ${p.name} on ${ctx.host}`,
      defaultValue: suggested,
      validate: (v) =>
        ctx.backend.nameProblem(v) ?? (snap.takenNames.includes(v) ? `a session named ${v} already exists` : null),
    });
    if (answer === null) throw new ActionCancelled('no session name given', true);
    session = answer.trim() || suggested;
  }
  const problem = ctx.backend.nameProblem(session);
  if (problem)
    throw new ActionFailure(
      `cannot use session name ${JSON.stringify(session)}: ${problem}`,
      'pick another name (letters, digits, - and _ always work)',
    );
  if (snap.takenNames.includes(session))
    throw new ActionFailure(
      `a tmux session named ${session} already exists on ${ctx.host}`,
      'pick another name, or stop that session first',
    );
  let gpuChoice = ctx.params.gpus;
  if (gpuChoice === undefined) {
    const { choices, defaultValue } = gpuChoices(ctx, ctx.config.projects[p.name]?.gpus, p.gpus);
    const answer = await ctx.ask({
      kind: 'choice',
      title: 'GPUs',
      message: `GPUs for ${session}`,
      choices,
      defaultValue,
    });
    if (answer === null) throw new ActionCancelled('no GPUs chosen', true);
    gpuChoice = answer;
  }
  return { session, gpuChoice };
}
