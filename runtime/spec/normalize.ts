/**
 * Phase 3: resolved, checked specs -> the normalized forms the rest of the engine uses, with every
 * default applied, `models: auto` expanded and every path absolute, deeply frozen. Later phases
 * never see an optional key nor have to know a default.
 */
import path from 'node:path';
import type {
  DisruptionAction,
  EvaluationWindow as WrittenEvaluationWindow,
  Ensemble as WrittenEnsemble,
  FileSource,
  Frequency,
  MarketSettings,
  OverrideType as WrittenOverrideType,
  PeriodSpec,
  QcCheckName,
  QcSeverity as WrittenQcSeverity,
  ScheduleMode as WrittenScheduleMode,
  SearchStrategy as WrittenSearchStrategy,
  SqlSource,
  Workstream as WrittenWorkstream,
  WrittenProjectSpec,
} from '../../schema/types.ts';
import type { ResolvedMarketSpec } from './resolve.ts';

export type { DisruptionAction, FileFormat, Frequency, PeriodFormat, PeriodSpec, MarketSettings, QcCheckName } from '../../schema/types.ts';
export { MARKET_DEFAULTS } from './resolve.ts';

export const Workstream = { mature: 'mature', new: 'new', custom: 'custom' } as const satisfies Record<WrittenWorkstream, WrittenWorkstream>;
export type Workstream = keyof typeof Workstream;

export const SearchStrategy = { grid: 'grid', random: 'random' } as const satisfies Record<WrittenSearchStrategy, WrittenSearchStrategy>;
export type SearchStrategy = keyof typeof SearchStrategy;

export const EvaluationWindow = { expanding: 'expanding', sliding: 'sliding' } as const satisfies Record<WrittenEvaluationWindow, WrittenEvaluationWindow>;
export type EvaluationWindow = keyof typeof EvaluationWindow;

export const Ensemble = { none: 'none', mean: 'mean', median: 'median' } as const satisfies Record<WrittenEnsemble, WrittenEnsemble>;
export type Ensemble = keyof typeof Ensemble;

export const OverrideType = {
  uplift: 'uplift',
  add: 'add',
  replace: 'replace',
  floor: 'floor',
  cap: 'cap',
  pin_model: 'pin_model',
} as const satisfies Record<WrittenOverrideType, WrittenOverrideType>;
export type OverrideType = keyof typeof OverrideType;

export const QcSeverity = { warn: 'warn', error: 'error' } as const satisfies Record<WrittenQcSeverity, WrittenQcSeverity>;
export type QcSeverity = keyof typeof QcSeverity;

export const ScheduleMode = { forecast: 'forecast', tune: 'tune' } as const satisfies Record<WrittenScheduleMode, WrittenScheduleMode>;
export type ScheduleMode = keyof typeof ScheduleMode;

export interface SeriesSpec {
  readonly metric: string;
  readonly frequency: Frequency;
  readonly source: string;
  readonly key: string;
  readonly column: string;
  /** First day of history to use (ISO date); null for all of it. */
  readonly start: string | null;
}

export interface Disruption {
  readonly from: string;
  readonly to: string;
  readonly action: DisruptionAction;
  readonly reason: string;
}

export interface MarketEvent {
  readonly name: string;
  /** ISO dates. */
  readonly dates: readonly string[];
  /** Days before each date that the event affects. */
  readonly before: number;
  /** Days after each date that the event affects. */
  readonly after: number;
}

export interface ModelCandidate {
  readonly family: string;
  /**
   * Always present; `{}` means the family's defaults. Each value is fixed, or a search space:
   * `{choice: [...]}`, `{uniform: [a, b]}`, `{loguniform: [a, b]}` or `{int: [a, b]}`.
   */
  readonly params: Readonly<Record<string, unknown>>;
}

export interface SearchSettings {
  readonly strategy: SearchStrategy;
  /** Parameter sets drawn per candidate with strategy "random". */
  readonly samples: number;
  readonly seed: number;
  /** Most model fits per market and run; null for no limit. */
  readonly budget: number | null;
  /** Weekly runs re-tune a market whose selection is older than this many days. */
  readonly maxAgeDays: number;
  readonly taskTimeoutSeconds: number;
}

export interface Evaluation {
  /** Periods scored after each cutoff. */
  readonly horizon: number;
  readonly folds: number;
  /** Periods between consecutive cutoffs. */
  readonly step: number;
  /** Periods skipped between a cutoff and the first scored period. */
  readonly gap: number;
  readonly window: EvaluationWindow;
  /** Periods of training data per fold with window "sliding"; null: the minimum training length. */
  readonly trainSize: number | null;
  /** Last periods held out from tuning to re-check the top candidates; 0 disables it. */
  readonly holdout: number;
  /** mae | rmse | mape | smape | mase | mase@<period>. */
  readonly metric: string;
  /** "uniform", "linear", or one weight per horizon step. */
  readonly weights: 'uniform' | 'linear' | readonly number[];
  readonly top: number;
  readonly ensemble: Ensemble;
}

export interface ForecastSettings {
  /** Periods forecast past the last observation. */
  readonly horizon: number;
  /** Interval levels in percent, in the order written. */
  readonly levels: readonly number[];
}

export type ProxiesSpec =
  | {
      readonly method: 'fixed';
      /** ISO date. */
      readonly launch: string;
      readonly markets: readonly { readonly market: string; readonly weight: number }[];
    }
  | {
      readonly method: 'knn' | 'cluster';
      readonly launch: string;
      readonly k: number;
      readonly features: readonly string[];
      /** Empty: every launched market. */
      readonly candidates: readonly string[];
      readonly exclude: readonly string[];
    };

export type CustomSpec =
  | {
      readonly method: 'module';
      /** Absolute path of the module. */
      readonly module: string;
      readonly params: Readonly<Record<string, unknown>>;
      readonly review: boolean;
    }
  | { readonly method: 'csv'; /** Absolute path of the CSV file. */ readonly path: string; readonly review: boolean }
  | { readonly method: 'inline'; readonly values: readonly { readonly period: string; readonly value: number }[]; readonly review: boolean };

export interface Override {
  readonly type: OverrideType;
  readonly from: string;
  readonly to: string;
  /** A number for every type but pin_model, whose value is a family name. */
  readonly value: number | string | null;
  readonly reason: string;
  readonly owner: string;
}

export interface QcSpec {
  readonly check: QcCheckName;
  readonly threshold: number;
  readonly severity: QcSeverity;
}

/** A market with every default applied (the written form is WrittenMarketSpec). */
export interface MarketSpec {
  readonly id: string;
  readonly name: string;
  readonly country: string;
  readonly tags: readonly string[];
  readonly workstream: Workstream;
  /** The market's file, relative to the project root, with '/' separators (e.g. `markets/sv.yaml`). */
  readonly file: string;
  readonly series: SeriesSpec;
  readonly disruptions: readonly Disruption[];
  readonly events: readonly MarketEvent[];
  readonly models: readonly ModelCandidate[];
  readonly search: SearchSettings;
  readonly evaluation: Evaluation;
  readonly forecast: ForecastSettings;
  /** Only with workstream "new". */
  readonly proxies: ProxiesSpec | null;
  /** Only with workstream "custom". */
  readonly custom: CustomSpec | null;
  readonly overrides: readonly Override[];
  readonly qc: readonly QcSpec[];
  /** The preset the market extends, if any. */
  readonly extends: string | null;
}

export type SourceSpec = Readonly<Omit<FileSource, 'period'> & { period: Readonly<PeriodSpec> }> | Readonly<Omit<SqlSource, 'period'> & { period: Readonly<PeriodSpec> }>;

export type StoreSettings =
  | { readonly kind: 'embedded'; /** Absolute path of the database file. */ readonly path: string }
  | { readonly kind: 'bigquery'; readonly project: string; readonly dataset: string; readonly location: string };

export interface FeaturesSource {
  /** Absolute path of the CSV file (one row per market). */
  readonly path: string;
  /** Column holding the market id. */
  readonly market: string;
}

export interface ScheduleSpec {
  readonly name: string;
  /** Five-field cron expression. */
  readonly cron: string;
  /** IANA time zone. */
  readonly timeZone: string;
  readonly mode: ScheduleMode;
}

export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  /** Name of the environment variable holding the user (never the user itself); null: no login. */
  readonly userEnv: string | null;
  /** Name of the environment variable holding the password; null: no login. */
  readonly passwordEnv: string | null;
  readonly from: string;
}

export interface ReportSettings {
  readonly recipients: readonly string[];
  readonly smtp: SmtpSettings | null;
}

/** The whole project, normalized. */
export interface Project {
  /** Absolute project root (the folder of forecast.yaml). */
  readonly root: string;
  readonly name: string;
  readonly store: StoreSettings;
  /** Absolute path of the embedded store's database file; null with the BigQuery store. */
  readonly storePath: string | null;
  /** Absolute output folder; runs go under `<outputDir>/runs/<run-id>/`, the latest under `<outputDir>/latest/`. */
  readonly outputDir: string;
  /** Absolute folder of the market files. */
  readonly marketsDir: string;
  /**
   * Sources in the order written; names are unique. `path` is kept as written (relative, with
   * `{key}`): `sourceFile()` resolves it for a market.
   */
  readonly sources: readonly SourceSpec[];
  readonly features: FeaturesSource | null;
  /** spec.defaults as written (already merged into every market). */
  readonly defaults: Readonly<MarketSettings>;
  /** spec.presets as written, by name (already merged into the markets that extend them). */
  readonly presets: Readonly<Record<string, Readonly<MarketSettings>>>;
  readonly schedules: readonly ScheduleSpec[];
  readonly report: ReportSettings;
  /** Sorted by id. */
  readonly markets: readonly MarketSpec[];
}

/** Defaults of forecast.yaml; schema/project.schema.json states the same values (a test keeps them equal). */
export const PROJECT_DEFAULTS = deepFreeze({
  storePath: '.forecast/forecast.duckdb',
  bigqueryLocation: 'EU',
  outputDir: 'out',
  markets: 'markets',
  featuresMarket: 'market',
  scheduleTimeZone: 'UTC',
  scheduleMode: 'forecast' as ScheduleMode,
  smtpPort: 587,
  smtpSecure: false,
});

/** The candidates of `models: auto` when the caller does not say (LoadOptions.autoModels). */
export function defaultAutoModels(_frequency: Frequency): { family: string; params: Record<string, unknown> }[] {
  return [
    { family: 'snaive', params: {} },
    { family: 'mstl', params: {} },
  ];
}

export interface NormalizeOptions {
  /** Absolute project root: custom modules and CSV files are resolved against it. */
  readonly root: string;
  readonly autoModels?: ((frequency: Frequency) => readonly { family: string; params: Readonly<Record<string, unknown>> }[]) | undefined;
}

/**
 * `resolved` has passed every check (series complete); `file` is the market file's path relative to
 * the project root.
 */
export function normalizeMarket(resolved: ResolvedMarketSpec, file: string, opts: NormalizeOptions): MarketSpec {
  const s = resolved.series;
  const series: SeriesSpec = {
    metric: required(s.metric, 'series.metric'),
    frequency: required(s.frequency, 'series.frequency'),
    source: required(s.source, 'series.source'),
    key: required(s.key, 'series.key'),
    column: required(s.column, 'series.column'),
    start: s.start ?? null,
  };
  const auto = opts.autoModels ?? defaultAutoModels;
  const models = resolved.models === 'auto' ? auto(series.frequency) : resolved.models;
  const e = resolved.evaluation;
  return deepFreeze({
    id: resolved.id,
    name: resolved.name,
    country: resolved.country,
    tags: [...resolved.tags],
    workstream: resolved.workstream,
    file: file.split(path.sep).join('/'),
    series,
    disruptions: resolved.disruptions.map((d) => ({ from: d.from, to: d.to, action: d.action, reason: d.reason })),
    events: resolved.events.map((ev) => ({ name: ev.name, dates: [...ev.dates], before: ev.before, after: ev.after })),
    models: models.map((m) => ({ family: m.family, params: structuredClone(m.params ?? {}) })),
    search: { ...resolved.search },
    evaluation: {
      horizon: e.horizon,
      folds: e.folds,
      step: e.step,
      gap: e.gap,
      window: e.window,
      trainSize: e.trainSize,
      holdout: e.holdout,
      metric: e.metric,
      weights: Array.isArray(e.weights) ? [...e.weights] : e.weights,
      top: e.top,
      ensemble: e.ensemble,
    },
    forecast: { horizon: resolved.forecast.horizon, levels: [...resolved.forecast.levels] },
    proxies: normalizeProxies(resolved),
    custom: normalizeCustom(resolved, opts.root),
    overrides: resolved.overrides.map((o) => ({ type: o.type, from: o.from, to: o.to, value: o.value, reason: o.reason, owner: o.owner })),
    qc: resolved.qc.map((q) => ({ check: q.check, threshold: q.threshold, severity: q.severity })),
    extends: resolved.extends,
  });
}

function normalizeProxies(r: ResolvedMarketSpec): ProxiesSpec | null {
  const p = r.proxies;
  if (p === undefined) return null;
  if (p.method === 'fixed') {
    return { method: 'fixed', launch: p.launch, markets: p.markets.map((m) => ({ market: m.market, weight: m.weight ?? 1 })) };
  }
  return {
    method: p.method,
    launch: p.launch,
    k: p.k ?? 3,
    features: [...p.features],
    candidates: [...(p.candidates ?? [])],
    exclude: [...(p.exclude ?? [])],
  };
}

function normalizeCustom(r: ResolvedMarketSpec, root: string): CustomSpec | null {
  const c = r.custom;
  if (c === undefined) return null;
  const review = c.review ?? true;
  switch (c.method) {
    case 'module':
      return { method: 'module', module: path.resolve(root, c.module), params: structuredClone(c.params ?? {}), review };
    case 'csv':
      return { method: 'csv', path: path.resolve(root, c.path), review };
    case 'inline':
      return { method: 'inline', values: c.values.map((v) => ({ period: v.period, value: v.value })), review };
  }
}

function required<T>(value: T | undefined, key: string): T {
  // The complete-series rule runs before normalization; reaching this is a bug, not a user error.
  if (value === undefined) throw new Error(`normalizeMarket: ${key} is not set (complete-series should have caught it)`);
  return value;
}

/** `root` must be absolute; markets are sorted by id here so every consumer sees one order. */
export function normalizeProject(root: string, written: WrittenProjectSpec, markets: readonly MarketSpec[]): Project {
  const d = PROJECT_DEFAULTS;
  const store: StoreSettings =
    written.store?.bigquery !== undefined
      ? { kind: 'bigquery', project: written.store.bigquery.project, dataset: written.store.bigquery.dataset, location: written.store.bigquery.location ?? d.bigqueryLocation }
      : { kind: 'embedded', path: path.resolve(root, written.store?.embedded?.path ?? d.storePath) };
  const smtp = written.report?.smtp;
  return deepFreeze({
    root,
    name: written.name,
    store,
    storePath: store.kind === 'embedded' ? store.path : null,
    outputDir: path.resolve(root, written.output?.dir ?? d.outputDir),
    marketsDir: path.resolve(root, written.markets ?? d.markets),
    sources: written.sources.map((s) => ({ ...structuredClone(s), period: { ...s.period } }) as SourceSpec),
    features: written.features === undefined ? null : { path: path.resolve(root, written.features.path), market: written.features.market ?? d.featuresMarket },
    defaults: structuredClone(written.defaults ?? {}),
    presets: structuredClone(written.presets ?? {}) as Record<string, MarketSettings>,
    schedules: (written.schedules ?? []).map((s) => ({ name: s.name, cron: s.cron, timeZone: s.timeZone ?? d.scheduleTimeZone, mode: s.mode ?? d.scheduleMode })),
    report: {
      recipients: [...(written.report?.recipients ?? [])],
      smtp:
        smtp === undefined
          ? null
          : { host: smtp.host, port: smtp.port ?? d.smtpPort, secure: smtp.secure ?? d.smtpSecure, userEnv: smtp.userEnv ?? null, passwordEnv: smtp.passwordEnv ?? null, from: smtp.from },
    },
    markets: [...markets].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  });
}

/** Absolute path of a market's data file: its source's path with `{key}` replaced by series.key. */
export function sourceFile(project: Pick<Project, 'root' | 'sources'>, market: Pick<MarketSpec, 'id' | 'series'>): string {
  const source = findSource(project, market.series.source);
  if (source === undefined) throw new Error(`market ${market.id}: unknown source ${market.series.source}`);
  if (!('path' in source)) throw new Error(`market ${market.id}: source ${source.name} is a SQL query, not a file`);
  return path.resolve(project.root, source.path.replaceAll('{key}', market.series.key));
}

export function findSource(project: Pick<Project, 'sources'>, name: string): SourceSpec | undefined {
  return project.sources.find((s) => s.name === name);
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
