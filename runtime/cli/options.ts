/** Option helpers shared by the command files. */
import type { Command } from 'commander';

/** The global `--project` option of a subcommand's parent program. */
export function projectDir(cmd: Command): string {
  return (cmd.parent?.opts().project as string | undefined) ?? '.';
}

/** For repeatable options: `-s a -s b` -> ['a', 'b']. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
