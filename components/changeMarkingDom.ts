/**
 * Ink's DOM (`ink/build/dom.js`) for its reconciler, with every mutator also marking the node it
 * changes, and each ancestor, as changed since the last frame. incrementalRender.ts draws a node
 * that is not marked, and whose size is the same, from what it wrote last frame instead of walking
 * it. inkOutputHook.ts gives this module to Ink's reconciler in place of dom.js.
 */

/** A node of Ink's DOM, as far as marking goes. */
export interface MarkableNode {
  parentNode?: MarkableNode;
  [CHANGED]?: boolean;
}

/** Set on a node (and its ancestors) that changed since it was last drawn; cleared when drawn. */
export const CHANGED: unique symbol = Symbol('trainyard.changed');

const inkDom = await import(new URL('./dom.js', import.meta.resolve('ink')).href);

/**
 * Marks the node and every ancestor, always up to the root: a node left marked below an unmarked
 * one (a hidden subtree is not drawn, so keeps its mark) must not stop the walk.
 */
export function markChanged(node: MarkableNode | undefined): void {
  for (let current = node; current; current = current.parentNode) current[CHANGED] = true;
}

type Mutator = (node: MarkableNode, ...rest: never[]) => unknown;
/** The mutator, marking its node (first argument) after it ran. */
const marking =
  (mutate: Mutator) =>
  (node: MarkableNode, ...rest: never[]) => {
    const result = mutate(node, ...rest);
    markChanged(node);
    return result;
  };
/** A child moved in: its old parent lost it (Ink removes it with its own, unmarked, function). */
const adopting =
  (adopt: (node: MarkableNode, child: MarkableNode, ...rest: never[]) => unknown) =>
  (node: MarkableNode, child: MarkableNode, ...rest: never[]) => {
    markChanged(child.parentNode);
    const result = adopt(node, child, ...rest);
    markChanged(child);
    return result;
  };

export const appendChildNode = adopting(inkDom.appendChildNode);
export const insertBeforeNode = adopting(inkDom.insertBeforeNode);
export const removeChildNode = marking(inkDom.removeChildNode);
export const setAttribute = marking(inkDom.setAttribute);
export const setTransform = marking(inkDom.setTransform);
export const setStyle = marking(inkDom.setStyle);
export const setNodeHidden = marking(inkDom.setNodeHidden);
export const setTextNodeValue = marking(inkDom.setTextNodeValue);
export const { createNode, createTextNode, freeYogaSubtree, addLayoutListener, emitLayoutListeners } = inkDom;
