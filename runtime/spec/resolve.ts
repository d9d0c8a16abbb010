/**
 * Phase 2b: a market file + its preset + the project's defaults + the built-in defaults -> one
 * resolved spec, written in the language's own keys, with the origin of every value. The origins
 * serve two purposes: `forecast show` comments each value with where it came from, and a rule that
 * finds a problem in a merged value points at the file and line the value was written in (the
 * market file, or the preset or defaults in forecast.yaml).
 *
 * Merging: mappings merge key by key; lists and plain values are replaced whole (a preset's list of
 * disruptions is not appended to, so what a market file says is all there is).
 */
import type {
  Custom,
  Disruption,
  MarketEvent,
  MarketFile,
  MarketSettings,
  Overrides,
  Proxies,
  QcCheck,
  WrittenEvaluation,
  WrittenForecastSettings,
  WrittenModelCandidate,
  WrittenSearch,
  WrittenSeries,
} from '../../schema/types.ts';

/** A market file's spec as written. */
export type WrittenMarketSpec = MarketFile['spec'];

/** Where a resolved value came from, from the highest layer to the lowest. */
export const OriginKind = { market: 'market', preset: 'preset', defaults: 'defaults', builtin: 'builtin' } as const;
export type OriginKind = keyof typeof OriginKind;

export interface Origin {
  readonly kind: OriginKind;
  /** The preset's name, for kind "preset". */
  readonly preset?: string;
}

type Complete<T> = { -readonly [K in keyof T]-?: Exclude<T[K], undefined> };

/** A market after merging, every optional key filled in; series keys stay optional until checked. */
export interface ResolvedMarketSpec {
  id: string;
  name: string;
  country: string;
  workstream: WrittenMarketSpec['workstream'];
  extends: string | null;
  tags: string[];
  series: WrittenSeries & { start: string | null };
  disruptions: Disruption[];
  events: Complete<MarketEvent>[];
  models: 'auto' | WrittenModelCandidate[];
  search: Complete<WrittenSearch>;
  evaluation: Complete<WrittenEvaluation>;
  forecast: Complete<WrittenForecastSettings>;
  overrides: Overrides;
  qc: Complete<QcCheck>[];
  /** Only with workstream "new" (the schema allows it nowhere else). */
  proxies?: Proxies;
  /** Only with workstream "custom". */
  custom?: Custom;
}

export interface Resolution {
  readonly spec: ResolvedMarketSpec;
  /** Origins by JSON pointer relative to the spec (`/series/metric`); read them with originOf. */
  readonly origins: ReadonlyMap<string, Origin>;
}

/**
 * The built-in defaults of the market language, in written form. schema/market.schema.json states
 * the same values as `default`s (a test keeps them equal).
 */
export const MARKET_DEFAULTS = deepFreezeValue({
  tags: [] as string[],
  series: { start: null as string | null },
  disruptions: [] as Disruption[],
  events: [] as MarketEvent[],
  models: 'auto' as 'auto' | WrittenModelCandidate[],
  search: { strategy: 'grid', samples: 20, seed: 1, budget: null, maxAgeDays: 7, taskTimeoutSeconds: 600 } as Complete<WrittenSearch>,
  evaluation: {
    horizon: 13,
    folds: 4,
    step: 13,
    gap: 0,
    window: 'expanding',
    trainSize: null,
    holdout: 13,
    metric: 'smape',
    weights: 'uniform',
    top: 3,
    ensemble: 'mean',
  } as Complete<WrittenEvaluation>,
  forecast: { horizon: 26, levels: [80, 95] } as Complete<WrittenForecastSettings>,
  overrides: [] as Overrides,
  qc: [] as QcCheck[],
});

/** Defaults of keys inside list items, by the list they belong to (also stated in the schema). */
export const ITEM_DEFAULTS = deepFreezeValue({
  events: { before: 0, after: 0 },
  qc: { severity: 'warn' },
  proxyMarket: { weight: 1 },
  similarProxies: { k: 3, candidates: [] as string[], exclude: [] as string[] },
  custom: { review: true },
  customModule: { params: {} as Record<string, unknown> },
  modelCandidate: { params: {} as Record<string, unknown> },
});

/** Keys a market inherits from defaults and presets (the MarketSettings of the schema). */
export const SETTINGS_KEYS = ['tags', 'series', 'disruptions', 'events', 'models', 'search', 'evaluation', 'forecast', 'qc'] as const;

/** Keys that would reach Object.prototype if assigned; never copied (the schema rejects them anyway). */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface Layers {
  /** spec.defaults of forecast.yaml. */
  readonly defaults?: MarketSettings | undefined;
  /** The preset the market extends, when it exists. */
  readonly preset?: { readonly name: string; readonly settings: MarketSettings } | undefined;
}

/** Merge the layers under a market file's spec (which is schema-valid) and fill every default. */
export function resolveMarket(written: WrittenMarketSpec, layers: Layers = {}): Resolution {
  const origins = new Map<string, Origin>([['', { kind: 'builtin' }]]);
  const target = cloneData(MARKET_DEFAULTS) as unknown as Record<string, unknown>;
  if (layers.defaults !== undefined) mergeInto(target, layers.defaults, '', { kind: 'defaults' }, origins);
  if (layers.preset !== undefined) mergeInto(target, layers.preset.settings, '', { kind: 'preset', preset: layers.preset.name }, origins);
  mergeInto(target, written, '', { kind: 'market' }, origins);
  if (!('extends' in written)) target['extends'] = null;
  const spec = target as unknown as ResolvedMarketSpec;
  fillItemDefaults(spec, origins);
  return { spec, origins };
}

/** The origin of the value at `pointer` (relative to the spec): the nearest recorded ancestor's. */
export function originOf(origins: ReadonlyMap<string, Origin>, pointer: string): Origin {
  let p = pointer;
  for (;;) {
    const found = origins.get(p);
    if (found !== undefined) return found;
    if (p === '') return { kind: 'builtin' };
    p = p.slice(0, p.lastIndexOf('/'));
  }
}

/** Whether anything at or below `pointer` was written in the market file itself. */
export function writtenInMarket(origins: ReadonlyMap<string, Origin>, pointer: string): boolean {
  return originOf(origins, pointer).kind === 'market';
}

function mergeInto(target: Record<string, unknown>, layer: object, pointer: string, origin: Origin, origins: Map<string, Origin>): void {
  for (const [key, value] of Object.entries(layer)) {
    if (UNSAFE_KEYS.has(key) || value === undefined) continue;
    const at = `${pointer}/${escape(key)}`;
    const current = target[key];
    if (isRecord(value) && isRecord(current)) {
      mergeInto(current, value, at, origin, origins);
      continue;
    }
    // Origins below `at` exist only where a mapping was merged before; they go with it.
    if (isRecord(current)) for (const p of [...origins.keys()]) if (p.startsWith(`${at}/`)) origins.delete(p);
    target[key] = cloneData(value);
    origins.set(at, origin);
  }
}

function fillItemDefaults(spec: ResolvedMarketSpec, origins: Map<string, Origin>): void {
  const fill = (item: Record<string, unknown>, defaults: Record<string, unknown>, pointer: string): void => {
    for (const [key, value] of Object.entries(defaults)) {
      if (item[key] !== undefined) continue;
      item[key] = cloneData(value);
      origins.set(`${pointer}/${key}`, { kind: 'builtin' });
    }
  };
  spec.events.forEach((e, i) => fill(e as unknown as Record<string, unknown>, ITEM_DEFAULTS.events, `/events/${i}`));
  spec.qc.forEach((q, i) => fill(q as unknown as Record<string, unknown>, ITEM_DEFAULTS.qc, `/qc/${i}`));
  if (spec.models !== 'auto') spec.models.forEach((m, i) => fill(m as unknown as Record<string, unknown>, ITEM_DEFAULTS.modelCandidate, `/models/${i}`));
  const proxies = spec.proxies as unknown as Record<string, unknown> | undefined;
  if (proxies !== undefined) {
    if (spec.proxies?.method === 'fixed') {
      spec.proxies.markets.forEach((m, i) => fill(m as unknown as Record<string, unknown>, ITEM_DEFAULTS.proxyMarket, `/proxies/markets/${i}`));
    } else {
      fill(proxies, ITEM_DEFAULTS.similarProxies, '/proxies');
    }
  }
  const custom = spec.custom as unknown as Record<string, unknown> | undefined;
  if (custom !== undefined) {
    fill(custom, ITEM_DEFAULTS.custom, '/custom');
    if (spec.custom?.method === 'module') fill(custom, ITEM_DEFAULTS.customModule, '/custom');
  }
}

/** A deep copy of parsed YAML data (plain objects, arrays, scalars); faster than structuredClone. */
export function cloneData<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneData) as T;
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!UNSAFE_KEYS.has(k)) out[k] = cloneData(v);
    return out as T;
  }
  return value;
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepFreezeValue<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreezeValue(v);
  }
  return value;
}
