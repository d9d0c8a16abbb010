/**
 * A `Fitted` from a point forecast and forecast variances: normal intervals, optionally on a
 * seasonally adjusted scale and multiplied back by the seasonal indices. Most families here
 * reduce to "mean and variance per step", so they share this one implementation of the interval
 * guarantees (ordering, finiteness, levels in the order requested).
 */
import type { Fitted, Forecast, Interval } from './contract.ts';
import { assertHorizon, assertLevels, nestIntervals } from './common.ts';
import { reseasonalize } from './seasonality.ts';
import { zForLevel } from './stats.ts';

export interface MeanVariance {
  /** Point forecasts for steps 1..h. */
  mean(h: number): Float64Array;
  /** Forecast variances for steps 1..h, given the point forecasts. */
  variance(h: number, mean: Float64Array): Float64Array;
}

export class GaussianFitted implements Fitted {
  /**
   * @param future seasonal indices for steps 1.. (cycled); `[1]` when the series was not adjusted.
   * @param floorAtZero clamp forecasts and bounds at 0 (methods defined on positive data, e.g. M4 Theta).
   */
  constructor(
    private readonly family: string,
    private readonly model: MeanVariance,
    private readonly future: Float64Array = Float64Array.of(1),
    private readonly floorAtZero = false,
  ) {}

  predict(h: number, levelsPct: readonly number[]): Forecast {
    assertHorizon(this.family, h);
    assertLevels(this.family, levelsPct);
    const base = this.model.mean(h);
    const mean = reseasonalize(Float64Array.from(base), this.future);
    if (this.floorAtZero) for (let k = 0; k < h; k++) mean[k] = Math.max(0, mean[k]!);
    if (levelsPct.length === 0) return { mean, intervals: nestIntervals(this.family, mean, []) };
    const variance = this.model.variance(h, base);
    const raw: Interval[] = levelsPct.map((levelPct) => {
      const z = zForLevel(levelPct);
      const lower = new Float64Array(h);
      const upper = new Float64Array(h);
      for (let k = 0; k < h; k++) {
        const sd = Math.sqrt(Math.max(0, variance[k]!));
        lower[k] = base[k]! - z * sd;
        upper[k] = base[k]! + z * sd;
      }
      reseasonalize(lower, this.future);
      reseasonalize(upper, this.future);
      if (this.floorAtZero) {
        for (let k = 0; k < h; k++) {
          lower[k] = Math.max(0, lower[k]!);
          upper[k] = Math.max(0, upper[k]!);
        }
      }
      return { levelPct, lower, upper };
    });
    return { mean, intervals: nestIntervals(this.family, mean, raw) };
  }
}
