/**
 * The `arima` family (ctsa's AutoARIMA from the `arima` npm package, runtime/models/arima.ts).
 *
 * Reference values: R's `auto.arima()` forecasts from `m4_weekly_r_forecasts.csv`, made with
 * R 4.2.2 / forecast 8.20 by the project's script `m4_reference.R` (rows copied into
 * test/fixtures/m4, see its README): method `ARIMA` is auto.arima on the raw series treated with
 * frequency 1, `ARIMA_d52` auto.arima on the M4-style 52-week adjusted series, re-seasonalised.
 * ctsa's search and optimiser are not R's, so equality is not expected in general: over the 359
 * M4 weekly series the median mean absolute percentage difference from R is 0.29% (ARIMA) and
 * 0.29% (ARIMA_d52), the 90th percentile 3.6% and 2.6%. The series below are ones where ctsa
 * selects the same simple model as R; the measured differences are in the table.
 */
import assert from 'node:assert/strict';
import { describeOrder, differencingModel, type ArimaFitted } from '../../runtime/models/arima.ts';
import type { Forecast } from '../../runtime/models/contract.ts';
import { getFamily } from '../../runtime/models/registry.ts';
import { m4Train, rForecast } from './m4fixture.ts';
import { gaussian, weeklySeries } from './synthetic.ts';

const arima = getFamily('arima');
const weekly = { period: 52 };
const Z95 = 1.959963984540054;
const Z80 = 1.2815515655446004;

function fit(y: Float64Array, params: Record<string, unknown>, ctx = weekly): ArimaFitted {
  return arima.fit(y, ctx, params) as ArimaFitted;
}

/** Mean absolute percentage difference, in percent. */
function mapd(actual: ArrayLike<number>, expected: readonly number[]): number {
  let s = 0;
  for (let k = 0; k < expected.length; k++) s += Math.abs(actual[k]! - expected[k]!) / Math.abs(expected[k]!);
  return (100 * s) / expected.length;
}

function assertNested(f: Forecast, label: string): void {
  const [i80, i95] = f.intervals;
  for (let k = 0; k < f.mean.length; k++) {
    const chain = [i95!.lower[k]!, i80!.lower[k]!, f.mean[k]!, i80!.upper[k]!, i95!.upper[k]!];
    assert.ok(chain.every(Number.isFinite), `${label} step ${k + 1}: not finite`);
    for (let j = 1; j < chain.length; j++) assert.ok(chain[j - 1]! <= chain[j]!, `${label} step ${k + 1}: ${chain.join(' ')}`);
  }
}

/** A random walk of n steps from 100; `drift` is added to every step. */
function randomWalk(n: number, seed: number, drift: number, centre = false): Float64Array {
  const z = gaussian(seed);
  const steps = Float64Array.from({ length: n - 1 }, () => z());
  // Steps with mean exactly 0: the drift's ML estimate is 0, so AICc must prefer no drift.
  const m = centre ? steps.reduce((a, b) => a + b, 0) / steps.length : 0;
  const y = new Float64Array(n);
  y[0] = 100;
  for (let t = 1; t < n; t++) y[t] = y[t - 1]! + steps[t - 1]! - m + drift;
  return y;
}

describe('arima: R auto.arima reference forecasts (M4 weekly)', () => {
  // [series, R method, selected model, measured mean abs % difference from R, tolerance in %]
  const CASES: [string, 'ARIMA' | 'ARIMA_d52', string, number, number][] = [
    // Closed forms (R printed 10 significant digits, hence 1e-6 %).
    ['W295', 'ARIMA', 'ARIMA(0,1,0)', 0, 1e-6],
    // Closed form with the mean step as drift; R's ML drift stops a little away from it.
    ['W87', 'ARIMA', 'ARIMA(0,1,0) with drift', 0.0027, 0.01],
    ['W317', 'ARIMA', 'ARIMA(0,1,1)', 0.00008, 0.01],
    ['W305', 'ARIMA', 'ARIMA(1,0,0) with mean', 0.043, 0.1],
    ['W265', 'ARIMA', 'ARIMA(2,1,0)', 0.0000016, 0.01],
    ['W57', 'ARIMA', 'ARIMA(2,0,1) with mean', 0.021, 0.1],
    ['W258', 'ARIMA_d52', 'ARIMA(0,1,0)', 0, 1e-6],
    ['W83', 'ARIMA_d52', 'ARIMA(0,1,1) with drift', 0.0009, 0.01],
    ['W73', 'ARIMA_d52', 'ARIMA(2,1,0) with drift', 0.0012, 0.01],
    // R's ARIMA(4,1,0) has slightly different AR coefficients (ctsa's CSS-ML optimum).
    ['W57', 'ARIMA_d52', 'ARIMA(4,1,0)', 0.396, 0.5],
  ];
  for (const [id, method, model, measured, tolerance] of CASES) {
    it(`${id} ${method}: ${model}, within ${tolerance}% of R (measured ${measured}%)`, function () {
      this.timeout(20_000);
      // ARIMA: no seasonal adjustment (frequency 1 in R); ARIMA_d52: the default M4 test at 52.
      const f = fit(m4Train(id), method === 'ARIMA' ? { seasonality: 'none' } : {});
      assert.equal(describeOrder(f.order), model);
      const diff = mapd(f.predict(13, []).mean, rForecast(id, method));
      assert.ok(diff <= tolerance, `${id} ${method}: ${diff}% from R`);
    });
  }
});

describe('arima: models without AR/MA terms, in closed form (ctsa forecasts them as garbage)', () => {
  it('ARIMA(0,1,0) is naive: last value, 80/95% half-widths z·σ·√h, σ² = Σ step² / (n − 1)', () => {
    // The full search: with maxP = maxQ = 0 ctsa's stepwise search never tries the model without
    // drift (it would pick "with drift", whose estimate is then exactly 0: the same forecasts).
    const y = randomWalk(200, 11, 0, true);
    const f = fit(y, { seasonality: 'none' });
    assert.equal(describeOrder(f.order), 'ARIMA(0,1,0)');
    const n = y.length;
    let ss = 0;
    for (let t = 1; t < n; t++) ss += (y[t]! - y[t - 1]!) ** 2;
    const sigma = Math.sqrt(ss / (n - 1));
    const fc = f.predict(6, [80, 95]);
    for (let k = 0; k < 6; k++) {
      const h = k + 1;
      assert.equal(fc.mean[k], y[n - 1]);
      assert.ok(Math.abs(fc.intervals[0]!.upper[k]! - y[n - 1]! - Z80 * sigma * Math.sqrt(h)) < 1e-9 * y[n - 1]!, `80% h=${h}`);
      assert.ok(Math.abs(y[n - 1]! - fc.intervals[1]!.lower[k]! - Z95 * sigma * Math.sqrt(h)) < 1e-9 * y[n - 1]!, `95% h=${h}`);
    }
  });

  it('ARIMA(0,1,0) with drift: last value + h·b, b the mean step; σ² = Σ(step − b)² / (n − 1)', () => {
    const y = randomWalk(200, 5, 1);
    const f = fit(y, { seasonality: 'none' });
    assert.equal(describeOrder(f.order), 'ARIMA(0,1,0) with drift');
    const n = y.length;
    const b = (y[n - 1]! - y[0]!) / (n - 1);
    let ss = 0;
    for (let t = 1; t < n; t++) ss += (y[t]! - y[t - 1]! - b) ** 2;
    const sigma = Math.sqrt(ss / (n - 1));
    const fc = f.predict(4, [95]);
    for (let k = 0; k < 4; k++) {
      const h = k + 1;
      assert.ok(Math.abs(fc.mean[k]! - (y[n - 1]! + h * b)) < 1e-9 * y[n - 1]!, `mean h=${h}`);
      assert.ok(Math.abs(fc.intervals[0]!.upper[k]! - fc.mean[k]! - Z95 * sigma * Math.sqrt(h)) < 1e-9 * y[n - 1]!, `95% h=${h}`);
    }
  });

  it('d = 2 extrapolates the last step; variance σ²·Σψ², ψ = 1, 2, 3, ...', () => {
    // Second differences 1, 1, 1: σ² = 1 without a constant; forecasts 15, 19; variances 1, 1 + 4.
    const m = differencingModel(Float64Array.from([1, 2, 4, 7, 11]), 2, 0, 0, false);
    const mean = m.mean(2);
    assert.deepEqual([...mean], [15, 19]);
    assert.deepEqual([...m.variance(2, mean)], [1, 5]);
  });

  it('a seasonal difference with drift repeats last season plus the mean seasonal step', () => {
    // Seasonal (s = 4) differences 4, 4, 6, 6: constant 5, σ² = 1; ψ = 1, 0, 0, 0, 1.
    const y = Float64Array.from([1, 2, 3, 4, 5, 6, 9, 10]);
    const m = differencingModel(y, 0, 1, 4, true);
    const mean = m.mean(5);
    assert.deepEqual([...mean], [10, 11, 14, 15, 15]);
    assert.deepEqual([...m.variance(5, mean)], [1, 1, 1, 1, 2]);
  });
});

describe('arima: fitting', () => {
  it('forecasts a drift (ctsa drops it unless the flag is restored)', function () {
    this.timeout(20_000);
    // Steps: drift 0.5 plus AR(1) noise, so the model is ARIMA(1,1,0) with drift and the
    // forecast steps approach the drift (without it they would decay to 0).
    const z = gaussian(7);
    const y = new Float64Array(300);
    let e = 0;
    y[0] = 100;
    for (let t = 1; t < 300; t++) {
      e = 0.5 * e + z();
      y[t] = y[t - 1]! + 0.5 + e;
    }
    const f = fit(y, { seasonality: 'none' });
    assert.match(describeOrder(f.order), /with drift$/);
    const mean = f.predict(13, []).mean;
    const meanStep = (y[299]! - y[0]!) / 299;
    const lastStep = mean[12]! - mean[11]!;
    assert.ok(Math.abs(lastStep - meanStep) < 0.1 * meanStep, `last forecast step ${lastStep}, mean step ${meanStep}`);
  });

  it('gives nested, finite intervals in the requested order, and longer horizons extend shorter ones', function () {
    this.timeout(20_000);
    const y = weeklySeries({ n: 260, seed: 7 });
    const f = fit(y, {});
    const fc = f.predict(20, [80, 95]);
    assert.deepEqual(
      fc.intervals.map((i) => i.levelPct),
      [80, 95],
    );
    assertNested(fc, 'weekly');
    assertNested(fit(m4Train('W57'), {}).predict(13, [80, 95]), 'W57');
    // Beyond the 104 steps computed at fit time the model is refitted: same model, same values.
    const long = f.predict(150, [80, 95]);
    assert.deepEqual([...long.mean.subarray(0, 20)], [...fc.mean]);
    assertNested(long, 'h = 150');
  });

  it('"history" fits the last observations only (4 times faster on M4 weekly histories at 520)', function () {
    this.timeout(20_000);
    const y = weeklySeries({ n: 260, seed: 4 });
    const last = fit(y, { seasonality: 'none', history: 120 }).predict(13, []).mean;
    assert.deepEqual([...last], [...fit(y.slice(140), { seasonality: 'none' }).predict(13, []).mean]);
    // Longer than ctsa can take (the series travels on the wasm stack): say what to do.
    assert.throws(() => fit(new Float64Array(6000).fill(1), {}), /arima: fits at most 5000 observations, got 6000; set "history"/);
  });

  it('forecasts a constant series as that constant, with zero-width intervals', () => {
    const fc = fit(new Float64Array(30).fill(7), {}).predict(3, [95]);
    assert.deepEqual([...fc.mean], [7, 7, 7]);
    assert.deepEqual([...fc.intervals[0]!.lower], [7, 7, 7]);
  });

  it('fits seasonal ARIMA for short periods (monthly)', function () {
    this.timeout(20_000);
    const z = gaussian(3);
    const y = Float64Array.from({ length: 144 }, (_, t) => 100 + 0.3 * t + 10 * Math.sin((2 * Math.PI * t) / 12) + z());
    const f = fit(y, { seasonal: true }, { period: 12 });
    assert.equal(f.order.s, 12);
    const fc = f.predict(12, [80, 95]);
    assertNested(fc, 'monthly');
    // The forecast keeps the yearly swing (amplitude 10) instead of flattening it.
    assert.ok(Math.max(...fc.mean) - Math.min(...fc.mean) > 10, [...fc.mean].join(' '));
  });
});

describe('arima: errors', () => {
  const y = weeklySeries({ n: 120, seed: 1 });
  it('rejects a too-short series with the minimum', () => {
    assert.throws(() => fit(y.subarray(0, 12), {}), /^Error: arima: needs at least 20 observations, got 12$/);
  });
  it('rejects seasonal ARIMA at period 52 and its combination with the seasonal adjustment', () => {
    assert.throws(() => fit(y, { seasonal: true }), /arima: seasonal ARIMA needs a period from 2 to 24, got 52/);
    assert.throws(() => fit(y, { seasonal: true, seasonality: 'test' }, { period: 12 }), /cannot be combined with "seasonality": "test"/);
  });
  it('rejects unknown and out-of-range parameters, and non-finite values', () => {
    assert.throws(() => fit(y, { maxp: 2 }), /arima: unknown parameter "maxp"; known parameters: seasonality, period, seasonal, maxP/);
    assert.throws(() => fit(y, { maxD: 3 }), /arima: "maxD" must be an integer from 0 to 2, got 3/);
    const bad = Float64Array.from(y);
    bad[5] = NaN;
    assert.throws(() => fit(bad, {}), /arima: y\[5\] is NaN/);
  });
});
