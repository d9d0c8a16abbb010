/** `forecast report <run-id|latest>`: render a stored run's report again. */
import type { Command } from 'commander';
import { projectDir } from '../options.ts';
import path from 'node:path';
import { loadProject } from '../../spec/project.ts';
import { allFamilies } from '../../models/registry.ts';
import { formatText } from '../../spec/diagnostic.ts';
import { openStore } from '../../store/open.ts';
import { buildRunReport } from '../../execute/job.ts';
import { writeRunReport } from '../../../reports/report.ts';
import { UserError } from '../errors.ts';

export interface ReportOptions {
  readonly project: string;
  readonly run: string;
}

export async function reportCommand(options: ReportOptions): Promise<number> {
  const { project, diagnostics } = await loadProject(path.resolve(options.project), { families: allFamilies() });
  for (const d of diagnostics) process.stderr.write(`${formatText(d)}\n`);
  if (!project) throw new UserError('the specs have errors (listed above).');
  let store;
  try {
    store = await openStore(project);
  } catch (err) {
    // No store configured that this runtime can open, or another process holds it.
    throw new UserError((err as Error).message);
  }
  try {
    const run = options.run === 'latest' ? await store.latestFinishedRun() : await store.getRun(options.run);
    if (!run) {
      const known = (await store.listRuns()).slice(0, 5).map((r) => r.runId);
      throw new UserError(
        options.run === 'latest'
          ? 'no finished run in the store yet: run `forecast run` first.'
          : `run "${options.run}" is not in the store.${known.length ? ` Recent runs: ${known.join(', ')}.` : ''}`,
      );
    }
    if (run.status === 'running') throw new UserError(`run "${run.runId}" has not finished; it has no results to report.`);
    const report = await buildRunReport({ project, store }, run.runId);
    const written = await writeRunReport(report, project.outputDir, { updateLatest: false });
    process.stdout.write(`report: ${path.relative(process.cwd(), written.indexHtml) || written.indexHtml}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

export function register(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('report')
    .description('Render the HTML report of a stored run again')
    .argument('<run>', 'a run id, or "latest" for the newest finished run')
    .action(async (run: string, _opts: unknown, cmd: Command) => {
      setExitCode(await reportCommand({ project: projectDir(cmd), run }));
    });
}
