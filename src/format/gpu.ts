/** Pure formatting of GPU figures for the cockpit. */
import type { GpuSample } from '../parsers/nvidiaSmi.js';

const VENDOR_WORDS = new Set(['NVIDIA', 'TESLA', 'GEFORCE', 'QUADRO']);
const FORM_FACTOR = /^(PCIE|SXM\d*|HBM\w*|NVL\d+|MIG.*)$/i;

/** "NVIDIA H100 80GB HBM3" → "H100 80GB", "NVIDIA A100-SXM4-80GB" → "A100 80GB", "NVIDIA GeForce RTX 4090" → "RTX 4090". */
export function shortGpuName(name: string): string {
  const words = name
    .split(/[\s-]+/)
    .filter((w) => w !== '' && !VENDOR_WORDS.has(w.toUpperCase()) && !FORM_FACTOR.test(w));
  return words.length > 0 ? words.join(' ') : name.trim();
}

export const NONE = '–';

export function formatPercent(value: number | null): string {
  return value === null ? NONE : `${Math.round(value)}%`;
}

export function formatTemperature(celsius: number | null): string {
  return celsius === null ? NONE : `${Math.round(celsius)}°C`;
}

export function formatPower(watts: number | null): string {
  return watts === null ? NONE : `${Math.round(watts)}W`;
}

export function gib(mib: number): string {
  return (mib / 1024).toFixed(1);
}

/** Memory in GiB, in the longest form that fits `width`: "19.6/79.6 GiB", "19.6/79.6G", "20/80G". */
export function formatMemory(
  usedMiB: number | null,
  totalMiB: number | null,
  width = Number.POSITIVE_INFINITY,
): string {
  if (usedMiB === null && totalMiB === null) return NONE;
  const u = usedMiB === null ? NONE : gib(usedMiB);
  const t = totalMiB === null ? NONE : gib(totalMiB);
  const forms = [`${u}/${t} GiB`, `${u}/${t}G`];
  if (usedMiB !== null && totalMiB !== null)
    forms.push(`${Math.round(usedMiB / 1024)}/${Math.round(totalMiB / 1024)}G`);
  return forms.find((f) => f.length <= width) ?? forms[forms.length - 1];
}

/** A single process's memory: "19.6 GiB". */
export function formatProcessMemory(mib: number | null): string {
  return mib === null ? NONE : `${gib(mib)} GiB`;
}

/** Mean utilisation over GPUs that report one, or null when none does. */
export function averageUtilization(gpus: readonly GpuSample[]): number | null {
  const values = gpus.map((g) => g.utilization).filter((u): u is number => u !== null);
  if (values.length === 0) return null;
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export const SPARK_LEVELS = '▁▂▃▄▅▆▇█';

/** The last `width` percentages as ▁▂▃▄▅▆▇█, right-aligned (blank on the left until history fills up). */
export function sparkline(values: readonly number[], width: number): string {
  if (width <= 0) return '';
  const levels = [...SPARK_LEVELS];
  const tail = values.slice(Math.max(0, values.length - width));
  const glyphs = tail.map((v) => {
    const clamped = Math.min(100, Math.max(0, Number.isFinite(v) ? v : 0));
    return levels[Math.round((clamped / 100) * (levels.length - 1))];
  });
  return ' '.repeat(width - glyphs.length) + glyphs.join('');
}

/** A filled bar of `width` cells: █ for the used share, ░ for the rest. */
export function percentBar(percent: number | null, width: number): string {
  if (width <= 0) return '';
  const p = percent === null ? 0 : Math.min(100, Math.max(0, percent));
  const filled = Math.round((p / 100) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}
