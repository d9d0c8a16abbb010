/**
 * The model families a spec may name. Adding a family means adding it here; nothing else
 * dispatches on family names.
 */
import { arimaFamily } from './arima.ts';
import type { ModelFamily } from './contract.ts';
import { makeEnsembleFamily } from './ensemble.ts';
import { mstlFamily } from './mstl.ts';
import { prepareProphet, prophetFamily } from './prophet.ts';
import { driftFamily, naiveFamily } from './randomwalk.ts';
import { dampedFamily, etsFamily, holtFamily, naive2Family, sesFamily, thetaFamily } from './smoothing.ts';
import { snaiveFamily } from './snaive.ts';

const FAMILIES: ReadonlyMap<string, ModelFamily> = new Map(
  [
    naiveFamily,
    snaiveFamily,
    driftFamily,
    naive2Family,
    sesFamily,
    holtFamily,
    dampedFamily,
    thetaFamily,
    etsFamily,
    arimaFamily,
    mstlFamily,
    prophetFamily,
    makeEnsembleFamily((name) => getFamily(name)),
  ].map((family) => [family.name, family] as const),
);

/** @throws Error listing the known names when `name` is not a registered family. */
export function getFamily(name: string): ModelFamily {
  const family = FAMILIES.get(name);
  if (family === undefined) {
    throw new Error(`Unknown model family "${name}"; known families: ${familyNames().join(', ')}`);
  }
  return family;
}

/** Registered family names, in registration order (simplest first). */
export function familyNames(): string[] {
  return [...FAMILIES.keys()];
}

/** All registered families, in registration order (e.g. for spec validation against each paramsSchema). */
export function allFamilies(): ModelFamily[] {
  return [...FAMILIES.values()];
}

/** Families that must load WebAssembly asynchronously before they can fit, with the loader. */
const PREPARE: Readonly<Record<string, () => Promise<void>>> = { prophet: prepareProphet };

/**
 * Loads what the named families need before fitting (once per thread: later calls cost a map
 * lookup). The others need nothing: MSTL's WebAssembly is instantiated synchronously on first fit.
 */
export async function prepareFamilies(names: Iterable<string>): Promise<void> {
  for (const name of names) {
    const prepare = PREPARE[name];
    if (prepare) await prepare();
  }
}

/**
 * Load what every family needs asynchronously (Prophet's Stan optimiser, which can only be
 * loaded with `import()`). Cheap to call again.
 */
export function prepareModels(): Promise<void> {
  return prepareFamilies(Object.keys(PREPARE));
}

export type Frequency = 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'yearly';

/**
 * The candidates of `models: auto` for a frequency: what a market gets when it lists no models.
 *
 * Weekly is the set measured by `npm run bench -- m4-weekly` (359 M4 weekly series, with the
 * recommended evaluation defaults: 4 folds, top 3, ensemble mean): simple, fast and diverse
 * methods, each with and without seasonal adjustment. Diversity is the point: the mean of the
 * top 3 by CV beats every single member, and even seasonal naive, poor on its own, earns its
 * place on strongly seasonal series. Slow families (mstl, prophet, ets) did not improve the
 * ensemble there and are left to explicit listing. arima (with `history: 520`) improved it a little
 * (OWA 0.765 -> 0.755, sMAPE 6.848 -> 6.792, MASE 2.173 -> 2.134) but made the benchmark 13 times
 * slower (40 s -> 521 s), so it is left to explicit listing too. With `history: 520` it fits the last 520 observations (10 years of weeks) only: that cut its mean fit time
 * on M4 weekly series from 1.6 s to 0.4 s at no cost (alone: OWA 0.849 with full histories,
 * 0.844 with 520; the benchmark took 1800 s with full histories). Other frequencies use the same
 * recipe with their own period (the adjustment parameters are harmless where period is 1).
 */
export function autoModels(frequency: Frequency): { family: string; params: Record<string, unknown> }[] {
  const modes = { choice: ['test', 'always', 'none'] };
  const seasonal = frequency !== 'yearly';
  return [
    { family: 'naive', params: {} },
    ...(seasonal ? [{ family: 'snaive', params: {} }] : []),
    { family: 'drift', params: {} },
    { family: 'holt', params: {} },
    { family: 'naive2', params: seasonal ? { seasonality: { choice: ['test', 'always'] } } : {} },
    { family: 'ses', params: seasonal ? { seasonality: modes } : {} },
    { family: 'damped', params: seasonal ? { seasonality: modes } : {} },
    { family: 'theta', params: seasonal ? { seasonality: modes } : {} },
  ];
}
