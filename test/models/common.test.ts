import assert from 'node:assert/strict';
import { nestIntervals } from '../../runtime/models/common.ts';

const f64 = (...v: number[]) => Float64Array.from(v);

describe('nestIntervals', () => {
  it('leaves already nested intervals unchanged', () => {
    const mean = f64(10, 20);
    const raw = [
      { levelPct: 80, lower: f64(8, 17), upper: f64(12, 23) },
      { levelPct: 95, lower: f64(6, 15), upper: f64(14, 25) },
    ];
    const out = nestIntervals('t', mean, raw);
    assert.deepEqual(
      out.map((i) => [i.levelPct, [...i.lower], [...i.upper]]),
      [
        [80, [8, 17], [12, 23]],
        [95, [6, 15], [14, 25]],
      ],
    );
  });

  it('repairs crossing bounds by widening, keeping the requested order', () => {
    const mean = f64(10);
    const raw = [
      // 95% narrower than 80% on the lower side and excluding the mean on the upper side.
      { levelPct: 95, lower: f64(9), upper: f64(9.5) },
      { levelPct: 80, lower: f64(7), upper: f64(12) },
    ];
    const [i95, i80] = nestIntervals('t', mean, raw);
    assert.equal(i95!.levelPct, 95);
    assert.deepEqual([i80!.lower[0], i80!.upper[0]], [7, 12]);
    assert.deepEqual([i95!.lower[0], i95!.upper[0]], [7, 12]);
    // Inputs are not mutated.
    assert.equal(raw[0]!.lower[0], 9);
  });

  it('pulls a bound that excludes the mean back to the mean', () => {
    const out = nestIntervals('t', f64(5), [{ levelPct: 50, lower: f64(6), upper: f64(7) }]);
    assert.deepEqual([out[0]!.lower[0], out[0]!.upper[0]], [5, 7]);
  });

  it('rejects non-finite values and length mismatches', () => {
    assert.throws(() => nestIntervals('fam', f64(NaN), []), /fam: point forecast at step 1 is NaN/);
    assert.throws(
      () => nestIntervals('fam', f64(1, 2), [{ levelPct: 80, lower: f64(0, NaN), upper: f64(2, 3) }]),
      /80% interval at step 2 is \[NaN, 3\]/,
    );
    assert.throws(
      () => nestIntervals('fam', f64(1, 2), [{ levelPct: 80, lower: f64(0), upper: f64(2) }]),
      /expected 2/,
    );
  });
});
