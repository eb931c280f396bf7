/**
 * A line chart as text, for a terminal as narrow as a phone's 50 columns: braille dots (2×4 per
 * cell) or vertical blocks. Pure: points in, exactly `height` lines of exactly `width` columns out.
 *
 *   2.45┤⠑⢄                 y labels: top = max, bottom = min
 *       │  ⠈⠢⣀
 *   0.01┤     ⠉⠒⠤⣀⣀⣀⣀⣀⣀
 *       └──────x──^─────    axis; x = nan, ^ = +inf, v = -inf, ! = several kinds at that x
 *       1            761    x range
 */

export interface ChartPoint {
  x: number;
  /** NaN or ±Infinity when the value (or every value of a bucket) was not finite. */
  y: number;
  /** Non-finite values folded into this point (a downsampled bucket may hold finite and not). */
  nan?: number;
  posInf?: number;
  negInf?: number;
}

export interface ChartOptions {
  width: number;
  height: number;
  style?: 'braille' | 'block';
  /** Logarithmic y axis (values ≤ 0 sit on the bottom edge). */
  logY?: boolean;
}

export interface Chart {
  lines: string[];
  /** Columns taken by the y labels and the axis before the plot area. */
  plotLeft: number;
  plotWidth: number;
  /** Rows of the plot area (the first plotRows lines). */
  plotRows: number;
  /** Line index of the axis row holding the nan/inf markers, or -1 when there is no room. */
  axisRow: number;
  /** Columns (in line coordinates) of the axis row that hold a marker. */
  markerColumns: number[];
  yMin: number;
  yMax: number;
  xMin: number;
  xMax: number;
  finitePoints: number;
}

export const MARKERS = { nan: 'x', posInf: '^', negInf: 'v', mixed: '!' } as const;

/** A number in at most about 7 columns. */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1).replace('e+', 'e');
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(3)));
}

function fit(text: string, width: number): string {
  return text.length >= width ? text.slice(0, width) : text + ' '.repeat(width - text.length);
}

const BRAILLE_BITS = [
  [0x01, 0x02, 0x04, 0x40],
  [0x08, 0x10, 0x20, 0x80],
];
const EIGHTHS = ' ▁▂▃▄▅▆▇█';

export function renderChart(points: readonly ChartPoint[], options: ChartOptions): Chart {
  const width = Math.max(4, Math.floor(options.width));
  const height = Math.max(1, Math.floor(options.height));
  const style = options.style ?? 'braille';
  const logY = options.logY ?? false;
  const withAxis = height >= 3;
  const plotRows = withAxis ? height - 2 : height;

  const finite = points.filter((p) => Number.isFinite(p.y) && Number.isFinite(p.x) && (!logY || p.y > 0));
  const xs = points.filter((p) => Number.isFinite(p.x)).map((p) => p.x);
  const xMin = xs.length ? Math.min(...xs) : 0;
  let xMax = xs.length ? Math.max(...xs) : 1;
  if (xMax === xMin) xMax = xMin + 1;
  let yMin = finite.length ? Math.min(...finite.map((p) => p.y)) : 0;
  let yMax = finite.length ? Math.max(...finite.map((p) => p.y)) : 1;
  if (yMax === yMin) {
    const d = logY ? yMin * 0.5 : Math.abs(yMin) * 0.1 || 1;
    yMin -= d;
    yMax += d;
  }
  const scale = (y: number) => (logY ? Math.log10(y) : y);
  const sMin = scale(yMin);
  const sMax = scale(yMax);

  const topLabel = formatNumber(yMax);
  const bottomLabel = formatNumber(yMin);
  const labelWidth = Math.min(Math.max(topLabel.length, bottomLabel.length), Math.max(1, width - 3));
  const plotLeft = labelWidth + 1;
  const plotWidth = width - plotLeft;

  const dotsX = style === 'braille' ? plotWidth * 2 : plotWidth;
  const dotsY = style === 'braille' ? plotRows * 4 : plotRows * 8;
  const toDx = (x: number) => Math.round(((x - xMin) / (xMax - xMin)) * (dotsX - 1));
  // dy = 0 is the top edge.
  const toDy = (y: number) => {
    const v = logY && y <= 0 ? sMin : scale(y);
    const f = (sMax - v) / (sMax - sMin);
    return Math.min(dotsY - 1, Math.max(0, Math.round(f * (dotsY - 1))));
  };

  const cells: string[][] = [];
  if (style === 'braille') {
    const bits = Array.from({ length: plotRows }, () => new Uint8Array(plotWidth));
    const dot = (dx: number, dy: number) => {
      bits[dy >> 2][dx >> 1] |= BRAILLE_BITS[dx & 1][dy & 3];
    };
    let prev: [number, number] | null = null;
    for (const p of points) {
      if (!Number.isFinite(p.y) || !Number.isFinite(p.x)) {
        prev = null; // a gap where the run printed nan/inf
        continue;
      }
      const cur: [number, number] = [toDx(p.x), toDy(p.y)];
      if (prev) line(prev, cur, dot);
      else dot(cur[0], cur[1]);
      prev = cur;
    }
    for (const row of bits) cells.push(Array.from(row, (b) => (b ? String.fromCharCode(0x2800 + b) : ' ')));
  } else {
    // One value per column (the mean of the points that land there), drawn as a filled column.
    const sum = new Float64Array(plotWidth);
    const n = new Uint32Array(plotWidth);
    for (const p of finite) {
      const c = toDx(p.x);
      sum[c] += p.y;
      n[c]++;
    }
    const levels = new Int32Array(plotWidth).fill(-1);
    const first = n.findIndex((k) => k > 0);
    const lastCol = n.findLastIndex((k) => k > 0);
    let level = -1;
    for (let c = first; c >= 0 && c <= lastCol; c++) {
      if (n[c]) level = dotsY - toDy(sum[c] / n[c]);
      levels[c] = level;
    }
    for (let r = 0; r < plotRows; r++) {
      const rowBottom = (plotRows - 1 - r) * 8; // eighths below this row
      cells.push(
        Array.from(levels, (level) => {
          if (level < 0) return ' ';
          const fill = Math.min(8, Math.max(0, level - rowBottom));
          return EIGHTHS[fill];
        }),
      );
    }
  }

  const lines: string[] = [];
  for (let r = 0; r < plotRows; r++) {
    const label = r === 0 ? topLabel : r === plotRows - 1 ? bottomLabel : '';
    const tick = r === 0 || r === plotRows - 1 ? '┤' : '│';
    lines.push(label.padStart(labelWidth).slice(-labelWidth) + tick + cells[r].join(''));
  }

  const markerColumns: number[] = [];
  let axisRow = -1;
  if (withAxis) {
    const axis = Array.from({ length: plotWidth }, () => '─');
    const kinds = new Map<number, Set<string>>();
    for (const p of points) {
      // Downsampled points carry counts; raw points only their value.
      const counted = p.nan !== undefined || p.posInf !== undefined || p.negInf !== undefined;
      const k: string[] = [];
      if (counted ? (p.nan ?? 0) > 0 : Number.isNaN(p.y)) k.push('nan');
      if (counted ? (p.posInf ?? 0) > 0 : p.y === Infinity) k.push('posInf');
      if (counted ? (p.negInf ?? 0) > 0 : p.y === -Infinity) k.push('negInf');
      if (!k.length || !Number.isFinite(p.x)) continue;
      const c = style === 'braille' ? toDx(p.x) >> 1 : toDx(p.x);
      const set = kinds.get(c) ?? new Set<string>();
      for (const x of k) set.add(x);
      kinds.set(c, set);
    }
    for (const [c, set] of kinds) {
      axis[c] = set.size > 1 ? MARKERS.mixed : MARKERS[[...set][0] as 'nan' | 'posInf' | 'negInf'];
      markerColumns.push(plotLeft + c);
    }
    markerColumns.sort((a, b) => a - b);
    axisRow = lines.length;
    lines.push(' '.repeat(labelWidth) + '└' + axis.join(''));
    const left = xs.length ? formatNumber(xMin) : '';
    const right = xs.length && Math.max(...xs) > xMin ? formatNumber(xMax) : '';
    const gap = Math.max(1, plotWidth - left.length - right.length);
    lines.push(fit(' '.repeat(plotLeft) + left + ' '.repeat(gap) + right, width));
  }
  return {
    lines: lines.map((l) => fit(l, width)),
    plotLeft,
    plotWidth,
    plotRows,
    axisRow,
    markerColumns,
    yMin,
    yMax,
    xMin,
    xMax,
    finitePoints: finite.length,
  };
}

/** Bresenham from a to b. */
function line(a: [number, number], b: [number, number], dot: (x: number, y: number) => void): void {
  let [x0, y0] = a;
  const [x1, y1] = b;
  const dx = Math.abs(x1 - x0);
  const dy = -Math.abs(y1 - y0);
  const sx = x0 < x1 ? 1 : -1;
  const sy = y0 < y1 ? 1 : -1;
  let err = dx + dy;
  for (;;) {
    dot(x0, y0);
    if (x0 === x1 && y0 === y1) return;
    const e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x0 += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y0 += sy;
    }
  }
}
