/** The checks on "sweeps" that the schema cannot make: names, the project and hosts they refer to, grid or runs. */
import { paramNameProblem, sweepNameProblem } from '../sweeps/expand.js';
import { closest } from './suggest.js';
import type { SweepConfig } from './types.js';

export function sweepConfigProblems(
  sweeps: Record<string, SweepConfig> | undefined,
  projects: readonly string[],
  hosts: readonly string[],
): string[] {
  const problems: string[] = [];
  for (const [name, sweep] of Object.entries(sweeps ?? {})) {
    const at = `sweeps.${name}`;
    const nameProblem = sweepNameProblem(name);
    if (nameProblem) problems.push(`${at}: ${nameProblem} — fix: rename it, e.g. "lr-scan"`);
    if (!projects.includes(sweep.project)) {
      const guess = closest(sweep.project, projects);
      problems.push(
        `${at}.project is "${sweep.project}", which is not in "projects" — ${guess ? `did you mean "${guess}"?` : `fix: use one of: ${projects.join(', ') || '(no projects yet: add one under "projects")'}`}`,
      );
    }
    if ((sweep.grid === undefined) === (sweep.runs === undefined))
      problems.push(
        `${at} needs exactly one of "grid" and "runs" — fix: "grid": {"lr": ["1e-3", "3e-4"]} for every combination, or "runs": [{"lr": "1e-3"}, …] for a list`,
      );
    const names = [...Object.keys(sweep.grid ?? {}), ...(sweep.runs ?? []).flatMap((r) => Object.keys(r))];
    for (const p of new Set(names)) {
      const problem = paramNameProblem(p);
      if (problem) problems.push(`${at}: ${problem} — fix: rename it in the sweep and in the project's train command`);
    }
    for (const h of sweep.hosts ?? []) {
      if (hosts.includes(h)) continue;
      const guess = closest(h, hosts);
      problems.push(
        `${at}.hosts has "${h}", which is not in "hosts" — ${guess ? `did you mean "${guess}"?` : `fix: use one of: ${hosts.join(', ')}`}`,
      );
    }
  }
  return problems;
}
