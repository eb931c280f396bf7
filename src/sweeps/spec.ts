/**
 * A sweep as the rest of trainyard sees it: a project, its parameter sets in order, where its
 * runs may go and how many at once. Built from the CLI's flags or from a "sweeps" entry of the
 * config; the same spec drives the CLI, the cockpit and the MCP tools.
 */
import { randomName } from '../actions/common.js';
import { type ResolvedProject, resolveProject } from '../actions/project.js';
import type { Config, SweepConfig } from '../config/types.js';
import { missingParams } from '../runs/params.js';
import {
  expandGrid,
  type GridAxis,
  type ParamSet,
  parseGridFlag,
  parseParamFlag,
  SweepError,
  sweepNameProblem,
  uniqueSets,
  withBase,
} from './expand.js';

export const DEFAULT_FAIL_LIMIT = 3;

export interface SweepSpec {
  name: string;
  project: string;
  /** One per run, in order; duplicates within the sweep already removed. */
  paramSets: ParamSet[];
  /** Sets given twice in the sweep itself (dropped). */
  repeated: number;
  /** Preference order. */
  hosts: string[];
  gpusPerRun: number;
  maxParallel: number | null;
  failLimit: number;
  freeMemoryMiB: number | null;
  /** The project lets runs share a GPU. */
  share: boolean;
}

/** What the CLI (or an MCP call) says; unset fields come from the config entry or the defaults. */
export interface SweepRequest {
  /** A project name, or the name of a "sweeps" entry of the config. */
  target: string;
  grid?: string[];
  params?: string[];
  name?: string;
  hosts?: string[];
  gpusPerRun?: number;
  maxParallel?: number;
}

/** "mnist-3f2a": a fresh sweep name from the project's. */
export function defaultSweepName(project: string): string {
  return randomName(project, 30, 'sweep');
}

const stringSet = (r: Record<string, string | number>): ParamSet =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)]));

function configSets(entry: SweepConfig): ParamSet[] {
  if (entry.runs) return entry.runs.map(stringSet);
  const axes: GridAxis[] = Object.entries(entry.grid ?? {}).map(([name, values]) => ({
    name,
    values: values.map(String),
  }));
  return expandGrid(axes);
}

function positive(what: string, n: number | undefined): number | undefined {
  if (n === undefined) return undefined;
  if (!Number.isInteger(n) || n < 1)
    throw new SweepError(`${what} must be a whole number of at least 1`, `e.g. ${what} 2`);
  return n;
}

/** Resolves a request against the config: the project (or config sweep), the sets, the hosts. */
export function resolveSweep(config: Config, req: SweepRequest): SweepSpec {
  const fromConfig = req.grid?.length ? undefined : config.sweeps[req.target];
  const project = fromConfig ? fromConfig.project : req.target;
  if (!(project in config.projects)) {
    const known = [...Object.keys(config.projects), ...Object.keys(config.sweeps)];
    throw new SweepError(
      `"${req.target}" is neither a project nor a sweep in ${config.file}`,
      known.length ? `use one of: ${known.join(', ')}` : 'add the project under "projects" in the config',
    );
  }
  let sets: ParamSet[];
  if (req.grid?.length) sets = expandGrid(req.grid.map(parseGridFlag));
  else if (fromConfig) sets = configSets(fromConfig);
  else
    throw new SweepError(
      `a sweep of ${project} needs parameters`,
      `give a grid, e.g. trainyard sweep ${project} --grid lr=1e-3,3e-4 --grid seed=1,2,3, or add a "sweeps" entry to the config`,
    );
  const base: ParamSet = {};
  for (const p of req.params ?? []) {
    const [k, v] = parseParamFlag(p);
    base[k] = v;
  }
  const { sets: paramSets, repeated } = uniqueSets(withBase(sets, base));

  const name = req.name ?? (fromConfig ? req.target : defaultSweepName(project));
  const nameProblem = sweepNameProblem(name);
  if (nameProblem) throw new SweepError(nameProblem, 'pass --name with a plain name, e.g. --name lr-scan');

  const known = config.hosts.map((h) => h.alias);
  const hosts = req.hosts ?? fromConfig?.hosts ?? known;
  for (const h of hosts)
    if (!known.includes(h))
      throw new SweepError(
        `--hosts names ${h}, which is not in the config's hosts`,
        `use some of: ${known.join(', ')}`,
      );
  if (new Set(hosts).size !== hosts.length)
    throw new SweepError('--hosts names a host twice', 'list each host once, in order of preference');
  if (!hosts.length) throw new SweepError('no hosts to run the sweep on', 'list hosts in the config');

  return {
    name,
    project,
    paramSets,
    repeated,
    hosts,
    gpusPerRun: positive('--gpus-per-run', req.gpusPerRun) ?? fromConfig?.gpusPerRun ?? 1,
    maxParallel: positive('--max-parallel', req.maxParallel) ?? fromConfig?.maxParallel ?? null,
    failLimit: fromConfig?.failLimit ?? DEFAULT_FAIL_LIMIT,
    freeMemoryMiB: fromConfig?.freeMemoryMiB ?? null,
    share: config.projects[project]?.shareGpus ?? false,
  };
}

/** The sweep's project on its first host; a placeholder no set gives a value is a SweepError. */
export function sweepProject(config: Config, spec: SweepSpec): ResolvedProject {
  const project = resolveProject(config, spec.project, spec.hosts[0]);
  const missing = [
    ...new Set(spec.paramSets.flatMap((set) => missingParams(project.train, { ...project.params, ...set }))),
  ];
  if (missing.length)
    throw new SweepError(
      `projects.${spec.project}.train uses ${missing.map((n) => `{${n}}`).join(', ')}, which the sweep gives no value`,
      `add it to the grid (--grid ${missing[0]}=V1,V2), give it with --param ${missing[0]}=VALUE, or a default in projects.${spec.project}.params`,
    );
  return project;
}
