/**
 * Entry points of the spec phases: load -> validate -> normalize for a whole project
 * (`loadProject`, used by run/plan) and for loose files and folders (`validatePaths`, used by
 * `forecast validate`). Neither throws for a problem in the user's files: everything is a diagnostic.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { MarketFile, ProjectFile, WrittenMarketSpec, WrittenProjectSpec } from '../../schema/types.ts';
import { checkMarket, checkProject, checkUniqueIds, type FamilyInfo } from './checks.ts';
import { displayPath, FILE_START, hasErrors, makeDiagnostic, sortDiagnostics, type Diagnostic } from './diagnostic.ts';
import { locate, readYaml, type LoadedFile } from './load.ts';
import * as msg from './messages.ts';
import { normalizeMarket, normalizeProject, PROJECT_DEFAULTS, type Project } from './normalize.ts';
import { declaredKind, isRecord, validateSchema, type SpecKind } from './validate.ts';

// Callers of the entry points get the normalized types from here too.
export type { MarketSpec, ModelCandidate, Evaluation, ForecastSettings, Project, SourceSpec, Disruption } from './normalize.ts';
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
}

export interface LoadResult {
  /** null when any diagnostic is an error. */
  readonly project: Project | null;
  /** Sorted by file and position; may hold warnings even when `project` is set. */
  readonly diagnostics: readonly Diagnostic[];
}

/** A validated market file: its text (to locate later findings) and its written spec. */
interface CheckedFile<T> {
  loaded: LoadedFile;
  /** Present when the file passed the schema, so the spec has the written type. */
  spec: T | undefined;
  diagnostics: Diagnostic[];
}

/** Read forecast.yaml and the market files of the project at `rootDir`, validate and normalize them. */
export async function loadProject(rootDir: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const root = path.resolve(rootDir);
  const projectPath = path.join(root, PROJECT_FILE);
  if (!(await isFile(projectPath))) {
    const d = makeDiagnostic(projectPath, FILE_START, 'file/missing', '', msg.missingProjectFile(displayPath(root)));
    return { project: null, diagnostics: [d] };
  }
  const projectFile = await checkProjectFile(projectPath);
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

  const context = { sourceNames: writtenProject?.sources.map((s) => s.name), families: opts.families };
  const markets = await Promise.all(marketPaths.map((p) => checkMarketFile(p, context)));
  for (const m of markets) diagnostics.push(...m.diagnostics);
  diagnostics.push(...uniqueIdDiagnostics(markets));

  const sorted = sortDiagnostics(diagnostics);
  if (hasErrors(sorted) || writtenProject === undefined) return { project: null, diagnostics: sorted };
  const normalized = markets.map((m) => normalizeMarket(m.spec as WrittenMarketSpec, path.relative(root, m.loaded.file)));
  return { project: normalizeProject(root, writtenProject, normalized), diagnostics: sorted };
}

export interface ValidateOptions {
  /**
   * The project used when no paths are given, and the fallback project of loose market files;
   * relative paths are resolved against it. Default: the current directory.
   */
  root?: string;
  families?: readonly FamilyInfo[];
}

/**
 * `forecast validate [paths...]`: files (any kind, told apart by `kind:`) and folders (a project
 * root when it holds forecast.yaml, else every YAML file in it). With no paths, the project at
 * `root`. Market files are checked against the sources of the forecast.yaml two levels up (the
 * project of `<project>/markets/x.yaml`), else the one at `root`.
 */
export async function validatePaths(paths: readonly string[], opts: ValidateOptions = {}): Promise<Diagnostic[]> {
  const cwd = path.resolve(opts.root ?? process.cwd());
  if (paths.length === 0) return [...(await loadProject(cwd, { families: opts.families })).diagnostics];

  const diagnostics: Diagnostic[] = [];
  const files: string[] = [];
  for (const given of paths) {
    const p = path.resolve(cwd, given);
    if (await isDirectory(p)) {
      if (await isFile(path.join(p, PROJECT_FILE))) {
        diagnostics.push(...(await loadProject(p, { families: opts.families })).diagnostics);
        continue;
      }
      const inFolder = await listYamlFiles(p);
      if (inFolder.length === 0) diagnostics.push(makeDiagnostic(p, FILE_START, 'file/empty-folder', '', msg.noYamlFiles(given), 'warning'));
      files.push(...inFolder);
    } else if (await isFile(p)) {
      files.push(p);
    } else {
      diagnostics.push(makeDiagnostic(p, FILE_START, 'file/missing', '', msg.missingPath(given)));
    }
  }

  const markets: CheckedFile<WrittenMarketSpec>[] = [];
  const projects = new Map<string, Promise<CheckedFile<WrittenProjectSpec>>>();
  const projectFor = (file: string): Promise<CheckedFile<WrittenProjectSpec>> => {
    let checked = projects.get(file);
    if (checked === undefined) {
      checked = checkProjectFile(file);
      projects.set(file, checked);
    }
    return checked;
  };
  for (const file of [...new Set(files)]) {
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
    const project = projectPath === undefined ? undefined : (await projectFor(projectPath)).spec;
    const checked = checkLoadedMarket(loaded, { sourceNames: project?.sources.map((s) => s.name), families: opts.families });
    diagnostics.push(...checked.diagnostics);
    markets.push(checked);
  }
  diagnostics.push(...uniqueIdDiagnostics(markets));
  return sortDiagnostics(dedupe(diagnostics));
}

async function checkProjectFile(file: string): Promise<CheckedFile<WrittenProjectSpec>> {
  const loaded = await readYaml(file);
  const diagnostics = [...loaded.diagnostics, ...validateSchema(loaded, 'Project')];
  if (!loaded.syntaxOk || hasErrors(diagnostics)) return { loaded, spec: undefined, diagnostics };
  const spec = (loaded.data as ProjectFile).spec;
  diagnostics.push(...checkProject(loaded, spec));
  return { loaded, spec: hasErrors(diagnostics) ? undefined : spec, diagnostics };
}

async function checkMarketFile(
  file: string,
  context: Parameters<typeof checkMarket>[2],
): Promise<CheckedFile<WrittenMarketSpec>> {
  return checkLoadedMarket(await readYaml(file), context);
}

function checkLoadedMarket(loaded: LoadedFile, context: Parameters<typeof checkMarket>[2]): CheckedFile<WrittenMarketSpec> {
  const diagnostics = [...loaded.diagnostics, ...validateSchema(loaded, 'Market')];
  if (!loaded.syntaxOk || hasErrors(diagnostics)) return { loaded, spec: undefined, diagnostics };
  const spec = (loaded.data as MarketFile).spec;
  diagnostics.push(...checkMarket(loaded, spec, context));
  return { loaded, spec: hasErrors(diagnostics) ? undefined : spec, diagnostics };
}

function uniqueIdDiagnostics(markets: readonly CheckedFile<WrittenMarketSpec>[]): Diagnostic[] {
  const valid = markets.flatMap((m) => (m.spec === undefined ? [] : [{ loaded: m.loaded, spec: m.spec }]));
  return checkUniqueIds(valid);
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

function dedupe(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const id = `${d.file}:${d.line}:${d.col}:${d.rule}:${d.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
