/** User-facing messages of the cleaning stage; tests assert by calling these same functions. */

const fmt = (x: number): string => x.toFixed(3);

export const filledPeriods = (n: number): string =>
  `${n} missing or cleaned period(s) filled by linear interpolation between their neighbours.`;

export const historyDropped = (firstPeriod: string, newStart: string, maxGap: number): string =>
  `History from "${firstPeriod}" up to "${newStart}" is not used: it ends in a gap longer than ${maxGap} periods, ` +
  `which cannot be filled reliably. Add the missing data to use it.`;

export const disruptionOutsideData = (from: string, to: string): string =>
  `Disruption window "${from}" .. "${to}" does not overlap the history in use; it has no effect.`;

export const levelShiftUnestimable = (from: string, to: string): string =>
  `Level shift "${from}" .. "${to}" cannot be estimated (no positive observations on one side); ` +
  `the window is interpolated but earlier history is not rescaled.`;

export const levelShiftApplied = (from: string, ratio: number, periodsRescaled: number): string =>
  `Level shift at "${from}": ${periodsRescaled} earlier period(s) rescaled by x${fmt(ratio)} to the new level.`;

export const nothingObserved = (): string => 'The series has no observed value left after cleaning.';
