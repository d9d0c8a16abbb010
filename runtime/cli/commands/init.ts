/** `forecast init market <ID>`: write a commented starter file for a new market, then validate it. */
import { Option, type Command } from 'commander';
import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectDir } from '../options.ts';
import { UserError } from '../errors.ts';
import { allFamilies } from '../../models/registry.ts';
import { formatText } from '../../spec/diagnostic.ts';
import { readYaml } from '../../spec/load.ts';
import * as msg from '../../spec/messages.ts';
import { PROJECT_DEFAULTS, Workstream } from '../../spec/normalize.ts';
import { PROJECT_FILE, validateFiles } from '../../spec/project.ts';
import { nameFromId, starterMarket } from '../../spec/starter.ts';
import { isRecord } from '../../spec/validate.ts';

export interface InitMarketOptions {
  readonly project: string;
  readonly id: string;
  readonly country: string;
  readonly name?: string;
  readonly workstream?: Workstream;
  readonly extends?: string;
  readonly key?: string;
  readonly force?: boolean;
}

export async function initMarketCommand(o: InitMarketOptions): Promise<number> {
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(o.id)) throw new UserError(msg.badMarketId(o.id));
  const root = path.resolve(o.project);
  // forecast.yaml is read leniently: a starter can be written into a project that has errors.
  const project = await readYaml(path.join(root, PROJECT_FILE));
  const spec = isRecord(project.data) && isRecord(project.data['spec']) ? project.data['spec'] : {};
  const presets = isRecord(spec['presets']) ? Object.keys(spec['presets']) : [];
  const sources = Array.isArray(spec['sources']) ? spec['sources'].filter(isRecord).map((s) => String(s['name'])) : [];
  const marketsDir = path.resolve(root, typeof spec['markets'] === 'string' ? spec['markets'] : PROJECT_DEFAULTS.markets);
  const file = path.join(marketsDir, `${o.id}.yaml`);
  if (o.force !== true && (await stat(file).then(() => true, () => false))) throw new UserError(msg.marketFileExists(path.relative(process.cwd(), file)));
  if (o.extends !== undefined && !presets.includes(o.extends)) throw new UserError(msg.unknownPreset(o.extends, presets));

  const text = starterMarket({
    id: o.id,
    name: o.name ?? nameFromId(o.id),
    country: o.country.toUpperCase(),
    workstream: o.workstream ?? 'mature',
    // With exactly one preset, a new market most likely belongs with the others.
    extends: o.extends ?? (presets.length === 1 ? (presets[0] as string) : null),
    key: o.key ?? o.id,
    source: sources[0] ?? 'CHANGE-ME',
    schemaPath: path.relative(marketsDir, await schemaFile(root)).split(path.sep).join('/'),
    today: new Date().toISOString().slice(0, 10),
    proxy: null,
  });
  await writeFile(file, text, { flag: o.force === true ? 'w' : 'wx' });
  process.stdout.write(`wrote ${path.relative(process.cwd(), file) || file}\n`);
  const { diagnostics } = await validateFiles([file], { root, families: allFamilies() });
  for (const d of diagnostics) process.stderr.write(`${formatText(d)}\n`);
  return 0;
}

/** The project's own copy of the market schema when it has one, else the one this CLI validates with. */
async function schemaFile(root: string): Promise<string> {
  const local = path.join(root, 'schema', 'market.schema.json');
  if (await stat(local).then(() => true, () => false)) return local;
  return fileURLToPath(new URL('../../../schema/market.schema.json', import.meta.url));
}

export function register(program: Command, setExitCode: (code: number) => void): void {
  const init = program.command('init').description('Create spec files');
  init
    .command('market')
    .description('Write a commented starter file for a new market (markets/<id>.yaml) and validate it')
    .argument('<id>', 'the market id (lowercase letters, digits, "-" and "_"); also the file name')
    .requiredOption('--country <code>', 'ISO 3166-1 alpha-2 country code, e.g. SE')
    .option('--name <name>', 'human-readable name (default: from the id)')
    .addOption(new Option('--workstream <workstream>', 'how the market is forecast').choices(Object.keys(Workstream)).default('mature'))
    .option('--extends <preset>', 'a preset of forecast.yaml (default: the only preset, if there is one)')
    .option('--key <key>', 'series.key (default: the id)')
    .option('--force', 'overwrite an existing file')
    .action(async (id: string, opts: { country: string; name?: string; workstream: Workstream; extends?: string; key?: string; force?: boolean }, cmd: Command) => {
      const program = cmd.parent?.parent;
      const projectOpt = (program?.opts().project as string | undefined) ?? projectDir(cmd);
      setExitCode(await initMarketCommand({ project: projectOpt, id, ...opts }));
    });
}
