/**
 * The process boundary: argv in, exit code out. Each command lives in its own file under
 * `commands/` as `async function (options) -> exit code`; this file is only the table.
 * Expected errors (bad specs, unknown selectors, missing runs) are printed as one clear line on
 * stderr with exit code 1; anything else is a bug and says so.
 */
import { Command, CommanderError } from 'commander';
import { validateCommand } from './commands/validate.ts';
import { runCommand } from './commands/run.ts';
import { reportCommand } from './commands/report.ts';
import { UserError } from './errors.ts';

export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command()
    .name('forecast')
    .description('Market forecasts as code: validate YAML specs, run the forecast, render reports.')
    .option('-C, --project <dir>', 'project root (the folder with forecast.yaml)', '.')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });

  program
    .command('validate')
    .description('Validate forecast.yaml and market specs; print one line per problem as file:line:col')
    .argument('[paths...]', 'spec files or folders (default: forecast.yaml and the markets folder)')
    .action(async (paths: string[]) => {
      exitCode = await validateCommand({ project: program.opts().project as string, paths });
    });

  program
    .command('run')
    .description('Run the forecast for all markets, or the selected ones')
    .option('-s, --select <selector>', 'select markets, e.g. market:sv (repeatable)', collect, [] as string[])
    .option('-q, --quiet', 'print only the summary and errors')
    .action(async (opts: { select: string[]; quiet?: boolean }) => {
      exitCode = await runCommand({ project: program.opts().project as string, select: opts.select, quiet: opts.quiet === true });
    });

  program
    .command('report')
    .description('Render the HTML report of a stored run again')
    .argument('<run>', 'a run id, or "latest" for the newest finished run')
    .action(async (run: string) => {
      exitCode = await reportCommand({ project: program.opts().project as string, run });
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 2;
    }
    if (err instanceof UserError) {
      process.stderr.write(`error: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`internal error (this is a bug, please report it): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 70;
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
