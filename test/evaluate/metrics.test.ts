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

describe('selection metrics', () => {
  it('computes MAPE, MASE with a stated period, and coverage', async () => {
    const { mape, mase, maseScale, coverage, parseMetric } = await import('../../runtime/evaluate/metrics.ts');
    close(mape([100, 200], [110, 180]), 10);
    // in-sample 1, 3, 2, 6: naive-1 scale = (2 + 1 + 4) / 3
    close(maseScale([1, 3, 2, 6], 1), 7 / 3);
    close(maseScale([1, 3, 2, 6], 2), (1 + 3) / 2);
    close(mase([10], [12], [1, 3, 2, 6], 1), 2 / (7 / 3));
    close(coverage([1, 5, 9], [0, 0, 0], [2, 6, 8]), 2 / 3);
    assert.equal(parseMetric('mase', 52).name, 'mase@52');
    assert.equal(parseMetric('mase@1', 52).period, 1);
    assert.throws(() => parseMetric('wape', 52), /Unknown metric "wape"/);
  });

  it('weights the horizon: uniform, linear (near term heavier), or a list', async () => {
    const { horizonWeights, weightedError, parseMetric } = await import('../../runtime/evaluate/metrics.ts');
    assert.deepEqual([...horizonWeights('linear', 3)], [3, 2, 1]);
    assert.throws(() => horizonWeights([1, 2], 3), /has 2 values but the horizon is 3/);
    const mae = parseMetric('mae', 1);
    // errors 1, 2, 3 with weights 3, 2, 1: (3 + 4 + 3) / 6
    close(weightedError(mae, [0, 0, 0], [1, 2, 3], horizonWeights('linear', 3), []), 10 / 6);
    close(weightedError(parseMetric('rmse', 1), [0, 0], [3, 4], [1, 1], []), Math.sqrt(12.5));
    // A skipped (excluded) step does not count.
    close(weightedError(mae, [0, 0, 0], [1, 2, 3], [1, 1, 1], [], [0, 1, 0]), 2);
  });
});
