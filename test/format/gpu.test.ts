import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  averageUtilization,
  formatMemory,
  formatPercent,
  formatPower,
  formatTemperature,
  percentBar,
  shortGpuName,
  sparkline,
} from '../../src/format/gpu.js';
import { realGpu } from '../components/fixtures.js';

describe('GPU formatting', () => {
  test('short names from real nvidia-smi names', () => {
    const listed = readFileSync(new URL('../fixtures/nvidia-smi/h100/list.txt', import.meta.url), 'utf8');
    const name = /GPU 0: (.*) \(UUID/.exec(listed)?.[1] ?? '';
    expect(name).toBe('NVIDIA H100 80GB HBM3');
    expect(shortGpuName(name)).toBe('H100 80GB');
    expect(shortGpuName('NVIDIA A100-SXM4-80GB')).toBe('A100 80GB');
    expect(shortGpuName('NVIDIA A100 80GB PCIe')).toBe('A100 80GB');
    expect(shortGpuName('Tesla V100-SXM2-16GB')).toBe('V100 16GB');
    expect(shortGpuName('NVIDIA GeForce RTX 4090')).toBe('RTX 4090');
    expect(shortGpuName('NVIDIA RTX A6000')).toBe('RTX A6000');
  });

  test('the real H100 under load', () => {
    const g = realGpu('load');
    expect(formatPercent(g.utilization)).toBe('99%');
    expect(formatMemory(g.memoryUsedMiB, g.memoryTotalMiB)).toBe('19.6/79.6 GiB');
    expect(formatMemory(g.memoryUsedMiB, g.memoryTotalMiB, 11)).toBe('19.6/79.6G');
    expect(formatMemory(g.memoryUsedMiB, g.memoryTotalMiB, 6)).toBe('20/80G');
    expect(formatTemperature(g.temperatureC)).toBe('63°C');
    expect(formatPower(g.powerW)).toBe('697W');
  });

  test('missing figures print a dash', () => {
    expect(formatPercent(null)).toBe('–');
    expect(formatMemory(null, null)).toBe('–');
    expect(formatPower(null)).toBe('–');
  });

  test('average utilisation ignores GPUs that report none', () => {
    const idle = realGpu('idle');
    const load = realGpu('load');
    expect(averageUtilization([idle, load])).toBe(49.5);
    expect(averageUtilization([{ ...idle, utilization: null }, load])).toBe(99);
    expect(averageUtilization([])).toBeNull();
  });

  test('sparkline maps 0..100 to ▁..█, newest on the right, padded on the left', () => {
    expect(sparkline([0, 50, 100], 3)).toBe('▁▅█');
    expect(sparkline([0, 100], 4)).toBe('  ▁█');
    expect(sparkline([0, 10, 20, 100], 2)).toBe('▂█');
    expect(sparkline([], 0)).toBe('');
  });

  test('bar fills in proportion', () => {
    expect(percentBar(50, 10)).toBe('█████░░░░░');
    expect(percentBar(null, 4)).toBe('░░░░');
    expect(percentBar(100, 3)).toBe('███');
  });
});
