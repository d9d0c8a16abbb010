/**
 * Hyperparameter search: turning a candidate's written params (fixed values and search spaces)
 * into concrete parameter sets.
 *
 *   {choice: [a, b, ...]}   one of the listed values             (grid and random)
 *   {int: [lo, hi]}         an integer in [lo, hi]               (grid enumerates, random draws)
 *   {uniform: [lo, hi]}     a real number, uniform on [lo, hi]   (random only)
 *   {loguniform: [lo, hi]}  a real number, log-uniform (lo > 0)  (random only)
 *
 * grid: the Cartesian product of the spaces, in key order then value order.
 * random: `samples` draws from a PRNG seeded by (seed, candidate index, family), so the same seed
 * always gives the same sets, and adding a candidate does not change the others' draws. When
 * every space is discrete and the grid has no more than `samples` points, random returns the
 * grid (drawing with replacement would only repeat fits).
 * Drawn reals are rounded to 6 significant digits so parameter sets read well in reports and
 * compare equal after a JSON round trip.
 */
import type { ModelParams } from '../models/contract.ts';

export type SearchSpace =
  | { readonly choice: readonly unknown[] }
  | { readonly int: readonly [number, number] }
  | { readonly uniform: readonly [number, number] }
  | { readonly loguniform: readonly [number, number] };

const SPACE_KEYS = ['choice', 'int', 'uniform', 'loguniform'] as const;

/** A plain object with exactly one key naming a space kind is a search space; anything else is a value. */
export function isSearchSpace(value: unknown): value is SearchSpace {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (SPACE_KEYS as readonly string[]).includes(keys[0]!);
}

/** Largest grid a single candidate may expand to (a typo like {int: [1, 1e9]} must not hang planning). */
export const MAX_GRID = 10_000;

/** mulberry32: small, fast, and good enough to draw hyperparameters reproducibly. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a string: turns (seed, candidate, family) into one 32-bit PRNG seed. */
function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function checkRange(where: string, kind: string, range: unknown): [number, number] {
  if (!Array.isArray(range) || range.length !== 2 || !range.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new Error(`${where}: {${kind}: [low, high]} needs two numbers, got ${JSON.stringify(range)}`);
  }
  const [lo, hi] = range as [number, number];
  if (lo > hi) throw new Error(`${where}: {${kind}: [${lo}, ${hi}]} has low > high`);
  if (kind === 'int' && (!Number.isInteger(lo) || !Number.isInteger(hi))) throw new Error(`${where}: {int: [${lo}, ${hi}]} needs integer bounds`);
  if (kind === 'loguniform' && lo <= 0) throw new Error(`${where}: {loguniform: [${lo}, ${hi}]} needs low > 0`);
  return [lo, hi];
}

/** The discrete values of a space, or null for a continuous one. */
function discreteValues(where: string, space: SearchSpace): unknown[] | null {
  if ('choice' in space) {
    if (!Array.isArray(space.choice) || space.choice.length === 0) throw new Error(`${where}: {choice: [...]} needs at least one value`);
    return [...space.choice];
  }
  if ('int' in space) {
    const [lo, hi] = checkRange(where, 'int', space.int);
    if (hi - lo + 1 > MAX_GRID) return null;
    return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  }
  return null;
}

function draw(where: string, space: SearchSpace, rand: () => number): unknown {
  if ('choice' in space) {
    const values = discreteValues(where, space)!;
    return values[Math.min(values.length - 1, Math.floor(rand() * values.length))];
  }
  if ('int' in space) {
    const [lo, hi] = checkRange(where, 'int', space.int);
    return lo + Math.min(hi - lo, Math.floor(rand() * (hi - lo + 1)));
  }
  if ('uniform' in space) {
    const [lo, hi] = checkRange(where, 'uniform', space.uniform);
    return round6(lo + rand() * (hi - lo));
  }
  const [lo, hi] = checkRange(where, 'loguniform', space.loguniform);
  return round6(Math.exp(Math.log(lo) + rand() * (Math.log(hi) - Math.log(lo))));
}

function round6(x: number): number {
  return Number(x.toPrecision(6));
}

export interface ExpandOptions {
  readonly strategy: 'grid' | 'random';
  readonly samples: number;
  readonly seed: number;
  /** Position of the candidate in the market's list (part of the random seed). */
  readonly candidateIndex: number;
}

/**
 * The parameter sets of one candidate (`family` is used in messages and the seed).
 * @throws Error naming the parameter for a malformed space, a continuous space under grid
 *   search, or a grid larger than MAX_GRID.
 */
export function expandParams(family: string, params: Readonly<Record<string, unknown>>, opts: ExpandOptions): ModelParams[] {
  const keys = Object.keys(params);
  const spaces = keys.filter((k) => isSearchSpace(params[k]));
  if (spaces.length === 0) return [{ ...params }];
  const fixed: Record<string, unknown> = {};
  for (const k of keys) if (!spaces.includes(k)) fixed[k] = params[k];

  const discrete = spaces.map((k) => discreteValues(`${family}.${k}`, params[k] as SearchSpace));
  const allDiscrete = discrete.every((d) => d !== null);
  const gridSize = allDiscrete ? discrete.reduce((a, d) => a * d!.length, 1) : Infinity;

  if (opts.strategy === 'grid' || (allDiscrete && gridSize <= opts.samples)) {
    if (!allDiscrete) {
      const k = spaces[discrete.findIndex((d) => d === null)]!;
      throw new Error(
        `${family}.${k}: grid search needs discrete spaces ({choice} or a small {int}); use search.strategy "random" for ${JSON.stringify(params[k])}`,
      );
    }
    if (gridSize > MAX_GRID) throw new Error(`${family}: the grid has ${gridSize} points, more than ${MAX_GRID}; use search.strategy "random"`);
    let sets: Record<string, unknown>[] = [{ ...fixed }];
    spaces.forEach((k, i) => {
      sets = sets.flatMap((s) => discrete[i]!.map((v) => ({ ...s, [k]: v })));
    });
    return sets.map((s) => orderLike(params, s));
  }

  if (!Number.isInteger(opts.samples) || opts.samples < 1) throw new Error(`search.samples must be a positive integer, got ${opts.samples}`);
  const rand = mulberry32(hashSeed(`${opts.seed}:${opts.candidateIndex}:${family}`));
  const out: ModelParams[] = [];
  for (let i = 0; i < opts.samples; i++) {
    const s: Record<string, unknown> = { ...fixed };
    for (const k of spaces) s[k] = draw(`${family}.${k}`, params[k] as SearchSpace, rand);
    out.push(orderLike(params, s));
  }
  return out;
}

/** Keep the written key order, so equal parameter sets serialise identically. */
function orderLike(template: Readonly<Record<string, unknown>>, values: Record<string, unknown>): ModelParams {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(template)) out[k] = values[k];
  return out;
}

/**
 * Cap the total number of fits: `sets[i]` are candidate i's parameter sets, each costing
 * `fitsPerSet` fits (one per CV fold). Every candidate keeps its first set (a budget never
 * silently drops a model family); the rest of the budget is shared round-robin, in order.
 */
export function applyBudget<T>(sets: readonly (readonly T[])[], fitsPerSet: number, budget: number | null): T[][] {
  if (budget === null) return sets.map((s) => [...s]);
  if (!Number.isInteger(budget) || budget < 1) throw new Error(`search.budget must be a positive integer or null, got ${budget}`);
  const allowed = Math.max(sets.filter((s) => s.length > 0).length, Math.floor(budget / Math.max(1, fitsPerSet)));
  const kept: T[][] = sets.map((s) => (s.length > 0 ? [s[0]!] : []));
  let used = kept.reduce((a, s) => a + s.length, 0);
  for (let round = 1; used < allowed; round++) {
    let added = false;
    for (let i = 0; i < sets.length && used < allowed; i++) {
      const s = sets[i]!;
      if (round < s.length) {
        kept[i]!.push(s[round]!);
        used++;
        added = true;
      }
    }
    if (!added) break;
  }
  return kept;
}
