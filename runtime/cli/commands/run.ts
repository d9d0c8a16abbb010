/**
 * `forecast run [plan.json]`: plan (or read a plan, or resume a run), execute against the store,
 * publish, report. Exit 0 when every market was forecast, 1 otherwise (and for errors).
 */
import type { Command } from 'commander';
import { collect, projectDir } from '../options.ts';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { loadProject, type Project } from '../../spec/project.ts';
import { allFamilies } from '../../models/registry.ts';
import { formatText } from '../../spec/diagnostic.ts';
import { unsupportedKeys } from '../../spec/unsupported.ts';
import { countPlan, MODES, parseSelector, planRun, PlanError, type Mode, type Plan } from '../../plan/plan.ts';
import { parsePlan, readPlanFile, serializePlan, staleness } from '../../plan/artifact.ts';
import { loadPlanState, readAllMarketData } from '../../plan/state.ts';
import { codeVersion } from '../../plan/code-version.ts';
import { openStore } from '../../store/open.ts';
import type { Store } from '../../store/store.ts';
import { runJob, type JobResult } from '../../execute/job.ts';
import { createExecutor, defaultThreads, EXECUTOR_KINDS, type ExecutorKind } from '../../execute/executor.ts';
import { buildRunResults, runArtifactsDir, serializeRunResults, writeRunArtifact } from '../../execute/results.ts';
import { UserError } from '../errors.ts';
import { createProgress, LOG_FORMATS, type LogFormat } from '../progress.ts';

export interface RunOptions {
  readonly project: string;
  /** A plan file made by `forecast plan --out`; runs exactly that plan. */
  readonly planFile?: string | undefined;
  readonly select: readonly string[];
  readonly mode?: Mode | undefined;
  readonly force?: boolean;
  readonly resume?: string | undefined;
  readonly executor?: ExecutorKind;
  readonly workers?: number | undefined;
  readonly report?: boolean;
  readonly quiet: boolean;
  readonly logFormat?: LogFormat;
}

/** A sortable, unique run id: UTC timestamp plus a random suffix. */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

export async function runCommand(options: RunOptions): Promise<number> {
  const started = performance.now();
  const json = options.logFormat === 'json';
  const planOptions = options.select.length > 0 || options.mode !== undefined || options.force === true || options.report === false;
  if (options.planFile !== undefined && (planOptions || options.resume !== undefined)) {
    throw new UserError('a plan file fixes the selection, mode, reuse and report; --select, --mode, --force, --no-report and --resume cannot be combined with it.');
  }
  if (options.resume !== undefined && planOptions) {
    throw new UserError('--resume runs the plan of the resumed run; --select, --mode, --force and --no-report cannot be combined with it.');
  }
  for (const s of options.select) asUserError(() => parseSelector(s));

  const { project, diagnostics } = await loadProject(path.resolve(options.project), { families: allFamilies() });
  for (const d of diagnostics) process.stderr.write(`${formatText(d)}\n`);
  if (!project) throw new UserError('the specs have errors (listed above); nothing was run.');

  const store = await open(project);
  try {
    const now = new Date();
    const interrupted = await store.interruptRunningRuns(now.toISOString(), 'interrupted: the process stopped before the run finished');
    if (interrupted.length > 0 && !options.quiet) {
      process.stderr.write(`note: run(s) ${interrupted.join(', ')} did not finish (the process stopped); resume with \`forecast run --resume <run-id>\`\n`);
    }

    let plan: Plan;
    let finished: Map<string, string> | undefined;
    if (options.planFile !== undefined) {
      plan = await asUserError(() => readPlanFile(path.resolve(options.planFile!), options.planFile));
      const reasons = await stalenessNow(plan, project);
      if (reasons.length > 0) {
        throw new UserError(`${options.planFile} is stale and was not run: ${reasons.join('; ')}. Make a new plan with \`forecast plan --out ${options.planFile}\`.`);
      }
    } else if (options.resume !== undefined) {
      ({ plan, finished } = await resumePlan(store, project, options.resume));
    } else {
      const state = await loadPlanState(project, { store, now });
      plan = await asUserError(() => planRun(project, state, { select: options.select, ...(options.mode ? { mode: options.mode } : {}), force: options.force === true, report: options.report !== false }));
    }
    if (plan.markets.length === 0) {
      process.stdout.write(`nothing to run: ${options.select.length ? `the selection (${options.select.join(' ')}) matched no market` : 'the plan has no market'}\n`);
      return 0;
    }

    // Keys the spec accepts before their runtime exists: say so for each market that uses one.
    const inPlan = new Set(plan.markets.map((m) => m.id));
    for (const m of project.markets) {
      if (!inPlan.has(m.id)) continue;
      for (const key of unsupportedKeys(m)) {
        const effect = key === 'workstream' ? `workstream "${m.workstream}" is refused at ingest` : 'it is ignored';
        process.stderr.write(`warning: market ${m.id} uses ${key}, which this runtime does not support yet: ${effect}\n`);
      }
    }

    const runId = newRunId(now);
    const startedAt = now.toISOString();
    await store.startRun({
      runId,
      startedAt,
      finishedAt: null,
      status: 'running',
      mode: plan.mode,
      markets: plan.markets.length,
      failedMarkets: 0,
      ...(options.resume !== undefined ? { resumedFrom: options.resume } : {}),
    });
    const planText = serializePlan(plan);
    await store.putRunPlan(runId, planText);
    const artifacts = runArtifactsDir(project, runId);
    await writeRunArtifact(artifacts, 'plan.json', planText);

    const executor = createExecutor({ kind: options.executor ?? 'pool', ...(options.workers !== undefined ? { threads: options.workers } : {}) });
    const counts = countPlan(plan);
    const progress = createProgress({ quiet: options.quiet, format: options.logFormat ?? 'text', markets: plan.markets.length });
    progress.start({
      runId,
      markets: plan.markets.length,
      tasks: plan.tasks.length,
      toRun: counts.toRun,
      fits: counts.fitsToRun,
      executor: executor.kind === 'pool' ? `pool (${executor.threads} worker threads)` : 'inline',
    });
    let job: JobResult | null = null;
    let failure: unknown = null;
    try {
      job = await runJob(plan, { project, store, runId, startedAt, executor, ...(finished ? { finished } : {}) }, {
        onTaskDone: (t, o, p) => progress.onTaskDone(t, o, p),
        onMarketDone: (d) => progress.onMarketDone(d),
      });
    } catch (err) {
      failure = err;
    } finally {
      progress.stop();
      await executor.close();
    }
    if (failure !== null) {
      // The run has no results: say why in its record, so `forecast runs` shows it.
      await store.interruptRunningRuns(new Date().toISOString(), `failed: ${failure instanceof Error ? failure.message : String(failure)}`);
    }

    const seconds = (performance.now() - started) / 1000;
    const run = (await store.getRun(runId))!;
    const tasks = await store.getTaskRecords(runId);
    const results = job?.results ?? [];
    const runResults = buildRunResults({ run, project: project.name, plannedTasks: plan.tasks.length, elapsedSeconds: seconds, executor: { kind: executor.kind, threads: executor.threads }, results, tasks });
    const resultsFile = await writeRunArtifact(artifacts, 'run_results.json', serializeRunResults(runResults));
    if (failure !== null) throw failure;
    const done = job!;

    if (json) {
      process.stdout.write(`${JSON.stringify({ event: 'summary', ...runResults, tasks: undefined, reportPath: done.reportPath, latestUpdated: done.latestUpdated, runResults: resultsFile })}\n`);
      return done.status === 'succeeded' ? 0 : 1;
    }
    const failed = results.filter((r) => r.status === 'failed');
    const c = runResults.counts;
    process.stdout.write(`run ${runId}: ${done.status}, ${results.length - failed.length}/${results.length} markets forecast in ${seconds.toFixed(1)}s (mode ${plan.mode})\n`);
    process.stdout.write(
      `  tasks: ${c.tasks.succeeded} ran, ${c.tasks.reused} reused, ${c.tasks.failed} failed, ${c.tasks.skipped} skipped; ${c.fits} model fits${c.fits > 0 ? ` (${(c.fits / seconds).toFixed(1)}/s)` : ''}\n`,
    );
    for (const r of failed) process.stdout.write(`  failed: ${r.market}: ${r.error}\n`);
    for (const r of results) if (r.fallback) process.stdout.write(`  fallback: ${r.market}: forecast with ${r.chosen?.family ?? 'the fallback model'} because ${r.fallback.reason}\n`);
    const warnings = results.reduce((n, r) => n + r.findings.filter((f) => f.severity === 'warning').length, 0);
    if (warnings > 0) process.stdout.write(`  ${warnings} QA warning(s): see the report\n`);
    if (done.reportPath) {
      process.stdout.write(`report: ${relative(done.reportPath)}\n`);
      if (!done.latestUpdated) process.stdout.write(`  (not marked latest: the last good report stays in place)\n`);
    } else if (plan.tasks.some((t) => t.kind === 'report')) {
      const report = done.outcomes.get('report');
      process.stdout.write(`report: not written (${report?.error ?? 'skipped'})\n`);
    }
    process.stdout.write(`run results: ${relative(resultsFile)}\n`);
    return done.status === 'succeeded' ? 0 : 1;
  } finally {
    await store.close();
  }
}

async function open(project: Project): Promise<Store> {
  try {
    return await openStore(project);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
}

/** Why a plan no longer matches the project, its data or the code (empty: it still does). */
async function stalenessNow(plan: Plan, project: Project): Promise<string[]> {
  const ids = new Set(plan.markets.map((m) => m.id));
  const data = await readAllMarketData(project, project.markets.filter((m) => ids.has(m.id)));
  return staleness(plan, project, { codeVersion: await codeVersion(), data: new Map([...data].map(([id, d]) => [id, d.state])) });
}

async function resumePlan(store: Store, project: Project, runId: string): Promise<{ plan: Plan; finished: Map<string, string> }> {
  const run = await store.getRun(runId);
  if (!run) {
    const recent = (await store.listRuns()).slice(0, 5).map((r) => r.runId);
    throw new UserError(`run "${runId}" is not in the store.${recent.length ? ` Recent runs: ${recent.join(', ')}.` : ''}`);
  }
  if (run.status === 'succeeded') throw new UserError(`run ${runId} succeeded; there is nothing to resume.`);
  const text = await store.getRunPlan(runId);
  if (text === null) throw new UserError(`run ${runId} has no stored plan (it was made by an older version); start a new run.`);
  const plan = asUserErrorSync(() => parsePlan(text, `the plan of run ${runId}`));
  const reasons = await stalenessNow(plan, project);
  if (reasons.length > 0) throw new UserError(`run ${runId} cannot be resumed: ${reasons.join('; ')}. Start a new run instead.`);
  const finished = new Map<string, string>();
  for (const r of await store.getTaskRecords(runId)) {
    if ((r.status === 'succeeded' || r.status === 'reused') && r.key !== null) finished.set(r.taskId, r.key);
  }
  return { plan, finished };
}

function relative(p: string): string {
  return path.relative(process.cwd(), p) || p;
}

function asUserErrorSync<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof PlanError) throw new UserError(err.message);
    throw err;
  }
}

async function asUserError<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof PlanError) throw new UserError(err.message);
    throw err;
  }
}

/** `--mode`: weekly or tune (`forecast`, the schedules' name for weekly, is accepted too). */
export function parseMode(value: string): Mode {
  const mode = value === 'forecast' ? 'weekly' : value;
  if (!(MODES as readonly string[]).includes(mode)) throw new UserError(`--mode must be one of ${MODES.join(', ')}, got "${value}"`);
  return mode as Mode;
}

export function parseChoice<T extends string>(option: string, allowed: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(allowed as readonly string[]).includes(value)) throw new UserError(`${option} must be one of ${allowed.join(', ')}, got "${value}"`);
    return value as T;
  };
}

export function parsePositiveInt(option: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new UserError(`${option} must be a positive integer, got "${value}"`);
    return n;
  };
}

export function register(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('run')
    .description('Run the forecast: plan and execute (or run a saved plan, or resume a run), store the results, write the report')
    .argument('[plan]', 'a plan file from `forecast plan --out`: run exactly that plan (refused if the specs or data changed since)')
    .option('-s, --select <selector>', 'select markets: market:<id>, tag:<tag>, workstream:<name>, changed; a + suffix adds dependents (repeatable)', collect, [] as string[])
    .option('--mode <mode>', 'weekly: reuse each market\'s last selection unless its spec or data history changed or it is older than search.maxAgeDays; tune: re-tune every selected market (default weekly)', parseMode)
    .option('--force', 'reuse nothing: run every task again')
    .option('--resume <run-id>', 'run again only what the given run did not finish')
    .option('--executor <kind>', `where data and model tasks run: ${EXECUTOR_KINDS.join(' or ')} (default pool: worker threads)`, parseChoice('--executor', EXECUTOR_KINDS))
    .option('--workers <n>', `worker threads of the pool (default one per core: ${defaultThreads()})`, parsePositiveInt('--workers'))
    .option('--no-report', 'store the run but do not render the HTML report')
    .option('-q, --quiet', 'print only the summary and errors')
    .option('--log-format <format>', `progress and summary as ${LOG_FORMATS.join(' or ')} (default text)`, parseChoice('--log-format', LOG_FORMATS))
    .action(
      async (
        planFile: string | undefined,
        opts: { select: string[]; mode?: Mode; force?: boolean; resume?: string; executor?: ExecutorKind; workers?: number; report: boolean; quiet?: boolean; logFormat?: LogFormat },
        cmd: Command,
      ) => {
        setExitCode(
          await runCommand({
            project: projectDir(cmd),
            planFile,
            select: opts.select,
            mode: opts.mode,
            force: opts.force === true,
            resume: opts.resume,
            ...(opts.executor ? { executor: opts.executor } : {}),
            workers: opts.workers,
            report: opts.report,
            quiet: opts.quiet === true,
            ...(opts.logFormat ? { logFormat: opts.logFormat } : {}),
          }),
        );
      },
    );
}
