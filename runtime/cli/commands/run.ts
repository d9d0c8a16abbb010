/** `forecast run`: load and validate the specs, plan, execute against the store, report. */
import type { Command } from 'commander';
import { collect, projectDir } from '../options.ts';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { loadProject } from '../../spec/project.ts';
import { allFamilies } from '../../models/registry.ts';
import { formatText } from '../../spec/diagnostic.ts';
import { planRun, PlanError } from '../../plan/plan.ts';
import { openStore } from '../../store/open.ts';
import { runJob } from '../../execute/job.ts';
import { UserError } from '../errors.ts';
import { createProgress } from '../progress.ts';

export interface RunOptions {
  readonly project: string;
  readonly select: readonly string[];
  readonly quiet: boolean;
}

/** A sortable, unique run id: UTC timestamp plus a random suffix. */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

export async function runCommand(options: RunOptions): Promise<number> {
  const started = performance.now();
  const { project, diagnostics } = await loadProject(path.resolve(options.project), { families: allFamilies() });
  for (const d of diagnostics) process.stderr.write(`${formatText(d)}\n`);
  if (!project) throw new UserError('the specs have errors (listed above); nothing was run.');

  let plan;
  try {
    plan = planRun(project, { select: options.select });
  } catch (err) {
    if (err instanceof PlanError) throw new UserError(err.message);
    throw err;
  }

  const store = await openStore(project);
  try {
    const runId = newRunId();
    const startedAt = new Date().toISOString();
    await store.startRun({ runId, startedAt, finishedAt: null, status: 'running', mode: 'manual', markets: plan.markets.length, failedMarkets: 0 });
    const progress = createProgress({ quiet: options.quiet, total: plan.tasks.length, markets: plan.markets.length });
    progress.start(runId);
    const job = await runJob(plan, { project, store, runId, startedAt, mode: 'manual' }, { onTaskDone: progress.onTaskDone });
    progress.stop();

    const failed = job.results.filter((r) => r.status === 'failed');
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(`run ${runId}: ${job.status}, ${job.results.length - failed.length}/${job.results.length} markets forecast in ${seconds}s\n`);
    for (const r of failed) process.stdout.write(`  failed: ${r.market}: ${r.error}\n`);
    const warnings = job.results.reduce((n, r) => n + r.findings.filter((f) => f.severity === 'warning').length, 0);
    if (warnings > 0) process.stdout.write(`  ${warnings} QA warning(s): see the report\n`);
    if (job.reportPath) {
      process.stdout.write(`report: ${path.relative(process.cwd(), job.reportPath) || job.reportPath}\n`);
      if (!job.latestUpdated) process.stdout.write(`  (not marked latest: the last good report stays in place)\n`);
    } else {
      const report = job.outcomes.get('report');
      process.stdout.write(`report: not written (${report?.error ?? 'skipped'})\n`);
    }
    return job.status === 'succeeded' ? 0 : 1;
  } finally {
    await store.close();
  }
}

export function register(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('run')
    .description('Run the forecast for all markets, or the selected ones')
    .option('-s, --select <selector>', 'select markets, e.g. market:sv (repeatable)', collect, [] as string[])
    .option('-q, --quiet', 'print only the summary and errors')
    .action(async (opts: { select: string[]; quiet?: boolean }, cmd: Command) => {
      setExitCode(await runCommand({ project: projectDir(cmd), select: opts.select, quiet: opts.quiet === true }));
    });
}
