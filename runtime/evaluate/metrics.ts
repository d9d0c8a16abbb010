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
