/**
 * The stages of model selection as pure functions over arrays, one per plan task kind, so that
 * task runners (inline, worker pool, queue) stay thin:
 *
 *   expandCandidates (planning)  models + search  -> TuneChunk[] (family x parameter sets)
 *   tuneChunk        (tune)      y, chunk         -> CandidateScore[] (all CV folds inside)
 *   selectTop        (select)    scores           -> the top X by CV error
 *   checkHoldout     (holdout)   y, top X         -> holdout scores + the Choice
 *   forecastChoice   (apply)     y, Choice        -> Forecast over the whole history
 *
 * Leakage rules, each enforced here rather than trusted to the models:
 * - the final holdout (the last `holdout` periods) is cut off before tuning, so no tuning stage
 *   ever sees it; the top X are refitted on everything before it and scored on it;
 * - every fold's model gets a *copy* of its training window (`y.slice`), and the context arrays
 *   (`periods`, `excluded`) sliced to the same window, so nothing past the cutoff is reachable;
 * - excluded periods (disruptions with `action: exclude`, `FitContext.excluded`) are never scored.
 * Disruption cleaning happens before these stages on the whole series, and folds slice the
 * cleaned series, so every fold and the final fit see the same cleaning.
 */
import type { CandidateScore } from '../store/store.ts';
import type { FitContext, Forecast, ModelFamily, ModelParams } from '../models/contract.ts';
import { getFamily } from '../models/registry.ts';
import { combineArrays } from '../models/ensemble.ts';
import { cvCutoffs, type Fold } from './cutoffs.ts';
import { fitAndForecast } from './cv.ts';
import { coverage, horizonWeights, parseMetric, weightedError, type HorizonWeights, type MetricSpec } from './metrics.ts';
import { applyBudget, expandParams } from './search.ts';

/** Evaluation settings as the normalized spec gives them; fields marked optional have defaults. */
export interface EvaluationSettings {
  readonly horizon: number;
  readonly folds: number;
  readonly step: number;
  /** Periods at the end held out from tuning and used to re-check the top X. 0 disables it. */
  readonly holdout: number;
  /** How many of the best CV candidates are re-checked on the holdout. */
  readonly top: number;
  /** `mae`, `rmse`, `mape`, `smape`, `mase` (the series period) or `mase@<m>`. */
  readonly metric: string;
  /** Periods between a fold's training end and its test window (default 0). */
  readonly gap?: number;
  /** Training window of the folds (default `expanding`). */
  readonly window?: 'expanding' | 'sliding';
  /** Training length of a sliding window (default: the oldest fold's). */
  readonly trainSize?: number | null;
  /** Horizon weights of the error (default `uniform`). */
  readonly weights?: HorizonWeights;
  /** Apply the top X's mean/median instead of the single best (default `none`). */
  readonly ensemble?: 'none' | 'mean' | 'median';
  /** Minimum training length of the oldest fold (default 2 × period). */
  readonly minTrain?: number;
}

export interface SearchSettings {
  readonly strategy: 'grid' | 'random';
  readonly samples: number;
  readonly seed: number;
  /** Maximum model fits per market (parameter sets x folds); null for no cap. */
  readonly budget: number | null;
}

export interface WrittenCandidate {
  readonly family: string;
  /** Fixed values or search spaces (`{choice}`, `{uniform}`, `{loguniform}`, `{int}`). */
  readonly params: Readonly<Record<string, unknown>>;
}

/** One family with the parameter sets to try for it. */
export interface TuneChunk {
  readonly family: string;
  readonly paramSets: readonly ModelParams[];
  /** Position of the candidate in the market's `models` list. */
  readonly candidate?: number;
  /** Chunk number within the candidate (0-based); task ids use it (`tune:SE:prophet:3`). */
  readonly chunk?: number;
}

/** What `apply` fits on the whole history. */
export type Choice =
  | { readonly kind: 'single'; readonly family: string; readonly params: ModelParams }
  | { readonly kind: 'ensemble'; readonly combine: 'mean' | 'median'; readonly members: readonly { readonly family: string; readonly params: ModelParams }[] };

/** A leaderboard row of the holdout check. */
export type HoldoutScore = CandidateScore & {
  readonly holdoutError: number | null;
  /** Share of holdout actuals inside the 80% interval (null when not measurable). */
  readonly holdoutCoverage80?: number | null;
};

export interface HoldoutResult {
  /** The top X, with `holdoutError` set (null when the refit failed). */
  readonly scores: readonly HoldoutScore[];
  readonly choice: Choice;
  /** Holdout error of the ensemble of the top X (set when `ensemble` is not `none`). */
  readonly ensembleError?: number | null;
}

export interface ExpandCandidateOptions {
  /** Parameter sets per chunk (default 8): the unit of work of one `tune` task. */
  readonly chunkSize?: number;
  /** Fits per parameter set (the number of CV folds), to apply `search.budget`; default 1. */
  readonly fitsPerSet?: number;
}

/**
 * Expand each written candidate into its parameter sets (search.ts), cap the total by the
 * budget, and cut each candidate's sets into chunks of `chunkSize`.
 * @throws Error naming the candidate and parameter for a malformed search space.
 */
export function expandCandidates(models: readonly WrittenCandidate[], search: SearchSettings, opts: ExpandCandidateOptions = {}): TuneChunk[] {
  const chunkSize = opts.chunkSize ?? 8;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new Error(`chunkSize must be a positive integer, got ${chunkSize}`);
  const sets = models.map((m, i) =>
    expandParams(m.family, m.params, { strategy: search.strategy, samples: search.samples, seed: search.seed, candidateIndex: i }),
  );
  const kept = applyBudget(sets, opts.fitsPerSet ?? 1, search.budget);
  const chunks: TuneChunk[] = [];
  models.forEach((m, i) => {
    const s = kept[i]!;
    for (let c = 0; c * chunkSize < s.length; c++) {
      chunks.push({ family: m.family, paramSets: s.slice(c * chunkSize, (c + 1) * chunkSize), candidate: i, chunk: c });
    }
  });
  return chunks;
}

/** The part of the series tuning may see: everything before the holdout. */
export function tuningPart(y: Float64Array, ev: EvaluationSettings): Float64Array {
  return y.slice(0, y.length - ev.holdout);
}

/** `ctx` with its per-observation arrays cut to y[from..to) (copies, like y's). */
export function sliceContext(ctx: FitContext, from: number, to: number): FitContext {
  return {
    ...ctx,
    ...(ctx.periods !== undefined ? { periods: ctx.periods.slice(from, to) } : {}),
    ...(ctx.excluded !== undefined ? { excluded: ctx.excluded.slice(from, to) } : {}),
  };
}

/**
 * The least training data of the oldest fold when the settings do not say: two horizons. Less
 * than two seasons on purpose — families that need more (MSTL: 2 × period) fail on their own and
 * show as leaderboard rows with the reason, while the others can still be compared.
 */
export function pipelineMinTrain(ev: EvaluationSettings): number {
  return ev.minTrain ?? 2 * ev.horizon;
}

/**
 * The folds tuning uses on the tuning part of a series of length n. A series too short for
 * `folds` folds gets as many as fit (at least one), oldest dropped first, so a short market is
 * still evaluated; its scores then list fewer fold errors.
 * @throws Error (with the arithmetic) when not even one fold fits.
 */
export function tuningFolds(n: number, _ctx: FitContext, ev: EvaluationSettings): Fold[] {
  const settings = {
    n: n - ev.holdout,
    horizon: ev.horizon,
    folds: ev.folds,
    step: ev.step,
    gap: ev.gap ?? 0,
    window: ev.window ?? 'expanding',
    trainSize: ev.trainSize ?? null,
    minTrain: pipelineMinTrain(ev),
  } as const;
  for (let folds = ev.folds; folds > 1; folds--) {
    try {
      return cvCutoffs({ ...settings, folds });
    } catch {
      // fewer folds
    }
  }
  return cvCutoffs({ ...settings, folds: 1 });
}

/** The selection metric and weights of `ev` for a forecast of `h` steps. */
function scoring(ev: EvaluationSettings, ctx: FitContext, h: number): { metric: MetricSpec; weights: Float64Array } {
  const metric = parseMetric(ev.metric, ctx.period);
  // Weights are written for the CV horizon; a holdout of another length is scored uniformly.
  const w = ev.weights ?? 'uniform';
  const weights = typeof w !== 'string' && w.length !== h ? horizonWeights('uniform', h) : horizonWeights(w, h);
  return { metric, weights };
}

/**
 * Cross-validate every parameter set of a chunk on the tuning part; a failing set is a row with
 * its error. A fold whose test window is entirely excluded is skipped; a set with no scorable
 * fold fails.
 */
export function tuneChunk(
  y: Float64Array,
  ctx: FitContext,
  chunk: TuneChunk,
  ev: EvaluationSettings,
  resolve: (name: string) => ModelFamily = getFamily,
): CandidateScore[] {
  const n = y.length;
  let family: ModelFamily;
  try {
    family = resolve(chunk.family);
  } catch (err) {
    const metric = parseMetric(ev.metric, ctx.period).name;
    return chunk.paramSets.map((params) => ({ family: chunk.family, params, metric, meanError: null, foldErrors: [], error: (err as Error).message }));
  }
  const { metric, weights } = scoring(ev, ctx, ev.horizon);
  const folds = tuningFolds(n, ctx, ev);
  return chunk.paramSets.map((params) => {
    try {
      const foldErrors: number[] = [];
      folds.forEach((fold, k) => {
        const where = `fold ${k + 1}/${folds.length} (train y[${fold.trainStart}..${fold.cutoff}), test y[${fold.testStart}..${fold.testEnd}))`;
        const train = y.slice(fold.trainStart, fold.cutoff);
        const steps = fold.testEnd - fold.cutoff;
        let mean: Float64Array;
        try {
          mean = family.fit(train, sliceContext(ctx, fold.trainStart, fold.cutoff), params).predict(steps, []).mean;
          assertMean(chunk.family, mean, steps);
        } catch (err) {
          throw new Error(`${where}: ${(err as Error).message}`);
        }
        const h = fold.testEnd - fold.testStart;
        const error = weightedError(
          metric,
          y.subarray(fold.testStart, fold.testEnd),
          mean.subarray(steps - h),
          weights,
          train,
          ctx.excluded?.subarray(fold.testStart, fold.testEnd),
        );
        if (Number.isFinite(error)) foldErrors.push(error);
        else if (!allExcluded(ctx.excluded, fold.testStart, fold.testEnd)) throw new Error(`${where}: ${metric.name} is ${error}`);
      });
      if (foldErrors.length === 0) throw new Error('every fold\'s test window is excluded; nothing to score');
      const meanError = foldErrors.reduce((a, b) => a + b, 0) / foldErrors.length;
      return { family: chunk.family, params, metric: metric.name, meanError, foldErrors };
    } catch (err) {
      return { family: chunk.family, params, metric: metric.name, meanError: null, foldErrors: [], error: (err as Error).message };
    }
  });
}

function allExcluded(mask: Uint8Array | undefined, from: number, to: number): boolean {
  if (mask === undefined) return false;
  for (let i = from; i < to; i++) if (!mask[i]) return false;
  return true;
}

function assertMean(family: string, mean: Float64Array, h: number): void {
  if (mean.length !== h) throw new Error(`${family}: malformed forecast: mean has ${mean.length} values, expected ${h}`);
  for (let k = 0; k < h; k++) if (!Number.isFinite(mean[k]!)) throw new Error(`${family}: malformed forecast: mean contains non-finite values`);
}

/** The `top` best scores by mean CV error (ties keep input order). Throws when none succeeded. */
export function selectTop(scores: readonly CandidateScore[], ev: EvaluationSettings): CandidateScore[] {
  const ok = scores.filter((s) => s.meanError !== null);
  if (ok.length === 0) {
    throw new Error(`every candidate failed: ${scores.map((s) => `${s.family}: ${s.error}`).join('; ')}`);
  }
  return [...ok].sort((a, b) => a.meanError! - b.meanError!).slice(0, Math.max(1, ev.top));
}

/**
 * Refit the top X on everything before the holdout, score them (and, when `ensemble` is set,
 * their combination) on it, and choose: the lowest holdout error, or the ensemble of the
 * members that could be refitted. With `holdout: 0` the CV ranking decides.
 */
export function checkHoldout(
  y: Float64Array,
  ctx: FitContext,
  top: readonly CandidateScore[],
  ev: EvaluationSettings,
  resolve: (name: string) => ModelFamily = getFamily,
): HoldoutResult {
  if (top.length === 0) throw new Error('checkHoldout: no candidates to check');
  const combine = ev.ensemble ?? 'none';
  if (ev.holdout === 0) {
    const scores = top.map((s) => ({ ...s, holdoutError: null }));
    return { scores, choice: chooseFrom(scores, combine, () => true) };
  }
  const n = y.length;
  const cut = n - ev.holdout;
  const train = tuningPart(y, ev);
  const trainCtx = sliceContext(ctx, 0, cut);
  const actual = y.subarray(cut);
  const skip = ctx.excluded?.subarray(cut);
  const { metric, weights } = scoring(ev, ctx, ev.holdout);
  const means: (Float64Array | null)[] = [];
  const scores: HoldoutScore[] = top.map((s) => {
    try {
      const fc = resolve(s.family).fit(train.slice(), trainCtx, s.params).predict(ev.holdout, [80]);
      assertMean(s.family, fc.mean, ev.holdout);
      means.push(fc.mean);
      const err = weightedError(metric, actual, fc.mean, weights, train, skip);
      const cov = coverage(maskOut(actual, skip), fc.intervals[0]!.lower, fc.intervals[0]!.upper);
      return { ...s, holdoutError: Number.isFinite(err) ? err : null, holdoutCoverage80: Number.isFinite(cov) ? cov : null };
    } catch {
      means.push(null);
      return { ...s, holdoutError: null, holdoutCoverage80: null };
    }
  });
  if (combine === 'none') return { scores, choice: chooseFrom(scores, 'none', () => true) };
  const ok = means.filter((m): m is Float64Array => m !== null);
  const ensembleMean = ok.length > 0 ? combineArrays(ok, combine) : null;
  const ensembleError = ensembleMean === null ? null : weightedError(metric, actual, ensembleMean, weights, train, skip);
  return {
    scores,
    choice: chooseFrom(scores, combine, (i) => means[i] !== null),
    ensembleError: ensembleError !== null && Number.isFinite(ensembleError) ? ensembleError : null,
  };
}

/** Values at excluded positions become NaN, so coverage skips them like the error does. */
function maskOut(actual: Float64Array, skip: Uint8Array | undefined): Float64Array {
  const out = Float64Array.from(actual);
  if (skip !== undefined) for (let i = 0; i < out.length; i++) if (skip[i]) out[i] = NaN;
  return out;
}

function chooseFrom(scores: readonly HoldoutScore[], combine: 'none' | 'mean' | 'median', usable: (i: number) => boolean): Choice {
  if (combine !== 'none') {
    const members = scores.filter((_, i) => usable(i)).map((s) => ({ family: s.family, params: s.params }));
    if (members.length > 1) return { kind: 'ensemble', combine, members };
    if (members.length === 1) return { kind: 'single', family: members[0]!.family, params: members[0]!.params };
  }
  // Lowest holdout error; when no holdout error exists (holdout 0, or every refit failed), the CV order.
  let best = 0;
  scores.forEach((s, i) => {
    const b = scores[best]!.holdoutError;
    if (s.holdoutError !== null && (b === null || s.holdoutError < b)) best = i;
  });
  return { kind: 'single', family: scores[best]!.family, params: scores[best]!.params };
}

/** The choice as one family and params (an ensemble is the `ensemble` family). */
export function choiceAsCandidate(choice: Choice): { family: string; params: ModelParams } {
  if (choice.kind === 'single') return { family: choice.family, params: choice.params };
  return { family: 'ensemble', params: { combine: choice.combine, members: choice.members } };
}

/** Fit the choice on the whole (cleaned) history and forecast `h` periods with intervals. */
export function forecastChoice(y: Float64Array, ctx: FitContext, choice: Choice, h: number, levelsPct: readonly number[]): Forecast {
  const { family, params } = choiceAsCandidate(choice);
  return fitAndForecast(family, params, y, ctx, h, levelsPct);
}
