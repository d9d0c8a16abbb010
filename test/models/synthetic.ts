/**
 * Deterministic synthetic series for tests: a seeded PRNG keeps model outputs (and therefore
 * assertions about them) identical on every run and machine.
 */

/** mulberry32: tiny, fast, and good enough for test noise. Returns floats in [0, 1). */
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

/** Standard normal draws via Box-Muller on a seeded uniform source. */
export function gaussian(seed: number): () => number {
  const u = mulberry32(seed);
  return () => {
    const u1 = 1 - u(); // (0, 1]: log(0) would be -Infinity
    const u2 = u();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };
}

export interface WeeklyOptions {
  readonly n: number;
  readonly seed: number;
  readonly level?: number;
  /** Added per week. */
  readonly trend?: number;
  /** Amplitude of the yearly (52-week) cycle. */
  readonly amplitude?: number;
  /** Standard deviation of the Gaussian noise. */
  readonly noise?: number;
}

/** A market-like weekly series: level + linear trend + yearly cycle (with a year-end peak) + noise. */
export function weeklySeries(opts: WeeklyOptions): Float64Array {
  const { n, seed, level = 1000, trend = 1.5, amplitude = 150, noise = 25 } = opts;
  const z = gaussian(seed);
  const y = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const week = t % 52;
    const season = amplitude * Math.sin((2 * Math.PI * t) / 52) + (week >= 48 ? amplitude : 0);
    y[t] = level + trend * t + season + noise * z();
  }
  return y;
}
