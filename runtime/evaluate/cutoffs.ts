/**
 * Rolling-origin cross-validation folds ("time series CV", statsforecast's
 * `cross_validation(h, n_windows, step_size)`), defined by index arithmetic only.
 *
 * With n observations y[0..n), horizon h, `folds` windows, `step` s and `gap` g, fold k
 * (0-based, oldest first, k = 0 .. folds−1) is
 *
 *   testEnd    = n − (folds − 1 − k) · s         (exclusive; the last fold ends exactly at n)
 *   testStart  = testEnd − h
 *   cutoff     = testStart − g                   (train on y[trainStart..cutoff), forecast g + h
 *                                                 steps, score the last h)
 *   trainStart = 0 (expanding window), or cutoff − trainSize (sliding window)
 *
 * so consecutive folds' origins are s apart, and test windows overlap when s < h. The gap models
 * data that arrive late: with g = 2 the model never sees the two periods before the test window.
 * A sliding window keeps every fold's training length equal: `trainSize` when given, else the
 * oldest fold's training length. The oldest fold must still leave `minTrain` training
 * observations:
 *
 *   n − (folds − 1) · s − h − g >= max(minTrain, trainSize)
 */

export interface Fold {
  /** Training data is y[trainStart..cutoff). */
  readonly cutoff: number;
  /** First training index (0 for an expanding window). */
  readonly trainStart: number;
  /** First test index (`cutoff + gap`). */
  readonly testStart: number;
  /** One past the last test index. */
  readonly testEnd: number;
}

export interface CutoffSettings {
  /** Series length. */
  readonly n: number;
  /** Steps forecast per fold (h). */
  readonly horizon: number;
  /** Number of folds (windows). */
  readonly folds: number;
  /** Distance between consecutive forecast origins. */
  readonly step: number;
  /**
   * Minimum training length of the oldest fold. There is no universal default because it
   * depends on the models; callers normally pass `defaultMinTrain(period)`.
   */
  readonly minTrain: number;
  /** Periods between the end of training and the first test period (default 0). */
  readonly gap?: number;
  /** `expanding` (default): train on everything before the cutoff; `sliding`: a fixed-length window. */
  readonly window?: 'expanding' | 'sliding';
  /** Training length of a sliding window; default the oldest fold's training length. Ignored when expanding. */
  readonly trainSize?: number | null;
}

/** Two full seasons: the least seasonal decomposition (MSTL/STL) can work with. */
export function defaultMinTrain(period: number): number {
  return 2 * period;
}

/**
 * The folds, oldest first.
 * @throws Error when a setting is not a positive integer (minTrain: >= 1) or the series is too
 *   short for the oldest fold to have `minTrain` training observations; the message shows the
 *   arithmetic.
 */
export function cvCutoffs(settings: CutoffSettings): Fold[] {
  const { n, horizon, folds, step, minTrain } = settings;
  const gap = settings.gap ?? 0;
  const sliding = (settings.window ?? 'expanding') === 'sliding';
  assertInteger('n', n, 0);
  assertInteger('horizon', horizon, 1);
  assertInteger('folds', folds, 1);
  assertInteger('step', step, 1);
  assertInteger('minTrain', minTrain, 1);
  assertInteger('gap', gap, 0);
  const trainSize = sliding ? (settings.trainSize ?? null) : null;
  if (trainSize !== null) assertInteger('trainSize', trainSize, 1);
  const required = Math.max(minTrain, trainSize ?? 0);

  const firstCutoff = n - (folds - 1) * step - horizon - gap;
  if (firstCutoff < required) {
    const needed = required + (folds - 1) * step + horizon + gap;
    const gapText = gap > 0 ? ` + ${gap}` : '';
    throw new Error(
      `Series too short for cross-validation: ${folds} fold(s) of horizon ${horizon}, step ${step}${gap > 0 ? `, gap ${gap}` : ''} and at ` +
        `least ${required} training observations need n >= ${required} + (${folds} - 1) × ${step} + ${horizon}${gapText} ` +
        `= ${needed}, but n = ${n}`,
    );
  }

  const size = sliding ? (trainSize ?? firstCutoff) : null;
  const result: Fold[] = [];
  for (let k = 0; k < folds; k++) {
    const testEnd = n - (folds - 1 - k) * step;
    const testStart = testEnd - horizon;
    const cutoff = testStart - gap;
    result.push({ cutoff, trainStart: size === null ? 0 : cutoff - size, testStart, testEnd });
  }
  return result;
}

function assertInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`Cross-validation setting "${name}" must be an integer >= ${min}, got ${value}`);
  }
}
