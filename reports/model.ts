/**
 * The report view model: everything a report shows, computed before any rendering.
 * Builders and templates read only this; they never touch the store.
 */
import type { CandidateScore, Finding, ForecastRow } from '../runtime/store/store.ts';

export interface MarketReport {
  readonly id: string;
  readonly name: string;
  readonly country: string;
  readonly metric: string;
  readonly status: 'succeeded' | 'failed';
  readonly error?: string;
  /** Actuals as used by the model (ISO period start date, value; NaN for missing). */
  readonly actuals: readonly { readonly period: string; readonly value: number }[];
  readonly forecast: readonly ForecastRow[];
  readonly chosen?: { readonly family: string; readonly params: Readonly<Record<string, unknown>> };
  readonly candidates: readonly CandidateScore[];
  readonly findings: readonly Finding[];
}

export interface RunReport {
  readonly runId: string;
  readonly projectName: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly status: string;
  readonly markets: readonly MarketReport[];
}
