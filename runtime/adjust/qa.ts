/**
 * Input QA: turns one market's raw rows into a regular weekly Series, or explains why it cannot.
 * Every problem of the input is reported at once (a user fixes a file in one pass, not one error
 * per run). Errors stop this market only; warnings describe what was done to the data.
 */
import type { Finding } from '../store/store.ts';
import type { RawObservation, Series } from '../store/series.ts';
import { addWeeks, isMonday, weeksBetween } from '../store/periods.ts';

export interface QaOptions {
  readonly market: string;
  /** Observations the evaluation settings need (folds, horizon and minimum training length). */
  readonly minLength: number;
}

export interface QaResult {
  readonly findings: Finding[];
  /** First to last period, weekly, NaN where missing; null when any finding is an error. */
  readonly series: Series | null;
}

/** Per-row problems beyond this many per code are summarised in one finding. */
const MAX_ROW_FINDINGS_PER_CODE = 10;
/** Gaps listed by name in a missing-periods message; the rest are counted. */
const MAX_LISTED_GAPS = 10;

export function checkInput(raw: readonly RawObservation[], opts: QaOptions): QaResult {
  const dated = raw.filter((r): r is Dated => r.period !== null);
  const sorted = sortByPeriod(dated);
  const findings: Finding[] = [
    ...capPerCode(raw.flatMap(rowFindings)),
    ...duplicateFindings(sorted),
    ...orderFindings(dated),
    ...missingFindings(sorted),
    ...emptyFindings(sorted),
    ...lengthFindings(sorted, opts.minLength),
  ];
  const series = findings.some((f) => f.severity === 'error') ? null : toSeries(opts.market, sorted);
  return { findings, series };
}

type Dated = RawObservation & { readonly period: string };

const isEmptyCell = (r: RawObservation): boolean => r.cell.trim() === '';
const isUsable = (r: RawObservation): boolean => Number.isFinite(r.value) && r.value >= 0;

function rowFindings(r: RawObservation): Finding[] {
  const out: Finding[] = [];
  const where = r.period === null ? `Line ${r.line}` : `Line ${r.line} (${r.period})`;
  if (r.period === null) {
    out.push(error('unparseable-period', `${where}: cannot read period "${r.label}"; the row cannot be used. Fix the label in the source.`, r));
  } else if (!isMonday(r.period)) {
    out.push(error('misaligned-period', `${where}: period ${r.period} is not a Monday; weekly periods are named by their Monday.`, r));
  }
  if (!isEmptyCell(r) && Number.isNaN(r.value)) {
    out.push(error('non-numeric-value', `${where}: value "${r.cell}" is not a number. Fix the cell or leave it empty to mark the week missing.`, r));
  } else if (r.value < 0) {
    out.push(error('negative-value', `${where}: value ${r.cell.trim()} is negative; a weekly metric cannot be below 0. Fix the cell in the source.`, r));
  }
  return out;
}

function duplicateFindings(sorted: readonly Dated[]): Finding[] {
  return groupRuns(sorted, (prev, next) => prev.period === next.period)
    .filter((group) => group.length > 1)
    .map((group) => {
      const first = group[0] as Dated;
      const lines = listWords(group.map((r) => String(r.line)));
      const labels = group.map((r) => `"${r.label}"`).join(', ');
      const msg = `Duplicate period ${first.period} on lines ${lines} (labels ${labels}); keep one row per week in the source.`;
      return error('duplicate-period', msg, first);
    });
}

function orderFindings(dated: readonly Dated[]): Finding[] {
  const i = dated.findIndex((r, k) => k > 0 && r.period < (dated[k - 1] as Dated).period);
  if (i < 0) return [];
  const r = dated[i] as Dated;
  const prev = dated[i - 1] as Dated;
  const msg = `Rows are not in time order: line ${r.line} (${r.period}) comes after line ${prev.line} (${prev.period}); rows were sorted by period.`;
  return [warning('unsorted', msg, r)];
}

function missingFindings(sorted: readonly Dated[]): Finding[] {
  const gaps = gapsOf(uniqueMondays(sorted));
  const first = gaps[0];
  if (!first) return [];
  const total = gaps.reduce((n, g) => n + g.weeks, 0);
  const listed = gaps.slice(0, MAX_LISTED_GAPS).map(describeRange).join(', ');
  const more = gaps.length > MAX_LISTED_GAPS ? ` and ${gaps.length - MAX_LISTED_GAPS} more gaps` : '';
  const msg = `${weeksText(total)} missing in ${plural(gaps.length, 'gap')}: ${listed}${more}; kept as missing values.`;
  return [{ severity: 'warning', code: 'missing-periods', message: msg, period: first.from }];
}

function emptyFindings(sorted: readonly Dated[]): Finding[] {
  const empties = sorted.filter(isEmptyCell);
  return groupRuns(empties, (prev, next) => weeksBetween(prev.period, next.period) <= 1).map((group) => {
    const first = group[0] as Dated;
    const last = group[group.length - 1] as Dated;
    if (group.length === 1) {
      return warning('empty-value', `Line ${first.line} (${first.period}): empty value; counted as missing.`, first);
    }
    const lines = group.map((r) => r.line);
    const range = describeRange({ from: first.period, to: last.period, weeks: weeksBetween(first.period, last.period) + 1 });
    const msg = `Lines ${Math.min(...lines)}-${Math.max(...lines)} (${range}): empty values; counted as missing.`;
    return warning('empty-value', msg, first);
  });
}

function lengthFindings(sorted: readonly Dated[], minLength: number): Finding[] {
  const usable = uniqueMondays(sorted.filter(isUsable));
  if (usable.length >= minLength && usable.length > 0) return [];
  const have = usable.length === 0 ? 'No usable observations' : `Only ${plural(usable.length, 'usable observation')}`;
  const span = usable.length === 0 ? '' : ` (${usable[0]} .. ${usable[usable.length - 1]})`;
  const msg = `${have}${span}; the evaluation settings need at least ${minLength}. Reduce the number of folds or the horizon in the evaluation settings, or add history.`;
  return [{ severity: 'error', code: 'too-short', message: msg }];
}

/** Only called on error-free input: periods are unique Mondays in order. */
function toSeries(market: string, sorted: readonly Dated[]): Series {
  const first = sorted[0] as Dated;
  const last = sorted[sorted.length - 1] as Dated;
  const n = weeksBetween(first.period, last.period) + 1;
  const periods = Array.from({ length: n }, (_, k) => addWeeks(first.period, k));
  const values = new Float64Array(n).fill(Number.NaN);
  for (const r of sorted) values[weeksBetween(first.period, r.period)] = r.value;
  return { market, periods, values };
}

// ---- small helpers ----

interface Range {
  readonly from: string;
  readonly to: string;
  readonly weeks: number;
}

/** Stable, so duplicates keep their file order and messages list lines ascending. */
function sortByPeriod(rows: readonly Dated[]): Dated[] {
  return [...rows].sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
}

function uniqueMondays(sorted: readonly Dated[]): string[] {
  const out: string[] = [];
  for (const r of sorted) if (isMonday(r.period) && out[out.length - 1] !== r.period) out.push(r.period);
  return out;
}

function gapsOf(periods: readonly string[]): Range[] {
  const gaps: Range[] = [];
  for (let k = 1; k < periods.length; k++) {
    const prev = periods[k - 1] as string;
    const weeks = weeksBetween(prev, periods[k] as string) - 1;
    if (weeks > 0) gaps.push({ from: addWeeks(prev, 1), to: addWeeks(prev, weeks), weeks });
  }
  return gaps;
}

/** Splits a list into runs of neighbours for which `together(prev, next)` holds. */
function groupRuns<T>(items: readonly T[], together: (prev: T, next: T) => boolean): T[][] {
  const runs: T[][] = [];
  for (const item of items) {
    const run = runs[runs.length - 1];
    const prev = run?.[run.length - 1];
    if (run && prev !== undefined && together(prev, item)) run.push(item);
    else runs.push([item]);
  }
  return runs;
}

/** Keeps the first few findings of each code and folds the rest into one summary finding. */
function capPerCode(findings: readonly Finding[]): Finding[] {
  const byCode = new Map<string, Finding[]>();
  for (const f of findings) byCode.set(f.code, [...(byCode.get(f.code) ?? []), f]);
  const out: Finding[] = [];
  for (const [code, all] of byCode) {
    out.push(...all.slice(0, MAX_ROW_FINDINGS_PER_CODE));
    const rest = all.slice(MAX_ROW_FINDINGS_PER_CODE);
    const first = rest[0];
    if (!first) continue;
    const lines = rest.map((f) => f.line ?? 0);
    const msg = `... and ${plural(rest.length, 'more row')} with the same problem (lines ${Math.min(...lines)}-${Math.max(...lines)}).`;
    out.push({ severity: first.severity, code, message: msg, ...(first.line === undefined ? {} : { line: first.line }) });
  }
  return out.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

function describeRange(r: Range): string {
  return r.weeks === 1 ? `${r.from} (1 week)` : `${r.from} .. ${r.to} (${r.weeks} weeks)`;
}

function weeksText(n: number): string {
  return n === 1 ? '1 week' : `${n} weeks`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** `a`, `a and b`, `a, b and c`. */
function listWords(words: readonly string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

function error(code: string, message: string, r: RawObservation): Finding {
  return located('error', code, message, r);
}

function warning(code: string, message: string, r: RawObservation): Finding {
  return located('warning', code, message, r);
}

function located(severity: Finding['severity'], code: string, message: string, r: RawObservation): Finding {
  return r.period === null ? { severity, code, message, line: r.line } : { severity, code, message, period: r.period, line: r.line };
}
