/**
 * A market's observed series as the engine sees it: one value per period, periods in order,
 * each period named by the ISO date (YYYY-MM-DD) of its first day (Monday for weekly data).
 * Missing observations are NaN, so a gap keeps its place in time.
 */
export interface Series {
  readonly market: string;
  readonly periods: readonly string[];
  readonly values: Float64Array;
}

/** One raw row as read from a source, before QA: the period label as written and the cell. */
export interface RawObservation {
  /** 1-based line of the row in its source file (for QA findings). */
  readonly line: number;
  /** Period as ISO date of its first day, or null when the label could not be parsed. */
  readonly period: string | null;
  /** The label exactly as written in the source. */
  readonly label: string;
  /** Parsed value; NaN when empty or non-numeric. */
  readonly value: number;
  /** The cell exactly as written. */
  readonly cell: string;
}
