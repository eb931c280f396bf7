/** Pure parsers for what `nvidia-smi --query-* --format=csv,noheader,nounits` prints. */

export interface GpuSample {
  index: number;
  uuid: string;
  name: string;
  /** Percent, or null when nvidia-smi prints [N/A]. */
  utilization: number | null;
  memoryUsedMiB: number | null;
  memoryTotalMiB: number | null;
  temperatureC: number | null;
  powerW: number | null;
}

export interface GpuProcess {
  gpuUuid: string;
  pid: number;
  name: string;
  memoryMiB: number | null;
}

/** The fields the GPU stream asks for, in the order parseGpuLine expects them. */
export const GPU_QUERY_FIELDS = [
  'index',
  'uuid',
  'name',
  'utilization.gpu',
  'memory.used',
  'memory.total',
  'temperature.gpu',
  'power.draw',
] as const;
export const APP_QUERY_FIELDS = ['gpu_uuid', 'pid', 'process_name', 'used_memory'] as const;

/** nvidia-smi separates fields with ", "; names never contain that sequence on real boards. */
function splitCsv(line: string): string[] {
  return line.split(', ').map((f) => f.trim());
}

/** A number, or null for [N/A], [Not Supported], [Unknown Error] and the like. */
export function parseNumber(field: string | undefined): number | null {
  if (field === undefined) return null;
  const n = Number.parseFloat(field);
  return Number.isFinite(n) ? n : null;
}

export function parseGpuLine(line: string): GpuSample | null {
  const f = splitCsv(line);
  if (f.length !== GPU_QUERY_FIELDS.length) return null;
  const index = Number.parseInt(f[0], 10);
  if (!Number.isInteger(index)) return null;
  return {
    index,
    uuid: f[1],
    name: f[2],
    utilization: parseNumber(f[3]),
    memoryUsedMiB: parseNumber(f[4]),
    memoryTotalMiB: parseNumber(f[5]),
    temperatureC: parseNumber(f[6]),
    powerW: parseNumber(f[7]),
  };
}

export function parseAppLine(line: string): GpuProcess | null {
  const f = splitCsv(line);
  if (f.length !== APP_QUERY_FIELDS.length) return null;
  const pid = Number.parseInt(f[1], 10);
  if (!Number.isInteger(pid)) return null;
  return { gpuUuid: f[0], pid, name: f[2], memoryMiB: parseNumber(f[3]) };
}

export function parseAppLines(text: string): GpuProcess[] {
  return text
    .split('\n')
    .map(parseAppLine)
    .filter((p): p is GpuProcess => p !== null);
}

/**
 * Turns a failed nvidia-smi run into one line a person understands. Exit codes are the
 * documented ones (6: no devices, 9: driver not loaded, 127: not installed).
 */
export function describeGpuFailure(code: number | null, output: string): string {
  const text = output.trim();
  if (code === 127 || /nvidia-smi: (command )?not found|No such file or directory/.test(text))
    return 'no GPU (nvidia-smi not found)';
  if (code === 6 || /No devices were found/.test(text)) return 'No devices were found';
  if (code === 9 || /couldn't communicate with the NVIDIA driver/.test(text))
    return "driver error: nvidia-smi couldn't communicate with the NVIDIA driver";
  const firstLine = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return `nvidia-smi failed (exit ${code ?? 'signal'})${firstLine ? `: ${firstLine.slice(0, 120)}` : ''}`;
}
