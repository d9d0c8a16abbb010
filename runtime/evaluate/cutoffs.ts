/**
 * Rolling-origin cross-validation folds ("time series CV", statsforecast's
 * `cross_validation(h, n_windows, step_size)`), defined by index arithmetic only.
 *
 * With n observations y[0..n), horizon h, `folds` windows and `step` s, fold k (0-based,
 * oldest first, k = 0 .. folds−1) is
 *
 *   testEnd   = n − (folds − 1 − k) · s          (exclusive; the last fold ends exactly at n)
 *   testStart = testEnd − h
 *   cutoff    = testStart                        (train on y[0..cutoff), forecast h steps)
 *
 * so consecutive folds' origins are s apart, and test windows overlap when s < h. The oldest
 * fold must still leave `minTrain` training observations:
 *
 *   n − (folds − 1) · s − h >= minTrain
 */

export interface Fold {
  /** Training data is y[0..cutoff). */
  readonly cutoff: number;
  /** First test index (equal to `cutoff`: the test window starts right after training). */
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
  assertInteger('n', n, 0);
  assertInteger('horizon', horizon, 1);
  assertInteger('folds', folds, 1);
  assertInteger('step', step, 1);
  assertInteger('minTrain', minTrain, 1);

  const firstCutoff = n - (folds - 1) * step - horizon;
  if (firstCutoff < minTrain) {
    const needed = minTrain + (folds - 1) * step + horizon;
    throw new Error(
      `Series too short for cross-validation: ${folds} fold(s) of horizon ${horizon}, step ${step} and at ` +
        `least ${minTrain} training observations need n >= ${minTrain} + (${folds} - 1) × ${step} + ${horizon} ` +
        `= ${needed}, but n = ${n}`,
    );
  }

  const result: Fold[] = [];
  for (let k = 0; k < folds; k++) {
    const testEnd = n - (folds - 1 - k) * step;
    const testStart = testEnd - horizon;
    result.push({ cutoff: testStart, testStart, testEnd });
  }
  return result;
}

function assertInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`Cross-validation setting "${name}" must be an integer >= ${min}, got ${value}`);
  }
}
