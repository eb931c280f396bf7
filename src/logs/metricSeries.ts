/** A metric's values as a bounded, downsampled series for the loss chart. */

/** One point of a downsampled series: the mean of its finite values, with what was not finite. */
export interface SeriesPoint {
  x: number;
  /** Mean of the finite values in this point; NaN when none was finite. */
  y: number;
  min: number;
  max: number;
  /** How many raw values here were nan / +inf / -inf. */
  nan: number;
  posInf: number;
  negInf: number;
}

const FIELDS = ['n', 'sumX', 'sum', 'finite', 'min', 'max', 'nan', 'posInf', 'negInf'] as const;
type Field = (typeof FIELDS)[number];

/**
 * A series in bounded memory: up to maxPoints buckets; when full, neighbours merge in pairs and
 * each bucket then takes twice as many raw values. The shape survives, memory does not grow.
 * Buckets live in typed arrays allocated once, so a fast log creates no garbage here.
 */
export class MetricSeries {
  private readonly b: Record<Field, Float64Array>;
  private used = 0; // complete buckets
  private stride = 1;
  count = 0;
  nonFinite = 0;
  private lastX = NaN;
  private lastY = NaN;
  private bestX = NaN;
  private bestY = Infinity;

  constructor(
    readonly name: string,
    private readonly maxPoints = 1024,
  ) {
    this.maxPoints = Math.max(4, maxPoints);
    // One slot more than maxPoints: the bucket being filled.
    this.b = Object.fromEntries(FIELDS.map((f) => [f, new Float64Array(this.maxPoints + 1)])) as Record<
      Field,
      Float64Array
    >;
    this.reset(0);
  }

  get last(): { x: number; y: number } | null {
    return this.count ? { x: this.lastX, y: this.lastY } : null;
  }

  get best(): { x: number; y: number } | null {
    return Number.isFinite(this.bestY) ? { x: this.bestX, y: this.bestY } : null;
  }

  private reset(i: number): void {
    for (const f of FIELDS) this.b[f][i] = 0;
    this.b.min[i] = Infinity;
    this.b.max[i] = -Infinity;
  }

  add(x: number, y: number): void {
    this.count++;
    this.lastX = x;
    this.lastY = y;
    const b = this.b;
    const i = this.used;
    b.n[i]++;
    b.sumX[i] += x;
    if (Number.isNaN(y)) b.nan[i]++;
    else if (y === Infinity) b.posInf[i]++;
    else if (y === -Infinity) b.negInf[i]++;
    else {
      b.finite[i]++;
      b.sum[i] += y;
      if (y < b.min[i]) b.min[i] = y;
      if (y > b.max[i]) b.max[i] = y;
      if (y < this.bestY) {
        this.bestY = y;
        this.bestX = x;
      }
    }
    if (!Number.isFinite(y)) this.nonFinite++;
    if (b.n[i] < this.stride) return;
    this.used++;
    if (this.used >= this.maxPoints) this.halve();
    this.reset(this.used);
  }

  /** Merges neighbouring buckets in pairs (an odd last one stays as it is). */
  private halve(): void {
    const b = this.b;
    let w = 0;
    for (let r = 0; r < this.used; r += 2, w++) {
      const pair = r + 1 < this.used;
      for (const f of FIELDS) {
        const a = b[f][r];
        const c = pair ? b[f][r + 1] : f === 'min' ? Infinity : f === 'max' ? -Infinity : 0;
        b[f][w] = f === 'min' ? Math.min(a, c) : f === 'max' ? Math.max(a, c) : a + c;
      }
    }
    this.used = w;
    this.stride *= 2;
  }

  /** The buckets as points, oldest first (the bucket being filled included). */
  points(): SeriesPoint[] {
    const b = this.b;
    const out: SeriesPoint[] = [];
    const end = b.n[this.used] > 0 ? this.used + 1 : this.used;
    for (let i = 0; i < end; i++) {
      out.push({
        x: b.sumX[i] / b.n[i],
        y: b.finite[i] ? b.sum[i] / b.finite[i] : NaN,
        min: b.min[i],
        max: b.max[i],
        nan: b.nan[i],
        posInf: b.posInf[i],
        negInf: b.negInf[i],
      });
    }
    return out;
  }
}
