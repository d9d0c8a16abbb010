/** `forecast show market:ID`: the market's fully resolved spec, each value commented with its origin. */
import type { Command } from 'commander';
import path from 'node:path';
import { projectDir } from '../options.ts';
import { UserError } from '../errors.ts';
import { allFamilies } from '../../models/registry.ts';
import { formatText, hasErrors } from '../../spec/diagnostic.ts';
import * as msg from '../../spec/messages.ts';
import { defaultAutoModels } from '../../spec/normalize.ts';
import { loadProject } from '../../spec/project.ts';
import { renderResolved } from '../../spec/show.ts';

export interface ShowOptions {
  readonly project: string;
  readonly selector: string;
}

export async function showCommand(options: ShowOptions): Promise<number> {
  const m = /^market:(.+)$/.exec(options.selector);
  if (m === null) throw new UserError(msg.badSelector(options.selector));
  const id = m[1] as string;
  const root = path.resolve(options.project);
  const { resolved, diagnostics } = await loadProject(root, { families: allFamilies(), dataChecks: false });
  const market = resolved.get(id);
  // The market's own problems matter here; other files' do not stop showing this one.
  const own = diagnostics.filter((d) => market !== undefined && (d.file === market.loaded.file || d.file === market.project?.file));
  for (const d of own) process.stderr.write(`${formatText(d)}\n`);
  if (market === undefined) {
    for (const d of diagnostics.filter((x) => x.severity === 'error')) process.stderr.write(`${formatText(d)}\n`);
    throw new UserError(msg.unknownMarket(id, [...resolved.keys()].sort()));
  }
  const frequency = market.resolution.spec.series.frequency ?? 'weekly';
  const auto = defaultAutoModels(frequency).map((c) => c.family);
  process.stdout.write(renderResolved(market.resolution, { file: path.relative(root, market.loaded.file).split(path.sep).join('/'), autoModels: auto }));
  return hasErrors(own) ? 1 : 0;
}

export function register(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('show')
    .description('Print a market\'s fully resolved spec as YAML, each value commented with where it came from')
    .argument('<selector>', 'the market, as market:<id>')
    .action(async (selector: string, _opts: unknown, cmd: Command) => {
      setExitCode(await showCommand({ project: projectDir(cmd), selector }));
    });
}
