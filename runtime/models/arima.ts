/**
 * `arima`: automatic ARIMA order selection with the `arima` npm package (0.2.8): ctsa's
 * AutoARIMA (a C port of R's `auto.arima`: KPSS differencing test, stepwise search by AICc,
 * CSS-ML fits) compiled to WebAssembly. Non-seasonal by default, on the M4-style seasonally
 * adjusted series (as R's `auto.arima` on the adjusted series, the reference `ARIMA_d52`).
 *
 * Loading: the package's main entry compiles its wasm synchronously (Node allows synchronous
 * compilation of any size; `arima/async` exists only for browsers), so `fit` stays synchronous
 * and no prepare step is needed. We do not use that entry's `ARIMA` class, though: we build our
 * own instance from the package's Emscripten factory and call the exported C functions, because
 *   - its module prints ctsa's diagnostics ("Program Exiting as the function returns NaN", ...)
 *     to stdout on every fit, and sets `process.exitCode` when the C code calls `exit()`;
 *     our instance captures printing and turns `exit()` into a thrown Error;
 *   - the fitted order is only readable from wasm memory, and two ctsa bugs need it (below);
 *   - a failed fit (a trap, or ctsa's exit()) leaves the instance unusable, and ctsa's source
 *     does not free a fit's search results (`aa_ret_free` is commented out; no heap growth was
 *     measurable over 60 fits, 16.9 MB): we drop such an instance, or one whose heap passed
 *     512 MB, and start a fresh one.
 * The compiled module is kept once per thread (module state is per realm, as in augurs.ts);
 * instances are cheap to recreate from it.
 *
 * ctsa bugs worked around (found against R on the M4 weekly series):
 *   1. A selected model without AR/MA terms, e.g. ARIMA(0,1,0), is forecast as uninitialised
 *      memory (1e-309, 0, ...). Those models are random walks / white noise; we forecast them in
 *      closed form (`differencingModel`), exactly as R's `predict.Arima` would.
 *   2. The drift term is estimated but dropped when forecasting (the struct's `idrift` flag is
 *      overwritten during the search), so trending series got flat forecasts. We set the flag
 *      back when the selected model has a drift (d + D = 1 and a constant). Whether it has one
 *      is read from the search trace: for (0,d,0) the final refit always adds a constant, even
 *      when the search chose the model without it.
 *   3. Struct offsets are those of this build; every fit checks a few known fields and fails
 *      with a clear message if a different build of the package is installed.
 *
 * Intervals: normal, mean ± z·√(forecast MSE), the MSE from ctsa's Kalman forecast (forkal) or,
 * for the closed forms, σ²·Σψ² with σ² the ML residual variance, as R.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FitContext, Fitted, ModelFamily, ModelParams } from './contract.ts';
import { assertFiniteSeries, assertKnownParams } from './common.ts';
import { GaussianFitted, type MeanVariance } from './gaussian.ts';
import { readBoolean, readInteger, readSeasonality, seasonalitySchema } from './params.ts';
import { adjustSeasonality } from './seasonality.ts';

const NAME = 'arima';

/** ctsa's AutoARIMA refuses shorter series (the package's own minimum for automatic models). */
export const MIN_OBSERVATIONS = 20;
/**
 * The series is passed on the wasm stack (the module exports no malloc), which overflows a little
 * above 8000 values; 5000 leaves room for ctsa's own stack use (96 years of weekly data).
 */
export const MAX_OBSERVATIONS = 5000;
/**
 * Seasonal ARIMA is offered up to this period: with 52, one fit of a 365-week M4 series had not
 * finished after 10 minutes (R's auto.arima: 88 s per M4 weekly series on average).
 */
export const MAX_SEASONAL_PERIOD = 24;
/** Forecasts computed at fit time (2 years of weeks); longer horizons refit (deterministic). */
const CACHED_STEPS = 104;
/** Replace the wasm instance when its heap grows past this (a guard against ctsa's unfreed results). */
const HEAP_LIMIT_BYTES = 512 * 1024 * 1024;

const PARAMS = ['seasonality', 'period', 'seasonal', 'maxP', 'maxD', 'maxQ', 'maxSeasonalP', 'maxSeasonalD', 'maxSeasonalQ', 'approximation', 'stepwise', 'history'] as const;

export const arimaFamily: ModelFamily = {
  name: NAME,
  description: 'ARIMA with automatic order selection (ctsa AutoARIMA in wasm, after R auto.arima), on the seasonally adjusted series.',
  paramsSchema: {
    type: 'object',
    description: 'AutoARIMA parameters: search bounds and the seasonal handling.',
    properties: {
      ...seasonalitySchema,
      seasonal: {
        type: 'boolean',
        default: false,
        description:
          `Seasonal ARIMA with the series period (periods up to ${MAX_SEASONAL_PERIOD} only: with 52 a single fit takes minutes). ` +
          'Replaces the seasonal adjustment, so "seasonality" then defaults to (and must be) "none".',
      },
      maxP: { type: 'integer', minimum: 0, maximum: 5, default: 5, description: 'Largest AR order searched.' },
      maxD: {
        type: 'integer',
        minimum: 0,
        maximum: 2,
        default: 1,
        description:
          'Largest number of differences (KPSS test). R allows 2; with 2, ctsa picked d = 2 on some M4 weekly series ' +
          '(e.g. W1, W249) with far worse forecasts than R (OWA 1.27 against 0.93 with 1, on every 4th series).',
      },
      maxQ: { type: 'integer', minimum: 0, maximum: 5, default: 5, description: 'Largest MA order searched.' },
      maxSeasonalP: { type: 'integer', minimum: 0, maximum: 2, default: 2, description: 'With "seasonal": largest seasonal AR order.' },
      maxSeasonalD: { type: 'integer', minimum: 0, maximum: 1, default: 1, description: 'With "seasonal": largest number of seasonal differences.' },
      maxSeasonalQ: { type: 'integer', minimum: 0, maximum: 2, default: 2, description: 'With "seasonal": largest seasonal MA order.' },
      approximation: {
        type: 'boolean',
        description:
          'Search with the conditional-sum-of-squares approximation of the likelihood (faster), as R\'s auto.arima. ' +
          'Default as R: when there are more than 150 observations or the seasonal period exceeds 12.',
      },
      stepwise: { type: 'boolean', default: true, description: 'Stepwise search (as R); false searches all orders within the bounds (slower).' },
      history: {
        type: 'integer',
        minimum: MIN_OBSERVATIONS,
        maximum: MAX_OBSERVATIONS,
        description:
          'Fit on the last `history` observations only (after seasonal adjustment over the whole series); default: all. ' +
          `Fit time grows quickly with length; at most ${MAX_OBSERVATIONS} observations are fitted.`,
      },
    },
    additionalProperties: false,
  },
  fit(y: Float64Array, ctx: FitContext, params: ModelParams): Fitted {
    assertKnownParams(NAME, params, PARAMS);
    assertFiniteSeries(NAME, y);
    const seasonal = readBoolean(NAME, params, 'seasonal') ?? false;
    const { mode, period } = readSeasonality(NAME, { seasonality: seasonal ? 'none' : 'test', ...params }, ctx);
    if (seasonal && mode !== 'none') {
      throw new Error(`${NAME}: "seasonal": true models the season itself; it cannot be combined with "seasonality": "${mode}"`);
    }
    if (seasonal && (period < 2 || period > MAX_SEASONAL_PERIOD)) {
      throw new Error(
        `${NAME}: seasonal ARIMA needs a period from 2 to ${MAX_SEASONAL_PERIOD}, got ${period} ` +
          '(for weekly data use the default seasonal adjustment instead)',
      );
    }
    const history = readInteger(NAME, params, 'history', MIN_OBSERVATIONS, MAX_OBSERVATIONS);
    const n = Math.min(y.length, history ?? Infinity);
    const search: ArimaSearch = {
      maxP: readInteger(NAME, params, 'maxP', 0, 5) ?? 5,
      maxD: readInteger(NAME, params, 'maxD', 0, 2) ?? 1,
      maxQ: readInteger(NAME, params, 'maxQ', 0, 5) ?? 5,
      maxSP: seasonal ? (readInteger(NAME, params, 'maxSeasonalP', 0, 2) ?? 2) : 0,
      maxSD: seasonal ? (readInteger(NAME, params, 'maxSeasonalD', 0, 1) ?? 1) : 0,
      maxSQ: seasonal ? (readInteger(NAME, params, 'maxSeasonalQ', 0, 2) ?? 2) : 0,
      period: seasonal ? period : 0,
      approximation: readBoolean(NAME, params, 'approximation') ?? (n > 150 || (seasonal && period > 12)),
      stepwise: readBoolean(NAME, params, 'stepwise') ?? true,
    };
    const minimum = Math.max(MIN_OBSERVATIONS, 2 * search.period + search.maxD);
    if (n < minimum) throw new Error(`${NAME}: needs at least ${minimum} observations, got ${n}`);
    if (n > MAX_OBSERVATIONS) throw new Error(`${NAME}: fits at most ${MAX_OBSERVATIONS} observations, got ${n}; set "history"`);

    const adj = adjustSeasonality(y, period, mode);
    return new ArimaFitted(adj.adjusted.slice(adj.adjusted.length - n), search, adj.future);
  },
};

/** A fitted AutoARIMA: forecasts of the adjusted series, re-seasonalised; `order` says which model. */
export class ArimaFitted extends GaussianFitted {
  /** The model AutoARIMA selected (on the seasonally adjusted series when adjusted). */
  readonly order: ArimaOrder;

  constructor(series: Float64Array, search: ArimaSearch, future: Float64Array) {
    let cached = forecastSeries(series, search, CACHED_STEPS);
    // Horizons beyond the cache refit: the selection is deterministic, so the model is the same.
    const upTo = (h: number): SeriesForecast => {
      if (h > cached.mean.length) cached = forecastSeries(series, search, h);
      return cached;
    };
    super(NAME, { mean: (h) => upTo(h).mean.slice(0, h), variance: (h) => upTo(h).mse.slice(0, h) }, future);
    this.order = cached.order;
  }
}

/** AutoARIMA's search bounds and options (seasonal ones 0 for non-seasonal models). */
export interface ArimaSearch {
  readonly maxP: number;
  readonly maxD: number;
  readonly maxQ: number;
  readonly maxSP: number;
  readonly maxSD: number;
  readonly maxSQ: number;
  /** Seasonal period for the search, 0 for non-seasonal models. */
  readonly period: number;
  readonly approximation: boolean;
  readonly stepwise: boolean;
}

/** The order AutoARIMA selected, as (p, d, q)(P, D, Q)_s, and whether it has a mean or drift. */
export interface ArimaOrder {
  readonly p: number;
  readonly d: number;
  readonly q: number;
  readonly P: number;
  readonly D: number;
  readonly Q: number;
  readonly s: number;
  readonly constant: boolean;
}

interface SeriesForecast {
  readonly order: ArimaOrder;
  readonly mean: Float64Array;
  readonly mse: Float64Array;
}

/**
 * Select, fit and forecast `h` steps. Exported for tests and diagnostics (the selected order).
 * @throws Error naming the family and n when ctsa fails or returns non-finite forecasts.
 */
export function forecastSeries(y: Float64Array, search: ArimaSearch, h: number): SeriesForecast {
  const n = y.length;
  // A constant series has no variance to test or fit (ctsa's KPSS divides by it); R's
  // auto.arima returns ARIMA(0,0,0) with mean, i.e. the value with zero-width intervals.
  if (y.every((v) => v === y[0])) {
    const order = { p: 0, d: 0, q: 0, P: 0, D: 0, Q: 0, s: 0, constant: true };
    return { order, mean: new Float64Array(h).fill(y[0]!), mse: new Float64Array(h) };
  }
  const ctsa = ctsaInstance();
  let out: SeriesForecast;
  try {
    out = ctsa.autoArima(y, search, h);
  } catch (err) {
    // A trap or exit() can leave the instance's stack and heap inconsistent: never reuse it.
    dropInstance();
    const detail = err instanceof Error ? err.message : String(err);
    throw new Error(`${NAME}: AutoARIMA (ctsa, wasm) failed on a series of n = ${n}: ${detail}`);
  }
  if (ctsa.heapBytes() > HEAP_LIMIT_BYTES) dropInstance();
  for (let k = 0; k < h; k++) {
    if (!Number.isFinite(out.mean[k]!) || !Number.isFinite(out.mse[k]!)) {
      throw new Error(`${NAME}: ${describeOrder(out.order)} gave a non-finite forecast at step ${k + 1} (n = ${n})`);
    }
  }
  return out;
}

/** R's notation, e.g. "ARIMA(2,1,0) with drift" or "ARIMA(1,0,0)(0,1,1)[12]". */
export function describeOrder(o: ArimaOrder): string {
  const seasonal = o.P + o.D + o.Q > 0 ? `(${o.P},${o.D},${o.Q})[${o.s}]` : '';
  const constant = o.constant ? (o.d + o.D === 0 ? ' with mean' : o.d + o.D === 1 ? ' with drift' : '') : '';
  return `ARIMA(${o.p},${o.d},${o.q})${seasonal}${constant}`;
}

/**
 * Forecast a model without AR or MA terms, δ(B)·y_t = c + e_t with δ(B) = (1 − B)^d (1 − B^s)^D,
 * as R's arima + predict: c is the ML constant (the mean of the differenced series, which is what
 * a mean or drift term estimates here), σ² the ML residual variance, and the forecast variance
 * σ²·Σ_{j<h} ψ_j² with ψ the coefficients of 1/δ(B). ARIMA(0,1,0) is naive (R: naive()), with
 * drift R's rwf(drift = TRUE) without the drift's own estimation error (as predict.Arima).
 */
export function differencingModel(y: Float64Array, d: number, D: number, s: number, constant: boolean): MeanVariance {
  let delta = [1];
  const times = (a: number[], lag: number): number[] => {
    const r = new Array<number>(a.length + lag).fill(0);
    a.forEach((c, i) => {
      r[i] = r[i]! + c;
      r[i + lag] = r[i + lag]! - c;
    });
    return r;
  };
  for (let i = 0; i < d; i++) delta = times(delta, 1);
  for (let i = 0; i < D; i++) delta = times(delta, s);
  const L = delta.length - 1;
  const n = y.length;
  if (n <= L + 1) throw new Error(`${NAME}: needs more than ${L + 1} observations for ${d} difference(s) and ${D} seasonal one(s), got ${n}`);
  const w = new Float64Array(n - L);
  for (let t = L; t < n; t++) {
    let v = 0;
    for (let i = 0; i <= L; i++) v += delta[i]! * y[t - i]!;
    w[t - L] = v;
  }
  const c = constant ? w.reduce((a, b) => a + b, 0) / w.length : 0;
  const sigma2 = w.reduce((a, b) => a + (b - c) ** 2, 0) / w.length;
  return {
    mean: (h) => {
      const ext = Float64Array.from({ length: n + h }, (_, t) => (t < n ? y[t]! : 0));
      for (let t = n; t < n + h; t++) {
        let v = c;
        for (let i = 1; i <= L; i++) v -= delta[i]! * ext[t - i]!;
        ext[t] = v;
      }
      return ext.slice(n);
    },
    variance: (h) => {
      const psi = new Float64Array(h);
      const out = new Float64Array(h);
      let sum = 0;
      for (let j = 0; j < h; j++) {
        let v = j === 0 ? 1 : 0;
        for (let i = 1; i <= Math.min(j, L); i++) v -= delta[i]! * psi[j - i]!;
        psi[j] = v;
        sum += v * v;
        out[j] = sigma2 * sum;
      }
      return out;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The wasm module: one compiled module per thread, an instance recreated when it is unusable.

interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...args: unknown[]) => number;
  HEAP32: Int32Array;
  HEAPU8: Uint8Array;
  HEAPF64: Float64Array;
}

type EmscriptenFactory = (options: Record<string, unknown>) => EmscriptenModule;

interface Ctsa {
  autoArima(y: Float64Array, search: ArimaSearch, h: number): SeriesForecast;
  heapBytes(): number;
}

/** Node's WebAssembly; the project's TypeScript lib (ES2023, no DOM) does not declare it. */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => object;
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: { factory: EmscriptenFactory; wasm: object } | undefined;
let instance: Ctsa | undefined;

function ctsaInstance(): Ctsa {
  instance ??= createInstance();
  return instance;
}

function dropInstance(): void {
  instance = undefined;
}

/** Heap size of this thread's wasm instance in bytes (0 before the first fit); for diagnostics. */
export function arimaHeapBytes(): number {
  return instance?.heapBytes() ?? 0;
}

function loadCompiled(): { factory: EmscriptenFactory; wasm: object } {
  if (compiled === undefined) {
    // createRequire rather than import.meta.resolve: under mocha, tsx may load this file as
    // CommonJS, where import.meta has no resolve (see augurs.ts). The files below are not in the
    // package's exports map, but requiring them by absolute path is allowed.
    const require = createRequire(import.meta.url);
    const dir = dirname(require.resolve('arima'));
    try {
      const factory = require(join(dir, 'wasm', 'native-sync.js')) as EmscriptenFactory;
      const bytes = require(join(dir, 'wrapper', 'native.bin.js')) as Uint8Array;
      compiled = { factory, wasm: new Wasm.Module(bytes) };
    } catch (err) {
      throw new Error(`${NAME}: cannot load the arima package's WebAssembly from ${dir}: ${(err as Error).message}`);
    }
  }
  return compiled;
}

/**
 * Byte offsets in ctsa's `struct auto_arima_set` (wasm32) as built into arima 0.2.8: ints and
 * pointers are 4 bytes. `ic` holds the information criterion's name ("aicc").
 */
const OFFSET = { N: 0, pmax: 16, dmax: 20, qmax: 24, p: 40, d: 44, q: 48, s: 52, P: 56, D: 60, Q: 64, M: 72, exog: 96, idrift: 156, ic: 188 } as const;

/** One search-trace line per candidate, e.g. "p: 1 d: 1 q: 0 P: 0 D: 0 Q: 0 Drift/Mean: 1 ic: 881.682". */
const TRACE = /p: (\d+) d: (\d+) q: (\d+) P: (\d+) D: (\d+) Q: (\d+) Drift\/Mean: (\d+) ic: (\S+)/;

function createInstance(): Ctsa {
  const { factory, wasm } = loadCompiled();
  let printed: string[] = [];
  const m = factory({
    // Instantiate from the module compiled once per thread (the factory would compile again).
    instantiateWasm: (imports: object, receive: (instance: object) => unknown) => receive(new Wasm.Instance(wasm, imports)),
    print: (line: string) => printed.push(line),
    printErr: (line: string) => printed.push(line),
    // Emscripten's default sets process.exitCode before throwing; a failed fit must not fail the process.
    quit: (status: number, toThrow: unknown) => {
      throw toThrow instanceof Error ? toThrow : new Error(`ctsa called exit(${status})`);
    },
  });
  const fit = m.cwrap('fit_autoarima', 'number', ['array', 'array', ...new Array<string>(13).fill('number'), 'boolean']);
  const predict = m.cwrap('predict_autoarima', 'number', ['number', 'array', 'array', 'array', 'number']);
  const freeModel = m.cwrap('free_autoarima', null, ['number']);
  const freeResult = m.cwrap('free_result', null, ['number']);
  const int = (struct: number, offset: number): number => m.HEAP32[(struct + offset) >> 2]!;

  return {
    heapBytes: () => m.HEAPU8.length,
    autoArima(y, search, h) {
      printed = [];
      const bytes = new Uint8Array(Float64Array.from(y).buffer);
      const none = new Uint8Array(0);
      const { maxP, maxD, maxQ, maxSP, maxSD, maxSQ, period } = search;
      // Arguments as the package's load.js passes them: series, exogenous (none), maximum orders,
      // period, number of regressors, length, method 0 (CSS-ML), optimizer 6 (L-BFGS; AutoARIMA
      // ignores both), approximation, stepwise, verbose (for the search trace).
      let handle: number;
      try {
        handle = fit(bytes, none, maxP, maxD, maxQ, maxSP, maxSD, maxSQ, period, 0, y.length, 0, 6, search.approximation ? 1 : 0, search.stepwise ? 1 : 0, true);
      } catch (err) {
        // ctsa reports why it gave up with printf before exit(); that line is the useful part.
        const last = printed.filter((l) => l.trim() !== '' && !TRACE.test(l)).at(-1);
        const message = err instanceof Error ? err.message : String(err);
        throw new Error(last === undefined ? message : `${message} (ctsa: ${last.trim()})`);
      }
      try {
        const struct = int(handle, 0);
        const ic = String.fromCharCode(...m.HEAPU8.subarray(struct + OFFSET.ic, struct + OFFSET.ic + 4));
        if (int(struct, OFFSET.N) !== y.length || int(struct, OFFSET.pmax) !== maxP || int(struct, OFFSET.dmax) !== maxD || int(struct, OFFSET.qmax) !== maxQ || ic !== 'aicc') {
          throw new Error('unexpected memory layout of the fitted model: this family supports the arima package 0.2.8 only');
        }
        const read = (k: keyof typeof OFFSET): number => int(struct, OFFSET[k]);
        const [p, d, q, P, D, Q, M] = [read('p'), read('d'), read('q'), read('P'), read('D'), read('Q'), read('M')];
        const s = P + D + Q > 0 ? read('s') : 0;
        const constant = selectedConstant(printed.join('\n'), [p, d, q, P, D, Q]) ?? M > 0;
        const order: ArimaOrder = { p, d, q, P, D, Q, s, constant };
        if (p + q + P + Q === 0) {
          // Bug 1: ctsa cannot forecast these; they are closed forms.
          const model = differencingModel(y, d, D, s, constant);
          const mean = model.mean(h);
          return { order, mean, mse: model.variance(h, mean) };
        }
        // Bug 2: restore the drift flag (the drift coefficient is the first regressor, M = 1).
        m.HEAP32[(struct + OFFSET.idrift) >> 2] = d + D === 1 && constant && M === 1 ? 1 : 0;
        const result = predict(handle, bytes, none, none, h);
        const mean = Float64Array.from(m.HEAPF64.subarray(result >> 3, (result >> 3) + h));
        const mse = Float64Array.from(m.HEAPF64.subarray((result >> 3) + h, (result >> 3) + 2 * h));
        freeResult(result);
        return { order, mean, mse };
      } finally {
        freeModel(handle);
      }
    },
  };
}

/**
 * Whether the search selected the given order with a constant (mean or drift): the candidate of
 * that order with the smallest criterion in the trace. Undefined when the trace lacks it.
 */
export function selectedConstant(trace: string, order: readonly number[]): boolean | undefined {
  let best = Infinity;
  let constant: boolean | undefined;
  for (const m of trace.matchAll(new RegExp(TRACE, 'g'))) {
    const same = order.every((v, i) => Number(m[i + 1]) === v);
    const ic = Number(m[8]);
    if (same && (constant === undefined || ic < best)) {
      best = ic;
      constant = m[7] !== '0';
    }
  }
  return constant;
}
