/**
 * Random walks: `naive` (last value) and `drift` (last value plus the mean step), as R's
 * `forecast::naive` and `forecast::rwf(drift = TRUE)` (forecast >= 8, `lagwalk`):
 *
 *   naive  ŷ(n+h) = y_n;                 se(h) = √(h · Σe²/(n−1)),  e_t = y_t − y_{t−1}
 *   drift  ŷ(n+h) = y_n + h·b,  b = mean(e) = (y_n − y_1)/(n − 1)
 *          se(h) = √(h · Σ(e−b)²/(n−2) + (h · sd(e)/√(n−1))²)    (drift estimation error included)
 */
import type { FitContext, Fitted, ModelFamily, ModelParams } from './contract.ts';
import { assertFiniteSeries, assertKnownParams } from './common.ts';
import { GaussianFitted, type MeanVariance } from './gaussian.ts';

export const naiveFamily: ModelFamily = {
  name: 'naive',
  description: 'Naive: every forecast is the last observation; intervals as R forecast::naive.',
  paramsSchema: { type: 'object', description: 'Naive takes no parameters.', properties: {}, additionalProperties: false },
  fit(y: Float64Array, _ctx: FitContext, params: ModelParams): Fitted {
    assertKnownParams('naive', params, []);
    return fitNaive('naive', y);
  },
};

export function fitNaive(family: string, y: Float64Array): GaussianFitted {
  return new GaussianFitted(family, naiveModel(family, y));
}

/** Naive's mean and variance on any series (also used by naive2 on the adjusted series). */
export function naiveModel(family: string, y: Float64Array): MeanVariance {
  const n = y.length;
  if (n < 2) throw new Error(`${family}: needs at least 2 observations, got ${n}`);
  assertFiniteSeries(family, y);
  let ss = 0;
  for (let t = 1; t < n; t++) ss += (y[t]! - y[t - 1]!) ** 2;
  const mse = ss / (n - 1);
  const last = y[n - 1]!;
  return {
    mean: (h) => new Float64Array(h).fill(last),
    variance: (h) => Float64Array.from({ length: h }, (_, k) => mse * (k + 1)),
  };
}

export const driftFamily: ModelFamily = {
  name: 'drift',
  description: 'Random walk with drift: the last observation plus the mean historical step; intervals as R forecast::rwf(drift = TRUE).',
  paramsSchema: { type: 'object', description: 'Drift takes no parameters.', properties: {}, additionalProperties: false },
  fit(y: Float64Array, _ctx: FitContext, params: ModelParams): Fitted {
    assertKnownParams('drift', params, []);
    const n = y.length;
    if (n < 3) throw new Error(`drift: needs at least 3 observations (2 steps to estimate the drift and its error), got ${n}`);
    assertFiniteSeries('drift', y);
    const b = (y[n - 1]! - y[0]!) / (n - 1);
    let ss = 0;
    for (let t = 1; t < n; t++) ss += (y[t]! - y[t - 1]! - b) ** 2;
    // lm(diff ~ 1): residual variance with n − 2 degrees of freedom; se(b) = sigma/√(n − 1).
    const mse = ss / (n - 2);
    const bse = Math.sqrt(mse / (n - 1));
    const last = y[n - 1]!;
    return new GaussianFitted('drift', {
      mean: (h) => Float64Array.from({ length: h }, (_, k) => last + (k + 1) * b),
      variance: (h) => Float64Array.from({ length: h }, (_, k) => mse * (k + 1) + ((k + 1) * bse) ** 2),
    });
  },
};
