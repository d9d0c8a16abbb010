/**
 * MSTL (multiple seasonal-trend decomposition by Loess) with an AutoETS model on the
 * deseasonalised series, via augurs (Rust, compiled to wasm).
 *
 * augurs decomposes y into one seasonal component per period plus trend + remainder, fits
 * AutoETS to trend + remainder, and forecasts by adding the last cycle of each seasonal
 * component to the ETS forecast. Its intervals come from the ETS model only (seasonal
 * components are treated as known), so they are narrower than snaive's on the same data.
 *
 * augurs' `predict(h, level)` takes the level as a fraction in (0, 1) and returns one interval
 * per call (a level of 80 silently yields nulls), so we call it once per requested level; the
 * point forecast does not depend on the level.
 */
import type { FitContext, Fitted, Forecast, Interval, ModelFamily, ModelParams } from './contract.ts';
import { loadMstl } from './augurs.ts';
import { assertFiniteSeries, assertHorizon, assertKnownParams, assertLevels, assertPeriod, nestIntervals } from './common.ts';

const NAME = 'mstl';

type AugursMstl = InstanceType<ReturnType<typeof loadMstl>['MSTL']>;

export const mstlFamily: ModelFamily = {
  name: NAME,
  description: 'MSTL decomposition with an AutoETS trend model (augurs); seasonal periods configurable.',
  paramsSchema: {
    type: 'object',
    properties: {
      periods: {
        type: 'array',
        description:
          'Seasonal periods in observations (e.g. [52] for a yearly cycle in weekly data, [4, 52] to add a ' +
          'four-week cycle). Defaults to [the series period]. The series needs at least 2 × max(periods) observations.',
        items: { type: 'integer', minimum: 2 },
        minItems: 1,
        uniqueItems: true,
      },
    },
    additionalProperties: false,
  },
  fit(y: Float64Array, ctx: FitContext, params: ModelParams): Fitted {
    assertKnownParams(NAME, params, ['periods']);
    const periods = parsePeriods(params, ctx);
    const longest = Math.max(...periods);
    // augurs enforces the same rule but reports it without numbers.
    if (y.length < 2 * longest) {
      throw new Error(
        `${NAME}: needs at least two full cycles of the longest period (2 × ${longest} = ${2 * longest} ` +
          `observations), got ${y.length}`,
      );
    }
    assertFiniteSeries(NAME, y);

    const { MSTL } = loadMstl();
    const model = callAugurs('creating the model', () => MSTL.ets(periods));
    try {
      callAugurs('fitting', () => model.fit(y));
    } catch (err) {
      model.free();
      throw err;
    }
    // The wasm-side model is released by wasm-bindgen's FinalizationRegistry once this
    // Fitted value is garbage-collected; a Fitted may be predicted from any number of times.
    return new MstlFitted(model);
  },
};

function parsePeriods(params: ModelParams, ctx: FitContext): number[] {
  const raw = params['periods'];
  if (raw === undefined) {
    const m = assertPeriod(NAME, ctx);
    if (m < 2) throw new Error(`${NAME}: the series period is ${m}; set "periods" (each at least 2)`);
    return [m];
  }
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new Error(`${NAME}: "periods" must be a non-empty array of integers, got ${JSON.stringify(raw)}`);
  }
  const periods: number[] = [];
  for (const p of raw as unknown[]) {
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 2) {
      throw new Error(`${NAME}: every entry of "periods" must be an integer >= 2, got ${JSON.stringify(p)}`);
    }
    if (periods.includes(p)) throw new Error(`${NAME}: "periods" lists ${p} twice`);
    periods.push(p);
  }
  return periods;
}

/** augurs throws plain strings (e.g. "Fit error: ..."); turn them into Errors with context. */
function callAugurs<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new Error(`${NAME}: augurs failed while ${what}: ${detail}`);
  }
}

class MstlFitted implements Fitted {
  constructor(private readonly model: AugursMstl) {}

  predict(h: number, levelsPct: readonly number[]): Forecast {
    assertHorizon(NAME, h);
    assertLevels(NAME, levelsPct);

    if (levelsPct.length === 0) {
      const f = callAugurs('predicting', () => this.model.predict(h));
      const mean = toArray(f.point, h, 'point forecast');
      return { mean, intervals: nestIntervals(NAME, mean, []) };
    }

    let mean: Float64Array | undefined;
    const raw: Interval[] = [];
    for (const levelPct of levelsPct) {
      const f = callAugurs('predicting', () => this.model.predict(h, levelPct / 100));
      mean ??= toArray(f.point, h, 'point forecast');
      if (f.intervals === undefined) {
        throw new Error(`${NAME}: augurs returned no ${levelPct}% interval`);
      }
      raw.push({
        levelPct,
        lower: toArray(f.intervals.lower, h, `${levelPct}% lower bound`),
        upper: toArray(f.intervals.upper, h, `${levelPct}% upper bound`),
      });
    }
    // nestIntervals also rejects the nulls augurs emits instead of throwing on odd inputs.
    return { mean: mean!, intervals: nestIntervals(NAME, mean!, raw) };
  }
}

function toArray(values: readonly (number | null)[], h: number, what: string): Float64Array {
  if (values.length !== h) throw new Error(`${NAME}: augurs returned ${values.length} values for the ${what}, expected ${h}`);
  // null → NaN so the finiteness checks downstream catch it.
  return Float64Array.from(values, (v) => (v === null ? NaN : v));
}
