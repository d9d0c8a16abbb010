/**
 * The process boundary: argv in, exit code out. Each command lives in its own file under
 * `commands/`, exporting `register(program, setExitCode)`, which declares its options and calls
 * an `async function (options) -> exit code`. This file is only the table.
 * Expected errors (bad specs, unknown selectors, missing runs) are printed as one clear line on
 * stderr with exit code 1; anything else is a bug and says so.
 */
import { Command, CommanderError } from 'commander';
import * as validate from './commands/validate.ts';
import * as show from './commands/show.ts';
import * as init from './commands/init.ts';
import * as plan from './commands/plan.ts';
import * as run from './commands/run.ts';
import * as runs from './commands/runs.ts';
import * as report from './commands/report.ts';
import { UserError } from './errors.ts';

/** What every command module exports. */
export interface CommandModule {
  register(program: Command, setExitCode: (code: number) => void): void;
}

const commands: readonly CommandModule[] = [validate, show, init, plan, run, runs, report];

export async function main(argv: readonly string[]): Promise<number> {
  const { code, usageError } = await runMain(argv);
  // `forecast plan --detailed-exitcode` exits 2 for "changes": every failure must then exit 1,
  // including a rejected command line (commander's 2) and a bug (70), or CI would read "changes".
  if (argv.includes('--detailed-exitcode') && (usageError || (code !== 0 && code !== 2))) return 1;
  return code;
}

async function runMain(argv: readonly string[]): Promise<{ code: number; usageError: boolean }> {
  const exit = (code: number, usageError = false) => ({ code, usageError });
  let exitCode = 0;
  const program = new Command()
    .name('forecast')
    .description('Market forecasts as code: validate YAML specs, plan and run the forecast, render reports.')
    .option('-C, --project <dir>', 'project root (the folder with forecast.yaml)', '.')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  for (const c of commands) c.register(program, (code) => (exitCode = code));

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exit(exitCode);
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 || err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? exit(0) : exit(2, true);
    }
    if (err instanceof UserError) {
      process.stderr.write(`error: ${err.message}\n`);
      return exit(1);
    }
    process.stderr.write(`internal error (this is a bug, please report it): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return exit(70);
  }
}
