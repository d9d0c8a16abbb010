/**
 * The run-results artifact (`run_results.json`, one per run, next to the store under
 * `runs/<run-id>/` together with the run's `plan.json`): what each task did, with timings and
 * errors, and the markets' outcomes. The same task records are in the store (`forecast runs`);
 * the file is for CI artifacts and tools that do not read DuckDB.
 *
 * Versioned like the plan: a reader rejects another version with a message naming both.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MarketResult, RunRecord, TaskRecord, TaskStatus } from '../store/store.ts';

export const RUN_RESULTS_FORMAT = 'forecast-run-results';
export const RUN_RESULTS_VERSION = 1;

export interface RunResults {
  readonly format: typeof RUN_RESULTS_FORMAT;
  readonly version: typeof RUN_RESULTS_VERSION;
  readonly runId: string;
  readonly project: string;
  readonly mode: string;
  readonly resumedFrom: string | null;
  readonly status: RunRecord['status'];
  readonly error: string | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly elapsedSeconds: number;
  readonly executor: { readonly kind: string; readonly threads: number };
  readonly counts: {
    readonly tasks: Readonly<Record<TaskStatus, number>> & { readonly planned: number };
    readonly fits: number;
    readonly markets: { readonly total: number; readonly succeeded: number; readonly failed: number; readonly fallback: number };
  };
  readonly markets: readonly {
    readonly id: string;
    readonly status: MarketResult['status'];
    readonly error?: string;
    readonly chosen?: MarketResult['chosen'];
    readonly fallback?: string;
    readonly selection?: MarketResult['selection'];
  }[];
  readonly tasks: readonly TaskRecord[];
}

export interface RunResultsInput {
  readonly run: RunRecord;
  readonly project: string;
  readonly plannedTasks: number;
  readonly elapsedSeconds: number;
  readonly executor: { readonly kind: string; readonly threads: number };
  readonly results: readonly MarketResult[];
  readonly tasks: readonly TaskRecord[];
}

export function buildRunResults(input: RunResultsInput): RunResults {
  const count = (s: TaskStatus) => input.tasks.filter((t) => t.status === s).length;
  const { run, results } = input;
  return {
    format: RUN_RESULTS_FORMAT,
    version: RUN_RESULTS_VERSION,
    runId: run.runId,
    project: input.project,
    mode: run.mode,
    resumedFrom: run.resumedFrom ?? null,
    status: run.status,
    error: run.error ?? null,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    elapsedSeconds: Math.round(input.elapsedSeconds * 1000) / 1000,
    executor: input.executor,
    counts: {
      tasks: { planned: input.plannedTasks, succeeded: count('succeeded'), reused: count('reused'), failed: count('failed'), skipped: count('skipped') },
      fits: input.tasks.reduce((n, t) => n + t.fits, 0),
      markets: {
        total: results.length,
        succeeded: results.filter((r) => r.status === 'succeeded').length,
        failed: results.filter((r) => r.status === 'failed').length,
        fallback: results.filter((r) => r.fallback !== undefined).length,
      },
    },
    markets: results.map((r) => ({
      id: r.market,
      status: r.status,
      ...(r.error !== undefined ? { error: r.error } : {}),
      ...(r.chosen ? { chosen: r.chosen } : {}),
      ...(r.fallback ? { fallback: r.fallback.reason } : {}),
      ...(r.selection ? { selection: r.selection } : {}),
    })),
    tasks: input.tasks,
  };
}

/** Folder of a run's artifacts: `runs/<run-id>/` next to the store file (or under `.forecast/` without one). */
export function runArtifactsDir(project: { readonly root: string; readonly storePath: string | null }, runId: string): string {
  const base = project.storePath === null ? path.join(project.root, '.forecast') : path.dirname(project.storePath);
  return path.join(base, 'runs', runId);
}

export async function writeRunArtifact(dir: string, name: 'plan.json' | 'run_results.json', text: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

export function serializeRunResults(results: RunResults): string {
  return `${JSON.stringify(results, null, 1)}\n`;
}

/** Parse a run-results file; throws for another format or version. */
export function parseRunResults(text: string, source: string): RunResults {
  const o = JSON.parse(text) as Partial<RunResults> | null;
  if (o === null || typeof o !== 'object' || o.format !== RUN_RESULTS_FORMAT) throw new Error(`${source} is not a run-results file (expected "format": "${RUN_RESULTS_FORMAT}")`);
  if (o.version !== RUN_RESULTS_VERSION) {
    throw new Error(`${source} is a version ${String(o.version)} run-results file, but this program reads version ${RUN_RESULTS_VERSION}`);
  }
  return o as RunResults;
}

export async function readRunResults(file: string): Promise<RunResults> {
  return parseRunResults(await readFile(file, 'utf8'), file);
}
