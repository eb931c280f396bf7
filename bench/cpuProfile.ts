/** A V8 CPU profile (`node --cpu-prof`) as the profiling benches read it. */
import { readFileSync } from 'node:fs';

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  /** Microseconds since the sample before. */
  timeDeltas: number[];
}

/** The profile in `file`, with its nodes by id and each node's parent. */
export function readProfile(file: string): CpuProfile & {
  byId: Map<number, ProfileNode>;
  parent: Map<number, number>;
} {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  return { ...profile, byId, parent };
}
