/**
 * What the data-aware rules need to know about a market's history: its date range and how many
 * observations the run will actually use. Read with the same CSV reader as the run, and counted the
 * way the run's cleaning counts them (history before the last gap longer than the cleaner bridges is
 * dropped), so that "the evaluation fits the history" means the same here and at run time.
 */
import { stat } from 'node:fs/promises';
import { defaultPrepareOptions } from '../adjust/disruptions.ts';
import { periodOf, type Frequency } from '../execute/frequency.ts';
import { readCsvSource, type PeriodFormat } from '../store/csv.ts';
import { addWeeks, weeksBetween } from '../store/periods.ts';

export interface DataSummary {
  readonly status: 'ok';
  /** First day of the first observed period (ISO date). */
  readonly first: string;
  /** First day of the last observed period. */
  readonly last: string;
  /** Last day of the last observed period. */
  readonly lastDay: string;
  /** First day after the data: where the forecast starts. */
  readonly next: string;
  /** Periods the run's cleaning keeps: from the first observation after the last long gap to the end. */
  readonly usable: number;
}

export type DataResult = DataSummary | { readonly status: 'missing' } | { readonly status: 'unreadable'; readonly reason: string };

export interface DataRequest {
  readonly path: string;
  readonly periodColumn: string;
  readonly periodFormat: PeriodFormat;
  readonly valueColumn: string;
  readonly frequency: Frequency;
  /** series.start: observations before it are not used. */
  readonly start: string | null;
}

/** Caches reads for one validation pass: markets that share a file read it once. */
export class DataReader {
  private readonly cache = new Map<string, Promise<DataResult>>();

  read(request: DataRequest): Promise<DataResult> {
    const id = JSON.stringify(request);
    let result = this.cache.get(id);
    if (result === undefined) {
      result = summarize(request);
      this.cache.set(id, result);
    }
    return result;
  }
}

async function summarize(request: DataRequest): Promise<DataResult> {
  const exists = await stat(request.path).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!exists) return { status: 'missing' };
  let rows;
  try {
    rows = await readCsvSource(request);
  } catch (e) {
    return { status: 'unreadable', reason: (e as Error).message };
  }
  const periods = [...new Set(rows.filter((r) => r.period !== null && Number.isFinite(r.value)).map((r) => r.period as string))]
    .filter((p) => request.start === null || p >= request.start)
    .sort();
  const first = periods[0];
  const last = periods[periods.length - 1];
  if (first === undefined || last === undefined) return { status: 'unreadable', reason: 'no observation has both a valid period and a number' };
  return { status: 'ok', first, last, lastDay: lastDayOf(last, request.frequency), next: nextPeriod(last, request.frequency), usable: usableLength(periods, request.frequency) };
}

/** Periods from the first observation after the last gap longer than the cleaner bridges, to the end. */
function usableLength(periods: readonly string[], frequency: Frequency): number {
  if (frequency !== 'weekly') return periods.length;
  let from = periods[0] as string;
  for (let i = 1; i < periods.length; i++) {
    const missing = weeksBetween(periods[i - 1] as string, periods[i] as string) - 1;
    if (missing > defaultPrepareOptions.maxGap) from = periods[i] as string;
  }
  return weeksBetween(from, periods[periods.length - 1] as string) + 1;
}

function nextPeriod(last: string, frequency: Frequency): string {
  if (frequency === 'weekly') return addWeeks(last, 1);
  const d = new Date(`${last}T00:00:00Z`);
  switch (frequency) {
    case 'daily':
      d.setUTCDate(d.getUTCDate() + 1);
      break;
    case 'monthly':
      d.setUTCMonth(d.getUTCMonth() + 1);
      break;
    case 'quarterly':
      d.setUTCMonth(d.getUTCMonth() + 3);
      break;
    case 'yearly':
      d.setUTCFullYear(d.getUTCFullYear() + 1);
      break;
  }
  return d.toISOString().slice(0, 10);
}

function lastDayOf(last: string, frequency: Frequency): string {
  const d = new Date(`${nextPeriod(last, frequency)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** The shortest history models are trained on: two seasonal periods (104 weeks for weekly data). */
export function minimumTrainingLength(frequency: Frequency): number {
  return 2 * periodOf(frequency);
}
