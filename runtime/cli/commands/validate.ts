/** `forecast validate [paths...]`: every problem of the specs, located, in the chosen format; exit 1 on any error. */
import { Option, type Command } from 'commander';
import { projectDir } from '../options.ts';
import path from 'node:path';
import { validateFiles } from '../../spec/project.ts';
import { allFamilies } from '../../models/registry.ts';
import { formatDiagnostics, OutputFormat } from '../../spec/format.ts';

export interface ValidateOptions {
  readonly project: string;
  readonly paths: readonly string[];
  readonly format?: OutputFormat;
  /** Warnings fail too (exit 1). */
  readonly strict?: boolean;
  /** Skip the rules that read each market's data (e.g. in CI without the data). */
  readonly noData?: boolean;
}

export async function validateCommand(options: ValidateOptions): Promise<number> {
  const root = path.resolve(options.project);
  const paths = options.paths.map((p) => path.resolve(p));
  const { files, diagnostics } = await validateFiles(paths, { root, families: allFamilies(), dataChecks: options.noData !== true });
  process.stdout.write(formatDiagnostics(options.format ?? 'text', diagnostics, { files }));
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const checked = `${files.length} file${files.length === 1 ? '' : 's'} checked`;
  process.stderr.write(errors === 0 && warnings === 0 ? `all specs are valid (${checked})\n` : `${errors} error(s), ${warnings} warning(s) (${checked})\n`);
  return errors > 0 || (options.strict === true && warnings > 0) ? 1 : 0;
}

export function register(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('validate')
    .description('Validate forecast.yaml and market specs; print every problem with its file:line:col')
    .argument('[paths...]', 'spec files or folders (default: forecast.yaml and the markets folder)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(Object.keys(OutputFormat)).default('text'))
    .option('--strict', 'exit 1 on warnings too')
    .option('--no-data', 'skip the rules that read the data (history length, date ranges)')
    .action(async (paths: string[], opts: { format: OutputFormat; strict?: boolean; data: boolean }, cmd: Command) => {
      setExitCode(await validateCommand({ project: projectDir(cmd), paths, format: opts.format, strict: opts.strict === true, noData: !opts.data }));
    });
}
