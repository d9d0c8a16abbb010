/**
 * Prophet (augurs' Rust port, with Prophet's own Stan model compiled to wasm as the optimiser,
 * `@bsull/augurs-prophet-wasmstan`): piecewise-linear trend + yearly Fourier seasonality +
 * regressors, fitted by MAP estimation as R/Python Prophet do.
 *
 * Loading: the optimiser package uses top-level await, so it can only be loaded with `import()`,
 * which is asynchronous, while `fit` is synchronous. `prepareProphet()` loads it once per thread
 * (registry.ts `prepareModels()` calls it); fitting before that throws a message that says so.
 *
 * Dates: Prophet needs a calendar. `ctx.periods` (ISO dates of y) gives it; a series without one
 * (M4 data) gets synthetic dates 7 days apart from 2000-01-02 (the R reference did the same;
 * moving the start changes forecasts by well under 1%).
 *
 * Holidays and events: every regressor of `ctx.regressors` (runtime/holidays: the share of each
 * holiday's days in each week) is an additive regressor with prior scale `holidaysPriorScale`,
 * known for future periods by construction. Regressors that are zero over the whole training
 * window are left out (nothing to estimate them from).
 *
 * Seasonality: yearly on for weekly and daily data (also under two years of history, as R's
 * `yearly.seasonality = TRUE`), weekly only for daily data.
 *
 * Intervals: augurs computes Prophet's simulated intervals at one width per model. We fit with
 * an 80% width and derive each requested level from the implied standard deviation,
 * (upper − lower) / (2 · z₈₀), as a normal interval around yhat. Prophet's trend uncertainty is
 * not exactly normal, but its intervals are symmetric by construction, so this is close and
 * keeps one fit per forecast. Simulation happens only when intervals are requested: CV folds ask
 * for point forecasts and fit a model without it.
 */
import type { FitContext, Fitted, Forecast, Interval, ModelFamily, ModelParams } from './contract.ts';
import { loadProphet } from './augurs.ts';
import { assertFiniteSeries, assertHorizon, assertKnownParams, assertLevels, nestIntervals } from './common.ts';
import { readEnum, readInteger, readNumber } from './params.ts';
import { zForLevel } from './stats.ts';

const NAME = 'prophet';
const DAY = 86_400;
/** Synthetic calendar start for series without dates (a Sunday, as in the R reference runs). */
export const SYNTHETIC_START = '2000-01-02';

type Optimizer = { optimize: (...args: never[]) => unknown };
let optimizer: Optimizer | undefined;
let loading: Promise<void> | undefined;

/** Load the Stan optimiser (once per thread). Safe to call many times. */
export function prepareProphet(): Promise<void> {
  loading ??= import('@bsull/augurs-prophet-wasmstan').then((m) => {
    optimizer = (m as unknown as { optimizer: Optimizer }).optimizer;
  });
  return loading;
}

export function prophetReady(): boolean {
  return optimizer !== undefined;
}

const PARAMS = ['changepointPriorScale', 'seasonalityPriorScale', 'holidaysPriorScale', 'seasonalityMode', 'yearlyOrder', 'nChangepoints', 'changepointRange', 'holidays'] as const;

export const prophetFamily: ModelFamily = {
  name: NAME,
  description: 'Prophet (augurs, Stan optimiser in wasm): trend with changepoints, yearly seasonality, holiday and event regressors.',
  paramsSchema: {
    type: 'object',
    description: 'Prophet parameters (names as in Prophet).',
    properties: {
      changepointPriorScale: { type: 'number', exclusiveMinimum: 0, default: 0.05, description: 'Flexibility of the trend (larger: more changepoints used).' },
      seasonalityPriorScale: { type: 'number', exclusiveMinimum: 0, default: 10, description: 'Strength of the seasonality prior.' },
      holidaysPriorScale: { type: 'number', exclusiveMinimum: 0, default: 10, description: 'Prior scale of the holiday and event regressors.' },
      seasonalityMode: { enum: ['additive', 'multiplicative'], default: 'additive', description: 'How seasonality combines with the trend.' },
      yearlyOrder: { type: 'integer', minimum: 1, maximum: 30, description: 'Fourier order of the yearly seasonality; default Prophet\'s 10. Yearly seasonality is on for weekly and daily data, also for histories under two years (as R prophet with yearly.seasonality = TRUE).' },
      nChangepoints: { type: 'integer', minimum: 0, maximum: 100, default: 25, description: 'Number of potential trend changepoints.' },
      changepointRange: { type: 'number', minimum: 0.1, maximum: 1, default: 0.8, description: 'Share of the history in which changepoints may be placed.' },
      holidays: { type: 'boolean', default: true, description: "Use the market's holiday calendar and events as regressors when the context provides them." },
    },
    additionalProperties: false,
  },
  fit(y: Float64Array, ctx: FitContext, params: ModelParams): Fitted {
    assertKnownParams(NAME, params, PARAMS);
    assertFiniteSeries(NAME, y);
    if (optimizer === undefined) {
      throw new Error(`${NAME}: the Stan optimiser is not loaded; await prepareModels() (runtime/models/registry.ts) before fitting`);
    }
    const n = y.length;
    if (n < 2) throw new Error(`${NAME}: needs at least 2 observations, got ${n}`);
    const opts = {
      changepointPriorScale: readNumber(NAME, params, 'changepointPriorScale', 0, 1e6, true) ?? 0.05,
      seasonalityPriorScale: readNumber(NAME, params, 'seasonalityPriorScale', 0, 1e6, true) ?? 10,
      holidaysPriorScale: readNumber(NAME, params, 'holidaysPriorScale', 0, 1e6, true) ?? 10,
      seasonalityMode: readEnum(NAME, params, 'seasonalityMode', ['additive', 'multiplicative'] as const) ?? 'additive',
      yearlyOrder: readInteger(NAME, params, 'yearlyOrder', 1, 30),
      nChangepoints: readInteger(NAME, params, 'nChangepoints', 0, 100) ?? 25,
      changepointRange: readNumber(NAME, params, 'changepointRange', 0.1, 1) ?? 0.8,
      holidays: params['holidays'] === undefined ? true : params['holidays'] === true,
    };
    if (params['holidays'] !== undefined && typeof params['holidays'] !== 'boolean') {
      throw new Error(`${NAME}: "holidays" must be true or false, got ${JSON.stringify(params['holidays'])}`);
    }
    const dates = ctx.periods !== undefined && ctx.periods.length === n ? [...ctx.periods] : syntheticDates(n);
    const stepDays = dates.length >= 2 ? Math.round((toSeconds(dates[n - 1]!) - toSeconds(dates[0]!)) / DAY / (n - 1)) : 7;
    // Regressors with at least one non-zero training value.
    const names: string[] = [];
    const columns: number[][] = [];
    if (opts.holidays && ctx.regressors !== undefined) {
      const rows = dates.map((d) => ctx.regressors!.valuesAt(d));
      ctx.regressors.names.forEach((name, j) => {
        const col = rows.map((r) => r[j] ?? 0);
        if (col.some((v) => v !== 0)) {
          names.push(name);
          columns.push(col);
        }
      });
    }
    return new ProphetFitted({ y: Float64Array.from(y), dates, stepDays, ctx, opts, names, columns });
  },
};

interface Setup {
  readonly y: Float64Array;
  readonly dates: readonly string[];
  readonly stepDays: number;
  readonly ctx: FitContext;
  readonly opts: {
    changepointPriorScale: number;
    seasonalityPriorScale: number;
    holidaysPriorScale: number;
    seasonalityMode: 'additive' | 'multiplicative';
    yearlyOrder: number | undefined;
    nChangepoints: number;
    changepointRange: number;
  };
  readonly names: readonly string[];
  readonly columns: readonly number[][];
}

type AugursProphet = InstanceType<ReturnType<typeof loadProphet>['Prophet']>;

class ProphetFitted implements Fitted {
  /** Models by interval width (0: none); built lazily, at most two per fitted value. */
  private readonly models = new Map<number, AugursProphet>();

  constructor(private readonly setup: Setup) {
    this.model(0); // fit now, so that fit errors surface from `fit`, as the contract says
  }

  private model(width: number): AugursProphet {
    const cached = this.models.get(width);
    if (cached !== undefined) return cached;
    const { y, dates, ctx, opts, names, columns } = this.setup;
    const { Prophet } = loadProphet();
    const period = ctx.period;
    // Yearly seasonality for weekly and daily data; weekly seasonality only for daily data.
    const yearly = period >= 52 ? (opts.yearlyOrder !== undefined ? { type: 'fourier' as const, order: opts.yearlyOrder } : { type: 'manual' as const, enabled: true }) : { type: 'manual' as const, enabled: false };
    const model = call('creating the model', () =>
      new Prophet({
        optimizer: optimizer as never,
        yearlySeasonality: yearly,
        weeklySeasonality: { type: 'manual', enabled: period === 7 },
        dailySeasonality: { type: 'manual', enabled: false },
        seasonalityMode: opts.seasonalityMode,
        changepointPriorScale: opts.changepointPriorScale,
        seasonalityPriorScale: opts.seasonalityPriorScale,
        nChangepoints: opts.nChangepoints,
        changepointRange: opts.changepointRange,
        ...(width > 0 ? { intervalWidth: width, uncertaintySamples: 300 } : { uncertaintySamples: 0 }),
      }),
    );
    for (const name of names) model.addRegressor(name, { mode: 'additive', priorScale: opts.holidaysPriorScale, standardize: 'no' });
    const x = new Map<string, number[]>(names.map((name, j) => [name, columns[j]!]));
    call('fitting', () => model.fit({ ds: dates.map(toSeconds), y, ...(names.length > 0 ? { x } : {}) }));
    this.models.set(width, model);
    return model;
  }

  predict(h: number, levelsPct: readonly number[]): Forecast {
    assertHorizon(NAME, h);
    assertLevels(NAME, levelsPct);
    const { dates, stepDays, ctx, names } = this.setup;
    const last = toSeconds(dates[dates.length - 1]!);
    const ds = Array.from({ length: h }, (_, k) => last + (k + 1) * stepDays * DAY);
    const x = new Map<string, number[]>();
    if (names.length > 0) {
      const all = ctx.regressors!.names;
      const rows = ds.map((t) => ctx.regressors!.valuesAt(toIso(t)));
      for (const name of names) {
        const j = all.indexOf(name);
        x.set(name, rows.map((r) => r[j] ?? 0));
      }
    }
    const data = { ds, ...(names.length > 0 ? { x } : {}) };
    const width = levelsPct.length > 0 ? 0.8 : 0;
    const p = call('predicting', () => this.model(width).predict(data));
    const mean = Float64Array.from(p.yhat.point);
    if (mean.length !== h) throw new Error(`${NAME}: augurs returned ${mean.length} values, expected ${h}`);
    if (levelsPct.length === 0) return { mean, intervals: nestIntervals(NAME, mean, []) };
    const iv = p.yhat.intervals;
    if (iv === undefined) throw new Error(`${NAME}: augurs returned no interval`);
    const z80 = zForLevel(80);
    const sd = Float64Array.from(mean, (_, k) => Math.max(0, (iv.upper[k]! - iv.lower[k]!) / (2 * z80)));
    const raw: Interval[] = levelsPct.map((levelPct) => {
      const z = zForLevel(levelPct);
      return {
        levelPct,
        lower: Float64Array.from(mean, (m, k) => m - z * sd[k]!),
        upper: Float64Array.from(mean, (m, k) => m + z * sd[k]!),
      };
    });
    return { mean, intervals: nestIntervals(NAME, mean, raw) };
  }
}

function syntheticDates(n: number): string[] {
  const start = toSeconds(SYNTHETIC_START);
  return Array.from({ length: n }, (_, i) => toIso(start + i * 7 * DAY));
}

function toSeconds(iso: string): number {
  return Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / 1000;
}

function toIso(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

/** augurs throws plain strings; turn them into Errors with context. */
function call<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new Error(`${NAME}: augurs failed while ${what}: ${detail}`);
  }
}
