/** Small helpers every action uses. */
import { randomBytes } from 'node:crypto';
import type { ResolvedProject } from './project.js';
import { type ActionContext, ActionFailure } from './types.js';

export function requireProject(ctx: ActionContext): ResolvedProject {
  if (!ctx.project)
    throw new ActionFailure(
      `${ctx.action} needs a project`,
      'pass the project name, e.g. trainyard sync mnist --host gpu-a',
    );
  return ctx.project;
}

/** "mnist-3f2a": a name made safe (letters, digits, - and _; at most maxLength of it) plus a short random id. */
export function randomName(name: string, maxLength: number, fallback: string): string {
  const base =
    name
      .replace(/[^A-Za-z0-9_-]+/g, '-')
      .replace(/^[-_]+|[-_]+$/g, '')
      .slice(0, maxLength) || fallback;
  return `${base}-${randomBytes(2).toString('hex')}`;
}

/** "mnist-3f2a": the project name made tmux-safe plus a short random id. */
export function defaultSessionName(project: string): string {
  return randomName(project, 24, 'run');
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
