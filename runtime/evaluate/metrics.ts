/**
 * Point-forecast error metrics.
 *
 * Missing values: a pair (actual[i], forecast[i]) is skipped when either value is NaN or
 * infinite, so a gap in the actuals neither counts as an error nor shrinks the mean to zero.
 * When every pair is skipped the metric is NaN (nothing was measured); callers decide whether
 * that is an error. Arrays of different lengths are a programming error and throw.
 */

type Values = ArrayLike<number>;

/**
 * Symmetric MAPE as in the M4 competition, in percent (0 .. 200):
 *   sMAPE = mean over i of 200 · |y_i − f_i| / (|y_i| + |f_i|)
 * A pair with y_i = f_i = 0 is a perfect forecast and contributes 0 (the formula is 0/0).
 */
export function smape(actual: Values, forecast: Values): number {
  return meanOver(actual, forecast, 'smape', (y, f) => {
    const denom = Math.abs(y) + Math.abs(f);
    return denom === 0 ? 0 : (200 * Math.abs(y - f)) / denom;
  });
}

/** Mean absolute error, in the units of the series. */
export function mae(actual: Values, forecast: Values): number {
  return meanOver(actual, forecast, 'mae', (y, f) => Math.abs(y - f));
}

/** Root mean squared error, in the units of the series. */
export function rmse(actual: Values, forecast: Values): number {
  return Math.sqrt(meanOver(actual, forecast, 'rmse', (y, f) => (y - f) * (y - f)));
}

function meanOver(actual: Values, forecast: Values, name: string, term: (y: number, f: number) => number): number {
  if (actual.length !== forecast.length) {
    throw new Error(`${name}: actual has ${actual.length} values but forecast has ${forecast.length}`);
  }
  let sum = 0;
  let count = 0;
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i]!;
    const f = forecast[i]!;
    if (!Number.isFinite(y) || !Number.isFinite(f)) continue;
    sum += term(y, f);
    count++;
  }
  return count === 0 ? NaN : sum / count;
}

/** Mean absolute percentage error, in percent; pairs with a zero actual are skipped (undefined). */
export function mape(actual: Values, forecast: Values): number {
  return meanOver(actual, forecast, 'mape', (y, f) => (y === 0 ? NaN : (100 * Math.abs(y - f)) / Math.abs(y)));
}

/**
 * The MASE scale: mean |y_t − y_{t−m}| over the in-sample (training) values, pairs with a
 * non-finite value skipped. M4 scales weekly data with m = 1 (naive-1); `mase@52` with m = 52.
 * Returns NaN when fewer than m + 1 values are finite (no scale can be measured).
 */
export function maseScale(insample: Values, m: number): number {
  if (!Number.isInteger(m) || m < 1) throw new Error(`mase: the seasonal period must be a positive integer, got ${m}`);
  let sum = 0;
  let count = 0;
  for (let t = m; t < insample.length; t++) {
    const d = insample[t]! - insample[t - m]!;
    if (!Number.isFinite(d)) continue;
    sum += Math.abs(d);
    count++;
  }
  return count === 0 ? NaN : sum / count;
}

/** MASE = MAE / maseScale(insample, m). */
export function mase(actual: Values, forecast: Values, insample: Values, m: number): number {
  return mae(actual, forecast) / maseScale(insample, m);
}

/** Share (0..1) of actual values inside [lower, upper]; pairs with a non-finite value are skipped. */
export function coverage(actual: Values, lower: Values, upper: Values): number {
  if (actual.length !== lower.length || actual.length !== upper.length) {
    throw new Error(`coverage: actual, lower and upper have lengths ${actual.length}, ${lower.length}, ${upper.length}`);
  }
  let inside = 0;
  let count = 0;
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i]!;
    if (!Number.isFinite(y) || !Number.isFinite(lower[i]!) || !Number.isFinite(upper[i]!)) continue;
    if (y >= lower[i]! && y <= upper[i]!) inside++;
    count++;
  }
  return count === 0 ? NaN : inside / count;
}

// ---------------------------------------------------------------------------------------------
// Selection metrics: a named metric with horizon weights, as the spec's `evaluation` states it.

/** A selection metric resolved from its spec name: `mae`, `rmse`, `mape`, `smape`, `mase@<m>`. */
export interface MetricSpec {
  /** The canonical name recorded with every score (`mase` is stored with its period: `mase@52`). */
  readonly name: string;
  readonly kind: 'mae' | 'rmse' | 'mape' | 'smape' | 'mase';
  /** MASE seasonal period. */
  readonly period?: number;
}

/**
 * Parse a metric name. A bare `mase` takes the series period, and the resolved name states it
 * (`mase@52`), so a leaderboard always says which scale was used.
 * @throws Error for an unknown name or a bad MASE period.
 */
export function parseMetric(name: string, seriesPeriod: number): MetricSpec {
  if (name === 'mae' || name === 'rmse' || name === 'mape' || name === 'smape') return { name, kind: name };
  const m = /^mase(?:@(\d+))?$/.exec(name);
  if (m) {
    const period = m[1] === undefined ? seriesPeriod : Number(m[1]);
    if (!Number.isInteger(period) || period < 1) throw new Error(`metric "${name}": the MASE period must be a positive integer`);
    return { name: `mase@${period}`, kind: 'mase', period };
  }
  throw new Error(`Unknown metric "${name}"; known metrics: mae, rmse, mape, smape, mase, mase@<period>`);
}

export type HorizonWeights = 'uniform' | 'linear' | readonly number[];

/**
 * Weights per forecast step 1..h. `linear` weighs step k by h − k + 1 (the next period counts h
 * times as much as the last one): near-term accuracy is what most plans act on. A list must
 * have one non-negative weight per step and a positive sum.
 */
export function horizonWeights(weights: HorizonWeights, h: number): Float64Array {
  if (weights === 'uniform') return new Float64Array(h).fill(1);
  if (weights === 'linear') return Float64Array.from({ length: h }, (_, k) => h - k);
  if (weights.length !== h) throw new Error(`evaluation.weights has ${weights.length} values but the horizon is ${h}`);
  let sum = 0;
  for (const w of weights) {
    if (!Number.isFinite(w) || w < 0) throw new Error(`evaluation.weights must be non-negative numbers, got ${w}`);
    sum += w;
  }
  if (!(sum > 0)) throw new Error('evaluation.weights must not all be 0');
  return Float64Array.from(weights);
}

/**
 * The weighted error of one forecast: Σ w_k·term_k / Σ w_k over the steps whose actual and
 * forecast are finite and that are not excluded (`skip[k]` truthy), where term is the metric's
 * per-step error (RMSE: the square root of the weighted mean squared error; MASE: the weighted
 * MAE over the in-sample scale). NaN when no step can be scored.
 */
export function weightedError(
  metric: MetricSpec,
  actual: Values,
  forecast: Values,
  weights: ArrayLike<number>,
  insample: Values,
  skip?: ArrayLike<number>,
): number {
  if (actual.length !== forecast.length || actual.length !== weights.length) {
    throw new Error(`${metric.name}: actual, forecast and weights have lengths ${actual.length}, ${forecast.length}, ${weights.length}`);
  }
  let sum = 0;
  let wsum = 0;
  for (let k = 0; k < actual.length; k++) {
    const y = actual[k]!;
    const f = forecast[k]!;
    if (!Number.isFinite(y) || !Number.isFinite(f) || (skip !== undefined && skip[k])) continue;
    let term: number;
    switch (metric.kind) {
      case 'mae':
      case 'mase':
        term = Math.abs(y - f);
        break;
      case 'rmse':
        term = (y - f) * (y - f);
        break;
      case 'mape':
        if (y === 0) continue;
        term = (100 * Math.abs(y - f)) / Math.abs(y);
        break;
      case 'smape': {
        const d = Math.abs(y) + Math.abs(f);
        term = d === 0 ? 0 : (200 * Math.abs(y - f)) / d;
        break;
      }
    }
    sum += weights[k]! * term;
    wsum += weights[k]!;
  }
  if (wsum === 0) return NaN;
  const mean = sum / wsum;
  if (metric.kind === 'rmse') return Math.sqrt(mean);
  if (metric.kind === 'mase') return mean / maseScale(insample, metric.period!);
  return mean;
}
