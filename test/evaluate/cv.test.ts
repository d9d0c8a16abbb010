import assert from 'node:assert/strict';
import type { Fitted, ModelFamily } from '../../runtime/models/contract.ts';
import { crossValidate, fitAndForecast, selectModel } from '../../runtime/evaluate/cv.ts';
import { weeklySeries } from '../models/synthetic.ts';

const ctx = { period: 52 };
const y = weeklySeries({ n: 208, seed: 7 });
// Oldest fold trains on 208 − 2·13 − 13 = 169 >= 2·52 observations.
const settings = { horizon: 13, folds: 3, step: 13 };
const CUTOFFS = [169, 182, 195];

/** A family that forecasts `future(trainLength, h)`; it records what `fit` was handed. */
function fakeFamily(name: string, future: (train: Float64Array, h: number) => Float64Array) {
  const seen: { length: number; bufferLength: number }[] = [];
  const family: ModelFamily = {
    name,
    description: 'test double',
    paramsSchema: { type: 'object' },
    fit(train: Float64Array): Fitted {
      seen.push({ length: train.length, bufferLength: train.buffer.byteLength / Float64Array.BYTES_PER_ELEMENT });
      return { predict: (h) => ({ mean: future(train, h), intervals: [] }) };
    },
  };
  return { family, seen };
}

/** Knows the whole series by closure: returns the true future of whatever it was trained on. */
const oracle = () => fakeFamily('oracle', (train, h) => y.slice(train.length, train.length + h));

/** Forecasts the truth plus a constant bias, so its error is known in advance. */
const biased = (name: string, bias: number) =>
  fakeFamily(name, (train, h) => y.slice(train.length, train.length + h).map((v) => v + bias)).family;

/**
 * Tries to cheat: reads past the end of its training array through the shared ArrayBuffer.
 * It can only succeed if the evaluator hands models views into the full series.
 */
const leaky = () =>
  fakeFamily('leaky', (train, h) => {
    const everything = new Float64Array(train.buffer, train.byteOffset);
    return everything.slice(train.length, train.length + h);
  });

describe('crossValidate', () => {
  it('scores a perfect (oracle) forecast 0 in every fold and fits only on y[0..cutoff)', () => {
    const { family, seen } = oracle();
    const result = crossValidate(family, {}, y, ctx, settings);
    assert.deepEqual(result.foldErrors, [0, 0, 0]);
    assert.equal(result.meanError, 0);
    assert.deepEqual(
      result.folds.map((f) => f.cutoff),
      CUTOFFS,
    );
    assert.deepEqual(
      seen.map((s) => s.length),
      CUTOFFS,
    );
  });

  it('makes leaking impossible: each fold gets a copy, not a view into the full series', () => {
    const { family, seen } = leaky();
    // Handed a view, the cheat works (this is what the evaluator must not do) ...
    const view = y.subarray(0, 100);
    assert.deepEqual([...family.fit(view, ctx, {}).predict(3, []).mean], [...y.subarray(100, 103)]);
    seen.length = 0;
    // ... but in cross-validation the buffer ends at the cutoff, so there is nothing to read.
    assert.throws(() => crossValidate(family, {}, y, ctx, settings), /fold 1\/3 .*malformed forecast: mean has 0 values, expected 13/);
    assert.deepEqual(seen[0], { length: CUTOFFS[0], bufferLength: CUTOFFS[0] });
  });

  it('does not let a model mutate the caller series', () => {
    const before = y.slice();
    const vandal: ModelFamily = {
      ...oracle().family,
      fit(train, c, p) {
        train.fill(-1);
        return oracle().family.fit(train, c, p);
      },
    };
    crossValidate(vandal, {}, y, ctx, settings);
    assert.deepEqual(y, before);
  });

  it('computes the known error of a biased forecast', () => {
    const result = crossValidate(biased('b', 10), {}, y, ctx, { horizon: 2, folds: 1, step: 1, minTrain: 10 });
    const expected = ((200 * 10) / (Math.abs(y[206]!) + Math.abs(y[206]! + 10)) + (200 * 10) / (Math.abs(y[207]!) + Math.abs(y[207]! + 10))) / 2;
    assert.ok(Math.abs(result.meanError - expected) < 1e-12);
  });

  it('names the fold when the model fails', () => {
    const failing: ModelFamily = {
      ...oracle().family,
      fit() {
        throw new Error('boom');
      },
    };
    assert.throws(() => crossValidate(failing, {}, y, ctx, settings), /^Error: fold 1\/3 \(train y\[0\.\.169\), test y\[169\.\.182\)\): boom$/);
  });

  it('accepts a registered family name', () => {
    const result = crossValidate('snaive', {}, y, ctx, settings);
    assert.equal(result.foldErrors.length, 3);
    assert.ok(result.meanError > 0);
    assert.throws(() => crossValidate('nope', {}, y, ctx, settings), /Unknown model family "nope"/);
  });

  it('uses 2 × period as the default minimum training length', () => {
    assert.throws(() => crossValidate(oracle().family, {}, y.subarray(0, 140), ctx, settings), /at least 104 training observations/);
    assert.doesNotThrow(() => crossValidate(oracle().family, {}, y.subarray(0, 140), ctx, { ...settings, minTrain: 50 }));
  });
});

describe('selectModel', () => {
  const fakes: Record<string, ModelFamily> = {
    good: biased('good', 1),
    bad: biased('bad', 20),
    alsoGood: biased('alsoGood', 1),
    broken: {
      ...biased('broken', 0),
      fit() {
        throw new Error('cannot fit this');
      },
    },
  };
  const resolve = (name: string): ModelFamily => {
    const family = fakes[name];
    if (!family) throw new Error(`Unknown model family "${name}"`);
    return family;
  };

  it('picks the lowest mean error and records failures without aborting', () => {
    const candidates = [
      { family: 'bad', params: {} },
      { family: 'broken', params: { x: 1 } },
      { family: 'good', params: {} },
      { family: 'missing', params: {} },
    ];
    const { scores, best } = selectModel(candidates, y, ctx, settings, resolve);
    assert.equal(best, 2);
    assert.equal(scores.length, 4);
    assert.ok(scores[0]!.meanError! > scores[2]!.meanError!);
    assert.equal(scores[0]!.foldErrors.length, 3);
    assert.deepEqual(scores[1], {
      family: 'broken',
      params: { x: 1 },
      metric: 'smape',
      meanError: null,
      foldErrors: [],
      error: 'fold 1/3 (train y[0..169), test y[169..182)): cannot fit this',
    });
    assert.equal(scores[3]!.meanError, null);
    assert.match(scores[3]!.error!, /Unknown model family "missing"/);
  });

  it('breaks ties in favour of the first listed candidate', () => {
    const { best } = selectModel(
      [
        { family: 'bad', params: {} },
        { family: 'alsoGood', params: {} },
        { family: 'good', params: {} },
      ],
      y,
      ctx,
      settings,
      resolve,
    );
    assert.equal(best, 1);
  });

  it('throws listing every failure when all candidates fail', () => {
    assert.throws(
      () => selectModel([{ family: 'broken', params: {} }, { family: 'missing', params: {} }], y, ctx, settings, resolve),
      (err: Error) =>
        err.message.startsWith('Every candidate model failed:') &&
        err.message.includes('1. broken {}: fold 1/3') &&
        err.message.includes('cannot fit this') &&
        err.message.includes('2. missing {}: Unknown model family "missing"'),
    );
  });

  it('throws on a series too short for the evaluation settings instead of blaming candidates', () => {
    assert.throws(() => selectModel([{ family: 'good', params: {} }], y.subarray(0, 120), ctx, settings, resolve), /^Error: Series too short/);
    assert.throws(() => selectModel([], y, ctx, settings), /no candidates/);
  });

  it('works with the real families (snaive, mstl) and reports a too-long period as a failure', () => {
    const candidates = [
      { family: 'snaive', params: {} },
      { family: 'mstl', params: {} },
      { family: 'mstl', params: { periods: [200] } },
    ];
    const { scores, best } = selectModel(candidates, y, ctx, settings);
    const valid = scores.filter((s) => s.meanError !== null).map((s) => s.meanError!);
    assert.equal(valid.length, 2);
    assert.equal(scores[best]!.meanError, Math.min(...valid));
    assert.match(scores[2]!.error!, /2 × 200 = 400 observations\), got 169/);
  });
});

describe('fitAndForecast', () => {
  it('fits the named family on the whole series and returns h steps with the requested levels', () => {
    const f = fitAndForecast('snaive', {}, y, ctx, 60, [80, 95]);
    assert.equal(f.mean.length, 60);
    assert.deepEqual(
      f.intervals.map((i) => i.levelPct),
      [80, 95],
    );
    // Seasonal naive repeats the last 52 weeks.
    assert.equal(f.mean[0], y[208 - 52]);
    assert.equal(f.mean[52], y[208 - 52]);
  });

  it('throws for unknown families and unfit series', () => {
    assert.throws(() => fitAndForecast('nope', {}, y, ctx, 4, []), /Unknown model family "nope"; known families: naive, snaive/);
    assert.throws(() => fitAndForecast('mstl', {}, y.subarray(0, 50), ctx, 4, [80]), /mstl: needs at least two full cycles/);
  });
});
