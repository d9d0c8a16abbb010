/**
 * The M4 benchmark families: naive2, ses, holt, damped, theta, and automatic ets. Each first
 * seasonally adjusts the series the M4 way (seasonality.ts; param `seasonality`, default: when
 * the 90% autocorrelation test at the series period passes), models the adjusted series, and
 * multiplies forecasts and interval bounds by the last season's indices.
 *
 * Definitions (R forecast 8.x, M4 "Benchmarks and Evaluation.R"):
 *   naive2  naive on the adjusted series
 *   ses     ets(y, "ANN", opt.crit = "mse")                     (R: ses())
 *   holt    ets(y, "AAN", damped = FALSE, opt.crit = "mse")     (R: holt())
 *   damped  ets(y, "AAN", damped = TRUE, opt.crit = "mse")      (R: holt(damped = TRUE))
 *   theta   M4 Theta: OLS line L0 through y (theta-0 line), SES on θ·y + (1 − θ)·L0, forecast
 *           (1 − 1/θ)·L0 + (1/θ)·SES; θ = 2 gives M4's equal weights. Forecasts floored at 0.
 *   ets     R ets() over ANN, AAN, AAdN, MNN, MAN, MAdN by AICc (seasonality by adjustment,
 *           since R's ets refuses seasonal models for periods above 24)
 * Smoothing parameters may be fixed (e.g. to tune them by search) instead of estimated.
 */
import type { FitContext, Fitted, ModelFamily, ModelParams } from './contract.ts';
import { assertFiniteSeries, assertKnownParams } from './common.ts';
import { autoEts, AUTO_ETS_SPECS, etsMean, etsVariance, fitEts, olsLine, type EtsFit, type EtsSpec } from './etscore.ts';
import { GaussianFitted, type MeanVariance } from './gaussian.ts';
import { readBoolean, readEnum, readNumber, readSeasonality, seasonalitySchema } from './params.ts';
import { naiveModel } from './randomwalk.ts';
import { adjustSeasonality } from './seasonality.ts';

const SEASONALITY_KEYS = ['seasonality', 'period'] as const;

const alphaSchema = { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, description: 'Level smoothing α; estimated (minimum one-step MSE) when absent.' };
const betaSchema = { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, description: 'Trend smoothing β (at most α); estimated when absent.' };
const phiSchema = { type: 'number', minimum: 0.5, maximum: 1, description: 'Damping φ; estimated in [0.8, 0.98] when absent.' };

function objectSchema(description: string, properties: Record<string, unknown>): Record<string, unknown> {
  return { type: 'object', description, properties: { ...seasonalitySchema, ...properties }, additionalProperties: false };
}

/** Adjust, check, and hand the adjusted series to `model`; wraps the result with the indices. */
function fitAdjusted(
  family: string,
  y: Float64Array,
  ctx: FitContext,
  params: ModelParams,
  known: readonly string[],
  model: (adjusted: Float64Array) => MeanVariance,
  floorAtZero = false,
): Fitted {
  assertKnownParams(family, params, [...SEASONALITY_KEYS, ...known]);
  assertFiniteSeries(family, y);
  const { mode, period } = readSeasonality(family, params, ctx);
  const adj = adjustSeasonality(y, period, mode);
  return new GaussianFitted(family, model(adj.adjusted), adj.future, floorAtZero);
}

function etsModel(fit: EtsFit): MeanVariance {
  return { mean: (h) => etsMean(fit, h), variance: (h, mean) => etsVariance(fit, h, mean) };
}

export const naive2Family: ModelFamily = {
  name: 'naive2',
  description: 'Naive2 (M4 benchmark): naive on the seasonally adjusted series, re-seasonalised.',
  paramsSchema: objectSchema('Naive2 takes only the seasonal-adjustment parameters.', {}),
  fit(y, ctx, params) {
    return fitAdjusted('naive2', y, ctx, params, [], (adj) => naiveModel('naive2', adj));
  },
};

export const sesFamily: ModelFamily = {
  name: 'ses',
  description: 'Simple exponential smoothing, ETS(A,N,N) by one-step MSE as R ses(), on the seasonally adjusted series.',
  paramsSchema: objectSchema('SES parameters.', { alpha: alphaSchema }),
  fit(y, ctx, params) {
    return fitAdjusted('ses', y, ctx, params, ['alpha'], (adj) => {
      const alpha = readNumber('ses', params, 'alpha', 0, 1, true);
      return etsModel(fitEts(adj, { error: 'A', trend: 'N', damped: false }, { alpha }, 'mse'));
    });
  },
};

export const holtFamily: ModelFamily = {
  name: 'holt',
  description: "Holt's linear trend, ETS(A,A,N) by one-step MSE as R holt(), on the seasonally adjusted series.",
  paramsSchema: objectSchema("Holt's method parameters.", { alpha: alphaSchema, beta: betaSchema }),
  fit(y, ctx, params) {
    return fitAdjusted('holt', y, ctx, params, ['alpha', 'beta'], (adj) => {
      const alpha = readNumber('holt', params, 'alpha', 0, 1, true);
      const beta = readNumber('holt', params, 'beta', 0, 1, true);
      return etsModel(fitEts(adj, { error: 'A', trend: 'A', damped: false }, { alpha, beta }, 'mse'));
    });
  },
};

export const dampedFamily: ModelFamily = {
  name: 'damped',
  description: 'Damped trend, ETS(A,Ad,N) by one-step MSE as R holt(damped = TRUE), on the seasonally adjusted series.',
  paramsSchema: objectSchema('Damped trend parameters.', { alpha: alphaSchema, beta: betaSchema, phi: phiSchema }),
  fit(y, ctx, params) {
    return fitAdjusted('damped', y, ctx, params, ['alpha', 'beta', 'phi'], (adj) => {
      const alpha = readNumber('damped', params, 'alpha', 0, 1, true);
      const beta = readNumber('damped', params, 'beta', 0, 1, true);
      const phi = readNumber('damped', params, 'phi', 0.5, 1);
      return etsModel(fitEts(adj, { error: 'A', trend: 'A', damped: true }, { alpha, beta, phi }, 'mse'));
    });
  },
};

export const thetaFamily: ModelFamily = {
  name: 'theta',
  description: 'Theta method as the M4 benchmark: linear trend line and SES on the theta line, combined; on the seasonally adjusted series.',
  paramsSchema: objectSchema('Theta parameters.', {
    theta: {
      type: 'number',
      minimum: 1,
      maximum: 10,
      default: 2,
      description: 'θ of the second theta line; forecasts weigh it 1/θ and the linear trend 1 − 1/θ (2: the classic method).',
    },
    alpha: alphaSchema,
  }),
  fit(y, ctx, params) {
    return fitAdjusted(
      'theta',
      y,
      ctx,
      params,
      ['theta', 'alpha'],
      (adj) => {
        const theta = readNumber('theta', params, 'theta', 1, 10) ?? 2;
        const alpha = readNumber('theta', params, 'alpha', 0, 1, true);
        return thetaModel(adj, theta, alpha);
      },
      true,
    );
  },
};

/**
 * M4 Theta on a (seasonally adjusted) series. Intervals: SES's on the theta line, scaled by the
 * line's weight 1/θ — the theta line carries θ times the noise of y, so this is the SES interval
 * of y itself to first order; the trend line's estimation error is ignored (as in R's thetaf).
 */
export function thetaModel(y: Float64Array, theta: number, alpha?: number): MeanVariance {
  const n = y.length;
  if (n < 4) throw new Error(`theta: needs at least 4 observations, got ${n}`);
  const { intercept, slope } = olsLine(y, n);
  const line = new Float64Array(n);
  for (let t = 0; t < n; t++) line[t] = theta * y[t]! + (1 - theta) * (intercept + slope * (t + 1));
  const ses = fitEts(line, { error: 'A', trend: 'N', damped: false }, { alpha }, 'mse');
  const w = 1 / theta;
  return {
    mean: (h) => {
      const s = etsMean(ses, h);
      return Float64Array.from({ length: h }, (_, k) => w * s[k]! + (1 - w) * (intercept + slope * (n + k + 1)));
    },
    variance: (h, mean) => Float64Array.from(etsVariance(ses, h, mean), (v) => v * w * w),
  };
}

const ETS_MODELS = ['auto', 'ANN', 'AAN', 'AAdN', 'MNN', 'MAN', 'MAdN'] as const;

export const etsFamily: ModelFamily = {
  name: 'ets',
  description: 'Exponential smoothing state space model chosen by AICc as R ets() (non-seasonal), on the seasonally adjusted series.',
  paramsSchema: objectSchema('ETS parameters.', {
    model: {
      enum: ETS_MODELS,
      default: 'auto',
      description: 'ETS form: "auto" chooses among ANN, AAN, AAdN, MNN, MAN, MAdN by AICc; or one of them (error, trend, d = damped).',
    },
    additive: { type: 'boolean', default: false, description: 'With model "auto": consider additive-error models only.' },
  }),
  fit(y, ctx, params) {
    return fitAdjusted('ets', y, ctx, params, ['model', 'additive'], (adj) => {
      const model = readEnum('ets', params, 'model', ETS_MODELS) ?? 'auto';
      const additive = readBoolean('ets', params, 'additive') ?? false;
      if (model === 'auto') {
        const specs = additive ? AUTO_ETS_SPECS.filter((s) => s.error === 'A') : AUTO_ETS_SPECS;
        return etsModel(autoEts(adj, specs));
      }
      return etsModel(fitEts(adj, parseEtsModel(model), {}, 'lik'));
    });
  },
};

function parseEtsModel(model: Exclude<(typeof ETS_MODELS)[number], 'auto'>): EtsSpec {
  return { error: model[0] as 'A' | 'M', trend: model[1] as 'N' | 'A', damped: model.includes('d') };
}
