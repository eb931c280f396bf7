import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_QUERY_FIELDS,
  describeGpuFailure,
  GPU_QUERY_FIELDS,
  parseAppLines,
  parseGpuLine,
} from '../../src/parsers/nvidiaSmi.js';

const h100 = path.join(import.meta.dirname, '..', 'fixtures', 'nvidia-smi', 'h100');
const fixture = (name: string) => readFileSync(path.join(h100, name), 'utf8');

/** The real value nvidia-smi printed for one field, from query-gpu.tsv (columns: field, header, header_nounits, idle, idle_nounits, load, load_nounits). */
function realValue(field: string, state: 'idle' | 'load'): string {
  const rows = fixture('query-gpu.tsv')
    .split('\n')
    .map((l) => l.split('\t'));
  const row = rows.find((r) => r[0] === field);
  if (!row) throw new Error(`no field ${field} in fixture`);
  return state === 'idle' ? row[4] : row[6];
}

function realLine(state: 'idle' | 'load'): string {
  return GPU_QUERY_FIELDS.map((f) => realValue(f, state)).join(', ');
}

describe('parseGpuLine on real H100 output', () => {
  it('reads the load record field by field', () => {
    const gpu = parseGpuLine(realLine('load'))!;
    expect(gpu.index).toBe(Number(realValue('index', 'load')));
    expect(gpu.name).toBe(realValue('name', 'load'));
    expect(gpu.uuid).toMatch(/^GPU-[0-9a-f-]+$/);
    expect(gpu.utilization).toBe(Number(realValue('utilization.gpu', 'load')));
    expect(gpu.memoryUsedMiB).toBe(Number(realValue('memory.used', 'load')));
    expect(gpu.memoryTotalMiB).toBe(Number(realValue('memory.total', 'load')));
    expect(gpu.temperatureC).toBe(Number(realValue('temperature.gpu', 'load')));
    expect(gpu.powerW).toBeCloseTo(Number(realValue('power.draw', 'load')), 2);
  });

  it('reads the idle record', () => {
    const gpu = parseGpuLine(realLine('idle'))!;
    expect(gpu.utilization).toBe(0);
    expect(gpu.memoryUsedMiB).toBe(0);
  });

  it('turns [N/A] into null instead of NaN', () => {
    const line = realLine('load').replace(/, 63, /, ', [N/A], ');
    expect(parseGpuLine(line)!.temperatureC).toBeNull();
  });

  it('rejects lines that are not GPU records (errors, headers, the short loop form)', () => {
    expect(parseGpuLine(fixture('err-bad-field.txt').split('\n')[0])).toBeNull();
    expect(parseGpuLine('No devices were found')).toBeNull();
    expect(parseGpuLine(fixture('load-loop-lms500.csv').split('\n')[0])).toBeNull();
  });
});

describe('parseAppLines on real compute-apps output', () => {
  it('reads the process under load, fields in the order we query them', () => {
    const rows = fixture('query-compute-apps.tsv')
      .split('\n')
      .map((l) => l.split('\t'));
    const value = (field: string) => rows.find((r) => r[0] === field)![4];
    const line = APP_QUERY_FIELDS.map(value).join(', ');
    expect(parseAppLines(line + '\n')).toEqual([
      {
        gpuUuid: value('gpu_uuid'),
        pid: Number(value('pid')),
        name: value('process_name'),
        memoryMiB: Number(value('used_memory')),
      },
    ]);
  });

  it('finds no process in the header-only idle output', () => {
    expect(parseAppLines(fixture('apps-none-with-header.txt'))).toEqual([]);
  });
});

describe('describeGpuFailure', () => {
  it('names each real failure', () => {
    const noDev = fixture('err-no-such-index.txt');
    expect(describeGpuFailure(6, noDev)).toBe('No devices were found');
    expect(describeGpuFailure(127, 'sh: 1: nvidia-smi: not found')).toMatch(/no GPU/);
    expect(
      describeGpuFailure(9, "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."),
    ).toMatch(/driver/);
    expect(describeGpuFailure(2, fixture('err-bad-field.txt'))).toMatch(/exit 2.*bogus\.field/);
  });
});
