import assert from 'node:assert/strict';
import type { FitContext, Fitted, ModelFamily } from '../../runtime/models/contract.ts';
import { prepareSeries } from '../../runtime/adjust/disruptions.ts';
import {
  checkHoldout,
  expandCandidates,
  forecastChoice,
  selectTop,
  tuneChunk,
  tuningFolds,
  type EvaluationSettings,
} from '../../runtime/evaluate/pipeline.ts';
import type { CandidateScore } from '../../runtime/store/store.ts';
import { weeklySeries } from '../models/synthetic.ts';

const ctx: FitContext = { period: 52 };
const y = weeklySeries({ n: 208, seed: 11 });
const ev: EvaluationSettings = { horizon: 13, folds: 3, step: 13, holdout: 13, top: 2, metric: 'mae' };

/** A family whose forecast is `future(train, h)`, recording the training windows it saw. */
function fake(name: string, future: (train: Float64Array, h: number) => Float64Array) {
  const seen: Float64Array[] = [];
  const family: ModelFamily = {
    name,
    description: 'test double',
    paramsSchema: { type: 'object' },
    fit(train: Float64Array): Fitted {
      seen.push(train);
      return {
        predict: (h, levels) => {
          const mean = future(train, h);
          return { mean, intervals: levels.map((levelPct) => ({ levelPct, lower: mean.map((v) => v - 1), upper: mean.map((v) => v + 1) })) };
        },
      };
    },
  };
  return { family, seen };
}
const resolver = (...families: ModelFamily[]) => (name: string) => {
  const f = families.find((x) => x.name === name);
  if (!f) throw new Error(`Unknown model family "${name}"`);
  return f;
};
const chunk = (family: string, paramSets: Record<string, unknown>[] = [{}]) => ({ family, paramSets });

describe('tuneChunk: no leakage', () => {
  it('a model that reads past its training data through the buffer finds nothing there', () => {
    const leaky = fake('leaky', (train, h) => {
      const all = new Float64Array(train.buffer, train.byteOffset);
      const peek = all.slice(train.length, train.length + h);
      // With a view into the full series this would be the truth (error 0); with a copy it is empty.
      return peek.length === h ? peek : new Float64Array(h).fill(train[train.length - 1]!);
    });
    const [score] = tuneChunk(y, ctx, chunk('leaky'), ev, resolver(leaky.family));
    assert.ok(score!.meanError! > 1, `leaky model scored ${score!.meanError}`);
    // Control: a model that knows the series by closure does score 0, so the test can fail.
    const oracle = fake('oracle', (train, h) => y.slice(train.length, train.length + h));
    assert.equal(tuneChunk(y, ctx, chunk('oracle'), ev, resolver(oracle.family))[0]!.meanError, 0);
  });

  it('never shows the holdout to tuning: poisoning it changes no tuning score', () => {
    const poisoned = y.slice();
    poisoned.fill(1e9, y.length - ev.holdout);
    const real = tuneChunk(y, ctx, chunk('theta'), ev);
    const bad = tuneChunk(poisoned, ctx, chunk('theta'), ev);
    assert.deepEqual(bad, real);
  });

  it('trains fold k on y[0..cutoff) of the tuning part only', () => {
    const spy = fake('spy', (train, h) => new Float64Array(h).fill(train[train.length - 1]!));
    tuneChunk(y, ctx, chunk('spy'), ev, resolver(spy.family));
    // tuning part = 208 − 13 = 195; test windows end at 169, 182, 195
    assert.deepEqual(
      spy.seen.map((t) => t.length),
      [156, 169, 182],
    );
    assert.ok(spy.seen.every((t) => t.buffer.byteLength === t.length * 8));
  });

  it('honours gap and sliding windows', () => {
    const spy = fake('spy', (train, h) => new Float64Array(h).fill(train[train.length - 1]!));
    tuneChunk(y, ctx, chunk('spy'), { ...ev, gap: 2, window: 'sliding', trainSize: 100 }, resolver(spy.family));
    assert.deepEqual(
      spy.seen.map((t) => [t.length, t[0]]),
      [
        [100, y[54]],
        [100, y[67]],
        [100, y[80]],
      ],
    );
  });

  it('shrinks the number of folds for short series, down to one', () => {
    // 80 − 13 holdout = 67; the oldest fold keeps 2 × horizon = 26: 67 − 13 − (k − 1)·13 >= 26 → k = 3
    assert.equal(tuningFolds(80, ctx, { ...ev, folds: 4 }).length, 3);
    assert.throws(() => tuningFolds(40, ctx, ev), /Series too short/);
  });
});

describe('tuneChunk: excluded periods (disruptions with action exclude)', () => {
  it('does not score excluded test periods', () => {
    const excluded = new Uint8Array(y.length);
    for (let i = 160; i < 170; i++) excluded[i] = 1; // inside fold 2's test window y[156..169)
    // Wrong by 1000 exactly on the excluded periods, right elsewhere.
    const wrongThere = fake('w', (train, h) => Float64Array.from({ length: h }, (_, k) => y[train.length + k]! + (excluded[train.length + k] ? 1000 : 0)));
    const masked = tuneChunk(y, { ...ctx, excluded }, chunk('w'), ev, resolver(wrongThere.family))[0]!;
    assert.deepEqual(masked.foldErrors, [0, 0, 0]);
    const unmasked = tuneChunk(y, ctx, chunk('w'), ev, resolver(wrongThere.family))[0]!;
    assert.ok(unmasked.meanError! > 0);
  });

  it('hands every fold the same cleaned values and the mask sliced to its training window', () => {
    const periods = Array.from({ length: y.length }, (_, i) => new Date(Date.UTC(2010, 0, 4) + i * 7 * 86_400_000).toISOString().slice(0, 10));
    const raw = { market: 'x', periods, values: Float64Array.from(y) };
    const sunday = new Date(Date.parse(`${periods[103]!}T00:00:00Z`) + 6 * 86_400_000).toISOString().slice(0, 10);
    const window = { from: periods[100]!, to: sunday, action: 'interpolate' as const, reason: 't' };
    const cleaned = prepareSeries(raw, [window]).series.values;
    const seen: FitContext[] = [];
    const spy = fake('spy', (train, h) => new Float64Array(h).fill(train[train.length - 1]!));
    const family: ModelFamily = { ...spy.family, fit: (train, c, p) => (seen.push(c), spy.family.fit(train, c, p)) };
    const excluded = new Uint8Array(y.length);
    tuneChunk(cleaned, { ...ctx, periods, excluded }, chunk('spy'), ev, resolver(family));
    for (const t of spy.seen) assert.deepEqual([...t.subarray(98, 106)], [...cleaned.subarray(98, 106)]);
    assert.deepEqual(
      seen.map((c) => [c.periods!.length, c.excluded!.length]),
      [
        [156, 156],
        [169, 169],
        [182, 182],
      ],
    );
  });
});

describe('selectTop and checkHoldout', () => {
  const score = (family: string, meanError: number | null): CandidateScore => ({ family, params: {}, metric: 'mae', meanError, foldErrors: [], ...(meanError === null ? { error: 'x' } : {}) });

  it('keeps the top X by CV error, ties in input order, failures out', () => {
    const top = selectTop([score('a', 3), score('b', null), score('c', 1), score('d', 3), score('e', 2)], { ...ev, top: 3 });
    assert.deepEqual(
      top.map((s) => s.family),
      ['c', 'e', 'a'],
    );
    assert.throws(() => selectTop([score('b', null)], ev), /every candidate failed/);
  });

  const truthPlus = (name: string, bias: number) => fake(name, (train, h) => y.slice(train.length, train.length + h).map((v) => v + bias)).family;
  const fams = resolver(truthPlus('near', 1), truthPlus('far', 5));

  it('refits the top X before the holdout and picks the lowest holdout error', () => {
    const r = checkHoldout(y, ctx, [score('far', 1), score('near', 2)], ev, fams);
    assert.deepEqual(
      r.scores.map((s) => s.holdoutError),
      [5, 1],
    );
    assert.deepEqual(r.choice, { kind: 'single', family: 'near', params: {} });
    assert.equal(r.scores[0]!.holdoutCoverage80, 0); // bias 5 is outside ±1
  });

  it('chooses the ensemble of the top X when the spec says so, and scores it', () => {
    const r = checkHoldout(y, ctx, [score('far', 1), score('near', 2)], { ...ev, ensemble: 'mean' }, fams);
    assert.equal(r.choice.kind, 'ensemble');
    assert.equal(r.ensembleError, 3);
  });

  it('applies an ensemble choice on the whole history', () => {
    const choice = { kind: 'ensemble' as const, combine: 'median' as const, members: ['naive', 'drift', 'snaive'].map((family) => ({ family, params: {} })) };
    const f = forecastChoice(y, ctx, choice, 4, [80]);
    assert.equal(f.mean.length, 4);
    assert.ok(f.intervals[0]!.lower[0]! <= f.mean[0]! && f.mean[0]! <= f.intervals[0]!.upper[0]!);
  });
});

describe('expandCandidates (search)', () => {
  const search = { strategy: 'grid' as const, samples: 5, seed: 1, budget: null };
  it('grid: the product of choice spaces, fixed values kept, chunked', () => {
    const chunks = expandCandidates([{ family: 'theta', params: { seasonality: { choice: ['test', 'none'] }, theta: { choice: [1.5, 2, 3] }, period: 52 } }], search, { chunkSize: 4 });
    assert.deepEqual(
      chunks.map((c) => c.paramSets.length),
      [4, 2],
    );
    assert.deepEqual(chunks[0]!.paramSets[1], { seasonality: 'test', theta: 2, period: 52 });
    assert.equal(chunks[1]!.chunk, 1);
  });

  it('grid refuses continuous spaces and names the parameter', () => {
    assert.throws(() => expandCandidates([{ family: 'ses', params: { alpha: { uniform: [0.1, 0.5] } } }], search), /ses.alpha: grid search needs discrete spaces/);
  });

  it('random: the same seed gives the same parameter sets, another seed others', () => {
    const models = [{ family: 'damped', params: { alpha: { uniform: [0.05, 0.5] }, phi: { loguniform: [0.8, 0.98] }, beta: { choice: [0.01, 0.05] } } }];
    const random = { strategy: 'random' as const, samples: 6, seed: 7, budget: null };
    const a = expandCandidates(models, random);
    assert.deepEqual(expandCandidates(models, random), a);
    assert.notDeepEqual(expandCandidates(models, { ...random, seed: 8 }), a);
    for (const p of a[0]!.paramSets) {
      assert.ok((p['alpha'] as number) >= 0.05 && (p['alpha'] as number) <= 0.5);
      assert.ok((p['phi'] as number) >= 0.8 && (p['phi'] as number) <= 0.98);
    }
  });

  it('a budget caps the fits per market but keeps every candidate', () => {
    const models = [
      { family: 'theta', params: { theta: { choice: [1, 2, 3, 4] } } },
      { family: 'ses', params: { seasonality: { choice: ['test', 'always', 'none'] } } },
      { family: 'naive', params: {} },
    ];
    const chunks = expandCandidates(models, { ...search, budget: 15 }, { fitsPerSet: 3 });
    const sets = chunks.reduce((a, c) => a + c.paramSets.length, 0);
    assert.equal(sets, 5); // 15 fits / 3 folds
    assert.deepEqual([...new Set(chunks.map((c) => c.family))], ['theta', 'ses', 'naive']);
  });
});
