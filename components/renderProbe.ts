/**
 * A test hook: row components report each render here, so tests can prove that one host's update
 * does not re-render another host's row. Costs one undefined check when no probe is set.
 */
export type RenderProbe = (component: string, key: string) => void;

let probe: RenderProbe | undefined;

export function setRenderProbe(next: RenderProbe | undefined): void {
  probe = next;
}

export function noteRender(component: string, key: string): void {
  probe?.(component, key);
}
