/**
 * The store interface (DESIGN §9). Backends: embedded DuckDB (default, `duckdb.ts`); BigQuery later.
 * A run's results are written in one call and one transaction, so readers see a whole run or none
 * of it, and a failed run never replaces the last good forecast. Vintages are never overwritten:
 * every run's forecasts are kept under its run id.
 *
 * Besides the results, the store keeps the execution state (DESIGN §6): each run's plan, a record
 * per settled task (written as each task settles, so a killed run can be resumed), and the task
 * cache: successful task results keyed by their input hash, which later runs reuse.
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
  /** The plan's mode (`weekly`, `tune`). */
  readonly mode: string;
  readonly markets: number;
  readonly failedMarkets: number;
  /** The run this one resumed (`forecast run --resume`); absent otherwise. */
  readonly resumedFrom?: string;
  /** Why the run ended without results (e.g. it was interrupted); absent otherwise. */
  readonly error?: string;
}

/** A run with the counts `forecast runs` lists. */
export interface RunSummary {
  readonly run: RunRecord;
  /** Tasks recorded for the run, by status. */
  readonly tasks: Readonly<Record<TaskStatus, number>>;
  /** Model fits the run's tasks ran (reused tasks not counted). */
  readonly fits: number;
}

export type TaskStatus = 'succeeded' | 'reused' | 'failed' | 'skipped';

/** One task of one run, recorded as soon as it settles (so a killed run can be resumed). */
export interface TaskRecord {
  readonly taskId: string;
  readonly kind: string;
  readonly market: string | null;
  readonly status: TaskStatus;
  /** Key of its stored result; null when none was stored (failed, skipped, or not cacheable). */
  readonly key: string | null;
  /** ISO timestamp; null for a task that never started. */
  readonly startedAt: string | null;
  readonly ms: number;
  /** Model fits it ran (0 when reused). */
  readonly fits: number;
  readonly error: string | null;
}

/** A task's successful result, stored under its input hash (the key) for reuse by later runs. */
export interface CachedResult {
  readonly key: string;
  readonly taskId: string;
  readonly kind: string;
  readonly market: string | null;
  /** The run that computed it. */
  readonly runId: string;
  readonly createdAt: string; // ISO timestamp
  /** The encoded value (runtime/execute/codec.ts); the store treats it as opaque text. */
  readonly value: string;
  /** Facts about the result that planning reads without decoding the value (JSON), e.g. a selection record. */
  readonly meta: string | null;
}

/** A stored result without its value (what the planner lists). */
export type CachedResultInfo = Omit<CachedResult, 'value'>;

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
  /**
   * Error on the final holdout, for the candidates re-checked on it (the top X): a number, or null
   * when the refit failed. Absent for candidates that were not re-checked.
   */
  readonly holdoutError?: number | null;
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
  /**
   * Set when no selected model was available (every candidate failed, or tuning did not finish)
   * and the forecast comes from the fallback model (`chosen`, seasonal naive): why.
   */
  readonly fallback?: { readonly reason: string };
  /** Where the chosen model's selection comes from: when and in which run it was tuned, and whether this run reused it. */
  readonly selection?: { readonly tunedAt: string; readonly runId: string; readonly reused: boolean };
  /** Hash of the market's spec in this run (the `changed` selector compares it). */
  readonly specHash?: string;
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

  // ---- plans, task records and the task cache (the planner and executors) ----

  /**
   * Replace the stored actuals of several markets in one transaction. `keys` names, per market,
   * the data they were read from (the key of the QA result), so that a run whose data did not
   * change can skip rewriting them (see actualsKeys).
   */
  putActualsMany(series: readonly Series[], keys?: ReadonlyMap<string, string>): Promise<void>;
  /** The key stored with each market's actuals by putActualsMany (markets without one are absent). */
  actualsKeys(markets: readonly string[]): Promise<Map<string, string>>;
  /** Store the plan a run executes (JSON), so that `--resume` can run it again. */
  putRunPlan(runId: string, plan: string): Promise<void>;
  getRunPlan(runId: string): Promise<string | null>;
  /**
   * Mark runs still `running` as failed with `error`. Only one process can open the store, so a
   * run found running by a new process died with its process (killed, out of memory).
   */
  interruptRunningRuns(finishedAt: string, error: string): Promise<string[]>;
  /** Record settled tasks and store successful results, in one transaction (either all or none). */
  recordTasks(runId: string, records: readonly TaskRecord[], results: readonly CachedResult[]): Promise<void>;
  getTaskRecords(runId: string): Promise<TaskRecord[]>;
  /** Stored results with these keys (missing keys are absent from the map). */
  getCachedResults(keys: readonly string[]): Promise<Map<string, CachedResult>>;
  /** Keys of the stored results of these markets (plus run-wide ones). */
  cachedKeys(markets: readonly string[]): Promise<Set<string>>;
  /** Stored results of one kind for these markets, without values, newest first. */
  cachedInfo(kind: string, markets: readonly string[]): Promise<CachedResultInfo[]>;
  /** Per market, the spec hash of the newest run in which it succeeded. */
  lastGoodSpecs(): Promise<Map<string, string>>;
  /** Newest runs first, with task counts. */
  runSummaries(limit: number): Promise<RunSummary[]>;
  close(): Promise<void>;
}
