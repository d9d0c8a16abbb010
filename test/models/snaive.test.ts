import assert from 'node:assert/strict';
import { snaiveFamily } from '../../runtime/models/snaive.ts';

const Z80 = 1.2815515655446004; // qnorm(0.90)
const Z95 = 1.959963984540054; // qnorm(0.975)

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: got ${actual}, expected ${expected}`);
}

describe('snaive', () => {
  // Period 4, two seasons. Hand computation (R forecast::snaive):
  //   residuals e_t = y_t − y_{t−4}, t = 4..7:  12−10 = 2, 18−20 = −2, 33−30 = 3, 41−40 = 1
  //   sigma² = (4 + 4 + 9 + 1) / 4 = 4.5            (mean of squares over the n − m = 4 residuals)
  //   sd(h)  = sigma · √(⌊(h−1)/4⌋ + 1):  h = 1..4 → √4.5,  h = 5..8 → √(4.5·2) = 3
  //   point  ŷ(n+h) = y[n − 4 + ((h−1) mod 4)]: 12, 18, 33, 41, 12, 18
  const y = Float64Array.from([10, 20, 30, 40, 12, 18, 33, 41]);
  const ctx = { period: 4 };

  it('repeats the last season as point forecast', () => {
    const f = snaiveFamily.fit(y, ctx, {}).predict(6, []);
    assert.deepEqual([...f.mean], [12, 18, 33, 41, 12, 18]);
    assert.deepEqual(f.intervals, []);
  });

  it('has R-style interval half-widths at h=1 and h=5', () => {
    const f = snaiveFamily.fit(y, ctx, {}).predict(6, [80, 95]);
    const [i80, i95] = f.intervals;
    assert.ok(i80 && i95);
    assert.equal(i80.levelPct, 80);
    assert.equal(i95.levelPct, 95);
    const sigma = Math.sqrt(4.5);
    // h = 1 (index 0): one seasonal step.
    close(i95.upper[0]! - f.mean[0]!, Z95 * sigma, '95% upper half-width h=1'); // 4.1577...
    close(f.mean[0]! - i95.lower[0]!, Z95 * sigma, '95% lower half-width h=1');
    close(i80.upper[0]! - f.mean[0]!, Z80 * sigma, '80% half-width h=1');
    // h = 4 still in the first season.
    close(i95.upper[3]! - f.mean[3]!, Z95 * sigma, '95% half-width h=4');
    // h = 5 (index 4): second season, sd = √(2 · 4.5) = 3.
    close(i95.upper[4]! - f.mean[4]!, Z95 * 3, '95% half-width h=5'); // 5.8799
    close(f.mean[4]! - i80.lower[4]!, Z80 * 3, '80% half-width h=5'); // 3.8447
  });

  it('keeps intervals in the requested order', () => {
    const f = snaiveFamily.fit(y, ctx, {}).predict(3, [95, 50, 80]);
    assert.deepEqual(
      f.intervals.map((i) => i.levelPct),
      [95, 50, 80],
    );
  });

  it('does not depend on the caller keeping its buffer intact', () => {
    const copy = y.slice();
    const fitted = snaiveFamily.fit(copy, ctx, {});
    copy.fill(0);
    assert.deepEqual([...fitted.predict(2, []).mean], [12, 18]);
  });

  it('throws a clear error when n < period + 1', () => {
    assert.throws(() => snaiveFamily.fit(y.subarray(0, 4), ctx, {}), /at least period \+ 1 = 5 observations.*got 4/);
    // Exactly period + 1 works: one residual.
    const f = snaiveFamily.fit(y.subarray(0, 5), ctx, {}).predict(1, [95]);
    close(f.intervals[0]!.upper[0]! - f.mean[0]!, Z95 * 2, 'one residual of 2');
  });

  it('rejects missing values, unknown params, bad periods, horizons and levels', () => {
    const gap = y.slice();
    gap[2] = NaN;
    assert.throws(() => snaiveFamily.fit(gap, ctx, {}), /y\[2\] is NaN/);
    assert.throws(() => snaiveFamily.fit(y, ctx, { period: 4 }), /unknown parameter "period"/);
    assert.throws(() => snaiveFamily.fit(y, { period: 0 }, {}), /period must be a positive integer/);
    assert.throws(() => snaiveFamily.fit(y, { period: 2.5 }, {}), /period must be a positive integer/);
    const fitted = snaiveFamily.fit(y, ctx, {});
    assert.throws(() => fitted.predict(0, []), /horizon must be a positive integer/);
    assert.throws(() => fitted.predict(2, [100]), /strictly between 0 and 100/);
  });
});
