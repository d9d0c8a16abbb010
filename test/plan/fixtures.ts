/** Normalized specs and planning states for planner tests, built in memory. */
import type { DataState, PlannableProject, PlanState, SelectionRecord } from '../../runtime/plan/plan.ts';
import type { MarketSpec } from '../../runtime/spec/project.ts';

type Patch = { [K in keyof MarketSpec]?: MarketSpec[K] extends readonly unknown[] ? MarketSpec[K] : MarketSpec[K] extends object | null ? Partial<NonNullable<MarketSpec[K]>> | MarketSpec[K] : MarketSpec[K] };

/** A complete market spec with the defaults of the spec language; `patch` replaces keys (objects are merged one level deep). */
export function market(id: string, patch: Patch = {}): MarketSpec {
  const base: MarketSpec = {
    id,
    name: `Market ${id}`,
    country: 'SE',
    tags: [],
    workstream: 'mature',
    file: `markets/${id}.yaml`,
    series: { metric: 'pageviews', frequency: 'weekly', source: 'csv', key: id, column: 'value', start: null },
    disruptions: [],
    events: [],
    models: [
      { family: 'snaive', params: {} },
      { family: 'mstl', params: {} },
    ],
    search: { strategy: 'grid', samples: 20, seed: 0, budget: null, maxAgeDays: 7, taskTimeoutSeconds: 600 },
    evaluation: { horizon: 13, folds: 4, step: 13, gap: 0, window: 'expanding', trainSize: null, holdout: 13, metric: 'smape', weights: 'uniform', top: 3, ensemble: 'none' },
    forecast: { horizon: 26, levels: [80, 95] },
    proxies: null,
    custom: null,
    overrides: [],
    qc: [],
    extends: null,
  };
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    const b = (base as unknown as Record<string, unknown>)[k];
    out[k] = b !== null && typeof b === 'object' && !Array.isArray(b) && v !== null && typeof v === 'object' && !Array.isArray(v) ? { ...b, ...v } : v;
  }
  return out as unknown as MarketSpec;
}

export function project(markets: readonly MarketSpec[]): PlannableProject {
  return { name: 'demo', sources: [{ name: 'csv', format: 'csv', path: 'data/{key}.csv', period: { column: 'week', format: 'isoweek' } }], markets };
}

export const NOW = '2016-02-01T06:00:00.000Z';

export function dataOf(markets: readonly MarketSpec[], tag = 'v1'): Map<string, DataState> {
  return new Map(markets.map((m) => [m.id, { hash: `${m.id}-${tag}`, bytes: 1000 }]));
}

export function state(markets: readonly MarketSpec[], patch: Partial<PlanState> = {}): PlanState {
  return {
    codeVersion: 'code-1',
    now: NOW,
    data: dataOf(markets),
    cached: new Set<string>(),
    selections: new Map<string, SelectionRecord[]>(),
    lastGoodSpecs: new Map<string, string>(),
    ...patch,
  };
}
