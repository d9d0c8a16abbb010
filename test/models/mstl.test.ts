import assert from 'node:assert/strict';
import { mstlFamily } from '../../runtime/models/mstl.ts';
import { weeklySeries } from './synthetic.ts';

const ctx = { period: 52 };
// Four years of weekly data: trend + yearly cycle + noise, seeded so the test is deterministic.
const y = weeklySeries({ n: 208, seed: 20240101 });

/** lower95 <= lower80 <= mean <= upper80 <= upper95 at every step. */
function assertNested(mean: Float64Array, l95: Float64Array, l80: Float64Array, u80: Float64Array, u95: Float64Array): void {
  for (let t = 0; t < mean.length; t++) {
    const chain = [l95[t]!, l80[t]!, mean[t]!, u80[t]!, u95[t]!];
    for (let k = 1; k < chain.length; k++) {
      assert.ok(chain[k - 1]! <= chain[k]!, `step ${t + 1}: bounds cross: ${chain.join(' <= ')}`);
    }
  }
}

describe('mstl', () => {
  it('returns h means and one interval per level, in the requested order', () => {
    const h = 26;
    const f = mstlFamily.fit(y, ctx, {}).predict(h, [80, 95]);
    assert.equal(f.mean.length, h);
    assert.deepEqual(
      f.intervals.map((i) => i.levelPct),
      [80, 95],
    );
    for (const iv of f.intervals) {
      assert.equal(iv.lower.length, h);
      assert.equal(iv.upper.length, h);
    }
    assert.ok(f.mean.every(Number.isFinite));
    const [i80, i95] = f.intervals;
    assertNested(f.mean, i95!.lower, i80!.lower, i80!.upper, i95!.upper);
    // 95% strictly wider than 80% on noisy data (not just equal by the nesting repair).
    assert.ok(i95!.upper[0]! - i95!.lower[0]! > i80!.upper[0]! - i80!.lower[0]!);
  });

  it('keeps the order when levels are requested widest first', () => {
    const f = mstlFamily.fit(y, ctx, {}).predict(10, [95, 80]);
    assert.deepEqual(
      f.intervals.map((i) => i.levelPct),
      [95, 80],
    );
    const [i95, i80] = f.intervals;
    assertNested(f.mean, i95!.lower, i80!.lower, i80!.upper, i95!.upper);
  });

  it('forecasts the yearly cycle (sanity: close to the noise-free continuation)', () => {
    const h = 52;
    const f = mstlFamily.fit(y, ctx, {}).predict(h, []);
    assert.deepEqual(f.intervals, []);
    const truth = weeklySeries({ n: 208 + h, seed: 1, noise: 0 }).subarray(208);
    let sumAbs = 0;
    for (let t = 0; t < h; t++) sumAbs += Math.abs(f.mean[t]! - truth[t]!);
    // Noise sd is 25 and the seasonal swing ±150: a forecast that missed the cycle would be far off.
    assert.ok(sumAbs / h < 60, `mean absolute deviation from the true signal is ${sumAbs / h}`);
  });

  it('is deterministic', () => {
    const a = mstlFamily.fit(y, ctx, {}).predict(8, [80]);
    const b = mstlFamily.fit(y, ctx, {}).predict(8, [80]);
    assert.deepEqual([...a.mean], [...b.mean]);
    assert.deepEqual([...a.intervals[0]!.upper], [...b.intervals[0]!.upper]);
  });

  it('accepts several periods', () => {
    const f = mstlFamily.fit(y, ctx, { periods: [4, 52] }).predict(5, [80, 95]);
    assert.equal(f.mean.length, 5);
    assert.equal(f.intervals.length, 2);
  });

  it('throws a clear error on series shorter than two periods', () => {
    assert.throws(() => mstlFamily.fit(y.subarray(0, 103), ctx, {}), /2 × 52 = 104 observations\), got 103/);
    assert.throws(() => mstlFamily.fit(y.subarray(0, 60), ctx, { periods: [4, 52] }), /2 × 52 = 104/);
    assert.doesNotThrow(() => mstlFamily.fit(y.subarray(0, 104), ctx, {}));
  });

  it('validates params and input', () => {
    assert.throws(() => mstlFamily.fit(y, ctx, { period: [52] }), /unknown parameter "period"; known parameters: periods/);
    assert.throws(() => mstlFamily.fit(y, ctx, { periods: [] }), /non-empty array/);
    assert.throws(() => mstlFamily.fit(y, ctx, { periods: [52.5] }), /integer >= 2, got 52.5/);
    assert.throws(() => mstlFamily.fit(y, ctx, { periods: [1] }), /integer >= 2, got 1/);
    assert.throws(() => mstlFamily.fit(y, ctx, { periods: [52, 52] }), /lists 52 twice/);
    assert.throws(() => mstlFamily.fit(y, ctx, { periods: '52' }), /non-empty array/);
    const gap = y.slice();
    gap[100] = NaN;
    assert.throws(() => mstlFamily.fit(gap, ctx, {}), /y\[100\] is NaN/);
    const fitted = mstlFamily.fit(y, ctx, {});
    assert.throws(() => fitted.predict(3, [100]), /strictly between 0 and 100/);
    assert.throws(() => fitted.predict(-1, []), /horizon must be a positive integer/);
  });
});
