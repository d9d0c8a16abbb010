/** `forecast validate [paths...]`: one line per problem, exit 1 when there is any error. */
import type { Command } from 'commander';
import { projectDir } from '../options.ts';
import path from 'node:path';
import { validatePaths } from '../../spec/project.ts';
import { allFamilies } from '../../models/registry.ts';
import { formatText } from '../../spec/diagnostic.ts';

export interface ValidateOptions {
  readonly project: string;
  readonly paths: readonly string[];
}

export async function validateCommand(options: ValidateOptions): Promise<number> {
  const root = path.resolve(options.project);
  const paths = options.paths.length > 0 ? options.paths.map((p) => path.resolve(p)) : [];
  const diagnostics = await validatePaths(paths, { root, families: allFamilies() });
  for (const d of diagnostics) process.stdout.write(`${formatText(d)}\n`);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  process.stderr.write(errors === 0 && warnings === 0 ? 'all specs are valid\n' : `${errors} error(s), ${warnings} warning(s)\n`);
  return errors > 0 ? 1 : 0;
}

export function register(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('validate')
    .description('Validate forecast.yaml and market specs; print one line per problem as file:line:col')
    .argument('[paths...]', 'spec files or folders (default: forecast.yaml and the markets folder)')
    .action(async (paths: string[], _opts: unknown, cmd: Command) => {
      setExitCode(await validateCommand({ project: projectDir(cmd), paths }));
    });
}
