/**
 * `forecast plan`: what a run would do, without doing it. Prints a summary (tasks by kind, model
 * fits to run, tasks reused from earlier runs, why each market is or is not re-tuned); `--out`
 * writes the plan artifact that `forecast run plan.json` executes.
 *
 * `--base <git-ref>` compares the plan of the specs at that ref with the working tree's, for pull
 * requests: markets added, removed or changed (which keys), tasks that will re-run, model fits.
 * `--detailed-exitcode`: 0 no changes, 2 changes, 1 error.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { collect, projectDir } from '../options.ts';
import { loadProject, type Project } from '../../spec/project.ts';
import { allFamilies } from '../../models/registry.ts';
import { formatText } from '../../spec/diagnostic.ts';
import { CACHEABLE_KINDS, parseSelector, planRun, PlanError, type Mode, type Plan, type PlanState } from '../../plan/plan.ts';
import { writePlanFile } from '../../plan/artifact.ts';
import { loadPlanState, readAllMarketData } from '../../plan/state.ts';
import { diffPlans, formatDiff } from '../../plan/diff.ts';
import { loadProjectAtRef } from '../../plan/git.ts';
import { OUTPUT_FORMATS, summarizePlan, type OutputFormat } from '../../plan/summary.ts';
import { openStore } from '../../store/open.ts';
import { UserError } from '../errors.ts';
import { parseChoice, parseMode } from './run.ts';

export interface PlanCommandOptions {
  readonly project: string;
  readonly select: readonly string[];
  readonly mode?: Mode | undefined;
  readonly force?: boolean;
  readonly report?: boolean;
  readonly out?: string | undefined;
  readonly format?: OutputFormat;
  readonly base?: string | undefined;
  readonly detailedExitcode?: boolean;
}

export async function planCommand(options: PlanCommandOptions): Promise<number> {
  for (const s of options.select) guard(() => parseSelector(s));
  const root = path.resolve(options.project);
  const { project, diagnostics } = await loadProject(root, { families: allFamilies() });
  for (const d of diagnostics) process.stderr.write(`${formatText(d)}\n`);
  if (!project) throw new UserError('the specs have errors (listed above); no plan was made.');
  const planOptions = { select: options.select, ...(options.mode ? { mode: options.mode } : {}), force: options.force === true, report: options.report !== false };
  const format = options.format ?? 'text';

  if (options.base !== undefined) {
    // Both sides are planned as a fresh checkout would (nothing stored), with the same code and
    // data, so that every difference comes from the specs.
    const base = await loadProjectAtRef(root, options.base, { families: allFamilies() });
    if (!base.project) {
      for (const d of base.diagnostics) process.stderr.write(`${options.base}: ${formatText(d)}\n`);
      throw new UserError(`the specs at ${options.base} have errors (listed above); cannot compare.`);
    }
    const now = new Date();
    const headState = await loadPlanState(project, { store: null, now });
    const baseState = await loadPlanState(base.project, { store: null, now });
    const head = guard(() => planRun(project, headState, planOptions));
    const basePlan = guardBase(options.base, () => planRun(base.project!, baseState, planOptions));
    const diff = diffPlans({ plan: basePlan, project: base.project }, { plan: head, project }, options.base);
    process.stdout.write(formatDiff(diff, format));
    if (options.out !== undefined) await writePlanFile(path.resolve(options.out), head);
    return options.detailedExitcode ? (diff.changed ? 2 : 0) : 0;
  }

  const state = await stateWithStore(project);
  const plan = guard(() => planRun(project, state, planOptions));
  process.stdout.write(summarizePlan(plan, format));
  if (options.out !== undefined) {
    await writePlanFile(path.resolve(options.out), plan);
    if (format !== 'json') process.stdout.write(`plan written to ${options.out}; run it with \`forecast run ${options.out}\`\n`);
  }
  return options.detailedExitcode ? (hasWork(plan) ? 2 : 0) : 0;
}

/** Whether the plan runs anything besides publishing and reporting. */
function hasWork(plan: Plan): boolean {
  return plan.tasks.some((t) => CACHEABLE_KINDS.has(t.kind) && t.action === 'run');
}

/**
 * The planning state with what the store knows. Planning must not create a store, and must not
 * fail because a run holds it (DuckDB lets one process open the file): then plan as if nothing
 * were stored, and say so.
 */
async function stateWithStore(project: Project): Promise<PlanState> {
  const data = await readAllMarketData(project);
  if (project.storePath === null || !existsSync(project.storePath)) return loadPlanState(project, { store: null, data });
  let store;
  try {
    store = await openStore(project);
  } catch (err) {
    process.stderr.write(`warning: cannot read the store (${(err as Error).message}); planning as if nothing were stored\n`);
    return loadPlanState(project, { store: null, data });
  }
  try {
    return await loadPlanState(project, { store, data });
  } finally {
    await store.close();
  }
}

function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof PlanError) throw new UserError(err.message);
    throw err;
  }
}

function guardBase<T>(ref: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof PlanError) throw new UserError(`at ${ref}: ${err.message}`);
    throw err;
  }
}

export function register(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('plan')
    .description('Show what a run would do (tasks, model fits, what is reused); write the plan with --out; compare with a git ref with --base')
    .option('-s, --select <selector>', 'select markets: market:<id>, tag:<tag>, workstream:<name>, changed; a + suffix adds dependents (repeatable)', collect, [] as string[])
    .option('--mode <mode>', 'weekly (default) or tune; see `forecast run --help`', parseMode)
    .option('--force', 'plan to reuse nothing')
    .option('--no-report', 'leave the report task out of the plan')
    .option('-o, --out <file>', 'write the plan artifact (JSON) for `forecast run <file>`')
    .option('--format <format>', `output as ${OUTPUT_FORMATS.join(', ')} (default text)`, parseChoice('--format', OUTPUT_FORMATS))
    .option('--base <git-ref>', 'compare with the specs at this git ref (read with git show, no checkout) and print what differs')
    .option('--detailed-exitcode', 'exit 0 when nothing changes (nothing to run, or no difference with --base), 2 when something does, 1 on error')
    .action(
      async (
        opts: { select: string[]; mode?: Mode; force?: boolean; report: boolean; out?: string; format?: OutputFormat; base?: string; detailedExitcode?: boolean },
        cmd: Command,
      ) => {
        setExitCode(
          await planCommand({
            project: projectDir(cmd),
            select: opts.select,
            mode: opts.mode,
            force: opts.force === true,
            report: opts.report,
            out: opts.out,
            ...(opts.format ? { format: opts.format } : {}),
            base: opts.base,
            detailedExitcode: opts.detailedExitcode === true,
          }),
        );
      },
    );
}
