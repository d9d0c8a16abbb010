/**
 * Keys the language accepts before their runtime exists. The schema takes them (so specs can be
 * written ahead and are validated now), and `forecast run` names each one that a market or the
 * project uses, so nothing is silently ignored. Remove an entry when its runtime lands.
 */
import type { MarketSpec, Project } from './normalize.ts';

/** Market keys without a runtime yet, with the test of whether a market uses one. */
export const UNSUPPORTED_MARKET_KEYS = {
  proxies: (m: MarketSpec) => m.proxies !== null,
  custom: (m: MarketSpec) => m.custom !== null,
  overrides: (m: MarketSpec) => m.overrides.length > 0,
  qc: (m: MarketSpec) => m.qc.length > 0,
  // Only "mature" markets are forecast; the others are refused at ingest.
  workstream: (m: MarketSpec) => m.workstream !== 'mature',
} as const satisfies Record<string, (m: MarketSpec) => boolean>;
export type UnsupportedMarketKey = keyof typeof UNSUPPORTED_MARKET_KEYS;

/** Dotted names of the keys `market` uses whose runtime does not exist yet (pure). */
export function unsupportedKeys(market: MarketSpec): UnsupportedMarketKey[] {
  return (Object.keys(UNSUPPORTED_MARKET_KEYS) as UnsupportedMarketKey[]).filter((key) => UNSUPPORTED_MARKET_KEYS[key](market));
}

/** Project keys without a runtime yet, with the test of whether the project uses one. */
export const UNSUPPORTED_PROJECT_KEYS = {
  'store.bigquery': (p: Project) => p.store.kind === 'bigquery',
  'sources.format': (p: Project) => p.sources.some((s) => s.format !== 'csv'),
  features: (p: Project) => p.features !== null,
  schedules: (p: Project) => p.schedules.length > 0,
  report: (p: Project) => p.report.recipients.length > 0 || p.report.smtp !== null,
} as const satisfies Record<string, (p: Project) => boolean>;
export type UnsupportedProjectKey = keyof typeof UNSUPPORTED_PROJECT_KEYS;

/** Dotted names of the project keys `project` uses whose runtime does not exist yet (pure). */
export function unsupportedProjectKeys(project: Project): UnsupportedProjectKey[] {
  return (Object.keys(UNSUPPORTED_PROJECT_KEYS) as UnsupportedProjectKey[]).filter((key) => UNSUPPORTED_PROJECT_KEYS[key](project));
}
