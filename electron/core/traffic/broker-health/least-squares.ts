/** Straight lines through points by least squares, with how well they fit. */

export interface LineFit {
  slope: number;
  intercept: number;
  /** coefficient of determination, 0..1 (1: every point on the line); 0 for a flat set */
  r2: number;
  /** sum of squared residuals */
  sse: number;
  n: number;
}

/**
 * Prefix sums of x, y, x², xy and y², so that the line through any run of consecutive points
 * costs O(1): what a search for the point where a trend changed needs.
 */
export class PrefixFits {
  private readonly sx: Float64Array;
  private readonly sy: Float64Array;
  private readonly sxx: Float64Array;
  private readonly sxy: Float64Array;
  private readonly syy: Float64Array;
  /** Values are taken relative to the first point: epoch milliseconds or bytes squared would lose precision. */
  private readonly x0: number;
  private readonly y0: number;

  constructor(xs: readonly number[], ys: readonly number[]) {
    if (xs.length !== ys.length) throw new Error('PrefixFits: xs and ys differ in length');
    const n = xs.length;
    this.x0 = xs[0] ?? 0;
    this.y0 = ys[0] ?? 0;
    this.sx = new Float64Array(n + 1);
    this.sy = new Float64Array(n + 1);
    this.sxx = new Float64Array(n + 1);
    this.sxy = new Float64Array(n + 1);
    this.syy = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      const x = xs[i]! - this.x0;
      const y = ys[i]! - this.y0;
      this.sx[i + 1] = this.sx[i]! + x;
      this.sy[i + 1] = this.sy[i]! + y;
      this.sxx[i + 1] = this.sxx[i]! + x * x;
      this.sxy[i + 1] = this.sxy[i]! + x * y;
      this.syy[i + 1] = this.syy[i]! + y * y;
    }
  }

  get length(): number {
    return this.sx.length - 1;
  }

  /** The line through points [from, to). Null with fewer than two points or a single x. */
  fit(from: number, to: number): LineFit | null {
    const n = to - from;
    if (from < 0 || to > this.length || n < 2) return null;
    const sx = this.sx[to]! - this.sx[from]!;
    const sy = this.sy[to]! - this.sy[from]!;
    const cxx = this.sxx[to]! - this.sxx[from]! - (sx * sx) / n;
    const cxy = this.sxy[to]! - this.sxy[from]! - (sx * sy) / n;
    const cyy = Math.max(0, this.syy[to]! - this.syy[from]! - (sy * sy) / n);
    if (!(cxx > 1e-12 * Math.max(1, Math.abs(this.sxx[to]! - this.sxx[from]!)))) return null;
    const slope = cxy / cxx;
    const explained = (cxy * cxy) / cxx;
    const r2 = cyy === 0 ? 0 : Math.min(1, explained / cyy);
    // Back to the caller's coordinates: y − y0 = a + slope·(x − x0).
    const a = sy / n - (slope * sx) / n;
    return {
      slope,
      intercept: this.y0 + a - slope * this.x0,
      r2,
      sse: Math.max(0, cyy - explained),
      n,
    };
  }
}

/**
 * Where two lines fit the points best: the index k splitting them into [0, k) and [k, n) with the
 * least total squared error, each side with at least `minSide` points. Null when too few points.
 */
export function bestSplit(fits: PrefixFits, minSide = 3): { index: number; sse: number } | null {
  const n = fits.length;
  let best: { index: number; sse: number } | null = null;
  for (let k = minSide; k <= n - minSide; k++) {
    const left = fits.fit(0, k);
    const right = fits.fit(k, n);
    if (!left || !right) continue;
    const sse = left.sse + right.sse;
    if (!best || sse < best.sse) best = { index: k, sse };
  }
  return best;
}
