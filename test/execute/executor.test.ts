import assert from 'node:assert/strict';
import { createInlineExecutor, createExecutor, type Executor } from '../../runtime/execute/executor.ts';
import { createPoolExecutor } from '../../runtime/execute/pool.ts';
import { familiesIn, type ComputeJob, type TuneJob } from '../../runtime/execute/compute.ts';

function series(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, t) => 100 + t * 0.5 + 20 * Math.sin((2 * Math.PI * t) / 52) + ((t * 7) % 5));
}

const ev = { horizon: 13, folds: 2, step: 13, holdout: 13, top: 2, metric: 'smape' };
const periods = (n: number) => Array.from({ length: n }, (_, t) => new Date(Date.UTC(2010, 0, 4) + t * 7 * 86_400_000).toISOString().slice(0, 10));

function tuneJob(family: string, paramSets: Record<string, unknown>[], n = 200): TuneJob {
  return { kind: 'tune', family, paramSets, y: series(n), ctx: { period: 52, periods: periods(n), country: 'SE', events: [] }, ev, deadline: Date.now() + 60_000 };
}

for (const make of [() => createInlineExecutor(), () => createPoolExecutor({ threads: 2 })]) {
  const name = make().kind;
  describe(`${name} executor`, function () {
    this.timeout(60_000);
    let ex: Executor;
    before(() => {
      ex = make();
    });
    after(async () => {
      await ex.close();
    });

    it('tunes a chunk: a leaderboard row per parameter set, failures as rows', async () => {
      const r = await ex.run(tuneJob('mstl', [{}, { periods: [500] }]), 60);
      assert.equal(r.kind, 'tune');
      if (r.kind !== 'tune') return;
      assert.equal(r.scores.length, 2);
      assert.ok(r.scores[0]!.meanError! > 0);
      assert.equal(r.scores[1]!.meanError, null);
      assert.match(r.scores[1]!.error!, /./);
      assert.equal(r.fits, 4);
    });

    it('runs holdout and apply jobs', async () => {
      const n = 200;
      const ctx = { period: 52, periods: periods(n), country: 'SE', events: [] };
      const top = [{ family: 'snaive', params: {}, metric: 'smape', meanError: 5, foldErrors: [5] }];
      const h = await ex.run({ kind: 'holdout', y: series(n), ctx, top, ev }, 60);
      assert.equal(h.kind === 'holdout' && h.result.choice.kind === 'single' && h.result.choice.family, 'snaive');
      const job: ComputeJob = { kind: 'apply', y: series(n), ctx, choice: { kind: 'single', family: 'snaive', params: {} }, h: 26, levels: [80, 95] };
      const a = await ex.run(job, 60);
      assert.equal(a.kind === 'apply' && a.forecast.mean.length, 26);
    });

    it('rejects with the error of a job that throws', async () => {
      const n = 200;
      const job: ComputeJob = {
        kind: 'apply',
        y: series(n),
        ctx: { period: 52, periods: periods(n), country: 'SE', events: [] },
        choice: { kind: 'single', family: 'no-such-family', params: {} },
        h: 26,
        levels: [80, 95],
      };
      await assert.rejects(ex.run(job, 60), /no-such-family/);
    });
  });
}

describe('pool executor specifics', function () {
  this.timeout(60_000);

  it('transfers the series to the worker instead of copying it', async () => {
    const ex = createPoolExecutor({ threads: 1 });
    try {
      const job = tuneJob('snaive', [{}]);
      await ex.run(job, 60);
      assert.equal(job.y.byteLength, 0, 'the buffer moved to the worker');
    } finally {
      await ex.close();
    }
  });

  it('terminates a job over its time limit and keeps serving the next ones', async () => {
    const ex = createPoolExecutor({ threads: 1 });
    try {
      const slow = tuneJob('mstl', Array.from({ length: 40 }, () => ({})), 400);
      await assert.rejects(ex.run(slow, 0.05), /timed out after 0\.05 s \(search\.taskTimeoutSeconds\)/);
      const r = await ex.run(tuneJob('snaive', [{}]), 60);
      assert.equal(r.kind, 'tune');
    } finally {
      await ex.close();
    }
  });

  it('the inline executor enforces the time limit between parameter sets', async () => {
    const ex = createInlineExecutor();
    await assert.rejects(ex.run(tuneJob('mstl', Array.from({ length: 40 }, () => ({})), 400), 0.05), /timed out after 0\.05 s/);
  });

  it('defaults to one worker per core', async () => {
    const ex = createExecutor({ kind: 'pool' });
    assert.ok(ex.threads >= 1);
    await ex.close();
  });
});

describe('models that load asynchronously', function () {
  this.timeout(120_000);
  for (const make of [() => createInlineExecutor(), () => createPoolExecutor({ threads: 1 })]) {
    it(`${make().kind}: fits prophet (its optimiser is loaded once per thread before the first job)`, async () => {
      const ex = make();
      try {
        const n = 160;
        const r = await ex.run(
          { kind: 'apply', y: series(n), ctx: { period: 52, periods: periods(n), country: 'SE', events: [] }, choice: { kind: 'single', family: 'prophet', params: {} }, h: 13, levels: [80, 95] },
          120,
        );
        assert.equal(r.kind === 'apply' && r.forecast.mean.length, 13);
      } finally {
        await ex.close();
      }
    });
  }

  it('pool: a fresh worker loads the optimiser for a prophet member of an ensemble, its first job', async () => {
    const ex = createPoolExecutor({ threads: 1 });
    try {
      const n = 160;
      const choice = { kind: 'ensemble', combine: 'mean', members: [{ family: 'snaive', params: {} }, { family: 'prophet', params: {} }] } as const;
      const r = await ex.run({ kind: 'apply', y: series(n), ctx: { period: 52, periods: periods(n), country: 'SE', events: [] }, choice, h: 13, levels: [80, 95] }, 120);
      assert.equal(r.kind === 'apply' && r.forecast.mean.length, 13);
      assert.equal(r.fits, 2);
    } finally {
      await ex.close();
    }
  });

  it('familiesIn names every family a job can fit, nested ones included', () => {
    const n = 20;
    const ctx = { period: 52, periods: periods(n), country: null, events: [] };
    assert.deepEqual([...familiesIn(tuneJob('damped', [{ phi: 0.9 }]))], ['damped']);
    assert.deepEqual([...familiesIn(tuneJob('ensemble', [{ members: [{ family: 'prophet', params: {} }, { family: 'ses', params: {} }] }]))].sort(), ['ensemble', 'prophet', 'ses']);
    const top = [{ family: 'theta', params: {}, meanError: 1, foldErrors: [1] }, { family: 'mstl', params: { periods: [52] }, meanError: 2, foldErrors: [2] }];
    assert.deepEqual([...familiesIn({ kind: 'holdout', y: series(n), ctx, top, ev } as unknown as ComputeJob & { kind: 'holdout' })].sort(), ['mstl', 'theta']);
    assert.deepEqual([...familiesIn({ kind: 'apply', y: series(n), ctx, choice: { kind: 'single', family: 'naive', params: {} }, h: 1, levels: [80] })], ['naive']);
  });
});
