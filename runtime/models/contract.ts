/**
 * The model contract (DESIGN §7). A family is a name, a parameter schema and a pure `fit`;
 * fitting returns a new `Fitted` value and never mutates the family or the input.
 * Interval levels are percentages everywhere (`80` means an 80% central interval).
 */

/** What a model may know about the series besides its values. */
export interface FitContext {
  /** Seasonal period in observations (52 for weekly data with a yearly cycle). */
  readonly period: number;
  /**
   * ISO dates (first day) of the periods of `y`, aligned with it, for date-aware models
   * (Prophet, holiday regressors). Absent when the series has no calendar (e.g. M4 data).
   */
  readonly periods?: readonly string[];
  /**
   * Positions of `y` excluded by a disruption window (1 = excluded), aligned with `y`. Families
   * see interpolated values there (they need a regular series); evaluation does not score them.
   */
  readonly excluded?: Uint8Array;
  /** Regressors known in advance (holidays, the market's events), for the families that take them. */
  readonly regressors?: RegressorCalendar;
}

/**
 * Known-in-advance regressors by period: a function of the calendar, so that a fitted model can
 * ask for the values of future periods as well as the history's.
 */
export interface RegressorCalendar {
  /** Regressor names, in the order `valuesAt` returns them. */
  readonly names: readonly string[];
  /** Each regressor's value for the period starting on `periodStart` (ISO date). */
  valuesAt(periodStart: string): readonly number[];
}

/** A central prediction interval at one level, as percentages (80 -> 10th to 90th percentile). */
export interface Interval {
  readonly levelPct: number;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

/** A point forecast with its intervals, one per requested level, in the order requested. */
export interface Forecast {
  readonly mean: Float64Array;
  readonly intervals: readonly Interval[];
}

export interface Fitted {
  /** Forecast `h` steps past the end of the training data. */
  predict(h: number, levelsPct: readonly number[]): Forecast;
}

/** Parameters are plain JSON values; each family validates and documents its own. */
export type ModelParams = Readonly<Record<string, unknown>>;

export interface ModelFamily {
  readonly name: string;
  /** One line for reports and `--help`. */
  readonly description: string;
  /** JSON Schema of the family's parameters (an object schema). */
  readonly paramsSchema: Readonly<Record<string, unknown>>;
  /**
   * Fit to `y` (no missing values: cleaning happens before models see data).
   * Throws a descriptive Error when the series cannot be fitted (e.g. too short).
   */
  fit(y: Float64Array, ctx: FitContext, params: ModelParams): Fitted;
}
