import type { GpuSample } from '../parsers/nvidiaSmi.js';
import { type TrainyardStore, withGpuSample } from './store.js';

/**
 * Hosts sample their GPUs at the same rate but not in step, so eight hosts would mean eight
 * store updates — eight frames — a second. GPU samples are collected here and written in one
 * update per interval, for every host at once: one frame a second however many hosts there are.
 * Connection changes and key presses do not wait for it.
 */
export class SampleBatcher {
  private pending: { alias: string; gpus: GpuSample[]; at: number }[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: TrainyardStore,
    private readonly intervalMs: number,
  ) {}

  add(alias: string, gpus: GpuSample[]): void {
    this.pending.push({ alias, gpus, at: Date.now() });
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.intervalMs);
      this.timer.unref?.();
    }
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.store.setState((s) => {
      const hosts = { ...s.hosts };
      for (const { alias, gpus, at } of batch) {
        const h = hosts[alias];
        // a sample taken before nvidia-smi failed must not hide the failure
        if (h && !(h.gpuError && h.gpuUpdatedAt !== null && at <= h.gpuUpdatedAt))
          hosts[alias] = { ...h, ...withGpuSample(h, gpus, at) };
      }
      return { hosts };
    });
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = [];
  }
}
