import assert from 'node:assert/strict';
import { appendFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Project } from '../../runtime/spec/project.ts';
import type { Store } from '../../runtime/store/store.ts';
import { createPoolExecutor } from '../../runtime/execute/pool.ts';
import { load, makeProject, openStore, planAndRun } from './helpers.ts';

describe('runJob', function () {
  this.timeout(120_000);
  let dir: string;
  let project: Project;
  let store: Store;

  before(async () => {
    dir = await makeProject([
      { id: 'de' },
      {
        id: 'sv',
        extra: [
          '  models: [{ family: snaive }, { family: mstl }]',
          '  evaluation: { horizon: 13, folds: 2, step: 13 }',
          // Stored with its prepared series: the exclusion mask must survive the task cache.
          '  disruptions: [{ from: 2012-03-05, to: 2012-03-18, action: exclude, reason: outage }]',
        ],
      },
      // Every candidate fails: MSTL needs two full cycles of 300 weeks.
      { id: 'xx', extra: ['  models: [{ family: mstl, params: { periods: [300] } }]', '  evaluation: { horizon: 13, folds: 2, step: 13 }'] },
      // Only slow candidates (for the time limit test).
      { id: 'yy', extra: ['  models: [{ family: mstl }, { family: mstl, params: { periods: [4, 52] } }]', '  evaluation: { horizon: 13, folds: 2, step: 13 }'] },
    ]);
    project = await load(dir);
    store = await openStore(dir);
  });

  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  let firstRun: string;

  it('forecasts every market and records every task and result in the store', async () => {
    const { job, plan, runId } = await planAndRun(project, store, { select: ['market:de', 'market:sv', 'market:xx'] });
    firstRun = runId;
    assert.equal(job.status, 'succeeded');
    assert.deepEqual(job.results.map((r) => [r.market, r.status]), [['de', 'succeeded'], ['sv', 'succeeded'], ['xx', 'succeeded']]);
    for (const r of job.results) assert.equal(r.forecast.length, 26);
    const de = job.results.find((r) => r.market === 'de')!;
    assert.equal(de.candidates.length, 2);
    assert.ok(de.candidates.some((c) => c.holdoutError !== undefined), 'the top X carry their holdout error');
    assert.deepEqual(de.selection, { tunedAt: de.selection!.tunedAt, runId, reused: false });
    assert.equal(de.specHash, plan.markets.find((m) => m.id === 'de')!.spec);

    const records = await store.getTaskRecords(runId);
    assert.equal(records.length, plan.tasks.length);
    const notRun = new Set(['select:xx', 'holdout:xx']); // xx has no successful candidate
    assert.ok(records.every((r) => r.status === (notRun.has(r.taskId) ? (r.kind === 'select' ? 'failed' : 'skipped') : 'succeeded')));
    assert.ok(records.filter((r) => r.kind === 'tune').every((r) => r.fits > 0 && r.key !== null));
    const stored = await store.getResults(runId);
    assert.equal(stored.length, 3);
    assert.ok((await store.getActuals('de'))!.values.length > 200);
  });

  it('forecasts with the fallback model when every candidate fails, says why, and stores nothing of it', async () => {
    const { job, runId } = await planAndRun(project, store, { select: ['market:xx'] });
    const xx = job.results[0]!;
    assert.equal(xx.status, 'succeeded');
    assert.equal(xx.chosen?.family, 'snaive');
    assert.match(xx.fallback!.reason, /^select failed: every candidate failed: mstl: /);
    assert.equal(xx.selection, undefined);
    assert.equal(xx.candidates.length, 1);
    assert.equal(xx.candidates[0]!.meanError, null);
    const records = await store.getTaskRecords(runId);
    assert.equal(records.find((r) => r.taskId === 'select:xx')!.status, 'failed');
    assert.equal(records.find((r) => r.taskId === 'holdout:xx')!.status, 'skipped');
    assert.equal(records.find((r) => r.taskId === 'apply:xx')!.key, null, 'a fallback forecast is never reused');
    const back = (await store.getResults(runId))[0]!;
    assert.deepEqual(back.fallback, xx.fallback);
  });

  it('an immediate second run reuses every stored result, fits nothing, and stores a new vintage', async () => {
    const { job, runId } = await planAndRun(project, store, { select: ['market:de', 'market:sv'] });
    const outcomes = [...job.outcomes.values()];
    assert.deepEqual(outcomes.filter((o) => o.status === 'succeeded').map((o) => o.id), ['publish']);
    assert.equal(outcomes.reduce((n, o) => n + o.fits, 0), 0);
    const first = await store.getResults(firstRun);
    const second = await store.getResults(runId);
    assert.deepEqual(second.map((r) => r.forecast), first.filter((r) => r.market !== 'xx').map((r) => r.forecast));
    assert.deepEqual(second[0]!.selection, { ...first[0]!.selection!, reused: true });
    assert.deepEqual(second.map((r) => r.findings), first.filter((r) => r.market !== 'xx').map((r) => r.findings), 'QA and cleaning findings come back from the cache');
    assert.ok(second[1]!.findings.some((f) => f.code === 'filled'), 'sv\'s exclude window was interpolated');
    assert.deepEqual(await store.getResults(firstRun), first, 'the first vintage is untouched');
    const qaKeys = ['de', 'sv'].map((m) => job.outcomes.get(`qa:${m}`)!.key);
    assert.deepEqual([...(await store.actualsKeys(['de', 'sv'])).values()], qaKeys, 'the stored actuals are those of the current data');
  });

  it('a failed market fails alone: its later tasks are skipped, the others are forecast', async () => {
    await rm(path.join(dir, 'data', 'sv.csv'));
    try {
      const { job, runId } = await planAndRun(project, store, { select: ['market:de', 'market:sv'], force: true });
      assert.equal(job.status, 'partial');
      const sv = job.results.find((r) => r.market === 'sv')!;
      assert.equal(sv.status, 'failed');
      assert.match(sv.error!, /^ingest failed: /);
      assert.equal(job.results.find((r) => r.market === 'de')!.status, 'succeeded');
      const records = await store.getTaskRecords(runId);
      assert.equal(records.find((r) => r.taskId === 'apply:sv')!.status, 'skipped');
      assert.equal((await store.getRun(runId))!.status, 'partial');
    } finally {
      const { writeData } = await import('./helpers.ts');
      await writeData(dir, 'sv', 260, 1);
    }
  });

  it('weekly mode: a new week of data refits the stored selection without tuning', async () => {
    // Fresh results for de on the current data, then one more week arrives.
    await planAndRun(project, store, { select: ['market:de'] });
    const before = (await store.getActuals('de'))!;
    await appendFile(path.join(dir, 'data', 'de.csv'), '2015W01,1234.5\n');
    const { job, plan } = await planAndRun(project, store, { select: ['market:de'] });
    assert.match(plan.markets[0]!.tuning.reason, /^reuses the selection tuned /);
    const status = (id: string) => job.outcomes.get(id)!.status;
    assert.equal(status('tune:de:mstl:0'), 'reused');
    assert.equal(status('holdout:de'), 'reused');
    assert.equal(status('apply:de'), 'succeeded');
    const fits = [...job.outcomes.values()].filter((o) => o.fits > 0).map((o) => o.id);
    assert.deepEqual(fits, ['apply:de'], 'the chosen model is refitted; nothing is tuned');
    const de = job.results[0]!;
    assert.equal(de.selection?.reused, true);
    assert.equal((await store.getActuals('de'))!.values.length, before.values.length + 1);
    assert.equal(de.forecast[0]!.period, '2015-01-05');
  });

  it('does not store what ingest read, and reads it again when a task needs it (QA after an evaluation change)', async () => {
    const { readFile, writeFile } = await import('node:fs/promises');
    const file = path.join(dir, 'markets', 'de.yaml');
    const text = await readFile(file, 'utf8');
    const stored = (await store.getCachedResults([...(await store.cachedKeys(['de']))])).values();
    assert.ok([...stored].filter((r) => r.kind === 'ingest').every((r) => r.value === 'null'));
    try {
      await writeFile(file, text.replace('folds: 2', 'folds: 3'));
      const { job } = await planAndRun(await load(dir), store, { select: ['market:de'] });
      assert.equal(job.outcomes.get('ingest:de')!.status, 'reused');
      assert.equal(job.outcomes.get('qa:de')!.status, 'succeeded');
      assert.equal(job.results[0]!.status, 'succeeded');
    } finally {
      await writeFile(file, text);
    }
  });

  it('tune mode re-tunes although the inputs are unchanged', async () => {
    const { job } = await planAndRun(project, store, { select: ['market:sv'], mode: 'tune' });
    assert.equal(job.outcomes.get('tune:sv:mstl:0')!.status, 'succeeded');
    assert.equal(job.outcomes.get('ingest:sv')!.status, 'reused');
  });

  it('a tune task over its time limit costs its candidates only: the market falls back and says so', async () => {
    const executor = createPoolExecutor({ threads: 1 });
    try {
      const { job } = await planAndRun(project, store, {
        select: ['market:yy'],
        force: true,
        executor,
        // Every tune task of yy gets a limit it cannot meet.
        edit: (plan) => ({ ...plan, tasks: plan.tasks.map((t) => (t.kind === 'tune' ? { ...t, timeoutSeconds: 0.001 } : t)) }),
      });
      const yy = job.results[0]!;
      for (const id of ['tune:yy:mstl:0', 'tune:yy:mstl:1']) {
        assert.equal(job.outcomes.get(id)!.status, 'failed');
        assert.match(job.outcomes.get(id)!.error!, /timed out after 0\.001 s/);
      }
      assert.equal(yy.status, 'succeeded');
      assert.match(yy.fallback!.reason, /every candidate failed/);
      assert.equal(yy.candidates.length, 2);
      assert.ok(yy.candidates.every((c) => /timed out/.test(c.error ?? '')));
    } finally {
      await executor.close();
    }
  });

  it('reports each settled task after it is recorded, with progress counts', async () => {
    const seen: string[] = [];
    const markets: string[] = [];
    const { plan } = await planAndRun(project, store, {
      select: ['market:de'],
      hooks: {
        onTaskDone: (t, _o, p) => {
          seen.push(t.id);
          assert.equal(p.done, seen.length);
          assert.equal(p.total, 9);
        },
        onMarketDone: (d) => markets.push(`${d.market}:${d.ok}`),
      },
    });
    assert.equal(seen.length, plan.tasks.length);
    assert.deepEqual(markets, ['de:true']);
  });
});
