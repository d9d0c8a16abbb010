/**
 * Phase 2c: rules a JSON Schema cannot express because they look at the file name, at other files,
 * at the data, or compare two values. Each rule is one small function that runs on schema-valid
 * data and returns located diagnostics; its rule name is what users see in brackets.
 *
 * Market rules run on the resolved spec (market file + preset + defaults + built-in), so a value
 * that came from a preset is checked too; `MarketContext.at` points a finding at the file and line
 * where the value was written.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ModelFamily } from '../models/contract.ts';
import type { MarketSettings, WrittenProjectSpec } from '../../schema/types.ts';
import { COUNTRY_CODES } from './countries.ts';
import { cronProblem, isTimeZone, timeZones } from './cron.ts';
import { minimumTrainingLength, type DataResult } from './data.ts';
import { displayPath, makeDiagnostic, type Diagnostic, type DiagnosticSeverity } from './diagnostic.ts';
import { escapePointer, locate, type LoadedFile, type RangePart } from './load.ts';
import * as msg from './messages.ts';
import { originOf, resolveMarket, type Resolution, type ResolvedMarketSpec, type WrittenMarketSpec } from './resolve.ts';
import { validateAt } from './validate.ts';

/** What the checks need to know about a model family; a full ModelFamily fits. */
export type FamilyInfo = Pick<ModelFamily, 'name'> & Partial<Pick<ModelFamily, 'paramsSchema'>>;

/** The project a market is checked against. */
export interface ProjectContext {
  readonly loaded: LoadedFile;
  readonly spec: WrittenProjectSpec;
  /** Absolute project root. */
  readonly root: string;
}

/** A market file after the schema and the merge: what its rules look at. */
export class MarketContext {
  constructor(
    readonly loaded: LoadedFile,
    readonly written: WrittenMarketSpec,
    readonly resolution: Resolution,
    readonly project: ProjectContext | undefined,
  ) {}

  get spec(): ResolvedMarketSpec {
    return this.resolution.spec;
  }

  /**
   * A diagnostic about the resolved value at `pointer` (relative to spec, e.g. `/series/source`),
   * located where the value was written: the market file, or the preset or defaults in
   * forecast.yaml. A built-in default is pointed at the nearest key the market file has.
   */
  at(pointer: string, rule: string, message: string, severity: DiagnosticSeverity = 'error', part: RangePart = 'value'): Diagnostic {
    const { loaded, pointer: filePointer } = this.source(pointer);
    return makeDiagnostic(loaded.file, locate(loaded, filePointer, part), rule, filePointer, message, severity);
  }

  /** The file and JSON pointer in it where the value at `pointer` was written. */
  source(pointer: string): { loaded: LoadedFile; pointer: string } {
    const origin = originOf(this.resolution.origins, pointer);
    if (this.project !== undefined && origin.kind === 'preset') {
      return { loaded: this.project.loaded, pointer: `/spec/presets/${escapePointer(origin.preset ?? '')}${pointer}` };
    }
    if (this.project !== undefined && origin.kind === 'defaults') return { loaded: this.project.loaded, pointer: `/spec/defaults${pointer}` };
    return { loaded: this.loaded, pointer: `/spec${pointer}` };
  }
}

function at(loaded: LoadedFile, pointer: string, rule: string, message: string, severity: DiagnosticSeverity = 'error'): Diagnostic {
  return makeDiagnostic(loaded.file, locate(loaded, pointer, 'value'), rule, pointer, message, severity);
}

// --- Any file -------------------------------------------------------------------------------------

const MODELINE = /^#\s*yaml-language-server:\s*\$schema=(\S+)\s*$/;

/** `modeline` (warning): the first line names the schema, so editors complete and document the file. */
export function checkModeline(loaded: LoadedFile, schemaFile: 'market.schema.json' | 'project.schema.json', expectedPath: string): Diagnostic[] {
  const end = loaded.text.indexOf('\n');
  const first = (end < 0 ? loaded.text : loaded.text.slice(0, end)).replace(/\r$/, '');
  const m = MODELINE.exec(first);
  const range = { line: 1, col: 1, endLine: 1, endCol: Math.max(2, first.length + 1) };
  if (m === null) return [makeDiagnostic(loaded.file, range, 'modeline', '', msg.modelineMissing(expectedPath), 'warning')];
  if (path.basename(m[1] as string) !== schemaFile) {
    return [makeDiagnostic(loaded.file, range, 'modeline', '', msg.modelineWrongSchema(m[1] as string, expectedPath), 'warning')];
  }
  return [];
}

// --- One market file ------------------------------------------------------------------------------

/** The market id a file must declare: its name without the .yaml / .yml extension. */
export function fileStem(file: string): string {
  return path.basename(file).replace(/\.ya?ml$/i, '');
}

/** `id-matches-file`: ids and file names agree, so `markets/sv.yaml` is always market "sv". */
export function checkIdMatchesFile(loaded: LoadedFile, spec: Pick<WrittenMarketSpec, 'id'>): Diagnostic[] {
  const stem = fileStem(loaded.file);
  if (spec.id === stem) return [];
  return [at(loaded, '/spec/id', 'id-matches-file', msg.idMismatch(spec.id, path.basename(loaded.file), stem))];
}

/** `country-code`: the country is an assigned ISO 3166-1 alpha-2 code, not just two capitals. */
export function checkCountry(loaded: LoadedFile, spec: Pick<WrittenMarketSpec, 'country'>): Diagnostic[] {
  return COUNTRY_CODES.has(spec.country) ? [] : [at(loaded, '/spec/country', 'country-code', msg.unknownCountry(spec.country))];
}

/** `known-preset`: `extends` names a preset of forecast.yaml. */
export function checkKnownPreset(loaded: LoadedFile, spec: Pick<WrittenMarketSpec, 'extends'>, presetNames: readonly string[]): Diagnostic[] {
  if (spec.extends === undefined || presetNames.includes(spec.extends)) return [];
  return [at(loaded, '/spec/extends', 'known-preset', msg.unknownPreset(spec.extends, presetNames))];
}

// --- The resolved market ----------------------------------------------------------------------------

const SERIES_REQUIRED = ['metric', 'frequency', 'source', 'key', 'column'] as const;

/** `complete-series`: after merging, every series key the run needs is set somewhere. */
export function checkCompleteSeries(ctx: MarketContext): Diagnostic[] {
  const series = ctx.spec.series;
  const pointer = ctx.written.series === undefined ? '' : '/series';
  return SERIES_REQUIRED.filter((key) => series[key] === undefined).map((key) =>
    makeDiagnostic(ctx.loaded.file, locate(ctx.loaded, `/spec${pointer}`, 'key'), 'complete-series', `/spec/series/${key}`, msg.incompleteSeries(key, ctx.spec.extends)),
  );
}

/** `known-source`: series.source names a source declared in forecast.yaml. */
export function checkKnownSource(ctx: MarketContext, sourceNames: readonly string[]): Diagnostic[] {
  const source = ctx.spec.series.source;
  if (source === undefined || sourceNames.includes(source)) return [];
  return [ctx.at('/series/source', 'known-source', msg.unknownSource(source, sourceNames))];
}

interface Window {
  readonly from: string;
  readonly to: string;
}

/** `window-order`: a disruption or override window does not end before it starts. */
export function checkWindowOrder(ctx: MarketContext): Diagnostic[] {
  // YYYY-MM-DD strings (already format-checked) order like the dates they name.
  const check = (list: readonly Window[], key: string): Diagnostic[] =>
    list.flatMap((w, i) => (w.from > w.to ? [ctx.at(`/${key}/${i}/to`, 'window-order', msg.windowOrder(w.from, w.to))] : []));
  return [...check(ctx.spec.disruptions, 'disruptions'), ...check(ctx.spec.overrides, 'overrides')];
}

/**
 * `window-overlap`: disruption windows do not overlap (which cleaning would win?), nor do overrides
 * of the same type (which value would hold?). A floor and a cap over the same weeks are fine.
 */
export function checkWindowOverlap(ctx: MarketContext): Diagnostic[] {
  const overlaps = (list: readonly (Window & { group: string })[], key: string, what: string): Diagnostic[] => {
    const out: Diagnostic[] = [];
    list.forEach((b, j) => {
      if (b.from > b.to) return;
      const i = list.findIndex((a, k) => k < j && a.group === b.group && a.from <= a.to && a.from <= b.to && b.from <= a.to);
      if (i >= 0) out.push(ctx.at(`/${key}/${j}/from`, 'window-overlap', msg.windowOverlap(what, i, j)));
    });
    return out;
  };
  return [
    ...overlaps(
      ctx.spec.disruptions.map((d) => ({ ...d, group: '' })),
      'disruptions',
      'disruption',
    ),
    ...overlaps(
      ctx.spec.overrides.map((o) => ({ ...o, group: o.type })),
      'overrides',
      'override',
    ),
  ];
}

/** `weights-length`: a list of horizon weights has one weight per horizon step. */
export function checkWeights(ctx: MarketContext): Diagnostic[] {
  const { weights, horizon } = ctx.spec.evaluation;
  if (!Array.isArray(weights) || weights.length === horizon) return [];
  // Point at whichever of the two the market file itself says, since that is what changed.
  const pointer = originOf(ctx.resolution.origins, '/evaluation/horizon').kind === 'market' && originOf(ctx.resolution.origins, '/evaluation/weights').kind !== 'market' ? '/evaluation/horizon' : '/evaluation/weights';
  return [ctx.at(pointer, 'weights-length', msg.weightsLength(weights.length, horizon))];
}

/** `evaluation-window` (warning): trainSize with an expanding window would be silently ignored. */
export function checkEvaluationWindow(ctx: MarketContext): Diagnostic[] {
  const e = ctx.spec.evaluation;
  if (e.window !== 'expanding' || e.trainSize === null) return [];
  return [ctx.at('/evaluation/trainSize', 'evaluation-window', msg.trainSizeIgnored(), 'warning')];
}

/** `ensemble-top` (warning): combining the top 1 candidate is no ensemble. */
export function checkEnsembleTop(ctx: MarketContext): Diagnostic[] {
  const e = ctx.spec.evaluation;
  if (e.ensemble === 'none' || e.top > 1) return [];
  return [ctx.at('/evaluation/ensemble', 'ensemble-top', msg.ensembleOfOne(e.ensemble), 'warning')];
}

const SPACE_KINDS = ['choice', 'uniform', 'loguniform', 'int'] as const;

/** A search space as the schema allows it: a mapping with exactly one of the four kinds. */
export function searchSpaceKind(value: unknown): (typeof SPACE_KINDS)[number] | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  return keys.length === 1 ? SPACE_KINDS.find((k) => k === keys[0]) : undefined;
}

/** Every params mapping of the market (candidates and a custom module) with its pointer and family. */
function paramsOf(ctx: MarketContext): { pointer: string; family: string | undefined; params: Record<string, unknown> }[] {
  const out: { pointer: string; family: string | undefined; params: Record<string, unknown> }[] = [];
  if (ctx.spec.models !== 'auto') {
    ctx.spec.models.forEach((m, i) => out.push({ pointer: `/models/${i}/params`, family: m.family, params: m.params ?? {} }));
  }
  if (ctx.spec.custom?.method === 'module') out.push({ pointer: '/custom/params', family: undefined, params: ctx.spec.custom.params ?? {} });
  return out;
}

/** `search-space-bounds`: bounds are increasing, and loguniform's are positive. */
export function checkSearchSpaces(ctx: MarketContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const { pointer, params } of paramsOf(ctx)) {
    for (const [name, value] of Object.entries(params)) {
      const kind = searchSpaceKind(value);
      if (kind === undefined || kind === 'choice') continue;
      const [a, b] = (value as Record<string, [number, number]>)[kind] as [number, number];
      const base = `${pointer}/${escapePointer(name)}/${kind}`;
      if (!(a < b)) out.push(ctx.at(base, 'search-space-bounds', msg.boundsOrder(kind, a, b)));
      else if (kind === 'loguniform' && a <= 0) out.push(ctx.at(`${base}/0`, 'search-space-bounds', msg.logBoundsPositive(a)));
    }
  }
  return out;
}

/**
 * `known-family` (only when the caller knows the families): candidates and pinned models name a
 * registered family, and each parameter fits the family's schema: a fixed value as it is, a search
 * space by each of its choices and bounds.
 */
export function checkKnownFamilies(ctx: MarketContext, families: readonly FamilyInfo[]): Diagnostic[] {
  const names = families.map((f) => f.name);
  const out: Diagnostic[] = [];
  if (ctx.spec.models !== 'auto') {
    ctx.spec.models.forEach((candidate, i) => {
      const family = families.find((f) => f.name === candidate.family);
      if (family === undefined) {
        out.push(ctx.at(`/models/${i}/family`, 'known-family', msg.unknownFamily(candidate.family, names)));
      } else if (family.paramsSchema !== undefined) {
        out.push(...checkParams(ctx, `/models/${i}/params`, candidate.params ?? {}, family.paramsSchema));
      }
    });
  }
  ctx.spec.overrides.forEach((o, i) => {
    if (o.type === 'pin_model' && !names.includes(o.value)) out.push(ctx.at(`/overrides/${i}/value`, 'known-family', msg.pinnedFamilyUnknown(o.value, names)));
  });
  return out;
}

/** Params (possibly with search spaces) against a family's params schema, located in their file. */
export function checkParams(ctx: MarketContext, pointer: string, params: Readonly<Record<string, unknown>>, schema: object): Diagnostic[] {
  const { loaded, pointer: filePointer } = ctx.source(pointer);
  // One concrete parameter set per value to try: the first of every space, then each other value
  // swapped in; errors about a swapped value are located at that value.
  const first: Record<string, unknown> = {};
  const alternatives: { name: string; value: unknown; suffix: string }[] = [];
  for (const [name, value] of Object.entries(params)) {
    const kind = searchSpaceKind(value);
    if (kind === undefined) {
      first[name] = value;
      continue;
    }
    const values = (value as Record<string, unknown[]>)[kind] ?? [];
    first[name] = values[0];
    values.forEach((v, i) => alternatives.push({ name, value: v, suffix: `/${kind}/${i}` }));
  }
  const out: Diagnostic[] = [];
  const spaces = new Set(alternatives.map((a) => a.name));
  for (const d of validateAt(loaded, filePointer, first, schema)) {
    // Errors about a space's values come from the per-value pass below.
    const name = d.path.slice(filePointer.length + 1).split('/')[0] ?? '';
    if (!spaces.has(name) || d.path === `${filePointer}/${name}` && d.rule === 'schema/unknown-key') out.push(d);
  }
  for (const alt of alternatives) {
    const base = `${filePointer}/${escapePointer(alt.name)}`;
    const errors = validateAt(loaded, base + alt.suffix, { [alt.name]: alt.value }, schema)
      .filter((d) => d.rule !== 'schema/missing-key' && d.rule !== 'schema/unknown-key')
      .map((d) => relocate(loaded, d, `${base}${alt.suffix}/${escapePointer(alt.name)}`, `${base}${alt.suffix}`));
    out.push(...errors);
  }
  return out;
}

/** validateAt reports `{name: v}` at base/name/...; the value really sits at `to`. */
function relocate(loaded: LoadedFile, d: Diagnostic, from: string, to: string): Diagnostic {
  if (!d.path.startsWith(from)) return d;
  const pointer = to + d.path.slice(from.length);
  return makeDiagnostic(loaded.file, locate(loaded, pointer, 'value'), d.rule, pointer, d.message, d.severity);
}

/** What the proxy rules need to know about the other markets of the project. */
export interface MarketIndexEntry {
  readonly id: string;
  readonly workstream: string;
  /** proxies.launch of a new market. */
  readonly launch: string | undefined;
}

/**
 * `proxy-markets`: proxies name existing markets, never the market itself, and (except in exclude)
 * only launched ones: a market with its own history, or a new one that launched earlier.
 */
export function checkProxies(ctx: MarketContext, markets: readonly MarketIndexEntry[]): Diagnostic[] {
  const p = ctx.spec.proxies;
  if (p === undefined) return [];
  const ids = markets.map((m) => m.id);
  const problem = (id: string, mustHaveLaunched: boolean): string | undefined => {
    if (id === ctx.spec.id) return msg.proxyIsSelf(id);
    const other = markets.find((m) => m.id === id);
    if (other === undefined) return msg.proxyUnknown(id, ids.filter((x) => x !== ctx.spec.id));
    const launched = other.workstream !== 'new' || (other.launch !== undefined && other.launch < p.launch);
    return mustHaveLaunched && !launched ? msg.proxyNotLaunched(id) : undefined;
  };
  const out: Diagnostic[] = [];
  const check = (list: readonly string[], key: string, mustHaveLaunched: boolean): void =>
    list.forEach((id, i) => {
      const text = problem(id, mustHaveLaunched);
      if (text !== undefined) out.push(ctx.at(`/proxies/${key}/${i}`, 'proxy-markets', text));
    });
  if (p.method === 'fixed') {
    p.markets.forEach((m, i) => {
      const text = problem(m.market, true);
      if (text !== undefined) out.push(ctx.at(`/proxies/markets/${i}/market`, 'proxy-markets', text));
    });
  } else {
    check(p.candidates ?? [], 'candidates', true);
    check(p.exclude ?? [], 'exclude', false);
  }
  return out;
}

/** `features-declared`: proxies picked by similarity need the project's features source. */
export function checkFeaturesDeclared(ctx: MarketContext, hasFeatures: boolean): Diagnostic[] {
  const p = ctx.spec.proxies;
  if (p === undefined || p.method === 'fixed' || hasFeatures) return [];
  return [ctx.at('/proxies/method', 'features-declared', msg.featuresNotDeclared(p.method))];
}

/** The keys a model family must export, and what they must be. */
const CONTRACT: readonly [string, string][] = [
  ['name', 'string'],
  ['description', 'string'],
  ['paramsSchema', 'object'],
  ['fit', 'function'],
];

/**
 * `custom-module`: the module of a custom market exists and its default export is a model family
 * (the contract of runtime/models/contract.ts); its params fit the family's schema.
 */
export async function checkCustomModule(ctx: MarketContext, root: string): Promise<Diagnostic[]> {
  const c = ctx.spec.custom;
  if (c?.method !== 'module') return [];
  const file = path.resolve(root, c.module);
  const exists = await stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!exists) return [ctx.at('/custom/module', 'custom-module', msg.customModuleMissing(displayPath(file)))];
  let family: unknown;
  try {
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    family = mod['default'];
  } catch (e) {
    return [ctx.at('/custom/module', 'custom-module', msg.customModuleBroken(displayPath(file), (e as Error).message ?? String(e)))];
  }
  const record = (typeof family === 'object' && family !== null ? family : {}) as Record<string, unknown>;
  const missing = CONTRACT.filter(([key, type]) => typeof record[key] !== type || record[key] === null).map(([key, type]) => `${key} (${type === 'object' ? 'a JSON Schema' : `a ${type}`})`);
  if (missing.length > 0) return [ctx.at('/custom/module', 'custom-module', msg.customModuleContract(displayPath(file), missing))];
  return checkParams(ctx, '/custom/params', c.params ?? {}, record['paramsSchema'] as object);
}

// --- Data-aware rules ------------------------------------------------------------------------------

/** `data-file` (warning): the market's data file exists and can be read; else data-aware rules are skipped. */
export function checkDataFile(ctx: MarketContext, file: string, data: DataResult): Diagnostic[] {
  if (data.status === 'ok') return [];
  const text = data.status === 'missing' ? msg.dataFileMissing(displayPath(file)) : msg.dataFileUnreadable(displayPath(file), data.reason);
  return [ctx.at('/series/key', 'data-file', text, 'warning')];
}

/** `disruption-in-range` (warning): a disruption outside the data's dates does nothing. */
export function checkDisruptionsInRange(ctx: MarketContext, data: DataResult): Diagnostic[] {
  if (data.status !== 'ok') return [];
  return ctx.spec.disruptions.flatMap((d, i) =>
    d.to < data.first || d.from > data.lastDay
      ? [ctx.at(`/disruptions/${i}/from`, 'disruption-in-range', msg.disruptionOutsideData(d.from, d.to, data.first, data.lastDay), 'warning')]
      : [],
  );
}

/**
 * `override-in-past` (warning): an override adjusts the forecast, so one that ends before the
 * forecast starts (the period after the last observation; today when the data cannot be read)
 * changes nothing.
 */
export function checkOverridesInPast(ctx: MarketContext, data: DataResult, today: string): Diagnostic[] {
  const reference = data.status === 'ok' ? data.next : today;
  const basis = data.status === 'ok' ? 'data' : 'today';
  return ctx.spec.overrides.flatMap((o, i) =>
    o.to < reference ? [ctx.at(`/overrides/${i}/to`, 'override-in-past', msg.overrideInPast(o.to, reference, basis), 'warning')] : [],
  );
}

/**
 * `evaluation-fits-history`: the history holds the minimum training length, the gap, the horizon,
 * every further fold's step and the holdout (the first fold's cutoff must leave enough to train on).
 */
export function checkHistoryLength(ctx: MarketContext, data: DataResult): Diagnostic[] {
  const frequency = ctx.spec.series.frequency;
  if (data.status !== 'ok' || frequency === undefined) return [];
  const e = ctx.spec.evaluation;
  const minTrain = Math.max(minimumTrainingLength(frequency), e.window === 'sliding' && e.trainSize !== null ? e.trainSize : 0);
  const needed = minTrain + e.gap + e.horizon + (e.folds - 1) * e.step + e.holdout;
  if (data.usable >= needed) return [];
  const parts = `training ${minTrain} + gap ${e.gap} + horizon ${e.horizon} + (folds ${e.folds} - 1) x step ${e.step} + holdout ${e.holdout}`;
  return [ctx.at('/evaluation/folds', 'evaluation-fits-history', msg.historyTooShort(ctx.spec.id, data.usable, needed, parts))];
}

// --- Across markets ----------------------------------------------------------------------------------

/** `unique-ids`: no two market files declare the same id. Reported on every file after the first. */
export function checkUniqueIds(markets: readonly { loaded: LoadedFile; spec: Pick<WrittenMarketSpec, 'id'> }[]): Diagnostic[] {
  const firstFile = new Map<string, string>();
  const out: Diagnostic[] = [];
  for (const { loaded, spec } of markets) {
    const first = firstFile.get(spec.id);
    if (first === undefined) firstFile.set(spec.id, loaded.file);
    else out.push(at(loaded, '/spec/id', 'unique-ids', msg.duplicateId(spec.id, displayPath(first))));
  }
  return out;
}

// --- The project file --------------------------------------------------------------------------------

/** `unique-sources`: source names are unique, since markets refer to sources by name. */
export function checkUniqueSources(loaded: LoadedFile, spec: WrittenProjectSpec): Diagnostic[] {
  const seen = new Set<string>();
  return spec.sources.flatMap((s, i) => {
    if (!seen.has(s.name)) {
      seen.add(s.name);
      return [];
    }
    return [at(loaded, `/spec/sources/${i}/name`, 'unique-sources', msg.duplicateSource(s.name))];
  });
}

/** `unique-names`: schedules have distinct names, and so do a market's events. */
export function checkUniqueNames(loaded: LoadedFile, items: readonly { name: string }[], pointer: string, what: string): Diagnostic[] {
  const seen = new Set<string>();
  return items.flatMap((item, i) => {
    if (!seen.has(item.name)) {
      seen.add(item.name);
      return [];
    }
    return [at(loaded, `${pointer}/${i}/name`, 'unique-names', msg.duplicateName(what, item.name))];
  });
}

/** `cron` and `time-zone`: every schedule's expression parses, in a time zone that exists. */
export function checkSchedules(loaded: LoadedFile, spec: WrittenProjectSpec): Diagnostic[] {
  return (spec.schedules ?? []).flatMap((s, i) => {
    const out: Diagnostic[] = [];
    const problem = cronProblem(s.cron);
    if (problem !== undefined) out.push(at(loaded, `/spec/schedules/${i}/cron`, 'cron', msg.badCron(s.cron, problem)));
    if (s.timeZone !== undefined && !isTimeZone(s.timeZone)) {
      out.push(at(loaded, `/spec/schedules/${i}/timeZone`, 'time-zone', msg.unknownTimeZone(s.timeZone, timeZones())));
    }
    return out;
  });
}

/** `report-smtp`: recipients need a mail server to be sent to. */
export function checkReport(loaded: LoadedFile, spec: WrittenProjectSpec): Diagnostic[] {
  const recipients = spec.report?.recipients ?? [];
  if (recipients.length === 0 || spec.report?.smtp !== undefined) return [];
  return [at(loaded, '/spec/report/recipients', 'report-smtp', msg.smtpMissing(recipients.length))];
}

/**
 * The rules on market settings, run on each preset (over the defaults) and on the defaults alone,
 * so a mistake in a preset is found even when no market extends it.
 */
export function checkSettings(project: ProjectContext, families: readonly FamilyInfo[] | undefined): Diagnostic[] {
  const placeholder = { id: '', name: '', country: '', workstream: 'mature' } as WrittenMarketSpec;
  const defaults = project.spec.defaults;
  const layers: { defaults?: MarketSettings; preset?: { name: string; settings: MarketSettings } }[] = [{ defaults }];
  for (const [name, settings] of Object.entries(project.spec.presets ?? {})) if (settings !== undefined) layers.push({ defaults, preset: { name, settings } });
  return layers.flatMap((layer) => {
    const ctx = new MarketContext(project.loaded, placeholder, resolveMarket(placeholder, layer), project);
    return settingsRules(ctx, families).filter((d) => d.file === project.loaded.file);
  });
}

/** The rules that look only at settings a preset may hold. */
export function settingsRules(ctx: MarketContext, families: readonly FamilyInfo[] | undefined): Diagnostic[] {
  return [
    ...checkWindowOrder(ctx),
    ...checkWindowOverlap(ctx),
    ...checkUniqueNames(ctx.source('/events').loaded, ctx.spec.events, ctx.source('/events').pointer, 'event'),
    ...checkSearchSpaces(ctx),
    ...checkWeights(ctx),
    ...checkEvaluationWindow(ctx),
    ...checkEnsembleTop(ctx),
    ...(families ? checkKnownFamilies(ctx, families) : []),
  ];
}

export function checkProject(loaded: LoadedFile, spec: WrittenProjectSpec): Diagnostic[] {
  return [
    ...checkUniqueSources(loaded, spec),
    ...checkUniqueNames(loaded, spec.schedules ?? [], '/spec/schedules', 'schedule'),
    ...checkSchedules(loaded, spec),
    ...checkReport(loaded, spec),
  ];
}
