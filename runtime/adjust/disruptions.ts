/**
 * Cleaning a market's history before any model sees it (the `prepare` task, DESIGN §2/§4).
 *
 * Order matters and is fixed:
 *   1. history before the last long gap is dropped (a model cannot bridge months of nothing);
 *   2. disruption windows are applied oldest first (a level shift rescales everything before it,
 *      including earlier windows' already-cleaned values);
 *   3. what is still missing (short gaps, cleaned windows) is filled by linear interpolation.
 * `exclude` windows are interpolated too (models need a regular series) and marked in `excluded`,
 * which the evaluation uses to leave them out of every score.
 * The same function serves the final fit and every CV fold: folds slice the cleaned series.
 */
import type { Series } from '../store/series.ts';
import type { Finding } from '../store/store.ts';
import * as msg from './messages.ts';

export const DisruptionAction = { interpolate: 'interpolate', exclude: 'exclude', level_shift: 'level_shift' } as const;
export type DisruptionAction = keyof typeof DisruptionAction;

export interface DisruptionWindow {
  /** First day of the window, ISO date (inclusive). */
  readonly from: string;
  /** Last day of the window, ISO date (inclusive). */
  readonly to: string;
  readonly action: DisruptionAction;
  readonly reason: string;
}

export interface PrepareOptions {
  /** Longest run of missing periods that is interpolated; history before a longer gap is dropped. */
  readonly maxGap: number;
  /** Periods on each side of a level shift used to estimate its size. */
  readonly shiftWindow: number;
}

export const defaultPrepareOptions: PrepareOptions = { maxGap: 13, shiftWindow: 8 };

export interface PreparedSeries {
  /** Cleaned series: regular, no NaN. */
  readonly series: Series;
  /**
   * 1 where a period lies in an `exclude` window: its value is interpolated so that models get a
   * regular series, but CV and holdout never score it.
   */
  readonly excluded: Uint8Array;
  readonly findings: readonly Finding[];
}

/** Clean `series` as described in the module comment. Pure: the input is not modified. */
export function prepareSeries(
  series: Series,
  disruptions: readonly DisruptionWindow[],
  options: PrepareOptions = defaultPrepareOptions,
): PreparedSeries {
  const findings: Finding[] = [];
  const trimmed = dropBeforeLongGap(series, options.maxGap, findings);
  const values = Float64Array.from(trimmed.values);
  const periods = trimmed.periods;
  const excluded = new Uint8Array(values.length);
  const ordered = [...disruptions].sort((a, b) => a.from.localeCompare(b.from));
  for (const window of ordered) {
    applyWindow(periods, values, excluded, window, options, findings);
  }
  const filled = fillByInterpolation(values);
  if (filled > 0) findings.push({ severity: 'info', code: 'filled', message: msg.filledPeriods(filled) });
  return { series: { market: series.market, periods, values }, excluded, findings };
}

function dropBeforeLongGap(series: Series, maxGap: number, findings: Finding[]): Series {
  const { values, periods } = series;
  let start = 0;
  let run = 0;
  for (let i = 0; i < values.length; i++) {
    if (Number.isNaN(values[i]!)) {
      run++;
    } else {
      if (run > maxGap) start = i;
      run = 0;
    }
  }
  // Leading NaNs are never useful either.
  while (start < values.length && Number.isNaN(values[start]!)) start++;
  if (start === 0) return series;
  findings.push({
    severity: 'warning',
    code: 'history-dropped',
    period: periods[start],
    message: msg.historyDropped(periods[0]!, periods[start]!, maxGap),
  });
  return { market: series.market, periods: periods.slice(start), values: values.slice(start) };
}

/** Index of the first period on or after `date` (ISO dates compare as strings). */
function indexOnOrAfter(periods: readonly string[], date: string): number {
  let lo = 0;
  let hi = periods.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (periods[mid]! < date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function applyWindow(
  periods: readonly string[],
  values: Float64Array,
  excluded: Uint8Array,
  window: DisruptionWindow,
  options: PrepareOptions,
  findings: Finding[],
): void {
  // A weekly period belongs to the window when any of its days does, hence the 6-day lookback.
  const first = indexOnOrAfter(periods, shiftDate(window.from, -6));
  const end = indexOnOrAfter(periods, shiftDate(window.to, 1));
  if (first >= end) {
    findings.push({ severity: 'warning', code: 'disruption-outside-data', message: msg.disruptionOutsideData(window.from, window.to) });
    return;
  }
  if (window.action === 'level_shift') {
    const before = median(values, Math.max(0, first - options.shiftWindow), first);
    const after = median(values, end, Math.min(values.length, end + options.shiftWindow));
    if (!(before > 0) || !(after > 0)) {
      findings.push({ severity: 'warning', code: 'level-shift-unestimable', message: msg.levelShiftUnestimable(window.from, window.to) });
    } else {
      const ratio = after / before;
      for (let i = 0; i < first; i++) values[i] = values[i]! * ratio;
      findings.push({ severity: 'info', code: 'level-shift', period: periods[first], message: msg.levelShiftApplied(window.from, ratio, first) });
    }
  }
  if (window.action === 'exclude') excluded.fill(1, first, end);
  for (let i = first; i < end; i++) values[i] = Number.NaN;
}

function median(values: Float64Array, from: number, to: number): number {
  const xs: number[] = [];
  for (let i = from; i < to; i++) if (!Number.isNaN(values[i]!)) xs.push(values[i]!);
  if (xs.length === 0) return Number.NaN;
  xs.sort((a, b) => a - b);
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

/**
 * Replace NaN runs by the straight line between their neighbours; a run at either end takes the
 * nearest observed value. Returns how many values were filled. Throws when nothing is observed.
 */
export function fillByInterpolation(values: Float64Array): number {
  let filled = 0;
  let prev = -1;
  for (let i = 0; i <= values.length; i++) {
    if (i < values.length && Number.isNaN(values[i]!)) continue;
    const gapStart = prev + 1;
    if (i - gapStart > 0) {
      if (prev < 0 && i === values.length) throw new Error(msg.nothingObserved());
      for (let j = gapStart; j < i; j++) {
        if (prev < 0) values[j] = values[i]!;
        else if (i === values.length) values[j] = values[prev]!;
        else values[j] = values[prev]! + ((values[i]! - values[prev]!) * (j - prev)) / (i - prev);
        filled++;
      }
    }
    prev = i;
  }
  return filled;
}

function shiftDate(isoDate: string, days: number): string {
  const t = Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}
