import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { openDuckDbStore } from '../../runtime/store/duckdb.ts';
import type { MarketResult, RunRecord, Store } from '../../runtime/store/store.ts';

function run(runId: string, startedAt: string): RunRecord {
  return { runId, startedAt, finishedAt: null, status: 'running', mode: 'manual', markets: 2, failedMarkets: 0 };
}

function forecastRows(start: number, h: number) {
  return Array.from({ length: h }, (_, k) => ({
    period: new Date(Date.UTC(2016, 0, 25 + 7 * k)).toISOString().slice(0, 10),
    mean: start + k + 0.25,
    lower80: start + k - 10,
    upper80: start + k + 10,
    lower95: start + k - 20.5,
    upper95: start + k + 20.5,
  }));
}

function results(base: number): MarketResult[] {
  return [
    {
      market: 'se',
      status: 'failed',
      error: 'input QA found 1 error(s)',
      findings: [{ severity: 'error', code: 'too-short', message: 'Only 4 usable observations; need 130.' }],
      candidates: [],
      forecast: [],
    },
    {
      market: 'de',
      status: 'succeeded',
      findings: [
        { severity: 'warning', code: 'missing-periods', message: '35 weeks missing', period: '2009-11-23' },
        { severity: 'warning', code: 'empty-value', message: 'Line 7 (2010-08-02): empty value', period: '2010-08-02', line: 7 },
        { severity: 'info', code: 'note', message: 'no period, no line' },
      ],
      candidates: [
        { family: 'snaive', params: {}, metric: 'smape', meanError: base / 1000, foldErrors: [0.1, 0.2, Number.NaN] },
        { family: 'ets', params: { trend: 'additive', damped: true, nested: { a: [1, 2] } }, metric: 'smape', meanError: 0.05, foldErrors: [0.04, 0.06] },
        { family: 'mstl', params: { periods: [52] }, metric: 'smape', meanError: null, foldErrors: [], error: 'fit failed: too short' },
      ],
      chosen: { family: 'ets', params: { trend: 'additive', damped: true, nested: { a: [1, 2] } } },
      forecast: forecastRows(base, 26),
    },
  ];
}

/** What getResults returns: sorted by market. */
const sortedByMarket = (rs: MarketResult[]) => [...rs].sort((a, b) => a.market.localeCompare(b.market));

describe('DuckDB store', function () {
  let dir: string;
  let file: string;
  let store: Store | null = null;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'store-test-'));
    // A nested path checks that the parent folder is created.
    file = join(dir, 'nested', 'forecast.duckdb');
    store = await openDuckDbStore(file);
    await store.init();
  });

  afterEach(async () => {
    await store?.close();
    store = null;
    await rm(dir, { recursive: true, force: true });
  });

  const s = (): Store => {
    if (!store) throw new Error('no store');
    return store;
  };

  async function reopen(): Promise<Store> {
    await s().close();
    store = await openDuckDbStore(file);
    await store.init();
    return store;
  }

  it('creates the file and its folder; init is idempotent', async () => {
    assert.ok(existsSync(file));
    await s().init();
    await reopen();
    assert.deepEqual(await s().listRuns(), []);
  });

  it('round-trips actuals with NaN preserved and replaces a market on put', async () => {
    const periods = ['2016-01-04', '2016-01-11', '2016-01-18', '2016-01-25'];
    await s().putActuals({ market: 'de', periods, values: Float64Array.from([1.5, Number.NaN, 3, 4e9]) });
    await s().putActuals({ market: 'se', periods: periods.slice(0, 2), values: Float64Array.from([7, 8]) });
    await s().putActuals({ market: 'se', periods: periods.slice(1), values: Float64Array.from([9, Number.NaN, 10]) });
    const back = await reopen();
    const de = await back.getActuals('de');
    assert.deepEqual(de?.periods, periods);
    assert.deepEqual([...(de?.values ?? [])], [1.5, Number.NaN, 3, 4e9]);
    assert.ok(de?.values instanceof Float64Array);
    const se = await back.getActuals('se');
    assert.deepEqual(se?.periods, periods.slice(1));
    assert.deepEqual([...(se?.values ?? [])], [9, Number.NaN, 10]);
    assert.equal(await back.getActuals('fr'), null);
  });

  it('writes a run and reads everything back equal from a new store instance', async () => {
    const r1 = run('run-1', '2016-01-25T06:00:00.000Z');
    await s().startRun(r1);
    assert.deepEqual(await s().getRun('run-1'), r1);
    assert.equal(await s().latestFinishedRun(), null);
    const written = results(100);
    await s().finishRun('run-1', '2016-01-25T06:01:30.250Z', 'partial', written);

    const back = await reopen();
    assert.deepEqual(await back.getRun('run-1'), {
      ...r1,
      finishedAt: '2016-01-25T06:01:30.250Z',
      status: 'partial',
      markets: 2,
      failedMarkets: 1,
    });
    const read = await back.getResults('run-1');
    assert.deepEqual(read, sortedByMarket(written));
    assert.equal(read[0]?.candidates[2]?.meanError, null);
    assert.ok(Number.isNaN(read[0]?.candidates[0]?.foldErrors[2]));
    assert.deepEqual(await back.getResults('no-such-run'), []);
    assert.equal(await back.getRun('no-such-run'), null);
  });

  it('keeps every vintage: a second run does not touch the first', async () => {
    await s().startRun(run('run-1', '2016-01-25T06:00:00.000Z'));
    await s().finishRun('run-1', '2016-01-25T06:01:00.000Z', 'succeeded', results(100));
    await s().startRun(run('run-2', '2016-02-01T06:00:00.000Z'));
    await s().finishRun('run-2', '2016-02-01T06:01:00.000Z', 'succeeded', results(200));
    const back = await reopen();
    assert.deepEqual(await back.getResults('run-1'), sortedByMarket(results(100)));
    assert.deepEqual(await back.getResults('run-2'), sortedByMarket(results(200)));
    await assert.rejects(
      back.finishRun('run-1', '2016-02-02T00:00:00.000Z', 'succeeded', results(300)),
      /already finished/,
    );
    assert.deepEqual(await back.getResults('run-1'), sortedByMarket(results(100)));
  });

  it('lists runs newest first; the latest finished run ignores running and failed runs', async () => {
    await s().startRun(run('a', '2016-01-04T06:00:00.000Z'));
    await s().finishRun('a', '2016-01-04T06:05:00.000Z', 'succeeded', []);
    await s().startRun(run('b', '2016-01-11T06:00:00.000Z'));
    await s().finishRun('b', '2016-01-11T06:05:00.000Z', 'partial', []);
    await s().startRun(run('c', '2016-01-18T06:00:00.000Z'));
    await s().finishRun('c', '2016-01-18T06:05:00.000Z', 'failed', []);
    await s().startRun(run('d', '2016-01-25T06:00:00.000Z'));
    assert.deepEqual((await s().listRuns()).map((r) => [r.runId, r.status]), [
      ['d', 'running'],
      ['c', 'failed'],
      ['b', 'partial'],
      ['a', 'succeeded'],
    ]);
    assert.equal((await s().latestFinishedRun())?.runId, 'b');
    // A run finished with no results keeps the market count it started with.
    assert.equal((await s().getRun('c'))?.markets, 2);
  });

  it('orders runs started in the same millisecond by start order', async () => {
    for (const id of ['x', 'y', 'z']) await s().startRun(run(id, '2016-01-04T06:00:00.000Z'));
    assert.deepEqual((await s().listRuns()).map((r) => r.runId), ['z', 'y', 'x']);
  });

  /** Row counts of the result tables, read from the file directly (the Store API hides orphans). */
  async function countRows(): Promise<Record<string, number>> {
    await s().close();
    store = null;
    const db = await DuckDBInstance.create(file);
    const conn = await db.connect();
    const counts: Record<string, number> = {};
    for (const table of ['market_results', 'forecasts', 'cv_scores', 'qa_findings']) {
      const rows = (await conn.runAndReadAll(`SELECT count(*) AS n FROM ${table}`)).getRowObjectsJS();
      counts[table] = Number(rows[0]?.n);
    }
    conn.closeSync();
    db.closeSync();
    store = await openDuckDbStore(file);
    return counts;
  }

  const noRows = { market_results: 0, forecasts: 0, cv_scores: 0, qa_findings: 0 };

  it('is atomic: a finishRun that fails midway leaves no rows and the run still running', async () => {
    await s().startRun(run('run-1', '2016-01-25T06:00:00.000Z'));
    const bad = results(100);
    const de = bad[1] as MarketResult;
    const forecast = [...de.forecast];
    forecast[20] = { ...forecast[20]!, mean: null as unknown as number };
    bad[1] = { ...de, forecast };
    await assert.rejects(s().finishRun('run-1', '2016-01-25T06:01:00.000Z', 'succeeded', bad), /NOT NULL/);
    assert.deepEqual(await s().getResults('run-1'), []);
    assert.equal((await s().getRun('run-1'))?.status, 'running');
    assert.equal(await s().latestFinishedRun(), null);
    assert.deepEqual(await countRows(), noRows);
    // The store is still usable, and the run can still be finished properly.
    await s().finishRun('run-1', '2016-01-25T06:02:00.000Z', 'succeeded', results(100));
    const back = await reopen();
    assert.deepEqual(await back.getResults('run-1'), sortedByMarket(results(100)));
  });

  it('is atomic when the last table written fails (every other table already has rows)', async () => {
    await s().startRun(run('run-1', '2016-01-25T06:00:00.000Z'));
    const bad = results(100);
    const de = bad[1] as MarketResult;
    const findings = [...de.findings, { severity: 'warning' as const, code: 'x', message: null as unknown as string }];
    bad[1] = { ...de, findings };
    await assert.rejects(s().finishRun('run-1', '2016-01-25T06:01:00.000Z', 'succeeded', bad), /NOT NULL/);
    assert.deepEqual(await countRows(), noRows);
    assert.equal((await s().getRun('run-1'))?.status, 'running');
  });

  it('is atomic on duplicate markets too', async () => {
    await s().startRun(run('run-1', '2016-01-25T06:00:00.000Z'));
    const twice = [...results(100), ...results(100)];
    await assert.rejects(s().finishRun('run-1', '2016-01-25T06:01:00.000Z', 'succeeded', twice));
    assert.deepEqual(await s().getResults('run-1'), []);
  });

  it('rejects bad arguments with clear messages', async () => {
    await assert.rejects(s().finishRun('nope', '2016-01-25T06:01:00.000Z', 'succeeded', []), /unknown run nope/);
    await s().startRun(run('run-1', '2016-01-25T06:00:00.000Z'));
    await assert.rejects(s().finishRun('run-1', '2016-01-25T06:01:00.000Z', 'running', []), /final status/);
    await assert.rejects(s().finishRun('run-1', '25.01.2016', 'succeeded', []), /ISO timestamp/);
    await assert.rejects(s().startRun(run('run-1', '2016-01-25T06:00:00.000Z')), /run-1|PRIMARY KEY|Duplicate/i);
  });

  it('serialises concurrent calls on one store', async () => {
    const periods = ['2016-01-04', '2016-01-11'];
    const markets = Array.from({ length: 20 }, (_, i) => `m${i}`);
    await Promise.all(markets.map((m, i) => s().putActuals({ market: m, periods, values: Float64Array.from([i, i + 1]) })));
    const back = await Promise.all(markets.map((m) => s().getActuals(m)));
    assert.deepEqual(back.map((a) => a?.values[1]), markets.map((_, i) => i + 1));
  });

  it('refuses a second open of the same file in this process', async () => {
    await assert.rejects(openDuckDbStore(file), /already open in this process/);
  });

  it('finishes a 12-market run quickly and a 1,000-market run acceptably', async function () {
    for (const [n, budgetMs] of [[12, 1000], [1000, 20000]] as const) {
      const id = `big-${n}`;
      await s().startRun({ ...run(id, '2016-01-25T06:00:00.000Z'), markets: n });
      const many: MarketResult[] = Array.from({ length: n }, (_, i) => ({ ...(results(i)[1] as MarketResult), market: `m${String(i).padStart(4, '0')}` }));
      const t0 = performance.now();
      await s().finishRun(id, '2016-01-25T06:10:00.000Z', 'succeeded', many);
      const ms = performance.now() - t0;
      assert.ok(ms < budgetMs, `finishRun for ${n} markets took ${ms.toFixed(0)} ms`);
      const read = await s().getResults(id);
      assert.equal(read.length, n);
      assert.equal(read[n - 1]?.forecast.length, 26);
    }
  });
});
