/**
 * The work of a run's data and model tasks as plain functions of plain data, so that the same
 * code runs in a worker thread (pool executor, `worker.mjs`) and in the main thread (inline
 * executor). Inputs cross to workers by structured clone, the series as transferred typed arrays.
 *
 * Reading, checking and cleaning the data run here too, not only model fitting: parsing a few
 * hundred CSV files is seconds of work, and on the main thread it would compete with the
 * workers for the cores while they fit.
 *
 * Each model job maps to one pipeline stage (runtime/evaluate/pipeline.ts): tune -> tuneChunk,
 * holdout -> checkHoldout, apply -> forecastChoice.
 */
import { checkHoldout, forecastChoice, tuneChunk, type Choice, type EvaluationSettings, type HoldoutResult } from '../evaluate/pipeline.ts';
import type { FitContext, Forecast, ModelParams, RegressorCalendar } from '../models/contract.ts';
import type { CandidateScore, Finding } from '../store/store.ts';
import type { RawObservation, Series } from '../store/series.ts';
import { readCsvSource, type CsvSource } from '../store/csv.ts';
import { checkInput } from '../adjust/qa.ts';
import { prepareSeries, type DisruptionWindow, type PreparedSeries } from '../adjust/disruptions.ts';
import { prepareFamilies } from '../models/registry.ts';
import { buildRegressorCalendar, type EventSpec } from '../holidays/calendar.ts';
import { canonicalJson } from '../plan/hash.ts';

/**
 * What a model may know besides the values, in a form that crosses threads: the calendar is
 * described (country, events), not built, because a RegressorCalendar holds functions.
 */
export interface SeriesContext {
  readonly period: number;
  /** First day of each period of y. */
  readonly periods: readonly string[];
  /** 1 where a disruption window excludes the period from scoring (aligned with y). */
  readonly excluded?: Uint8Array;
  readonly country: string | null;
  readonly events: readonly EventSpec[];
}

export interface IngestJob {
  readonly kind: 'ingest';
  readonly source: CsvSource;
  /** series.start: rows before it are dropped (rows without a readable period stay, for QA). */
  readonly start: string | null;
}

export interface QaJob {
  readonly kind: 'qa';
  readonly market: string;
  readonly raw: readonly RawObservation[];
  readonly minLength: number;
}

export interface PrepareJob {
  readonly kind: 'prepare';
  readonly series: Series;
  readonly disruptions: readonly DisruptionWindow[];
}

export interface TuneJob {
  readonly kind: 'tune';
  readonly family: string;
  readonly paramSets: readonly ModelParams[];
  /** The cleaned series (a private copy: its buffer is transferred to the worker). */
  readonly y: Float64Array;
  readonly ctx: SeriesContext;
  readonly ev: EvaluationSettings;
  /** Epoch milliseconds after which no further parameter set is started. */
  readonly deadline: number;
}

export interface HoldoutJob {
  readonly kind: 'holdout';
  readonly y: Float64Array;
  readonly ctx: SeriesContext;
  readonly top: readonly CandidateScore[];
  readonly ev: EvaluationSettings;
}

export interface ApplyJob {
  readonly kind: 'apply';
  readonly y: Float64Array;
  readonly ctx: SeriesContext;
  readonly choice: Choice;
  readonly h: number;
  readonly levels: readonly number[];
}

export type ComputeJob = IngestJob | QaJob | PrepareJob | TuneJob | HoldoutJob | ApplyJob;

export type ComputeResult =
  | { readonly kind: 'ingest'; readonly raw: RawObservation[]; readonly fits: 0 }
  /** QA errors are a result (with every finding), not an exception: findings must reach the market's result. */
  | { readonly kind: 'qa'; readonly series: Series | null; readonly findings: Finding[]; readonly fits: 0 }
  | { readonly kind: 'prepare'; readonly prepared: PreparedSeries; readonly fits: 0 }
  | { readonly kind: 'tune'; readonly scores: CandidateScore[]; readonly fits: number }
  | { readonly kind: 'holdout'; readonly result: HoldoutResult; readonly fits: number }
  | { readonly kind: 'apply'; readonly forecast: Forecast; readonly fits: number };

export class TaskTimeoutError extends Error {
  override name = 'TaskTimeoutError';
}

export function timeoutMessage(seconds: number): string {
  return `timed out after ${seconds} s (search.taskTimeoutSeconds)`;
}

/** The transferable buffers of a job (sent to a worker without copying; the sender must not use them again). */
export function transferablesOf(job: ComputeJob): ArrayBuffer[] {
  switch (job.kind) {
    case 'ingest':
    case 'qa':
      return [];
    case 'prepare':
      return [job.series.values.buffer as ArrayBuffer];
    default: {
      const out = [job.y.buffer as ArrayBuffer];
      if (job.ctx.excluded) out.push(job.ctx.excluded.buffer as ArrayBuffer);
      return out;
    }
  }
}

// Calendars are built once per thread and market calendar (date-holidays costs milliseconds per
// country and year), and lazily: families that take no regressors never pay for them.
const calendars = new Map<string, RegressorCalendar>();

function lazyCalendar(country: string | null, events: readonly EventSpec[]): RegressorCalendar {
  const id = canonicalJson({ country, events });
  let built: RegressorCalendar | undefined = calendars.get(id);
  const get = (): RegressorCalendar => {
    if (!built) {
      built = buildRegressorCalendar({ country, events });
      calendars.set(id, built);
    }
    return built;
  };
  return {
    get names() {
      return get().names;
    },
    valuesAt: (periodStart: string) => get().valuesAt(periodStart),
  };
}

export function fitContextOf(ctx: SeriesContext): FitContext {
  return {
    period: ctx.period,
    periods: ctx.periods,
    ...(ctx.excluded ? { excluded: ctx.excluded } : {}),
    regressors: lazyCalendar(ctx.country, ctx.events),
  };
}

export async function runCompute(job: ComputeJob): Promise<ComputeResult> {
  switch (job.kind) {
    case 'ingest': {
      const raw = await readCsvSource(job.source);
      const start = job.start;
      return { kind: 'ingest', raw: start === null ? raw : raw.filter((r) => r.period === null || r.period >= start), fits: 0 };
    }
    case 'qa': {
      const checked = checkInput(job.raw, { market: job.market, minLength: job.minLength });
      return { kind: 'qa', series: checked.series, findings: checked.findings, fits: 0 };
    }
    case 'prepare':
      return { kind: 'prepare', prepared: prepareSeries(job.series, job.disruptions), fits: 0 };
    default:
      // WebAssembly that loads asynchronously (Prophet's optimiser) is loaded by the first job
      // that needs it, once per thread; a run of other families never pays for it.
      await prepareFamilies(familiesIn(job));
      return fit(job);
  }
}

function fit(job: TuneJob | HoldoutJob | ApplyJob): ComputeResult {
  const ctx = fitContextOf(job.ctx);
  switch (job.kind) {
    case 'tune': {
      // One parameter set at a time, so that a deadline stops a chunk between fits: the only way
      // to bound a task's time in the inline executor (the pool also terminates the worker).
      const scores: CandidateScore[] = [];
      for (const params of job.paramSets) {
        if (Date.now() > job.deadline) throw new TaskTimeoutError(`stopped after ${scores.length} of ${job.paramSets.length} parameter sets: the deadline passed`);
        scores.push(...tuneChunk(job.y, ctx, { family: job.family, paramSets: [params] }, job.ev));
      }
      return { kind: 'tune', scores, fits: job.paramSets.length * job.ev.folds };
    }
    case 'holdout':
      return { kind: 'holdout', result: checkHoldout(job.y, ctx, job.top, job.ev), fits: job.ev.holdout > 0 ? job.top.length : 0 };
    case 'apply':
      return {
        kind: 'apply',
        forecast: forecastChoice(job.y, ctx, job.choice, job.h, job.levels),
        fits: job.choice.kind === 'ensemble' ? job.choice.members.length : 1,
      };
  }
}

/**
 * Every model family a job names: the tuned candidate's, ensemble members' (inside parameter
 * sets, the top list or the choice), each holdout finalist's.
 */
export function familiesIn(job: TuneJob | HoldoutJob | ApplyJob): Set<string> {
  const names = new Set<string>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) visit(x);
    } else if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'family' && typeof x === 'string') names.add(x);
        else visit(x);
      }
    }
  };
  if (job.kind === 'tune') {
    names.add(job.family);
    visit(job.paramSets);
  } else if (job.kind === 'holdout') {
    visit(job.top);
  } else {
    visit(job.choice);
  }
  return names;
}
