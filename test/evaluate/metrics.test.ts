import assert from 'node:assert/strict';
import { mae, rmse, smape } from '../../runtime/evaluate/metrics.ts';

function close(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) < 1e-12, `got ${actual}, expected ${expected}`);
}

describe('metrics', () => {
  it('computes sMAPE as in M4, in percent', () => {
    // Pair 1: 200·|100−110|/(100+110) = 2000/210 = 9.5238…
    // Pair 2: 200·|200−180|/(200+180) = 4000/380 = 10.5263…
    // Pair 3: 200·|−50−50|/(50+50) = 200 (opposite signs: the maximum)
    close(smape([100, 200, -50], [110, 180, 50]), (2000 / 210 + 4000 / 380 + 200) / 3);
    close(smape([5], [5]), 0);
  });

  it('treats an exact zero forecast of a zero actual as a perfect forecast', () => {
    close(smape([0, 100], [0, 110]), (0 + 2000 / 210) / 2);
  });

  it('skips pairs with a missing value on either side', () => {
    close(smape([100, NaN, 200], [110, 5, 180]), (2000 / 210 + 4000 / 380) / 2);
    close(smape([100, 200], [110, Infinity]), 2000 / 210);
    close(mae([1, NaN, 4], [2, 100, 1]), (1 + 3) / 2);
    close(rmse([1, 4, NaN], [2, 1, 0]), Math.sqrt((1 + 9) / 2));
  });

  it('returns NaN when nothing could be measured', () => {
    assert.ok(Number.isNaN(smape([NaN, NaN], [1, 2])));
    assert.ok(Number.isNaN(mae([], [])));
  });

  it('computes MAE and RMSE', () => {
    close(mae([1, 2, 3], [2, 2, 1]), 1);
    close(rmse([1, 2, 3], [2, 2, 1]), Math.sqrt(5 / 3));
  });

  it('rejects arrays of different lengths', () => {
    assert.throws(() => smape([1, 2], [1]), /smape: actual has 2 values but forecast has 1/);
    assert.throws(() => rmse(Float64Array.of(1), Float64Array.of()), /rmse/);
  });
});
