/**
 * Seasonal adjustment as the M4 benchmarks do it (the organisers' "Benchmarks and Evaluation.R"):
 *
 *   1. test: the lag-m autocorrelation is significant at 90% (one-sided), with the limit
 *      1.645/√n · √(1 + 2·Σ_{k<m} r_k²), and only for series of at least 3 full seasons;
 *   2. if seasonal: classical multiplicative decomposition (R `decompose`): a centred moving
 *      average of order m (2×m for even m) as trend, seasonal indices as the mean ratio
 *      y/trend per position in the cycle, normalised to mean 1;
 *   3. models forecast y / index; forecasts are multiplied by the last m indices, repeated.
 *
 * One deliberate difference from a literal port, shared with the reference script in
 * test/fixtures/m4: the autocorrelations are computed up to lag m. The M4 script called R's
 * `acf` with its default maximum lag (10·log10(n), below 52 for every M4 weekly series), so it
 * could never detect a 52-week season; M4 itself treated weekly data as non-seasonal.
 */

/** Sample autocorrelations r_1..r_maxLag as R's `acf` (mean removed, divided by n·c_0). */
export function acf(y: ArrayLike<number>, maxLag: number): Float64Array {
  const n = y.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i]!;
  mean /= n;
  const d = new Float64Array(n);
  let c0 = 0;
  for (let i = 0; i < n; i++) {
    d[i] = y[i]! - mean;
    c0 += d[i]! * d[i]!;
  }
  const r = new Float64Array(maxLag);
  for (let k = 1; k <= maxLag; k++) {
    let s = 0;
    for (let i = 0; i + k < n; i++) s += d[i]! * d[i + k]!;
    r[k - 1] = c0 === 0 ? 0 : s / c0;
  }
  return r;
}

/** The M4 seasonality test at period m (false for m <= 1 or fewer than 3·m observations). */
export function isSeasonal(y: ArrayLike<number>, m: number): boolean {
  const n = y.length;
  if (m <= 1 || n < 3 * m) return false;
  const r = acf(y, m);
  let s = 0;
  for (let k = 0; k < m - 1; k++) s += r[k]! * r[k]!;
  const limit = (1.645 / Math.sqrt(n)) * Math.sqrt(1 + 2 * s);
  return Math.abs(r[m - 1]!) > limit;
}

/**
 * Multiplicative seasonal indices of R's `decompose(ts(y, frequency = m), "multiplicative")`,
 * one per observation (position 0 is the first position of the cycle).
 * @throws Error when y has fewer than two full periods (R refuses those too).
 */
export function multiplicativeIndices(y: ArrayLike<number>, m: number): Float64Array {
  const n = y.length;
  if (!Number.isInteger(m) || m < 2) throw new Error(`decomposition needs an integer period >= 2, got ${m}`);
  if (n < 2 * m) throw new Error(`decomposition needs at least two full periods (${2 * m} observations), got ${n}`);
  // Centred moving average: weights 1/m (odd m) or 0.5/m, 1/m, …, 1/m, 0.5/m (even m).
  const half = Math.floor(m / 2);
  const even = m % 2 === 0;
  const ratio = new Float64Array(n).fill(NaN);
  let window = 0;
  // Running sum of y[t−half+1 .. t+half−1] (even) or y[t−half .. t+half] (odd).
  const inner = even ? half - 1 : half;
  for (let i = 0; i < Math.min(n, 2 * inner + 1); i++) window += y[i]!;
  for (let t = inner; t + inner < n; t++) {
    if (t > inner) window += y[t + inner]! - y[t - inner - 1]!;
    if (t - half < 0 || t + half >= n) continue;
    const trend = even ? (window + 0.5 * (y[t - half]! + y[t + half]!)) / m : window / m;
    ratio[t] = y[t]! / trend;
  }
  const figure = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    let c = 0;
    for (let t = i; t < n; t += m) {
      const v = ratio[t]!;
      if (!Number.isNaN(v)) {
        s += v;
        c++;
      }
    }
    figure[i] = c > 0 ? s / c : NaN;
  }
  let mean = 0;
  for (let i = 0; i < m; i++) mean += figure[i]!;
  mean /= m;
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) out[t] = figure[t % m]! / mean;
  return out;
}

export interface Adjustment {
  /** The series to model: y / index when seasonal, y itself otherwise. */
  readonly adjusted: Float64Array;
  readonly seasonal: boolean;
  /** The last m indices (index for step k of a forecast: `future[(k − 1) mod m]`), or [1]. */
  readonly future: Float64Array;
}

export type SeasonalityMode = 'test' | 'always' | 'none';

/**
 * Seasonally adjust y at period m: `test` adjusts when the M4 test passes, `always` whenever the
 * series has two full periods, `none` never. Indices must be positive (multiplicative model),
 * so a series with non-positive values or trend is left unadjusted.
 */
export function adjustSeasonality(y: Float64Array, m: number, mode: SeasonalityMode): Adjustment {
  const none: Adjustment = { adjusted: y, seasonal: false, future: Float64Array.of(1) };
  if (mode === 'none' || m <= 1) return none;
  if (mode === 'test' && !isSeasonal(y, m)) return none;
  if (y.length < 2 * m) return none;
  for (let i = 0; i < y.length; i++) if (!(y[i]! > 0)) return none;
  const idx = multiplicativeIndices(y, m);
  for (let i = 0; i < idx.length; i++) if (!(idx[i]! > 0) || !Number.isFinite(idx[i]!)) return none;
  const adjusted = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) adjusted[i] = y[i]! / idx[i]!;
  return { adjusted, seasonal: true, future: idx.slice(idx.length - m) };
}

/** Multiply forecasts (or interval bounds) in place by the seasonal indices of steps 1..h. */
export function reseasonalize(values: Float64Array, future: Float64Array): Float64Array {
  for (let k = 0; k < values.length; k++) values[k] = values[k]! * future[k % future.length]!;
  return values;
}
