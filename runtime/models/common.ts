/**
 * Argument checks and interval post-processing shared by model families, so every family
 * rejects bad input with the same wording and honours the same output guarantees.
 */
import type { FitContext, Interval, ModelParams } from './contract.ts';
import { assertLevel } from './stats.ts';

/**
 * Models only see cleaned data; a NaN here means cleaning was skipped, and most algorithms
 * would silently propagate it (or, in wasm, fail with an unhelpful message).
 */
export function assertFiniteSeries(family: string, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (!Number.isFinite(v)) {
      throw new Error(`${family}: y[${i}] is ${v}; models need a series without missing or infinite values`);
    }
  }
}

export function assertPeriod(family: string, ctx: FitContext): number {
  const m = ctx.period;
  if (!Number.isInteger(m) || m < 1) {
    throw new Error(`${family}: the seasonal period must be a positive integer, got ${m}`);
  }
  return m;
}

export function assertHorizon(family: string, h: number): void {
  if (!Number.isInteger(h) || h < 1) {
    throw new Error(`${family}: the horizon must be a positive integer, got ${h}`);
  }
}

export function assertLevels(family: string, levelsPct: readonly number[]): void {
  for (const level of levelsPct) {
    try {
      assertLevel(level);
    } catch (err) {
      throw new Error(`${family}: ${(err as Error).message}`);
    }
  }
}

/** Unknown keys are almost always typos (`period` for `periods`); silently ignoring them hides intent. */
export function assertKnownParams(family: string, params: ModelParams, known: readonly string[]): void {
  for (const key of Object.keys(params)) {
    if (!known.includes(key)) {
      const list = known.length > 0 ? known.join(', ') : '(none)';
      throw new Error(`${family}: unknown parameter "${key}"; known parameters: ${list}`);
    }
  }
}

/**
 * Make intervals nested by construction: for every step, levels sorted ascending satisfy
 * lower(high) <= lower(low) <= mean <= upper(low) <= upper(high).
 *
 * Each bound is widened to the envelope of itself, the mean and the next narrower level's
 * bound. Bounds that already nest (the normal case) are returned unchanged; the repair only
 * matters when a library computes levels independently and rounding, asymmetric transforms or
 * a bug would otherwise let them cross. Widening (never narrowing) keeps each interval at least
 * as conservative as the library's. Output order is the input order, as the contract requires.
 *
 * @throws Error when any bound or mean value is not finite (a silent NaN would poison reports).
 */
export function nestIntervals(family: string, mean: Float64Array, raw: readonly Interval[]): Interval[] {
  const h = mean.length;
  for (let t = 0; t < h; t++) {
    if (!Number.isFinite(mean[t]!)) throw new Error(`${family}: point forecast at step ${t + 1} is ${mean[t]}`);
  }
  for (const iv of raw) {
    if (iv.lower.length !== h || iv.upper.length !== h) {
      throw new Error(`${family}: ${iv.levelPct}% interval has length ${iv.lower.length}/${iv.upper.length}, expected ${h}`);
    }
    for (let t = 0; t < h; t++) {
      if (!Number.isFinite(iv.lower[t]!) || !Number.isFinite(iv.upper[t]!)) {
        throw new Error(`${family}: ${iv.levelPct}% interval at step ${t + 1} is [${iv.lower[t]}, ${iv.upper[t]}]`);
      }
    }
  }

  const order = raw.map((_, i) => i).sort((a, b) => raw[a]!.levelPct - raw[b]!.levelPct);
  const lowers = raw.map((iv) => Float64Array.from(iv.lower));
  const uppers = raw.map((iv) => Float64Array.from(iv.upper));
  for (let t = 0; t < h; t++) {
    let lo = mean[t]!;
    let hi = mean[t]!;
    for (const i of order) {
      lo = Math.min(lo, lowers[i]![t]!);
      hi = Math.max(hi, uppers[i]![t]!);
      lowers[i]![t] = lo;
      uppers[i]![t] = hi;
    }
  }
  return raw.map((iv, i) => ({ levelPct: iv.levelPct, lower: lowers[i]!, upper: uppers[i]! }));
}
