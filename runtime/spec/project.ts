/**
 * Entry points of the spec phases: load -> schema -> merge -> rules -> normalize for a whole project
 * (`loadProject`, used by run/report/show) and for loose files and folders (`validateFiles`, used by
 * `forecast validate`). Neither throws for a problem in the user's files: everything is a diagnostic.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { MarketSettings, ProjectFile, WrittenProjectSpec } from '../../schema/types.ts';
import type { Frequency } from '../execute/frequency.ts';
import {
  checkCompleteSeries,
  checkCountry,
  checkCustomModule,
  checkDataFile,
  checkDisruptionsInRange,
  checkFeaturesDeclared,
  checkHistoryLength,
  checkIdMatchesFile,
  checkKnownPreset,
  checkKnownSource,
  checkModeline,
  checkOverridesInPast,
  checkProject,
  checkProxies,
  checkSettings,
  checkUniqueIds,
  MarketContext,
  settingsRules,
  type FamilyInfo,
  type MarketIndexEntry,
  type ProjectContext,
} from './checks.ts';
import { DataReader } from './data.ts';
import { displayPath, FILE_START, hasErrors, makeDiagnostic, sortDiagnostics, type Diagnostic } from './diagnostic.ts';
import { locate, parseYaml, readYaml, type LoadedFile } from './load.ts';
import * as msg from './messages.ts';
import { normalizeMarket, normalizeProject, PROJECT_DEFAULTS, sourceFile, type MarketSpec, type Project } from './normalize.ts';
import { resolveMarket, type Resolution, type WrittenMarketSpec } from './resolve.ts';
import { declaredKind, isRecord, validateSchema, type SpecKind } from './validate.ts';

// Callers of the entry points get the normalized types from here too.
export type {
  CustomSpec,
  Disruption,
  Ensemble,
  Evaluation,
  EvaluationWindow,
  FeaturesSource,
  ForecastSettings,
  MarketEvent,
  MarketSpec,
  ModelCandidate,
  Override,
  OverrideType,
  Project,
  ProxiesSpec,
  QcSpec,
  ReportSettings,
  ScheduleSpec,
  SearchSettings,
  SeriesSpec,
  SmtpSettings,
  SourceSpec,
  StoreSettings,
  Workstream,
} from './normalize.ts';
export { sourceFile, findSource } from './normalize.ts';

export const PROJECT_FILE = 'forecast.yaml';

export interface LoadOptions {
  /**
   * Load only these market files instead of every file of the markets folder (relative paths are
   * resolved against the project root).
   */
  marketFiles?: readonly string[];
  /** When given, model families are checked against it (`known-family`, and params against each paramsSchema). */
  families?: readonly FamilyInfo[];
  /** The candidates of `models: auto` for a frequency; default: snaive and mstl. */
  autoModels?: (frequency: Frequency) => readonly { family: string; params: Readonly<Record<string, unknown>> }[];
  /** Today, as an ISO date, for `override-in-past` when the data cannot be read. Default: the current UTC date. */
  today?: string;
  /** Run the rules that read each market's data (default true). */
  dataChecks?: boolean;
  /** Build the normalized project (default true); `forecast validate` needs only the diagnostics. */
  normalize?: boolean;
}

export interface LoadResult {
  /** null when any diagnostic is an error. */
  readonly project: Project | null;
  /** Sorted by file and position; may hold warnings even when `project` is set. */
  readonly diagnostics: readonly Diagnostic[];
  /**
   * Every market that passed the schema, with its merged spec and the origin of each value (for
   * `forecast show`), by id; present even when other files have errors.
   */
  readonly resolved: ReadonlyMap<string, ResolvedMarket>;
}

/** A market after merging: its file, the merged spec and where each value came from. */
export interface ResolvedMarket {
  readonly loaded: LoadedFile;
  readonly resolution: Resolution;
  /** forecast.yaml, when the market was checked against a project. */
  readonly project: LoadedFile | undefined;
}

/** A checked file: its text (to locate findings) and, when it passed the schema, its spec. */
interface CheckedProject {
  loaded: LoadedFile;
  spec: WrittenProjectSpec | undefined;
  diagnostics: Diagnostic[];
}

interface CheckedMarket {
  loaded: LoadedFile;
  /** Present when the file passed the schema. */
  ctx: MarketContext | undefined;
  diagnostics: Diagnostic[];
}

/** What the market rules need besides the file: the project and the caller's options. */
interface Environment {
  project: ProjectContext | undefined;
  families: readonly FamilyInfo[] | undefined;
  /** Folder the schemas are expected in, for the modeline rule's advice. */
  schemaDir: string;
}

/** Read forecast.yaml and the market files of the project at `rootDir`, validate and normalize them. */
export async function loadProject(rootDir: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const root = path.resolve(rootDir);
  const projectPath = path.join(root, PROJECT_FILE);
  if (!(await isFile(projectPath))) {
    const d = makeDiagnostic(projectPath, FILE_START, 'file/missing', '', msg.missingProjectFile(displayPath(root)));
    return { project: null, diagnostics: [d], resolved: new Map() };
  }
  const projectFile = await checkProjectFile(projectPath, opts.families);
  const diagnostics = [...projectFile.diagnostics];
  const writtenProject = projectFile.spec;

  // A broken forecast.yaml should not hide the markets' own errors, so they are checked anyway,
  // from the default folder if need be, without the cross-checks that need the project.
  const marketsFolder = writtenProject?.markets ?? marketsKeyOrDefault(projectFile.loaded.data);
  const marketsDir = path.resolve(root, marketsFolder);
  let marketPaths: string[];
  if (opts.marketFiles !== undefined) {
    marketPaths = opts.marketFiles.map((f) => path.resolve(root, f));
  } else if (await isDirectory(marketsDir)) {
    marketPaths = await listYamlFiles(marketsDir);
    if (marketPaths.length === 0) {
      diagnostics.push(atMarketsKey(projectFile.loaded, 'warning', msg.noMarkets(marketsFolder)));
    }
  } else {
    diagnostics.push(atMarketsKey(projectFile.loaded, 'error', msg.missingMarketsFolder(marketsFolder)));
    marketPaths = [];
  }

  const env: Environment = {
    project: writtenProject === undefined ? undefined : { loaded: projectFile.loaded, spec: writtenProject, root },
    families: opts.families,
    schemaDir: path.join(root, 'schema'),
  };
  const markets = await Promise.all(marketPaths.map(async (p) => checkMarket(await readYaml(p), env)));
  // Proxies may name any market of the project, also ones not loaded (with --select).
  const index = opts.marketFiles === undefined ? indexOf(markets) : await projectIndex(env.project, markets);
  diagnostics.push(...(await crossChecks(markets, index, env, opts)));
  for (const m of markets) diagnostics.push(...m.diagnostics);

  const sorted = sortDiagnostics(dedupe(diagnostics));
  const resolved = new Map(
    markets.flatMap((m) => (m.ctx === undefined ? [] : [[m.ctx.spec.id, { loaded: m.loaded, resolution: m.ctx.resolution, project: env.project?.loaded }] as const])),
  );
  if (hasErrors(sorted) || writtenProject === undefined || opts.normalize === false) return { project: null, diagnostics: sorted, resolved };
  const normalized: MarketSpec[] = markets.map((m) =>
    normalizeMarket((m.ctx as MarketContext).spec, path.relative(root, m.loaded.file), { root, autoModels: opts.autoModels }),
  );
  return { project: normalizeProject(root, writtenProject, normalized), diagnostics: sorted, resolved };
}

export interface ValidateOptions {
  /**
   * The project used when no paths are given, and the fallback project of loose market files;
   * relative paths are resolved against it. Default: the current directory.
   */
  root?: string;
  families?: readonly FamilyInfo[];
  today?: string;
  dataChecks?: boolean;
}

export interface ValidateResult {
  /** Every spec file that was checked (absolute), in order; for reports that list passing files too. */
  readonly files: readonly string[];
  /** Sorted by file and position. */
  readonly diagnostics: readonly Diagnostic[];
}

/** `validateFiles`, diagnostics only. */
export async function validatePaths(paths: readonly string[], opts: ValidateOptions = {}): Promise<Diagnostic[]> {
  return [...(await validateFiles(paths, opts)).diagnostics];
}

/**
 * `forecast validate [paths...]`: files (any kind, told apart by `kind:`) and folders (a project
 * root when it holds forecast.yaml, else every YAML file in it). With no paths, the project at
 * `root`. Market files are checked against the forecast.yaml two levels up (the project of
 * `<project>/markets/x.yaml`), else the one at `root`.
 */
export async function validateFiles(paths: readonly string[], opts: ValidateOptions = {}): Promise<ValidateResult> {
  const cwd = path.resolve(opts.root ?? process.cwd());
  const loadOpts: LoadOptions = { families: opts.families, today: opts.today, dataChecks: opts.dataChecks, normalize: false };
  if (paths.length === 0) {
    // No paths: the project at root, which must exist (a missing forecast.yaml is an error).
    const result = await loadProject(cwd, loadOpts);
    const files = (await isFile(path.join(cwd, PROJECT_FILE))) ? [path.join(cwd, PROJECT_FILE), ...(await projectMarketFiles(cwd))] : [];
    return { files, diagnostics: result.diagnostics };
  }
  const given = paths;

  const diagnostics: Diagnostic[] = [];
  const checkedFiles: string[] = [];
  const files: string[] = [];
  for (const g of given) {
    const p = path.resolve(cwd, g);
    if (await isDirectory(p)) {
      if (await isFile(path.join(p, PROJECT_FILE))) {
        const result = await loadProject(p, loadOpts);
        diagnostics.push(...result.diagnostics);
        checkedFiles.push(path.join(p, PROJECT_FILE), ...(await projectMarketFiles(p)));
        continue;
      }
      const inFolder = await listYamlFiles(p);
      if (inFolder.length === 0) diagnostics.push(makeDiagnostic(p, FILE_START, 'file/empty-folder', '', msg.noYamlFiles(g), 'warning'));
      files.push(...inFolder);
    } else if (await isFile(p)) {
      files.push(p);
    } else {
      diagnostics.push(makeDiagnostic(p, FILE_START, 'file/missing', '', msg.missingPath(g)));
    }
  }

  const projects = new Map<string, Promise<CheckedProject>>();
  const projectFor = (file: string): Promise<CheckedProject> => {
    let checked = projects.get(file);
    if (checked === undefined) {
      checked = checkProjectFile(file, opts.families);
      projects.set(file, checked);
    }
    return checked;
  };
  // Markets are grouped by the project they are checked against, for the cross-file rules.
  const groups = new Map<string, { env: Environment; markets: CheckedMarket[] }>();
  for (const file of [...new Set(files)]) {
    checkedFiles.push(file);
    const loaded = await readYaml(file);
    const kind = kindOf(loaded);
    if (kind === 'Project') {
      diagnostics.push(...(await projectFor(file)).diagnostics);
      continue;
    }
    if (kind === undefined) {
      diagnostics.push(...loaded.diagnostics, unknownKindDiagnostic(loaded));
      continue;
    }
    const projectPath = await findProjectFile(file, cwd);
    const checkedProject = projectPath === undefined ? undefined : await projectFor(projectPath);
    const root = projectPath === undefined ? path.dirname(path.dirname(file)) : path.dirname(projectPath);
    const key = projectPath ?? '';
    let group = groups.get(key);
    if (group === undefined) {
      const project = checkedProject?.spec === undefined ? undefined : { loaded: checkedProject.loaded, spec: checkedProject.spec, root };
      group = { env: { project, families: opts.families, schemaDir: path.join(root, 'schema') }, markets: [] };
      groups.set(key, group);
    }
    group.markets.push(await checkMarket(loaded, group.env));
  }
  for (const { env, markets } of groups.values()) {
    diagnostics.push(...(await crossChecks(markets, await projectIndex(env.project, markets), env, loadOpts)));
    for (const m of markets) diagnostics.push(...m.diagnostics);
  }
  return { files: [...new Set(checkedFiles)], diagnostics: sortDiagnostics(dedupe(diagnostics)) };
}

async function checkProjectFile(file: string, families: readonly FamilyInfo[] | undefined): Promise<CheckedProject> {
  const loaded = await readYaml(file);
  const diagnostics = [...loaded.diagnostics, ...validateSchema(loaded, 'Project')];
  if (loaded.syntaxOk) diagnostics.push(...checkModeline(loaded, 'project.schema.json', './schema/project.schema.json'));
  if (!loaded.syntaxOk || hasErrors(diagnostics)) return { loaded, spec: undefined, diagnostics };
  const spec = (loaded.data as ProjectFile).spec;
  diagnostics.push(...checkProject(loaded, spec));
  diagnostics.push(...checkSettings({ loaded, spec, root: path.dirname(file) }, families));
  return { loaded, spec: hasErrors(diagnostics) ? undefined : spec, diagnostics };
}

/** The rules of one market file: schema, then the file's own rules, then the merged spec's. */
async function checkMarket(loaded: LoadedFile, env: Environment): Promise<CheckedMarket> {
  const diagnostics = [...loaded.diagnostics, ...validateSchema(loaded, 'Market')];
  if (loaded.syntaxOk) {
    const schemaPath = path.relative(path.dirname(loaded.file), path.join(env.schemaDir, 'market.schema.json')).split(path.sep).join('/');
    diagnostics.push(...checkModeline(loaded, 'market.schema.json', schemaPath));
  }
  if (!loaded.syntaxOk || hasErrors(diagnostics)) return { loaded, ctx: undefined, diagnostics };
  const written = (loaded.data as { spec: WrittenMarketSpec }).spec;
  diagnostics.push(...checkIdMatchesFile(loaded, written), ...checkCountry(loaded, written));

  const project = env.project;
  const presets = project?.spec.presets ?? {};
  if (project !== undefined) diagnostics.push(...checkKnownPreset(loaded, written, Object.keys(presets)));
  const presetSettings: MarketSettings | undefined = written.extends === undefined ? undefined : presets[written.extends];
  const resolution = resolveMarket(written, {
    defaults: project?.spec.defaults,
    preset: written.extends === undefined || presetSettings === undefined ? undefined : { name: written.extends, settings: presetSettings },
  });
  const ctx = new MarketContext(loaded, written, resolution, project);
  // Without a project, or with an unknown preset, the series may be completed by settings we
  // cannot see: not an error then (an unknown preset is reported by itself).
  if (project !== undefined) {
    if (written.extends === undefined || presetSettings !== undefined) diagnostics.push(...checkCompleteSeries(ctx));
    diagnostics.push(...checkKnownSource(ctx, project.spec.sources.map((s) => s.name)));
    diagnostics.push(...checkFeaturesDeclared(ctx, project.spec.features !== undefined));
  }
  diagnostics.push(...settingsRules(ctx, env.families));
  diagnostics.push(...(await checkCustomModule(ctx, project?.root ?? path.dirname(path.dirname(loaded.file)))));
  return { loaded, ctx, diagnostics };
}

/** Rules across the markets of one project: unique ids, proxies, and the data-aware rules. */
async function crossChecks(
  markets: readonly CheckedMarket[],
  index: readonly MarketIndexEntry[],
  env: Environment,
  opts: Pick<LoadOptions, 'today' | 'dataChecks'>,
): Promise<Diagnostic[]> {
  const valid = markets.flatMap((m) => (m.ctx === undefined ? [] : [m.ctx]));
  const out = checkUniqueIds(valid.map((c) => ({ loaded: c.loaded, spec: c.written })));
  for (const ctx of valid) out.push(...checkProxies(ctx, index));
  const project = env.project;
  if (project === undefined || opts.dataChecks === false) return out;
  const reader = new DataReader();
  const today = opts.today ?? new Date().toISOString().slice(0, 10);
  await Promise.all(
    markets.map(async (m) => {
      const ctx = m.ctx;
      // Only markets whose own rules passed (the data file is found through their series), and
      // only mature ones: a launch or custom market has little or no history of its own.
      if (ctx === undefined || hasErrors(m.diagnostics)) return;
      if (ctx.spec.workstream !== 'mature') {
        out.push(...checkOverridesInPast(ctx, { status: 'missing' }, today));
        return;
      }
      const s = ctx.spec.series;
      const source = project.spec.sources.find((x) => x.name === s.source);
      if (source === undefined || !('path' in source) || source.format !== 'csv' || s.key === undefined || s.column === undefined || s.frequency === undefined) return;
      const file = sourceFile({ root: project.root, sources: project.spec.sources }, { id: ctx.spec.id, series: { source: source.name, key: s.key } as MarketSpec['series'] });
      const data = await reader.read({ path: file, periodColumn: source.period.column, periodFormat: source.period.format, valueColumn: s.column, frequency: s.frequency, start: s.start });
      out.push(...checkDataFile(ctx, file, data), ...checkDisruptionsInRange(ctx, data), ...checkOverridesInPast(ctx, data, today), ...checkHistoryLength(ctx, data));
    }),
  );
  return out;
}

/** The markets a proxy may name: every file with a readable id, valid or not (its own errors are reported anyway). */
function indexOf(markets: readonly CheckedMarket[]): MarketIndexEntry[] {
  return markets.flatMap((m) => {
    const entry = lenientEntry(m.loaded);
    return entry === undefined ? [] : [entry];
  });
}

function lenientEntry(loaded: LoadedFile): MarketIndexEntry | undefined {
  const spec = isRecord(loaded.data) ? loaded.data['spec'] : undefined;
  if (!isRecord(spec) || typeof spec['id'] !== 'string') return undefined;
  const proxies = spec['proxies'];
  const launch = isRecord(proxies) && typeof proxies['launch'] === 'string' ? proxies['launch'] : undefined;
  return { id: spec['id'], workstream: String(spec['workstream']), launch };
}

/** The checked markets plus every other market file of the project (read leniently: id, workstream, launch). */
async function projectIndex(project: ProjectContext | undefined, markets: readonly CheckedMarket[]): Promise<MarketIndexEntry[]> {
  const entries = indexOf(markets);
  if (project === undefined) return entries;
  const dir = path.resolve(project.root, project.spec.markets ?? PROJECT_DEFAULTS.markets);
  const known = new Set(markets.map((m) => m.loaded.file));
  const others = (await isDirectory(dir)) ? (await listYamlFiles(dir)).filter((f) => !known.has(f)) : [];
  for (const file of others) {
    const entry = lenientEntry(await readYaml(file));
    if (entry !== undefined) entries.push(entry);
  }
  return entries;
}

async function projectMarketFiles(root: string): Promise<string[]> {
  const project = await readYaml(path.join(root, PROJECT_FILE));
  const dir = path.resolve(root, marketsKeyOrDefault(project.data));
  return (await isDirectory(dir)) ? listYamlFiles(dir) : [];
}

/**
 * The kind a file is meant to be: its `kind:`, or, when that key is missing or the YAML is broken,
 * a guess from the file name, so the right schema reports the missing key and the rest.
 */
function kindOf(loaded: LoadedFile): SpecKind | undefined {
  const declared = declaredKind(loaded.data);
  if (declared !== undefined) return declared;
  const written = isRecord(loaded.data) ? loaded.data['kind'] : undefined;
  if (written !== undefined && loaded.syntaxOk) return undefined;
  return path.basename(loaded.file) === PROJECT_FILE ? 'Project' : 'Market';
}

function unknownKindDiagnostic(loaded: LoadedFile): Diagnostic {
  const written = isRecord(loaded.data) ? loaded.data['kind'] : undefined;
  return makeDiagnostic(loaded.file, locate(loaded, '/kind'), 'schema/enum', '/kind', msg.unknownKind(written));
}

async function findProjectFile(marketFile: string, cwd: string): Promise<string | undefined> {
  for (const candidate of [path.join(path.dirname(path.dirname(marketFile)), PROJECT_FILE), path.join(cwd, PROJECT_FILE)]) {
    if (await isFile(candidate)) return candidate;
  }
  return undefined;
}

/** `spec.markets` when forecast.yaml is invalid elsewhere but this key is a usable string. */
function marketsKeyOrDefault(data: unknown): string {
  const spec = isRecord(data) ? data['spec'] : undefined;
  const markets = isRecord(spec) ? spec['markets'] : undefined;
  return typeof markets === 'string' && markets !== '' ? markets : PROJECT_DEFAULTS.markets;
}

function atMarketsKey(loaded: LoadedFile, severity: 'error' | 'warning', message: string): Diagnostic {
  const rule = severity === 'error' ? 'file/missing' : 'file/empty-folder';
  return makeDiagnostic(loaded.file, locate(loaded, '/spec/markets'), rule, '/spec/markets', message, severity);
}

async function listYamlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name))
    .map((e) => path.join(dir, e.name))
    .sort();
}

async function isFile(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isFile(), () => false);
}

async function isDirectory(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isDirectory(), () => false);
}

/** The same finding reached twice (e.g. a preset's mistake seen through two markets) is reported once. */
function dedupe(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const id = `${d.file}:${d.line}:${d.col}:${d.rule}:${d.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * The rules of one market given as text, against a project given as text, without touching the
 * file system for data (the data rules need files): for property-based tests and editor tooling.
 */
export async function validateMarketText(
  text: string,
  file: string,
  opts: { project?: { text: string; file: string }; families?: readonly FamilyInfo[]; today?: string } = {},
): Promise<Diagnostic[]> {
  let project: ProjectContext | undefined;
  const diagnostics: Diagnostic[] = [];
  if (opts.project !== undefined) {
    const loaded = parseYaml(opts.project.text, opts.project.file);
    const ds = [...loaded.diagnostics, ...validateSchema(loaded, 'Project')];
    if (loaded.syntaxOk && !hasErrors(ds)) {
      const spec = (loaded.data as ProjectFile).spec;
      ds.push(...checkProject(loaded, spec), ...checkSettings({ loaded, spec, root: path.dirname(opts.project.file) }, opts.families));
      project = { loaded, spec, root: path.dirname(opts.project.file) };
    }
    diagnostics.push(...ds);
  }
  const env: Environment = { project, families: opts.families, schemaDir: 'schema' };
  const checked = await checkMarket(parseYaml(text, file), env);
  diagnostics.push(...checked.diagnostics, ...(await crossChecks([checked], indexOf([checked]), env, { today: opts.today, dataChecks: false })));
  return sortDiagnostics(dedupe(diagnostics));
}
