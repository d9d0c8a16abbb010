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
 * The final holdout (the last `evaluation.holdout` periods) is cut off before tuning, so no
 * tuning stage ever sees it.
 */
import type { CandidateScore } from '../store/store.ts';
import type { FitContext, Forecast, ModelParams } from '../models/contract.ts';
import { crossValidate, fitAndForecast } from './cv.ts';
import { smape } from './metrics.ts';

/** Evaluation settings as the normalized spec gives them (fields beyond these may be added). */
export interface EvaluationSettings {
  readonly horizon: number;
  readonly folds: number;
  readonly step: number;
  /** Periods at the end held out from tuning and used to re-check the top X. 0 disables it. */
  readonly holdout: number;
  /** How many of the best CV candidates are re-checked on the holdout. */
  readonly top: number;
  readonly metric: string;
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
}

/** What `apply` fits on the whole history. */
export type Choice =
  | { readonly kind: 'single'; readonly family: string; readonly params: ModelParams }
  | { readonly kind: 'ensemble'; readonly combine: 'mean' | 'median'; readonly members: readonly { readonly family: string; readonly params: ModelParams }[] };

export interface HoldoutResult {
  /** The top X, with `holdoutError` set (null when the refit failed). */
  readonly scores: readonly (CandidateScore & { readonly holdoutError: number | null })[];
  readonly choice: Choice;
}

/** Expand each written candidate into its parameter sets. Search spaces are not supported yet. */
export function expandCandidates(models: readonly WrittenCandidate[], _search: SearchSettings): TuneChunk[] {
  return models.map((m) => {
    for (const [name, value] of Object.entries(m.params)) {
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        throw new Error(`${m.family}.${name}: search spaces are not supported yet; give a fixed value.`);
      }
    }
    return { family: m.family, paramSets: [m.params] };
  });
}

/** The part of the series tuning may see: everything before the holdout. */
export function tuningPart(y: Float64Array, ev: EvaluationSettings): Float64Array {
  return y.slice(0, y.length - ev.holdout);
}

/** Cross-validate every parameter set of a chunk; a failing set is a row with its error. */
export function tuneChunk(y: Float64Array, ctx: FitContext, chunk: TuneChunk, ev: EvaluationSettings): CandidateScore[] {
  const train = tuningPart(y, ev);
  return chunk.paramSets.map((params) => {
    try {
      const cv = crossValidate(chunk.family, params, train, ctx, { horizon: ev.horizon, folds: ev.folds, step: ev.step });
      return { family: chunk.family, params, metric: ev.metric, meanError: cv.meanError, foldErrors: cv.foldErrors };
    } catch (err) {
      return { family: chunk.family, params, metric: ev.metric, meanError: null, foldErrors: [], error: (err as Error).message };
    }
  });
}

/** The `top` best scores by mean CV error (ties keep input order). Throws when none succeeded. */
export function selectTop(scores: readonly CandidateScore[], ev: EvaluationSettings): CandidateScore[] {
  const ok = scores.filter((s) => s.meanError !== null);
  if (ok.length === 0) {
    throw new Error(`every candidate failed: ${scores.map((s) => `${s.family}: ${s.error}`).join('; ')}`);
  }
  return [...ok].sort((a, b) => a.meanError! - b.meanError!).slice(0, Math.max(1, ev.top));
}

/** Refit the top X on everything before the holdout, score them on it, choose the best. */
export function checkHoldout(y: Float64Array, ctx: FitContext, top: readonly CandidateScore[], ev: EvaluationSettings): HoldoutResult {
  if (ev.holdout === 0) {
    const scores = top.map((s) => ({ ...s, holdoutError: null }));
    return { scores, choice: { kind: 'single', family: top[0]!.family, params: top[0]!.params } };
  }
  const train = tuningPart(y, ev);
  const actual = y.subarray(y.length - ev.holdout);
  const scores = top.map((s) => {
    try {
      const fc = fitAndForecast(s.family, s.params, train, ctx, ev.holdout, []);
      return { ...s, holdoutError: smape(actual, fc.mean) };
    } catch {
      return { ...s, holdoutError: null };
    }
  });
  let best = 0;
  scores.forEach((s, i) => {
    const b = scores[best]!.holdoutError;
    if (s.holdoutError !== null && (b === null || s.holdoutError < b)) best = i;
  });
  return { scores, choice: { kind: 'single', family: scores[best]!.family, params: scores[best]!.params } };
}

/** Fit the choice on the whole (cleaned) history and forecast `h` periods with intervals. */
export function forecastChoice(y: Float64Array, ctx: FitContext, choice: Choice, h: number, levelsPct: readonly number[]): Forecast {
  if (choice.kind === 'ensemble') throw new Error('ensembles are not supported yet');
  return fitAndForecast(choice.family, choice.params, y, ctx, h, levelsPct);
}
