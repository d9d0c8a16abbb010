/** Throwaway projects with generated weekly data, loaded like real ones, and a real DuckDB store. */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadProject, type Project } from '../../runtime/spec/project.ts';
import { allFamilies } from '../../runtime/models/registry.ts';
import { openDuckDbStore } from '../../runtime/store/duckdb.ts';
import type { Store } from '../../runtime/store/store.ts';
import { loadPlanState } from '../../runtime/plan/state.ts';
import { planRun, type Plan, type PlanOptions } from '../../runtime/plan/plan.ts';
import { runJob, type JobHooks, type JobResult } from '../../runtime/execute/job.ts';
import { createInlineExecutor, type Executor } from '../../runtime/execute/executor.ts';

export interface MarketFile {
  readonly id: string;
  /** YAML lines under `spec:` besides id, name, country, workstream, series (indented by two spaces). */
  readonly extra?: readonly string[];
}

export async function makeProject(markets: readonly MarketFile[], weeks = 260): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'forecast-exec-'));
  await mkdir(path.join(dir, 'markets'));
  await mkdir(path.join(dir, 'data'));
  await writeFile(
    path.join(dir, 'forecast.yaml'),
    [
      '# yaml-language-server: $schema=./schema/project.schema.json',
      'apiVersion: forecast/v1',
      'kind: Project',
      'spec:',
      '  name: exec-test',
      '  sources:',
      '    - { name: gen, format: csv, path: "data/{key}.csv", period: { column: week, format: isoweek } }',
      '  output: { dir: out }',
      '',
    ].join('\n'),
  );
  for (const [i, m] of markets.entries()) {
    await writeFile(
      path.join(dir, 'markets', `${m.id}.yaml`),
      [
        '# yaml-language-server: $schema=../schema/market.schema.json',
        'apiVersion: forecast/v1',
        'kind: Market',
        'spec:',
        `  id: ${m.id}`,
        `  name: Market ${m.id}`,
        '  country: SE',
        '  workstream: mature',
        `  series: { metric: units, frequency: weekly, source: gen, key: ${m.id}, column: value }`,
        ...(m.extra ?? ['  models: [{ family: snaive }, { family: mstl }]', '  evaluation: { horizon: 13, folds: 2, step: 13 }']),
        '',
      ].join('\n'),
    );
    await writeData(dir, m.id, weeks, i);
  }
  return dir;
}

/** `weeks` weeks from 2010W01 of a seasonal series with a trend (deterministic per seed). */
export async function writeData(dir: string, key: string, weeks: number, seed = 0): Promise<void> {
  const rows = ['week,value'];
  let year = 2010;
  let week = 1;
  for (let t = 0; t < weeks; t++) {
    const v = (1000 + 50 * seed) * (1 + 0.001 * t) * (1 + 0.2 * Math.sin((2 * Math.PI * t) / 52)) + ((t * 37 + seed * 11) % 13);
    rows.push(`${year}W${String(week).padStart(2, '0')},${v.toFixed(2)}`);
    week++;
    // 2015 has 53 ISO weeks.
    if (week > (year === 2015 ? 53 : 52)) {
      week = 1;
      year++;
    }
  }
  await writeFile(path.join(dir, 'data', `${key}.csv`), `${rows.join('\n')}\n`);
}

export async function load(dir: string): Promise<Project> {
  const { project, diagnostics } = await loadProject(dir, { families: allFamilies() });
  if (!project) throw new Error(diagnostics.map((d) => `${d.file}:${d.line}: ${d.message}`).join('\n'));
  return project;
}

export async function openStore(dir: string): Promise<Store> {
  const store = await openDuckDbStore(path.join(dir, '.forecast', 'forecast.duckdb'));
  await store.init();
  return store;
}

let counter = 0;

/** Plan with the store's state and run the plan; returns the plan and the job's result. */
export async function planAndRun(
  project: Project,
  store: Store,
  options: PlanOptions & { executor?: Executor; edit?: (plan: Plan) => Plan; hooks?: JobHooks; now?: Date } = {},
): Promise<{ plan: Plan; job: JobResult; runId: string }> {
  const now = options.now ?? new Date();
  const state = await loadPlanState(project, { store, now });
  let plan = planRun(project, state, { report: false, ...options });
  if (options.edit) plan = options.edit(plan);
  const runId = `run-${++counter}-${now.getTime()}`;
  await store.startRun({ runId, startedAt: now.toISOString(), finishedAt: null, status: 'running', mode: plan.mode, markets: plan.markets.length, failedMarkets: 0 });
  const executor = options.executor ?? createInlineExecutor();
  try {
    const job = await runJob(plan, { project, store, runId, startedAt: now.toISOString(), executor, now: () => now }, options.hooks ?? {});
    return { plan, job, runId };
  } finally {
    if (!options.executor) await executor.close();
  }
}
