/**
 * Seasonal naive: every future period repeats the same period of the last observed season.
 *
 * Matches R's `forecast::snaive` (forecast >= 8, `lagwalk` + `forecast.lagwalk`, no drift,
 * no Box-Cox), the benchmark every other family has to beat:
 *
 *   point      ŷ(n+h) = y[n − m + ((h − 1) mod m)]                      (0-based y, n values)
 *   residuals  e_t = y_t − y_{t−m},  t = m .. n−1                       (n − m of them)
 *   sigma²     = Σ e_t² / (n − m)
 *   sd(h)      = sigma · √(⌊(h − 1)/m⌋ + 1)
 *   bounds     ŷ ± z · sd(h),   z = Φ⁻¹(0.5 + level/200)
 *
 * About sigma: R computes `mse <- sum(res^2, na.rm=TRUE) / sum(!is.na(res))`, i.e. the
 * uncentred mean of squared residuals over the non-missing ones, not `sd()` (which would
 * centre and divide by n − m − 1; forecast < 8 did that). We follow current R. Our input
 * has no missing values (checked), so all n − m residuals count.
 *
 * The sd grows only once per full season: within the first season each forecast is one
 * seasonal random-walk step from an observed value, in the second season two steps, etc.
 */
import type { FitContext, Fitted, Forecast, Interval, ModelFamily, ModelParams } from './contract.ts';
import { assertFiniteSeries, assertHorizon, assertKnownParams, assertLevels, assertPeriod, nestIntervals } from './common.ts';
import { zForLevel } from './stats.ts';

const NAME = 'snaive';

export const snaiveFamily: ModelFamily = {
  name: NAME,
  description: 'Seasonal naive: repeats the last observed season; normal intervals as in R forecast::snaive.',
  paramsSchema: {
    type: 'object',
    description: 'Seasonal naive takes no parameters; the season length is the series period.',
    properties: {},
    additionalProperties: false,
  },
  fit(y: Float64Array, ctx: FitContext, params: ModelParams): Fitted {
    assertKnownParams(NAME, params, []);
    const m = assertPeriod(NAME, ctx);
    const n = y.length;
    if (n < m + 1) {
      throw new Error(
        `${NAME}: needs at least period + 1 = ${m + 1} observations (one full season plus one to estimate ` +
          `the error), got ${n}`,
      );
    }
    assertFiniteSeries(NAME, y);

    let sumSq = 0;
    for (let t = m; t < n; t++) {
      const e = y[t]! - y[t - m]!;
      sumSq += e * e;
    }
    const sigma = Math.sqrt(sumSq / (n - m));
    // Copied so the fitted model stays valid if the caller reuses its buffer.
    const lastSeason = y.slice(n - m);
    return new SnaiveFitted(lastSeason, m, sigma);
  },
};

class SnaiveFitted implements Fitted {
  constructor(
    private readonly lastSeason: Float64Array,
    private readonly m: number,
    private readonly sigma: number,
  ) {}

  predict(h: number, levelsPct: readonly number[]): Forecast {
    assertHorizon(NAME, h);
    assertLevels(NAME, levelsPct);
    const { lastSeason, m, sigma } = this;

    const mean = new Float64Array(h);
    const sd = new Float64Array(h);
    for (let i = 0; i < h; i++) {
      // i = h − 1 in the formula above (0-based step index).
      mean[i] = lastSeason[i % m]!;
      sd[i] = sigma * Math.sqrt(Math.floor(i / m) + 1);
    }

    const raw: Interval[] = levelsPct.map((levelPct) => {
      const z = zForLevel(levelPct);
      const lower = new Float64Array(h);
      const upper = new Float64Array(h);
      for (let i = 0; i < h; i++) {
        lower[i] = mean[i]! - z * sd[i]!;
        upper[i] = mean[i]! + z * sd[i]!;
      }
      return { levelPct, lower, upper };
    });
    // Already nested mathematically (z grows with the level); this also checks finiteness.
    return { mean, intervals: nestIntervals(NAME, mean, raw) };
  }
}
