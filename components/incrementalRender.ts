/**
 * Ink's walk from its DOM to frame-buffer writes (`ink/build/render-node-to-output.js`), drawing
 * only what changed. Ink walks every node of the tree every frame (Yoga's getters across wasm,
 * text squashed and measured) though one sample changes a row or two. Here each node remembers
 * where in the last frame's list are the writes and clips it (with everything below it) gave the
 * frame buffer; a node that
 * changeMarkingDom.ts did not mark since, laid out at the same width and height, gives the same
 * writes again, moved by as much as the node moved. Anything else is walked as Ink walks it (the
 * box steps below are Ink's, text nodes go to Ink's own function). A tree with `<Static>` output is
 * left to Ink whole. inkOutputHook.ts gives this module to Ink's renderer.
 */
import Yoga, { type Node as YogaNode } from 'yoga-layout';
import { CHANGED, type MarkableNode } from './changeMarkingDom.js';

type Transformer = (line: string, index: number) => string;
interface Clip {
  x1?: number;
  x2?: number;
  y1?: number;
  y2?: number;
}
type Operation =
  | { type: 'write'; x: number; y: number; text: string; transformers: Transformer[] }
  | { type: 'clip'; clip: Clip }
  | { type: 'unclip' };
interface Output {
  operations: Operation[];
  clip(clip: Clip): void;
  unclip(): void;
}
interface Options {
  offsetX?: number;
  offsetY?: number;
  transformers?: Transformer[];
  skipStaticElements?: boolean;
}
/** What a node gave the frame buffer when last drawn (operations[start, end) of that frame's list), and where. */
interface Drawn {
  x: number;
  y: number;
  width: number;
  height: number;
  operations: Operation[];
  start: number;
  end: number;
}
interface InkNode extends MarkableNode {
  nodeName: string;
  style: Record<string, unknown> & { contentOffsetX?: number; contentOffsetY?: number };
  childNodes: InkNode[];
  yogaNode?: YogaNode;
  internal_static?: boolean;
  internal_transform?: Transformer;
  staticNode?: InkNode;
  [DRAWN]?: Drawn;
}
type Draw = (node: InkNode, output: Output, options: Options) => void;

const DRAWN: unique symbol = Symbol('trainyard.drawn');

const ink = new URL('./', import.meta.resolve('ink'));
const inkWalk = await import(new URL('render-node-to-output.js', ink).href);
const renderBorder: (x: number, y: number, node: InkNode, output: Output) => void = (
  await import(new URL('render-border.js', ink).href)
).default;
const renderBackground: typeof renderBorder = (await import(new URL('render-background.js', ink).href)).default;
const inkRenderNodeToOutput: Draw = inkWalk.default;

export const renderNodeToScreenReaderOutput = inkWalk.renderNodeToScreenReaderOutput;

// As Ink: content offsets become whole cells.
const normalizeContentOffset = (value: unknown) =>
  typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : 0;

const moveClip = (clip: Clip, dx: number, dy: number): Clip => ({
  x1: clip.x1 === undefined ? undefined : clip.x1 + dx,
  x2: clip.x2 === undefined ? undefined : clip.x2 + dx,
  y1: clip.y1 === undefined ? undefined : clip.y1 + dy,
  y2: clip.y2 === undefined ? undefined : clip.y2 + dy,
});
const moveOperation = (operation: Operation, dx: number, dy: number): Operation =>
  operation.type === 'write'
    ? { ...operation, x: operation.x + dx, y: operation.y + dy }
    : operation.type === 'clip'
      ? { type: 'clip', clip: moveClip(operation.clip, dx, dy) }
      : operation;

/** Frames drawn, and nodes walked and replayed in them (bench/frameCost.ts reports them). */
export const drawCounts = { frames: 0, walked: 0, replayed: 0 };

function draw(node: InkNode, output: Output, offsetX: number, offsetY: number): void {
  const { yogaNode } = node;
  if (!yogaNode) return;
  const x = offsetX + yogaNode.getComputedLeft();
  const y = offsetY + yogaNode.getComputedTop();
  const width = yogaNode.getComputedWidth();
  const height = yogaNode.getComputedHeight();
  const drawn = node[DRAWN];
  const operations = output.operations;
  const start = operations.length;
  if (drawn && !node[CHANGED] && drawn.width === width && drawn.height === height) {
    drawCounts.replayed++;
    const { operations: before, start: from, end } = drawn;
    if (drawn.x === x && drawn.y === y) for (let i = from; i < end; i++) operations.push(before[i]);
    else for (let i = from; i < end; i++) operations.push(moveOperation(before[i], x - drawn.x, y - drawn.y));
  } else {
    drawCounts.walked++;
    walk(node, yogaNode, output, offsetX, offsetY, x, y);
    node[CHANGED] = false;
  }
  // by reference to this frame's list: the list is kept while a node refers to it, never copied
  node[DRAWN] = { x, y, width, height, operations, start, end: operations.length };
}

/** Ink's steps for one node, with its children drawn by draw() above. */
function walk(
  node: InkNode,
  yogaNode: YogaNode,
  output: Output,
  offsetX: number,
  offsetY: number,
  x: number,
  y: number,
) {
  if (node.internal_static || yogaNode.getDisplay() === Yoga.DISPLAY_NONE) return;
  if (node.nodeName === 'ink-text') {
    inkRenderNodeToOutput(node, output, { offsetX, offsetY, transformers: [], skipStaticElements: true });
    return;
  }
  if (node.nodeName !== 'ink-box' && node.nodeName !== 'ink-root') return;
  let clipped = false;
  if (node.nodeName === 'ink-box') {
    renderBackground(x, y, node, output);
    renderBorder(x, y, node, output);
    const clipX = (node.style.overflowX ?? node.style.overflow) === 'hidden';
    const clipY = (node.style.overflowY ?? node.style.overflow) === 'hidden';
    if (clipX || clipY) {
      output.clip({
        x1: clipX ? x + yogaNode.getComputedBorder(Yoga.EDGE_LEFT) : undefined,
        x2: clipX ? x + yogaNode.getComputedWidth() - yogaNode.getComputedBorder(Yoga.EDGE_RIGHT) : undefined,
        y1: clipY ? y + yogaNode.getComputedBorder(Yoga.EDGE_TOP) : undefined,
        y2: clipY ? y + yogaNode.getComputedHeight() - yogaNode.getComputedBorder(Yoga.EDGE_BOTTOM) : undefined,
      });
      clipped = true;
    }
  }
  const childX = x - normalizeContentOffset(node.style.contentOffsetX);
  const childY = y - normalizeContentOffset(node.style.contentOffsetY);
  for (const child of node.childNodes) draw(child, output, childX, childY);
  if (clipped) output.unclip();
}

/** Ink's renderNodeToOutput, drawing only what changed (the static output, and a tree with any, as Ink does). */
export default function renderNodeToOutput(node: InkNode, output: Output, options: Options): void {
  const transformers = options.transformers ?? [];
  if (!options.skipStaticElements || node.staticNode || transformers.length > 0 || node.nodeName !== 'ink-root') {
    inkRenderNodeToOutput(node, output, options);
    return;
  }
  drawCounts.frames++;
  draw(node, output, options.offsetX ?? 0, options.offsetY ?? 0);
}
