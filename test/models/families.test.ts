/**
 * Contract properties every family must keep (interval ordering, levels in the order asked,
 * finite output, parameter checks), interval coverage on simulated data, and the closed forms of
 * the random walks and the seasonal machinery.
 */
import assert from 'node:assert/strict';
import { getFamily, autoModels, familyNames, prepareModels } from '../../runtime/models/registry.ts';
import { acf, isSeasonal, multiplicativeIndices } from '../../runtime/models/seasonality.ts';
import { nelderMead } from '../../runtime/models/optim.ts';
import { gaussian, weeklySeries } from './synthetic.ts';

const ctx = { period: 52 };

describe('every family', () => {
  before(async () => {
    await prepareModels();
  });

  const y = weeklySeries({ n: 260, seed: 7 });
  for (const name of ['naive', 'snaive', 'drift', 'naive2', 'ses', 'holt', 'damped', 'theta', 'ets', 'mstl', 'prophet']) {
    it(`${name}: nested, finite intervals in the requested order`, function () {
      this.timeout(20_000);
      const f = getFamily(name).fit(y, ctx, {}).predict(20, [95, 50, 80]);
      assert.deepEqual(
        f.intervals.map((i) => i.levelPct),
        [95, 50, 80],
      );
      const [i95, i50, i80] = f.intervals;
      for (let k = 0; k < 20; k++) {
        const chain = [i95!.lower[k]!, i80!.lower[k]!, i50!.lower[k]!, f.mean[k]!, i50!.upper[k]!, i80!.upper[k]!, i95!.upper[k]!];
        assert.ok(chain.every(Number.isFinite), `${name} step ${k + 1}: not finite`);
        for (let j = 1; j < chain.length; j++) assert.ok(chain[j - 1]! <= chain[j]! + 1e-9, `${name} step ${k + 1}: ${chain.join(' ')}`);
      }
    });
  }

  it('reject unknown parameters with the known ones listed', () => {
    for (const name of familyNames()) {
      if (name === 'ensemble') continue;
      assert.throws(() => getFamily(name).fit(y, ctx, { nope: 1 }), new RegExp(`${name}: unknown parameter "nope"`), name);
    }
  });

  it('reject out-of-range smoothing parameters and bad seasonality modes', () => {
    assert.throws(() => getFamily('ses').fit(y, ctx, { alpha: 1.5 }), /ses: "alpha" must be a number strictly between 0 and 1, got 1.5/);
    assert.throws(() => getFamily('theta').fit(y, ctx, { seasonality: 'sometimes' }), /"seasonality" must be one of "test", "always", "none"/);
  });

  it('use fixed smoothing parameters instead of estimating them', () => {
    const flat = getFamily('ses').fit(y, ctx, { alpha: 0.0001, seasonality: 'none' }).predict(1, []).mean[0]!;
    const fast = getFamily('ses').fit(y, ctx, { alpha: 0.9999, seasonality: 'none' }).predict(1, []).mean[0]!;
    assert.ok(Math.abs(fast - y[y.length - 1]!) < 1e-3 * Math.abs(fast), 'alpha ~1 follows the last value');
    assert.notEqual(flat, fast);
  });
});

describe('interval coverage on simulated data', () => {
  // 400 local-level series (ETS(A,N,N), α = 0.3, σ = 1) of 120 points; the model is right, so
  // its 80% and 95% intervals should cover about 80% and 95% of the next 4 values.
  it('ses intervals cover at their nominal levels', function () {
    this.timeout(30_000);
    const z = gaussian(42);
    let in80 = 0;
    let in95 = 0;
    let total = 0;
    for (let s = 0; s < 400; s++) {
      const series = new Float64Array(124);
      let level = 100;
      for (let t = 0; t < 124; t++) {
        const e = z();
        series[t] = level + e;
        level += 0.3 * e;
      }
      const f = getFamily('ses').fit(series.subarray(0, 120), { period: 1 }, {}).predict(4, [80, 95]);
      for (let k = 0; k < 4; k++) {
        const v = series[120 + k]!;
        if (v >= f.intervals[0]!.lower[k]! && v <= f.intervals[0]!.upper[k]!) in80++;
        if (v >= f.intervals[1]!.lower[k]! && v <= f.intervals[1]!.upper[k]!) in95++;
        total++;
      }
    }
    assert.ok(Math.abs(in80 / total - 0.8) < 0.04, `80% coverage ${in80 / total}`);
    assert.ok(Math.abs(in95 / total - 0.95) < 0.025, `95% coverage ${in95 / total}`);
  });

  it('naive intervals cover a random walk at their nominal level', () => {
    const z = gaussian(3);
    let inside = 0;
    let total = 0;
    for (let s = 0; s < 400; s++) {
      const series = new Float64Array(106);
      for (let t = 1; t < 106; t++) series[t] = series[t - 1]! + z();
      const f = getFamily('naive').fit(series.subarray(0, 100), ctx, {}).predict(6, [80]);
      for (let k = 0; k < 6; k++) {
        if (series[100 + k]! >= f.intervals[0]!.lower[k]! && series[100 + k]! <= f.intervals[0]!.upper[k]!) inside++;
        total++;
      }
    }
    assert.ok(Math.abs(inside / total - 0.8) < 0.04, `80% coverage ${inside / total}`);
  });
});

describe('random walks (R forecast::naive, rwf(drift = TRUE))', () => {
  // Hand computation: y = 1, 3, 4, 8; steps 2, 1, 4; mean step b = 7/3.
  const y = Float64Array.from([1, 3, 4, 8]);
  it('naive: last value, se² = h · mean(step²)', () => {
    const f = getFamily('naive').fit(y, ctx, {}).predict(2, [95]);
    assert.deepEqual([...f.mean], [8, 8]);
    const mse = (4 + 1 + 16) / 3;
    assert.ok(Math.abs(f.intervals[0]!.upper[1]! - 8 - 1.959963984540054 * Math.sqrt(2 * mse)) < 1e-9);
  });
  it('drift: last value + h · b, se² = h · Σ(step − b)²/(n − 2) + (h · se(b))²', () => {
    const b = 7 / 3;
    const f = getFamily('drift').fit(y, ctx, {}).predict(2, [95]);
    assert.ok(Math.abs(f.mean[0]! - (8 + b)) < 1e-12 && Math.abs(f.mean[1]! - (8 + 2 * b)) < 1e-12);
    const mse = ((2 - b) ** 2 + (1 - b) ** 2 + (4 - b) ** 2) / 2;
    const se2 = 2 * mse + (2 * Math.sqrt(mse / 3)) ** 2;
    assert.ok(Math.abs(f.intervals[0]!.upper[1]! - f.mean[1]! - 1.959963984540054 * Math.sqrt(se2)) < 1e-9);
  });
});

describe('seasonality (M4 benchmark rules)', () => {
  it('acf matches R: acf(1:10)$acf[2:3] = 0.7, 0.4121212', () => {
    const r = acf(Float64Array.from({ length: 10 }, (_, i) => i + 1), 2);
    assert.ok(Math.abs(r[0]! - 0.7) < 1e-12);
    assert.ok(Math.abs(r[1]! - 0.41212121212121) < 1e-12);
  });
  it('needs three full seasons and a significant lag-m autocorrelation', () => {
    const seasonal = weeklySeries({ n: 260, seed: 1, trend: 0, noise: 5 });
    assert.equal(isSeasonal(seasonal, 52), true);
    assert.equal(isSeasonal(seasonal.subarray(0, 155), 52), false);
    const z = gaussian(9);
    assert.equal(isSeasonal(Float64Array.from({ length: 260 }, () => 100 + z()), 52), false);
  });
  it('classical multiplicative indices average 1 and repeat with the period', () => {
    const y = Float64Array.from({ length: 48 }, (_, t) => (10 + t) * [1.2, 0.8, 1.1, 0.9][t % 4]!);
    const idx = multiplicativeIndices(y, 4);
    const cycle = [...idx.subarray(0, 4)];
    assert.ok(Math.abs(cycle.reduce((a, b) => a + b, 0) / 4 - 1) < 1e-12);
    assert.equal(idx[4], idx[0]);
    assert.ok(cycle[0]! > 1.1 && cycle[1]! < 0.85, cycle.join(' '));
  });
});

describe('Nelder-Mead (R optim)', () => {
  it("finds the Rosenbrock minimum from R's documented start (-1.2, 1)", () => {
    const r = nelderMead((p) => 100 * (p[1]! - p[0]! * p[0]!) ** 2 + (1 - p[0]!) ** 2, [-1.2, 1]);
    // R: optim(c(-1.2, 1), fr)$par = 1.000260 1.000506, value 8.825241e-08, counts 195
    assert.ok(Math.abs(r.par[0]! - 1.00026) < 1e-5 && Math.abs(r.par[1]! - 1.000506) < 1e-5, [...r.par].join(' '));
    assert.equal(r.evaluations, 195);
  });
});

describe('autoModels', () => {
  it('lists registered families only, with search spaces over their own parameters', () => {
    for (const f of ['daily', 'weekly', 'monthly', 'quarterly', 'yearly'] as const) {
      for (const m of autoModels(f)) {
        const props = getFamily(m.family).paramsSchema['properties'] as Record<string, unknown>;
        for (const k of Object.keys(m.params)) assert.ok(k in props, `${f}: ${m.family}.${k}`);
      }
    }
  });
});
