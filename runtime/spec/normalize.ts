/**
 * Phase 3: schema-valid written specs -> the normalized forms the rest of the engine uses, with every
 * default applied and every path absolute, deeply frozen. Later phases never see an optional key
 * nor have to know a default.
 */
import path from 'node:path';
import type {
  Disruption,
  EvaluationMetric,
  SeriesSpec,
  SourceSpec,
  Workstream,
  WrittenMarketSpec,
  WrittenProjectSpec,
} from '../../schema/types.ts';

export type { Disruption, DisruptionAction, EvaluationMetric, Frequency, PeriodFormat, PeriodSpec, SeriesSpec, SourceFormat, SourceSpec, Workstream } from '../../schema/types.ts';

export interface ModelCandidate {
  readonly family: string;
  /** Always present; `{}` means the family's defaults. */
  readonly params: Readonly<Record<string, unknown>>;
}

export interface Evaluation {
  /** Periods scored after each cutoff. */
  readonly horizon: number;
  readonly folds: number;
  /** Periods between consecutive cutoffs. */
  readonly step: number;
  readonly metric: EvaluationMetric;
}

export interface ForecastSettings {
  /** Periods forecast past the last observation. */
  readonly horizon: number;
  /** Interval levels in percent, in the order written. */
  readonly levels: readonly number[];
}

/** A market with every default applied (the written form is WrittenMarketSpec). */
export interface MarketSpec {
  readonly id: string;
  readonly name: string;
  readonly country: string;
  readonly tags: readonly string[];
  readonly workstream: Workstream;
  readonly series: Readonly<SeriesSpec>;
  readonly disruptions: readonly Readonly<Disruption>[];
  readonly models: readonly ModelCandidate[];
  readonly evaluation: Evaluation;
  readonly forecast: ForecastSettings;
  /** The market's file, relative to the project root, with '/' separators (e.g. `markets/sv.yaml`). */
  readonly file: string;
}

/** The whole project, normalized. */
export interface Project {
  /** Absolute project root (the folder of forecast.yaml). */
  readonly root: string;
  readonly name: string;
  /** Absolute path of the embedded store's database file. */
  readonly storePath: string;
  /** Absolute output folder; runs go under `<outputDir>/runs/<run-id>/`, the latest under `<outputDir>/latest/`. */
  readonly outputDir: string;
  /** Absolute folder of the market files. */
  readonly marketsDir: string;
  /**
   * Sources in the order written; names are unique. `path` is kept as written (relative, with
   * `{key}`): `sourceFile()` resolves it for a market.
   */
  readonly sources: readonly Readonly<SourceSpec>[];
  /** Sorted by id. */
  readonly markets: readonly MarketSpec[];
}

/** Defaults of the market file; schema/market.schema.json states the same values (a test keeps them equal). */
export const MARKET_DEFAULTS = deepFreeze({
  tags: [] as string[],
  disruptions: [] as Disruption[],
  models: [
    { family: 'snaive', params: {} },
    { family: 'mstl', params: {} },
  ] as ModelCandidate[],
  evaluation: { horizon: 13, folds: 4, step: 13, metric: 'smape' } as Evaluation,
  forecast: { horizon: 26, levels: [80, 95] } as ForecastSettings,
});

/** Defaults of forecast.yaml; schema/project.schema.json states the same values (a test keeps them equal). */
export const PROJECT_DEFAULTS = deepFreeze({
  storePath: '.forecast/forecast.duckdb',
  outputDir: 'out',
  markets: 'markets',
});

/** `file` is the market file's path relative to the project root. */
export function normalizeMarket(written: WrittenMarketSpec, file: string): MarketSpec {
  const d = MARKET_DEFAULTS;
  return deepFreeze({
    id: written.id,
    name: written.name,
    country: written.country,
    tags: [...(written.tags ?? d.tags)],
    workstream: written.workstream,
    series: { ...written.series },
    disruptions: (written.disruptions ?? d.disruptions).map((x) => ({ ...x })),
    models: (written.models ?? d.models).map((m) => ({ family: m.family, params: structuredClone(m.params ?? {}) })),
    evaluation: {
      horizon: written.evaluation?.horizon ?? d.evaluation.horizon,
      folds: written.evaluation?.folds ?? d.evaluation.folds,
      step: written.evaluation?.step ?? d.evaluation.step,
      metric: written.evaluation?.metric ?? d.evaluation.metric,
    },
    forecast: {
      horizon: written.forecast?.horizon ?? d.forecast.horizon,
      levels: [...(written.forecast?.levels ?? d.forecast.levels)],
    },
    file: file.split(path.sep).join('/'),
  });
}

/** `root` must be absolute; markets are sorted by id here so every consumer sees one order. */
export function normalizeProject(root: string, written: WrittenProjectSpec, markets: readonly MarketSpec[]): Project {
  return deepFreeze({
    root,
    name: written.name,
    storePath: path.resolve(root, written.store?.embedded.path ?? PROJECT_DEFAULTS.storePath),
    outputDir: path.resolve(root, written.output?.dir ?? PROJECT_DEFAULTS.outputDir),
    marketsDir: path.resolve(root, written.markets ?? PROJECT_DEFAULTS.markets),
    sources: written.sources.map((s) => ({ ...s, period: { ...s.period } })),
    markets: [...markets].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  });
}

/** Absolute path of a market's data file: its source's path with `{key}` replaced by series.key. */
export function sourceFile(project: Project, market: MarketSpec): string {
  const source = findSource(project, market.series.source);
  if (source === undefined) throw new Error(`market ${market.id}: unknown source ${market.series.source}`);
  return path.resolve(project.root, source.path.replaceAll('{key}', market.series.key));
}

export function findSource(project: Project, name: string): Readonly<SourceSpec> | undefined {
  return project.sources.find((s) => s.name === name);
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
