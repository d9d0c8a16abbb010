/**
 * The forecast job: the task runners that give each plan task its meaning, and the function
 * that runs a whole plan against a store (DESIGN §2, execute + report).
 *
 * Runners are small and read their inputs from their dependencies' outcomes, so the same
 * runners can later be called from a worker pool or a queue.
 */
import type { Plan, Task } from '../plan/plan.ts';
import { executeInline, errorMessage, type Outcomes, type Runners, type TaskOutcome } from './inline.ts';
import type { CandidateScore, Finding, ForecastRow, MarketResult, RunStatus, Store } from '../store/store.ts';
import type { RawObservation, Series } from '../store/series.ts';
import { readCsvSource } from '../store/csv.ts';
import { addWeeks } from '../store/periods.ts';
import { checkInput } from '../adjust/qa.ts';
import { prepareSeries, type PreparedSeries } from '../adjust/disruptions.ts';
import { crossValidate, fitAndForecast } from '../evaluate/cv.ts';
import { periodOf } from './frequency.ts';
import { findSource, sourceFile, type Project, type MarketSpec } from '../spec/project.ts';
import type { RunReport } from '../../reports/model.ts';
import { writeRunReport } from '../../reports/report.ts';

export interface JobContext {
  readonly project: Project;
  readonly store: Store;
  readonly runId: string;
  readonly startedAt: string;
  readonly mode: string;
}

export interface JobResult {
  readonly status: RunStatus;
  readonly results: readonly MarketResult[];
  readonly outcomes: ReadonlyMap<string, TaskOutcome>;
  readonly reportPath: string | null;
  readonly latestUpdated: boolean;
}

export interface JobHooks {
  onTaskDone?(task: Task, outcome: TaskOutcome, done: number, total: number): void;
}

/** Smallest training window the CV accepts, in seasonal periods. */
const MIN_TRAIN_SEASONS = 2;

export async function runJob(plan: Plan, ctx: JobContext, hooks: JobHooks = {}): Promise<JobResult> {
  const markets = new Map(ctx.project.markets.map((m) => [m.id, m]));
  const findings = new Map<string, Finding[]>(plan.markets.map((m) => [m, []]));
  const marketOf = (task: Task): MarketSpec => markets.get(task.market!)!;
  const valueOf = <T>(outcomes: Outcomes, id: string): T => outcomes.get(id)!.value as T;
  let results: MarketResult[] = [];
  let status: RunStatus = 'failed';
  let reportPath: string | null = null;
  let latestUpdated = false;

  const runners: Runners = {
    async ingest(task) {
      const market = marketOf(task);
      // Refuse what the runtime cannot do yet instead of producing a wrong forecast.
      if (market.workstream !== 'mature') throw new Error(notYetSupported('workstream', market.workstream, 'mature'));
      if (market.series.frequency !== 'weekly') throw new Error(notYetSupported('series.frequency', market.series.frequency, 'weekly'));
      const source = findSource(ctx.project, market.series.source)!;
      return readCsvSource({
        path: sourceFile(ctx.project, market),
        periodColumn: source.period.column,
        periodFormat: source.period.format,
        valueColumn: market.series.column,
      });
    },
    async qa(task, outcomes) {
      const market = marketOf(task);
      const raw = valueOf<RawObservation[]>(outcomes, `ingest:${market.id}`);
      const period = periodOf(market.series.frequency);
      const { horizon, folds, step } = market.evaluation;
      const minLength = MIN_TRAIN_SEASONS * period + horizon + (folds - 1) * step;
      const checked = checkInput(raw, { market: market.id, minLength });
      findings.get(market.id)!.push(...checked.findings);
      if (!checked.series) {
        const errors = checked.findings.filter((f) => f.severity === 'error');
        throw new Error(`input QA found ${errors.length} error(s): ${errors.map((f) => f.message).join('; ')}`);
      }
      await ctx.store.putActuals(checked.series);
      return checked.series;
    },
    async prepare(task, outcomes) {
      const market = marketOf(task);
      const series = valueOf<Series>(outcomes, `qa:${market.id}`);
      const prepared = prepareSeries(series, market.disruptions);
      findings.get(market.id)!.push(...prepared.findings);
      return prepared;
    },
    async tune(task, outcomes) {
      const market = marketOf(task);
      const candidate = market.models[task.candidate!]!;
      const { series } = valueOf<PreparedSeries>(outcomes, `prepare:${market.id}`);
      const period = periodOf(market.series.frequency);
      const { horizon, folds, step, metric } = market.evaluation;
      // A candidate that cannot be fitted is a result (shown on the leaderboard), not a task failure.
      try {
        const cv = crossValidate(candidate.family, candidate.params, series.values, { period }, {
          horizon,
          folds,
          step,
          minTrain: MIN_TRAIN_SEASONS * period,
        });
        return { family: candidate.family, params: candidate.params, metric, meanError: cv.meanError, foldErrors: cv.foldErrors } satisfies CandidateScore;
      } catch (err) {
        return { family: candidate.family, params: candidate.params, metric, meanError: null, foldErrors: [], error: errorMessage(err) } satisfies CandidateScore;
      }
    },
    async select(task, outcomes) {
      const scores = task.deps.map((id) => valueOf<CandidateScore>(outcomes, id));
      let best = -1;
      scores.forEach((s, i) => {
        if (s.meanError !== null && (best < 0 || s.meanError < scores[best]!.meanError!)) best = i;
      });
      if (best < 0) {
        throw new Error(`every candidate failed: ${scores.map((s) => `${s.family}: ${s.error}`).join('; ')}`);
      }
      return { scores, best };
    },
    async apply(task, outcomes) {
      const market = marketOf(task);
      const { series } = valueOf<PreparedSeries>(outcomes, `prepare:${market.id}`);
      const { scores, best } = valueOf<{ scores: CandidateScore[]; best: number }>(outcomes, `select:${market.id}`);
      const chosen = scores[best]!;
      const period = periodOf(market.series.frequency);
      const h = market.forecast.horizon;
      const levels = [80, 95];
      const fc = fitAndForecast(chosen.family, chosen.params, series.values, { period }, h, levels);
      const last = series.periods[series.periods.length - 1]!;
      const rows: ForecastRow[] = [];
      for (let i = 0; i < h; i++) {
        rows.push({
          period: addWeeks(last, i + 1),
          mean: fc.mean[i]!,
          lower80: fc.intervals[0]!.lower[i]!,
          upper80: fc.intervals[0]!.upper[i]!,
          lower95: fc.intervals[1]!.lower[i]!,
          upper95: fc.intervals[1]!.upper[i]!,
        });
      }
      return { chosen: { family: chosen.family, params: chosen.params }, rows };
    },
    async publish(_task, outcomes) {
      results = plan.markets.map((m) => collectMarketResult(m, outcomes, findings.get(m)!));
      const failed = results.filter((r) => r.status === 'failed').length;
      status = failed === 0 ? 'succeeded' : failed < results.length ? 'partial' : 'failed';
      await ctx.store.finishRun(ctx.runId, new Date().toISOString(), status, results);
      return status;
    },
    async report() {
      const report = await buildRunReport(ctx, ctx.runId);
      // Only a fully successful run becomes "latest": a partial run keeps the last good report in place.
      const written = await writeRunReport(report, ctx.project.outputDir, { updateLatest: status === 'succeeded' });
      reportPath = written.indexHtml;
      latestUpdated = status === 'succeeded';
      return written;
    },
  };

  const outcomes = await executeInline(plan, runners, hooks);
  const publish = outcomes.get('publish');
  if (publish?.status !== 'succeeded') {
    throw new Error(`publishing the run failed: ${publish?.error ?? 'not run'}`);
  }
  return { status, results, outcomes, reportPath, latestUpdated };
}

function collectMarketResult(market: string, outcomes: Outcomes, findings: readonly Finding[]): MarketResult {
  const candidates = [...outcomes.values()]
    .filter((o) => o.id.startsWith(`tune:${market}:`) && o.status === 'succeeded')
    .map((o) => o.value as CandidateScore);
  const apply = outcomes.get(`apply:${market}`)!;
  if (apply.status === 'succeeded') {
    const value = apply.value as { chosen: MarketResult['chosen']; rows: ForecastRow[] };
    return { market, status: 'succeeded', findings, candidates, chosen: value.chosen, forecast: value.rows };
  }
  return { market, status: 'failed', error: rootCause(market, outcomes), findings, candidates, forecast: [] };
}

/** The first failed task of a market, in plan order: that is what the user must fix. */
function rootCause(market: string, outcomes: Outcomes): string {
  for (const o of outcomes.values()) {
    if (o.status === 'failed' && o.id.split(':')[1] === market) return `${o.id.split(':')[0]} failed: ${o.error}`;
  }
  return 'not run';
}

/** Assemble the report view model of a stored run (used after a run, and by `forecast report`). */
export async function buildRunReport(ctx: Pick<JobContext, 'project' | 'store'>, runId: string): Promise<RunReport> {
  const run = await ctx.store.getRun(runId);
  if (!run) throw new Error(`Run "${runId}" is not in the store.`);
  const results = await ctx.store.getResults(runId);
  const specs = new Map(ctx.project.markets.map((m) => [m.id, m]));
  const markets = await Promise.all(
    results.map(async (r) => {
      const spec = specs.get(r.market);
      const actuals = await ctx.store.getActuals(r.market);
      return {
        id: r.market,
        name: spec?.name ?? r.market,
        country: spec?.country ?? '',
        metric: spec?.series.metric ?? 'value',
        status: r.status,
        ...(r.error !== undefined ? { error: r.error } : {}),
        actuals: actuals ? actuals.periods.map((period, i) => ({ period, value: actuals.values[i]! })) : [],
        forecast: r.forecast,
        ...(r.chosen ? { chosen: r.chosen } : {}),
        candidates: r.candidates,
        findings: r.findings,
      };
    }),
  );
  return {
    runId,
    projectName: ctx.project.name,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    status: run.status,
    markets,
  };
}

function notYetSupported(key: string, value: string, supported: string): string {
  return `${key} "${value}" is not supported by this version of the runtime yet (only "${supported}"); the market is not forecast.`;
}
