/**
 * Ink's renderer walks the tree with this module in place of components/incrementalRender.ts when
 * a shadow script calls installWalkShadow(): every frame is drawn by the incremental renderer and
 * also by Ink's own walk over the same tree, and the two lists of writes and clips must be equal.
 */
import module from 'node:module';

const dist = new URL('../../dist/components/', import.meta.url);
const { walkRedirected } = await import(new URL('inkOutputHook.js', dist).href);
const incremental = await import(new URL('incrementalRender.js', dist).href);
const ink = new URL('./', import.meta.resolve('ink'));
const inkWalk = (await import(new URL('render-node-to-output.js', ink).href)).default;
const InkOutput = (await import(new URL('output.js', ink).href)).default;

interface Operation {
  type: 'write' | 'clip' | 'unclip';
  x?: number;
  y?: number;
  text?: string;
  transformers?: unknown[];
  clip?: { x1?: number; x2?: number; y1?: number; y2?: number };
}
interface Output {
  width: number;
  height: number;
  operations: Operation[];
}

const describe = (o: Operation) =>
  o.type === 'write'
    ? `write ${o.x},${o.y} [${o.transformers?.length}] ${JSON.stringify(o.text)}`
    : o.type === 'clip'
      ? `clip ${o.clip?.x1},${o.clip?.x2},${o.clip?.y1},${o.clip?.y2}`
      : 'unclip';

/** Frames compared, nodes replayed in them, and the first differences (ours against Ink's). */
export const walkStats = { frames: 0, replayed: 0, mismatches: [] as { frame: number; ours: string; inks: string }[] };

export const renderNodeToScreenReaderOutput = incremental.renderNodeToScreenReaderOutput;

export default function shadowWalk(node: unknown, output: Output, options: unknown): void {
  const start = output.operations.length;
  const replayedBefore = incremental.drawCounts.replayed;
  incremental.default(node, output, options);
  walkStats.replayed += incremental.drawCounts.replayed - replayedBefore;
  const inks = new InkOutput({ width: output.width, height: output.height });
  inkWalk(node, inks, options);
  const ours = output.operations.slice(start).map(describe);
  const theirs = (inks.operations as Operation[]).map(describe);
  const frame = walkStats.frames++;
  const at = ours.findIndex((line, i) => line !== theirs[i]);
  if ((at >= 0 || ours.length !== theirs.length) && walkStats.mismatches.length < 3)
    walkStats.mismatches.push({
      frame,
      ours: ours.slice(Math.max(0, at - 1), at + 3).join('\n'),
      inks: theirs.slice(Math.max(0, at - 1), at + 3).join('\n'),
    });
}

/** Puts this module in Ink's renderer (after inkOutputHook.ts, before Ink loads), when the bin's hook put ours there. */
export function installWalkShadow(): void {
  if (!walkRedirected) return;
  const renderer = new URL('renderer.js', ink).href;
  module.registerHooks({
    resolve: (specifier, context, nextResolve) =>
      specifier === './render-node-to-output.js' && context.parentURL === renderer
        ? { url: import.meta.url, shortCircuit: true }
        : nextResolve(specifier, context),
  });
}
