import assert from 'node:assert/strict';
import { cvCutoffs, defaultMinTrain } from '../../runtime/evaluate/cutoffs.ts';

describe('cvCutoffs', () => {
  it('matches a hand-worked example (n=10, h=2, 3 folds, step 1)', () => {
    assert.deepEqual(cvCutoffs({ n: 10, horizon: 2, folds: 3, step: 1, minTrain: 4 }), [
      { cutoff: 6, trainStart: 0, testStart: 6, testEnd: 8 },
      { cutoff: 7, trainStart: 0, testStart: 7, testEnd: 9 },
      { cutoff: 8, trainStart: 0, testStart: 8, testEnd: 10 },
    ]);
  });

  it('places weekly folds a quarter apart ending at the last observation', () => {
    const folds = cvCutoffs({ n: 300, horizon: 13, folds: 4, step: 13, minTrain: defaultMinTrain(52) });
    assert.deepEqual(
      folds.map((f) => [f.cutoff, f.testEnd]),
      [
        [248, 261],
        [261, 274],
        [274, 287],
        [287, 300],
      ],
    );
  });

  it('holds its invariants over many settings, and throws exactly when the series is too short', () => {
    let checked = 0;
    let rejected = 0;
    for (let n = 0; n <= 40; n++) {
      for (let horizon = 1; horizon <= 6; horizon++) {
        for (let folds = 1; folds <= 5; folds++) {
          for (let step = 1; step <= 7; step++) {
            for (const minTrain of [1, 3, 8]) {
              const settings = { n, horizon, folds, step, minTrain };
              const label = JSON.stringify(settings);
              const needed = minTrain + (folds - 1) * step + horizon;
              if (n < needed) {
                assert.throws(() => cvCutoffs(settings), new RegExp(`need n >= .* = ${needed}, but n = ${n}$`), label);
                rejected++;
                continue;
              }
              const result = cvCutoffs(settings);
              assert.equal(result.length, folds, label);
              assert.equal(result[result.length - 1]!.testEnd, n, `${label}: last fold must end at n`);
              result.forEach((f, k) => {
                assert.ok(f.cutoff <= f.testStart, `${label}: fold ${k} trains past its test start`);
                assert.equal(f.cutoff, f.testStart, `${label}: gap between training and test`);
                assert.equal(f.testEnd - f.testStart, horizon, label);
                assert.ok(f.testEnd <= n, label);
                assert.ok(f.cutoff >= minTrain, `${label}: fold ${k} trains on fewer than minTrain`);
                if (k > 0) assert.equal(f.cutoff - result[k - 1]!.cutoff, step, `${label}: folds not step apart`);
              });
              checked++;
            }
          }
        }
      }
    }
    // Make sure the loop actually exercised both outcomes.
    assert.ok(checked > 1000 && rejected > 1000, `checked ${checked}, rejected ${rejected}`);
  });

  it('explains a too-short series with the numbers', () => {
    assert.throws(
      () => cvCutoffs({ n: 150, horizon: 13, folds: 4, step: 13, minTrain: 104 }),
      {
        message:
          'Series too short for cross-validation: 4 fold(s) of horizon 13, step 13 and at least 104 training ' +
          'observations need n >= 104 + (4 - 1) × 13 + 13 = 156, but n = 150',
      },
    );
  });

  it('rejects non-integer or non-positive settings', () => {
    const ok = { n: 100, horizon: 4, folds: 2, step: 1, minTrain: 10 };
    assert.throws(() => cvCutoffs({ ...ok, horizon: 0 }), /"horizon" must be an integer >= 1, got 0/);
    assert.throws(() => cvCutoffs({ ...ok, folds: 1.5 }), /"folds" must be an integer >= 1, got 1.5/);
    assert.throws(() => cvCutoffs({ ...ok, step: 0 }), /"step"/);
    assert.throws(() => cvCutoffs({ ...ok, minTrain: 0 }), /"minTrain"/);
    assert.throws(() => cvCutoffs({ ...ok, n: NaN }), /"n"/);
  });

  it('defaults the minimum training length to two seasons', () => {
    assert.equal(defaultMinTrain(52), 104);
  });
});
