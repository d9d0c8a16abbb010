/**
 * Derivative-free minimisation: Nelder–Mead as R's `optim(method = "Nelder-Mead")` runs it
 * (`nmmin` in R's optim.c, after J.C. Nash, "Compact Numerical Methods for Computers").
 *
 * Why a faithful re-implementation rather than any Nelder–Mead: R's `forecast::ets` (and so
 * `ses`, `holt`, the M4 benchmarks built on them) optimise with exactly this variant — the same
 * initial simplex (one step of 10% of the largest |parameter| along each axis), the same
 * reflection/extension/contraction/shrink rules, the same relative convergence test on the
 * spread of function values. Likelihood surfaces of exponential smoothing are flat in places,
 * so a different variant stops at a different point and forecasts drift away from R's. With the
 * same steps we land where R lands, which is what the reference tests check.
 *
 * Non-finite objective values are replaced by 1e35 (R's `big`), which is how parameter bounds
 * are enforced: the objective returns Infinity outside them.
 */

export interface NelderMeadOptions {
  /** Stop when the best value is <= abstol (R: `abstol`, default -Infinity). */
  readonly abstol?: number;
  /** Relative tolerance on the spread of the simplex values (R: `reltol`, default sqrt(eps)). */
  readonly reltol?: number;
  /** Reflection, contraction and expansion coefficients (R: 1, 0.5, 2). */
  readonly alpha?: number;
  readonly beta?: number;
  readonly gamma?: number;
  /** Maximum number of function evaluations (R: `maxit`, default 500; ets uses 2000). */
  readonly maxit?: number;
}

export interface NelderMeadResult {
  readonly par: Float64Array;
  readonly value: number;
  readonly evaluations: number;
  /** 0 converged, 1 maxit reached, 10 simplex could not shrink. */
  readonly fail: number;
}

const BIG = 1.0e35;

/**
 * Minimise `fn` from `start`.
 * @throws Error when `fn(start)` is not finite (R: "function cannot be evaluated at initial parameters").
 */
export function nelderMead(fn: (par: Float64Array) => number, start: ArrayLike<number>, options: NelderMeadOptions = {}): NelderMeadResult {
  const abstol = options.abstol ?? -Infinity;
  const reltol = options.reltol ?? Math.sqrt(Number.EPSILON);
  const alpha = options.alpha ?? 1;
  const bet = options.beta ?? 0.5;
  const gamm = options.gamma ?? 2;
  const maxit = options.maxit ?? 500;
  const n = start.length;
  const bvec = Float64Array.from(start);

  if (maxit <= 0 || n === 0) {
    return { par: bvec, value: fn(bvec), evaluations: 0, fail: 0 };
  }
  let f = fn(bvec);
  if (!Number.isFinite(f)) throw new Error('Nelder-Mead: the objective cannot be evaluated at the initial parameters');

  // P has n + 1 rows (parameters, then the function value) and n + 2 columns (the n + 1
  // vertices, then the centroid), as in nmmin; rows are parameters so vertex j is P[.][j].
  const n1 = n + 1;
  const C = n + 2;
  const P: Float64Array[] = Array.from({ length: n1 }, () => new Float64Array(C));
  let funcount = 1;
  const convtol = reltol * (Math.abs(f) + reltol);
  P[n1 - 1]![0] = f;
  for (let i = 0; i < n; i++) P[i]![0] = bvec[i]!;

  let L = 1;
  let size = 0;
  let step = 0;
  for (let i = 0; i < n; i++) if (0.1 * Math.abs(bvec[i]!) > step) step = 0.1 * Math.abs(bvec[i]!);
  if (step === 0) step = 0.1;
  for (let j = 2; j <= n1; j++) {
    for (let i = 0; i < n; i++) P[i]![j - 1] = bvec[i]!;
    let trystep = step;
    while (P[j - 2]![j - 1] === bvec[j - 2]) {
      P[j - 2]![j - 1] = bvec[j - 2]! + trystep;
      trystep *= 10;
    }
    size += trystep;
  }
  let oldsize = size;
  let calcvert = true;
  let fail = 0;
  const evalAt = (): number => {
    const v = fn(bvec);
    funcount++;
    return Number.isFinite(v) ? v : BIG;
  };

  for (;;) {
    if (calcvert) {
      for (let j = 0; j < n1; j++) {
        if (j + 1 !== L) {
          for (let i = 0; i < n; i++) bvec[i] = P[i]![j]!;
          P[n1 - 1]![j] = evalAt();
        }
      }
      calcvert = false;
    }

    let VL = P[n1 - 1]![L - 1]!;
    let VH = VL;
    let H = L;
    for (let j = 1; j <= n1; j++) {
      if (j !== L) {
        const fj = P[n1 - 1]![j - 1]!;
        if (fj < VL) {
          L = j;
          VL = fj;
        }
        if (fj > VH) {
          H = j;
          VH = fj;
        }
      }
    }
    if (VH <= VL + convtol || VL <= abstol) break;

    for (let i = 0; i < n; i++) {
      let temp = -P[i]![H - 1]!;
      for (let j = 0; j < n1; j++) temp += P[i]![j]!;
      P[i]![C - 1] = temp / n;
    }
    for (let i = 0; i < n; i++) bvec[i] = (1 + alpha) * P[i]![C - 1]! - alpha * P[i]![H - 1]!;
    f = evalAt();
    const VR = f;
    if (VR < VL) {
      P[n1 - 1]![C - 1] = f;
      for (let i = 0; i < n; i++) {
        const e = gamm * bvec[i]! + (1 - gamm) * P[i]![C - 1]!;
        P[i]![C - 1] = bvec[i]!;
        bvec[i] = e;
      }
      f = evalAt();
      if (f < VR) {
        for (let i = 0; i < n; i++) P[i]![H - 1] = bvec[i]!;
        P[n1 - 1]![H - 1] = f;
      } else {
        for (let i = 0; i < n; i++) P[i]![H - 1] = P[i]![C - 1]!;
        P[n1 - 1]![H - 1] = VR;
      }
    } else {
      if (VR < VH) {
        for (let i = 0; i < n; i++) P[i]![H - 1] = bvec[i]!;
        P[n1 - 1]![H - 1] = VR;
      }
      for (let i = 0; i < n; i++) bvec[i] = (1 - bet) * P[i]![H - 1]! + bet * P[i]![C - 1]!;
      f = evalAt();
      if (f < P[n1 - 1]![H - 1]!) {
        for (let i = 0; i < n; i++) P[i]![H - 1] = bvec[i]!;
        P[n1 - 1]![H - 1] = f;
      } else if (VR >= VH) {
        calcvert = true;
        size = 0;
        for (let j = 0; j < n1; j++) {
          if (j + 1 !== L) {
            for (let i = 0; i < n; i++) {
              P[i]![j] = bet * (P[i]![j]! - P[i]![L - 1]!) + P[i]![L - 1]!;
              size += Math.abs(P[i]![j]! - P[i]![L - 1]!);
            }
          }
        }
        if (size < oldsize) {
          oldsize = size;
        } else {
          fail = 10;
          break;
        }
      }
    }
    if (funcount > maxit) break;
  }

  const par = new Float64Array(n);
  for (let i = 0; i < n; i++) par[i] = P[i]![L - 1]!;
  if (funcount > maxit) fail = 1;
  return { par, value: P[n1 - 1]![L - 1]!, evaluations: funcount, fail };
}
