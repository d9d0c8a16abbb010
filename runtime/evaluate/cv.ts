/**
 * Backtesting and model selection: rolling-origin cross-validation scored by sMAPE, and the
 * final fit of the chosen candidate.
 *
 * Leakage guard: each fold's model receives a *copy* of y[0..cutoff). A subarray would share
 * the underlying ArrayBuffer, letting a model (by accident, e.g. `new Float64Array(y.buffer)`)
 * read the very values it is scored on.
 */
import type { CandidateScore } from '../store/store.ts';
import type { FitContext, Forecast, ModelFamily, ModelParams } from '../models/contract.ts';
import { getFamily } from '../models/registry.ts';
import { cvCutoffs, defaultMinTrain, type Fold } from './cutoffs.ts';
import { smape } from './metrics.ts';

export interface EvalSettings {
  /** Steps forecast in every fold. */
  readonly horizon: number;
  readonly folds: number;
  /** Distance between consecutive fold origins. */
  readonly step: number;
  /** Minimum training length of the oldest fold; default `defaultMinTrain(ctx.period)` = 2 × period. */
  readonly minTrain?: number;
}

export interface CvResult {
  readonly folds: readonly Fold[];
  /** sMAPE (percent) of each fold, oldest first. */
  readonly foldErrors: number[];
  /** Unweighted mean of `foldErrors` (every fold has the same horizon). */
  readonly meanError: number;
}

export interface Candidate {
  readonly family: string;
  readonly params: ModelParams;
}

export interface Selection {
  /** One row per candidate, in the order given. */
  readonly scores: CandidateScore[];
  /** Index (into candidates and scores) of the lowest mean error; ties go to the first listed. */
  readonly best: number;
}

/** The metric used for selection, as recorded in `CandidateScore.metric`. */
export const SELECTION_METRIC = 'smape';

/** The folds `crossValidate` will use for a series of length n (validates the settings). */
export function foldsFor(n: number, ctx: FitContext, settings: EvalSettings): Fold[] {
  return cvCutoffs({
    n,
    horizon: settings.horizon,
    folds: settings.folds,
    step: settings.step,
    minTrain: settings.minTrain ?? defaultMinTrain(ctx.period),
  });
}

/**
 * Fit `family` (a family or a registered family name) on the training part of every fold and
 * score its point forecast against the held-out values with sMAPE.
 * @throws Error when the family is unknown, the series is too short for the settings, the
 *   model fails in any fold, or a fold yields no measurable error (e.g. all actuals missing).
 */
export function crossValidate(
  familyOrName: ModelFamily | string,
  params: ModelParams,
  y: Float64Array,
  ctx: FitContext,
  settings: EvalSettings,
): CvResult {
  const family = typeof familyOrName === 'string' ? getFamily(familyOrName) : familyOrName;
  const folds = foldsFor(y.length, ctx, settings);
  const foldErrors = folds.map((fold, k) => {
    const where = `fold ${k + 1}/${folds.length} (train y[0..${fold.cutoff}), test y[${fold.testStart}..${fold.testEnd}))`;
    const train = y.slice(0, fold.cutoff);
    const h = fold.testEnd - fold.testStart;
    let forecast: Forecast;
    try {
      forecast = family.fit(train, ctx, params).predict(h, []);
      assertForecast(family.name, forecast, h, []);
    } catch (err) {
      throw new Error(`${where}: ${(err as Error).message}`);
    }
    const error = smape(y.subarray(fold.testStart, fold.testEnd), forecast.mean);
    if (!Number.isFinite(error)) throw new Error(`${where}: sMAPE is ${error} (no finite actual values?)`);
    return error;
  });
  const meanError = foldErrors.reduce((a, b) => a + b, 0) / foldErrors.length;
  return { folds, foldErrors, meanError };
}

/**
 * Cross-validate every candidate and pick the one with the lowest mean sMAPE. A failing
 * candidate (unknown family, bad params, fit error in any fold) is recorded with
 * `meanError: null` and its message rather than aborting the selection.
 *
 * `resolve` maps family names to families (the registry by default; tests inject fakes).
 * @throws Error when the settings don't fit the series (this is not any candidate's fault), or
 *   when every candidate fails (the message lists each failure).
 */
export function selectModel(
  candidates: readonly Candidate[],
  y: Float64Array,
  ctx: FitContext,
  settings: EvalSettings,
  resolve: (name: string) => ModelFamily = getFamily,
): Selection {
  if (candidates.length === 0) throw new Error('selectModel: no candidates given');
  foldsFor(y.length, ctx, settings);

  const scores: CandidateScore[] = candidates.map(({ family, params }) => {
    try {
      const { foldErrors, meanError } = crossValidate(resolve(family), params, y, ctx, settings);
      return { family, params, metric: SELECTION_METRIC, meanError, foldErrors };
    } catch (err) {
      return { family, params, metric: SELECTION_METRIC, meanError: null, foldErrors: [], error: (err as Error).message };
    }
  });

  let best = -1;
  scores.forEach((score, i) => {
    if (score.meanError !== null && (best < 0 || score.meanError < scores[best]!.meanError!)) best = i;
  });
  if (best < 0) {
    const failures = scores.map((s, i) => `  ${i + 1}. ${s.family} ${JSON.stringify(s.params)}: ${s.error}`);
    throw new Error(`Every candidate model failed:\n${failures.join('\n')}`);
  }
  return { scores, best };
}

/**
 * Fit the named family on the whole series and forecast `h` steps with intervals.
 * @throws Error for an unknown family, a fit failure, or a malformed forecast.
 */
export function fitAndForecast(
  familyName: string,
  params: ModelParams,
  y: Float64Array,
  ctx: FitContext,
  h: number,
  levelsPct: readonly number[],
): Forecast {
  const family = getFamily(familyName);
  const forecast = family.fit(y.slice(), ctx, params).predict(h, levelsPct);
  assertForecast(family.name, forecast, h, levelsPct);
  return forecast;
}

/**
 * Families are trusted to follow the contract, but a malformed forecast would otherwise surface
 * far away (a NaN in a report, a misaligned interval), so check shape and finiteness here.
 */
function assertForecast(family: string, f: Forecast, h: number, levelsPct: readonly number[]): void {
  const bad = (msg: string): never => {
    throw new Error(`${family}: malformed forecast: ${msg}`);
  };
  if (f.mean.length !== h) bad(`mean has ${f.mean.length} values, expected ${h}`);
  if (!f.mean.every(Number.isFinite)) bad('mean contains non-finite values');
  if (f.intervals.length !== levelsPct.length) bad(`${f.intervals.length} intervals for ${levelsPct.length} levels`);
  f.intervals.forEach((iv, i) => {
    if (iv.levelPct !== levelsPct[i]) bad(`interval ${i + 1} is at ${iv.levelPct}%, expected ${levelsPct[i]}%`);
    if (iv.lower.length !== h || iv.upper.length !== h) bad(`${iv.levelPct}% interval length differs from ${h}`);
    if (!iv.lower.every(Number.isFinite) || !iv.upper.every(Number.isFinite)) bad(`${iv.levelPct}% interval is not finite`);
  });
}
