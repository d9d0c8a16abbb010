/**
 * The store interface (DESIGN §9). Backends: embedded DuckDB (default, `duckdb.ts`); BigQuery later.
 * A run's results are written in one call and one transaction, so readers see a whole run or none
 * of it, and a failed run never replaces the last good forecast. Vintages are never overwritten:
 * every run's forecasts are kept under its run id.
 */
import type { Series } from './series.ts';

export type Severity = 'error' | 'warning' | 'info';

/** A QA or QC finding about one market's data or result. */
export interface Finding {
  readonly severity: Severity;
  /** Stable machine-readable code, e.g. `missing-periods`. */
  readonly code: string;
  readonly message: string;
  /** Period (ISO date) the finding is about, when there is one. */
  readonly period?: string;
  /** 1-based line in the source file, when there is one. */
  readonly line?: number;
}

export type RunStatus = 'running' | 'succeeded' | 'partial' | 'failed';

export interface RunRecord {
  readonly runId: string;
  readonly startedAt: string; // ISO timestamp
  readonly finishedAt: string | null;
  readonly status: RunStatus;
  readonly mode: string; // 'manual' for now
  readonly markets: number;
  readonly failedMarkets: number;
}

/** One forecast period of one market in one vintage. */
export interface ForecastRow {
  readonly period: string;
  readonly mean: number;
  readonly lower80: number;
  readonly upper80: number;
  readonly lower95: number;
  readonly upper95: number;
}

/** One candidate's cross-validation result (the leaderboard row). */
export interface CandidateScore {
  readonly family: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly metric: string; // e.g. 'smape'
  /** Mean error over folds; null when the candidate failed. */
  readonly meanError: number | null;
  readonly foldErrors: readonly number[];
  readonly error?: string; // failure message
}

/** Everything one market produced in one run. */
export interface MarketResult {
  readonly market: string;
  readonly status: 'succeeded' | 'failed';
  /** Why the market failed (QA error, every model failed, ...). */
  readonly error?: string;
  readonly findings: readonly Finding[];
  readonly candidates: readonly CandidateScore[];
  /** The winning candidate's family and params; absent when the market failed. */
  readonly chosen?: { readonly family: string; readonly params: Readonly<Record<string, unknown>> };
  readonly forecast: readonly ForecastRow[];
}

export interface Store {
  /** Create tables if missing. Idempotent. */
  init(): Promise<void>;
  /** Replace the stored actuals of `series.market` by `series` (NaN values are stored as NULL). */
  putActuals(series: Series): Promise<void>;
  getActuals(market: string): Promise<Series | null>;
  startRun(run: RunRecord): Promise<void>;
  /** Write all results of a run and mark it finished, atomically (one transaction). */
  finishRun(runId: string, finishedAt: string, status: RunStatus, results: readonly MarketResult[]): Promise<void>;
  getRun(runId: string): Promise<RunRecord | null>;
  /** Runs, newest first. */
  listRuns(): Promise<RunRecord[]>;
  /** The newest run whose status is `succeeded` or `partial`. */
  latestFinishedRun(): Promise<RunRecord | null>;
  /** All results of a run, per market, as written by finishRun. */
  getResults(runId: string): Promise<MarketResult[]>;
  close(): Promise<void>;
}
