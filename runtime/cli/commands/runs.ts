/**
 * `forecast runs [run-id]`: the runs in the store, newest first, with mode, status, duration and
 * counts of markets and tasks; with a run id, that run's tasks (failures first, with their errors).
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { projectDir } from '../options.ts';
import { loadProject } from '../../spec/project.ts';
import { allFamilies } from '../../models/registry.ts';
import { formatText } from '../../spec/diagnostic.ts';
import { openStore } from '../../store/open.ts';
import type { RunSummary, TaskRecord } from '../../store/store.ts';
import { formatDuration } from '../progress.ts';
import { UserError } from '../errors.ts';
import { parseChoice, parsePositiveInt } from './run.ts';

export interface RunsOptions {
  readonly project: string;
  readonly run?: string | undefined;
  readonly limit?: number;
  readonly format?: 'text' | 'json';
  /** With a run id: list every task, not only the ones that did not succeed. */
  readonly all?: boolean;
}

export async function runsCommand(options: RunsOptions): Promise<number> {
  const { project, diagnostics } = await loadProject(path.resolve(options.project), { families: allFamilies() });
  for (const d of diagnostics) process.stderr.write(`${formatText(d)}\n`);
  if (!project) throw new UserError('the specs have errors (listed above).');
  if (project.storePath === null || !existsSync(project.storePath)) {
    process.stdout.write(options.format === 'json' ? '[]\n' : 'no runs yet: the store does not exist (run `forecast run` first)\n');
    return 0;
  }
  let store;
  try {
    store = await openStore(project);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
  try {
    if (options.run !== undefined) {
      const run = await store.getRun(options.run);
      if (!run) throw new UserError(`run "${options.run}" is not in the store.`);
      const tasks = await store.getTaskRecords(options.run);
      if (options.format === 'json') {
        process.stdout.write(`${JSON.stringify({ run, tasks }, null, 2)}\n`);
        return 0;
      }
      process.stdout.write(`run ${run.runId}: ${run.status}, mode ${run.mode}, started ${run.startedAt}${run.finishedAt ? `, finished ${run.finishedAt}` : ''}\n`);
      if (run.resumedFrom) process.stdout.write(`  resumed from ${run.resumedFrom}\n`);
      if (run.error) process.stdout.write(`  ${run.error}\n`);
      process.stdout.write(`  markets: ${run.markets} (${run.failedMarkets} failed)\n`);
      process.stdout.write(`  tasks: ${countLine(tasks)}\n`);
      const shown = options.all ? tasks : tasks.filter((t) => t.status === 'failed' || t.status === 'skipped');
      const width = Math.max(0, ...shown.map((t) => t.taskId.length));
      for (const t of shown) {
        process.stdout.write(`  ${t.status.padEnd(9)} ${t.taskId.padEnd(width)} ${(t.ms / 1000).toFixed(2).padStart(8)}s ${String(t.fits).padStart(6)} fits${t.error ? `  ${t.error}` : ''}\n`);
      }
      return 0;
    }
    const runs = await store.runSummaries(options.limit ?? 20);
    if (options.format === 'json') {
      process.stdout.write(`${JSON.stringify(runs.map(jsonRow), null, 2)}\n`);
      return 0;
    }
    if (runs.length === 0) {
      process.stdout.write('no runs yet\n');
      return 0;
    }
    process.stdout.write(table(runs));
    return 0;
  } finally {
    await store.close();
  }
}

function countLine(tasks: readonly TaskRecord[]): string {
  const n = (s: TaskRecord['status']) => tasks.filter((t) => t.status === s).length;
  return `${n('succeeded')} ran, ${n('reused')} reused, ${n('failed')} failed, ${n('skipped')} skipped; ${tasks.reduce((a, t) => a + t.fits, 0)} model fits`;
}

function durationOf(s: RunSummary): number | null {
  return s.run.finishedAt === null ? null : (Date.parse(s.run.finishedAt) - Date.parse(s.run.startedAt)) / 1000;
}

function jsonRow(s: RunSummary) {
  return { ...s.run, durationSeconds: durationOf(s), tasks: s.tasks, fits: s.fits };
}

export function table(runs: readonly RunSummary[]): string {
  const rows = runs.map((s) => [
    s.run.runId,
    s.run.mode,
    s.run.status,
    s.run.startedAt.slice(0, 19).replace('T', ' '),
    s.run.finishedAt === null ? '-' : formatDuration(durationOf(s)),
    `${s.run.markets - s.run.failedMarkets}/${s.run.markets}`,
    `${s.tasks.succeeded}/${s.tasks.reused}/${s.tasks.failed}/${s.tasks.skipped}`,
    String(s.fits),
    s.run.resumedFrom ? `resumes ${s.run.resumedFrom}` : (s.run.error ?? ''),
  ]);
  const head = ['RUN', 'MODE', 'STATUS', 'STARTED (UTC)', 'DURATION', 'MARKETS OK', 'TASKS RAN/REUSED/FAILED/SKIPPED', 'FITS', 'NOTE'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return `${[line(head), ...rows.map(line)].join('\n')}\n`;
}

export function register(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('runs')
    .description('List the runs in the store (mode, status, duration, counts); with a run id, its tasks')
    .argument('[run-id]', 'show this run and its failed or skipped tasks')
    .option('-n, --limit <n>', 'runs to list (default 20)', parsePositiveInt('--limit'))
    .option('--all', 'with a run id: list every task')
    .option('--format <format>', 'text or json (default text)', parseChoice('--format', ['text', 'json'] as const))
    .action(async (run: string | undefined, opts: { limit?: number; all?: boolean; format?: 'text' | 'json' }, cmd: Command) => {
      setExitCode(
        await runsCommand({ project: projectDir(cmd), run, ...(opts.limit !== undefined ? { limit: opts.limit } : {}), all: opts.all === true, ...(opts.format ? { format: opts.format } : {}) }),
      );
    });
}
