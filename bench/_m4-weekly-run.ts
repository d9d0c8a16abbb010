/**
 * One M4 weekly series through the default tuned pipeline (used by bench/m4-weekly.ts, in worker
 * threads): expand `autoModels('weekly')` -> tune every chunk (CV on the training part minus the
 * holdout) -> top X -> holdout check -> the choice fitted on the whole training part -> 13 steps.
 * The test part is never passed in: scoring happens in the parent.
 */
import { autoModels, getFamily } from '../runtime/models/registry.ts';
import { MARKET_DEFAULTS } from '../runtime/spec/resolve.ts';
import { checkHoldout, expandCandidates, forecastChoice, selectTop, tuneChunk, tuningFolds, type EvaluationSettings, type SearchSettings } from '../runtime/evaluate/pipeline.ts';

export interface SeriesInput {
  readonly id: string;
  readonly train: number[];
}

export interface Settings {
  readonly evaluation: EvaluationSettings;
  readonly search: SearchSettings;
  readonly h: number;
}

export interface SeriesResult {
  readonly id: string;
  readonly forecast: number[];
  /** e.g. `ensemble(theta, damped, ses)` or `theta`. */
  readonly chosen: string;
  /** Each family alone: its best CV parameter set, fitted on the whole training part. */
  readonly byFamily: Record<string, number[]>;
  readonly fits: number;
  readonly error?: string;
}

export function runSeries(s: SeriesInput, settings: Settings): SeriesResult {
  const y = Float64Array.from(s.train);
  const ctx = { period: 52 };
  const ev = settings.evaluation;
  const { h } = settings;
  let fits = 0;
  try {
    const folds = tuningFolds(y.length, ctx, ev).length;
    const chunks = expandCandidates(autoModels('weekly'), settings.search, { fitsPerSet: ev.folds });
    const scores = chunks.flatMap((c) => tuneChunk(y, ctx, c, ev));
    fits += scores.length * folds;
    const top = selectTop(scores, ev);
    const holdout = checkHoldout(y, ctx, top, ev);
    fits += top.length;
    const fc = forecastChoice(y, ctx, holdout.choice, h, []);
    fits += holdout.choice.kind === 'ensemble' ? holdout.choice.members.length : 1;
    const chosen =
      holdout.choice.kind === 'ensemble'
        ? `${holdout.choice.combine}(${holdout.choice.members.map((m) => m.family).join(', ')})`
        : holdout.choice.family;
    const byFamily: Record<string, number[]> = {};
    for (const family of new Set(scores.map((x) => x.family))) {
      const best = scores.filter((x) => x.family === family && x.meanError !== null).sort((a, b) => a.meanError! - b.meanError!)[0];
      if (best === undefined) continue;
      try {
        byFamily[family] = [...getFamily(family).fit(y.slice(), ctx, best.params).predict(h, []).mean];
        fits++;
      } catch {
        // a family that cannot fit the whole series is simply absent from its row
      }
    }
    return { id: s.id, forecast: [...fc.mean], chosen, byFamily, fits };
  } catch (err) {
    // The pipeline failing on a series is a bench result too: it is scored as naive and counted.
    return { id: s.id, forecast: new Array<number>(h).fill(y[y.length - 1]!), chosen: 'failed', byFamily: {}, fits, error: (err as Error).message };
  }
}

export const DEFAULT_SETTINGS: Settings = {
  // The market language's built-in defaults: the benchmark measures what a market gets by default.
  evaluation: MARKET_DEFAULTS.evaluation,
  search: { strategy: MARKET_DEFAULTS.search.strategy, samples: MARKET_DEFAULTS.search.samples, seed: MARKET_DEFAULTS.search.seed, budget: MARKET_DEFAULTS.search.budget },
  h: 13,
};
