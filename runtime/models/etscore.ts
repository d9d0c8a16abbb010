/**
 * Non-seasonal exponential smoothing state space models, ETS(E,T,N) with E in {A, M} and T in
 * {N, A, Ad}, estimated as R's `forecast::ets` estimates them (forecast 8.x):
 *
 *   one-step forecast  f_t = l + φ·b                      (b = 0 without trend, φ = 1 undamped)
 *   error              e_t = y_t − f_t  (A)   or  (y_t − f_t)/f_t  (M)
 *   level              l' = f_t + α·(y_t − f_t)
 *   trend              b' = φ·b + (β/α)·(l' − l − φ·b)
 *   h-step forecast    l_n + (φ + φ² + … + φ^h)·b_n
 *
 * Estimation minimises, over α, β, φ and the initial states l0, b0, either
 *   "lik": n·log(Σe²) (+ 2·Σ log|f_t| for multiplicative errors), or
 *   "mse": the mean squared one-step error (what `ses()` and `holt()` use),
 * with R's Nelder–Mead from R's starting values (`initparam`, `initstate`), R's usual bounds
 * (1e-4 <= α <= 0.9999, 1e-4 <= β <= α, 0.8 <= φ <= 0.98) and R's admissibility test. Points
 * outside are Infinity for the optimiser, exactly as in R, so our optimiser takes R's path.
 *
 * Seasonal ETS is deliberately absent: R refuses it for periods above 24, and weekly data (52)
 * is handled the M4 way instead (classical decomposition, then these models; see seasonality.ts).
 */
import { nelderMead } from './optim.ts';

export type ErrorType = 'A' | 'M';
export type TrendType = 'N' | 'A';

export interface EtsSpec {
  readonly error: ErrorType;
  readonly trend: TrendType;
  readonly damped: boolean;
}

/** Smoothing parameters given by the user instead of estimated. */
export interface EtsFixed {
  readonly alpha?: number;
  readonly beta?: number;
  readonly phi?: number;
}

export interface EtsFit {
  readonly spec: EtsSpec;
  readonly alpha: number;
  readonly beta: number;
  readonly phi: number;
  /** Final states (after the last observation). */
  readonly level: number;
  readonly slope: number;
  /** Σe²/(n − np), np = estimated parameters incl. initial states (as R's `sigma2`). */
  readonly sigma2: number;
  /** −2 log-likelihood up to a constant, as R's `lik`. */
  readonly lik: number;
  readonly aicc: number;
  /** Mean squared one-step error (R: `mse`). */
  readonly mse: number;
}

const LOWER = { alpha: 1e-4, beta: 1e-4, phi: 0.8 };
const UPPER = { alpha: 0.9999, beta: 0.9999, phi: 0.98 };
const MAXIT = 2000;

/** Label in R's notation, e.g. `ETS(A,Ad,N)`. */
export function etsLabel(spec: EtsSpec): string {
  return `ETS(${spec.error},${spec.trend}${spec.damped ? 'd' : ''},N)`;
}

/**
 * Fit one ETS model.
 * @throws Error when the series is too short for the model (R: np >= n − 1), when multiplicative
 *   errors meet non-positive data, or when the optimum is not finite.
 */
export function fitEts(y: Float64Array, spec: EtsSpec, fixed: EtsFixed = {}, optCrit: 'lik' | 'mse' = 'lik'): EtsFit {
  const n = y.length;
  if (spec.damped && spec.trend === 'N') throw new Error(`${etsLabel(spec)}: a damped model needs a trend`);
  if (spec.error === 'M') {
    for (let i = 0; i < n; i++) {
      if (!(y[i]! > 0)) throw new Error(`${etsLabel(spec)}: multiplicative errors need positive data (y[${i}] = ${y[i]})`);
    }
  }

  // Bounds shrink around user-given values as in R's etsmodel.
  const lower = { ...LOWER };
  const upper = { ...UPPER };
  if (fixed.alpha !== undefined) upper.beta = Math.min(fixed.alpha, upper.beta);
  if (fixed.beta !== undefined) lower.alpha = Math.max(fixed.beta, lower.alpha);

  // Starting values (R: initparam, bounds = "both", m = 1).
  const hasTrend = spec.trend !== 'N';
  const optAlpha = fixed.alpha === undefined;
  const optBeta = hasTrend && fixed.beta === undefined;
  const optPhi = spec.damped && fixed.phi === undefined;
  let alpha0 = fixed.alpha ?? lower.alpha + 0.2 * (upper.alpha - lower.alpha);
  if (optAlpha && (alpha0 > 1 || alpha0 < 0)) alpha0 = lower.alpha + 2e-3;
  let beta0 = fixed.beta ?? 0;
  if (optBeta) {
    const ub = Math.min(upper.beta, alpha0);
    beta0 = lower.beta + 0.1 * (ub - lower.beta);
    if (beta0 < 0 || beta0 > alpha0) beta0 = alpha0 - 1e-3;
  }
  let phi0 = spec.damped ? (fixed.phi ?? 0) : 1;
  if (optPhi) {
    phi0 = lower.phi + 0.99 * (upper.phi - lower.phi);
    if (phi0 < 0 || phi0 > 1) phi0 = upper.phi - 1e-3;
  }

  const { l0, b0 } = initialStates(y, spec.trend);
  const start: number[] = [];
  if (optAlpha) start.push(alpha0);
  if (optBeta) start.push(beta0);
  if (optPhi) start.push(phi0);
  start.push(l0);
  if (hasTrend) start.push(b0);
  const np = start.length;
  if (np >= n - 1) {
    throw new Error(`${etsLabel(spec)}: needs more than ${np + 1} observations to estimate ${np} parameters, got ${n}`);
  }

  // Where each estimated parameter sits in the optimiser's vector (-1: fixed or absent). The
  // objective runs hundreds of times per fit, so it reads the vector in place and the filter
  // writes its statistics into `stats`: nothing is allocated per evaluation.
  let slot = 0;
  const iAlpha = optAlpha ? slot++ : -1;
  const iBeta = optBeta ? slot++ : -1;
  const iPhi = optPhi ? slot++ : -1;
  const iL = slot++;
  const iB = hasTrend ? slot++ : -1;
  const alphaAt = (p: Float64Array): number => (iAlpha >= 0 ? p[iAlpha]! : fixed.alpha!);
  const betaAt = (p: Float64Array): number => (iBeta >= 0 ? p[iBeta]! : hasTrend ? fixed.beta! : 0);
  const phiAt = (p: Float64Array): number => (iPhi >= 0 ? p[iPhi]! : spec.damped ? fixed.phi! : 1);
  const b0At = (p: Float64Array): number => (iB >= 0 ? p[iB]! : 0);

  const stats = new Float64Array(STATS);
  const objective = (p: Float64Array): number => {
    const alpha = alphaAt(p);
    const beta = betaAt(p);
    const phi = phiAt(p);
    if (!paramsOk(alpha, beta, phi, hasTrend, spec.damped, lower, upper, optAlpha, optBeta, optPhi)) return Infinity;
    runFilter(y, spec, alpha, beta, phi, p[iL]!, b0At(p), stats);
    const lik = stats[LIK]!;
    if (Number.isNaN(lik)) return Infinity;
    if (optCrit === 'mse') return stats[MSE]!;
    return lik < -1e10 ? -1e10 : lik;
  };

  const res = nelderMead(objective, start, { maxit: MAXIT });
  const u = { alpha: alphaAt(res.par), beta: betaAt(res.par), phi: phiAt(res.par) };
  runFilter(y, spec, u.alpha, u.beta, u.phi, res.par[iL]!, b0At(res.par), stats);
  const r = { lik: stats[LIK]!, mse: stats[MSE]!, sse: stats[SSE]!, level: stats[LEVEL]!, slope: stats[SLOPE]! };
  if (!Number.isFinite(r.lik) || !Number.isFinite(r.level)) {
    throw new Error(`${etsLabel(spec)}: estimation failed (likelihood ${r.lik})`);
  }
  const k = np + 1; // R counts sigma as a parameter in the information criteria
  const aic = r.lik + 2 * k;
  const aicc = aic + (2 * k * (k + 1)) / (n - k - 1);
  return {
    spec,
    alpha: u.alpha,
    beta: u.beta,
    phi: u.phi,
    level: r.level,
    slope: r.slope,
    sigma2: r.sse / (n - np),
    lik: r.lik,
    aicc,
    mse: r.mse,
  };
}

/** R's `initstate` for non-seasonal models: mean of the first 10 values, or an OLS line on them. */
function initialStates(y: Float64Array, trend: TrendType): { l0: number; b0: number } {
  const maxn = Math.min(10, y.length);
  if (trend === 'N') {
    let s = 0;
    for (let i = 0; i < maxn; i++) s += y[i]!;
    return { l0: s / maxn, b0: 0 };
  }
  const { intercept, slope } = olsLine(y, maxn);
  let l0 = intercept;
  let b0 = slope;
  if (Math.abs(l0 + b0) < 1e-8) {
    l0 *= 1 + 1e-3;
    b0 *= 1 - 1e-3;
  }
  return { l0, b0 };
}

/** Least squares line through (1, y[0]), …, (count, y[count − 1]). */
export function olsLine(y: ArrayLike<number>, count: number): { intercept: number; slope: number } {
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < count; i++) {
    sx += i + 1;
    sy += y[i]!;
  }
  const mx = sx / count;
  const my = sy / count;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < count; i++) {
    const dx = i + 1 - mx;
    sxy += dx * (y[i]! - my);
    sxx += dx * dx;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { intercept: my - slope * mx, slope };
}

function paramsOk(
  alpha: number,
  beta: number,
  phi: number,
  hasTrend: boolean,
  damped: boolean,
  lower: typeof LOWER,
  upper: typeof UPPER,
  optAlpha: boolean,
  optBeta: boolean,
  optPhi: boolean,
): boolean {
  // "usual" bounds, checked only for estimated parameters (R: check_params)
  if (optAlpha && (alpha < lower.alpha || alpha > upper.alpha)) return false;
  if (optBeta && (beta < lower.beta || beta > alpha || beta > upper.beta)) return false;
  if (optPhi && (phi < lower.phi || phi > upper.phi)) return false;
  // "admissible" region (R: admissible(), non-seasonal branch)
  const p = damped ? phi : 1;
  if (p < 0 || p > 1 + 1e-8) return false;
  if (alpha < 1 - 1 / p || alpha > 1 + 1 / p) return false;
  if (hasTrend && (beta < alpha * (p - 1) || beta > (1 + p) * (2 - alpha))) return false;
  return true;
}

/** Slots of the statistics `runFilter` writes (into a Float64Array of STATS values). */
const LIK = 0;
const MSE = 1;
const SSE = 2;
const LEVEL = 3;
const SLOPE = 4;
const STATS = 5;

/**
 * One pass of the model over y (R: etscalc with nmse = 1). Writes into `out` the likelihood term
 * (n·log(SSE), plus 2·Σlog|f| with multiplicative errors; NaN, as every other slot, when a
 * forecast is ~0 under multiplicative errors), the MSE, the SSE and the final level and slope.
 *
 * This loop is where model fitting spends its time. Every variable in it is a double from the
 * start and no branch mixes a double with an integer literal, so the optimised code keeps
 * numbers unboxed: an earlier form (`hasTrend ? phi * b : 0` inside the loop) allocated a heap
 * number every few steps, half a megabyte per fit, and the garbage collection that followed cost
 * more than the arithmetic.
 */
function runFilter(y: Float64Array, spec: EtsSpec, alpha: number, beta: number, phi: number, l0: number, b0: number, out: Float64Array): void {
  const n = y.length;
  const mult = spec.error === 'M';
  const hasTrend = spec.trend !== 'N';
  // Without a trend beta is 0 and the slope stays 0, so one update serves both cases.
  const phiT = hasTrend ? phi : 0;
  const ratio = hasTrend ? beta / alpha : 0;
  let l = l0;
  let b = hasTrend ? b0 : 0;
  let sse = 0;
  let sq1 = 0;
  let logf = 0;
  if (mult) {
    for (let t = 0; t < n; t++) {
      const phib = phiT * b;
      const f = l + phib;
      if (Math.abs(f) < 1e-10) {
        out.fill(NaN);
        return;
      }
      const err = y[t]! - f;
      const e = err / f;
      logf += Math.log(Math.abs(f));
      sse += e * e;
      sq1 += err * err;
      const newL = f + alpha * err;
      b = phib + ratio * (newL - l - phib);
      l = newL;
    }
  } else {
    for (let t = 0; t < n; t++) {
      const phib = phiT * b;
      const f = l + phib;
      const err = y[t]! - f;
      sse += err * err;
      const newL = f + alpha * err;
      b = phib + ratio * (newL - l - phib);
      l = newL;
    }
    sq1 = sse;
  }
  out[LIK] = mult ? n * Math.log(sse) + 2 * logf : n * Math.log(sse);
  out[MSE] = sq1 / n;
  out[SSE] = sse;
  out[LEVEL] = l;
  out[SLOPE] = b;
}

/** Point forecasts 1..h: l + (φ + … + φ^k)·b. */
export function etsMean(fit: EtsFit, h: number): Float64Array {
  const out = new Float64Array(h);
  let phistar = fit.phi;
  for (let k = 0; k < h; k++) {
    out[k] = fit.spec.trend === 'N' ? fit.level : fit.level + phistar * fit.slope;
    phistar += Math.pow(fit.phi, k + 2);
  }
  return out;
}

/**
 * Forecast variances 1..h as R's forecast.ets computes them analytically:
 * additive errors (class 1): σ²·(1 + Σ_{j<h} c_j²);
 * multiplicative errors (class 2): v_h = (1 + σ²)·θ_h − μ_h², θ_h = μ_h² + σ²·Σ_{j<h} c_j²·θ_{h−j};
 * with c_j = α + β·(φ + … + φ^j) (c_j = α without trend).
 */
export function etsVariance(fit: EtsFit, h: number, mean: Float64Array): Float64Array {
  const { alpha, beta, phi, sigma2 } = fit;
  const hasTrend = fit.spec.trend !== 'N';
  const c = new Float64Array(h);
  let phistar = 0;
  for (let j = 1; j < h; j++) {
    phistar += Math.pow(phi, j);
    c[j] = alpha + (hasTrend ? beta * phistar : 0);
  }
  const v = new Float64Array(h);
  if (fit.spec.error === 'A') {
    let acc = 0;
    for (let k = 0; k < h; k++) {
      if (k > 0) acc += c[k]! * c[k]!;
      v[k] = sigma2 * (1 + acc);
    }
    return v;
  }
  const theta = new Float64Array(h);
  for (let k = 0; k < h; k++) {
    const mu = mean[k]!;
    let s = 0;
    for (let j = 1; j <= k; j++) s += c[j]! * c[j]! * theta[k - j]!;
    theta[k] = mu * mu + sigma2 * s;
    v[k] = Math.max(0, (1 + sigma2) * theta[k]! - mu * mu);
  }
  return v;
}

/** The non-seasonal models R's `ets(y)` searches by default (no multiplicative trend). */
export const AUTO_ETS_SPECS: readonly EtsSpec[] = [
  { error: 'A', trend: 'N', damped: false },
  { error: 'A', trend: 'A', damped: true },
  { error: 'A', trend: 'A', damped: false },
  { error: 'M', trend: 'N', damped: false },
  { error: 'M', trend: 'A', damped: true },
  { error: 'M', trend: 'A', damped: false },
];

/**
 * R's automatic choice among `specs` by AICc (ties keep the first). Models that fail are
 * skipped; multiplicative errors are skipped for non-positive data, as in R.
 * @throws Error when no model can be fitted.
 */
export function autoEts(y: Float64Array, specs: readonly EtsSpec[] = AUTO_ETS_SPECS): EtsFit {
  let positive = true;
  for (let i = 0; i < y.length; i++) if (!(y[i]! > 0)) positive = false;
  let best: EtsFit | undefined;
  const failures: string[] = [];
  for (const spec of specs) {
    if (spec.error === 'M' && !positive) continue;
    try {
      const fit = fitEts(y, spec, {}, 'lik');
      if (Number.isFinite(fit.aicc) && (best === undefined || fit.aicc < best.aicc)) best = fit;
    } catch (err) {
      failures.push((err as Error).message);
    }
  }
  if (best === undefined) throw new Error(`ets: no model could be fitted${failures.length ? `: ${failures.join('; ')}` : ''}`);
  return best;
}
