import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { openDuckDbStore, SCHEMA_VERSION } from '../../runtime/store/duckdb.ts';
import type { CachedResult, MarketResult, RunRecord, Store, TaskRecord } from '../../runtime/store/store.ts';

const run = (runId: string, startedAt: string, extra: Partial<RunRecord> = {}): RunRecord => ({
  runId,
  startedAt,
  finishedAt: null,
  status: 'running',
  mode: 'weekly',
  markets: 1,
  failedMarkets: 0,
  ...extra,
});

const record = (taskId: string, status: TaskRecord['status'], extra: Partial<TaskRecord> = {}): TaskRecord => ({
  taskId,
  kind: taskId.split(':')[0]!,
  market: taskId.split(':')[1] ?? null,
  status,
  key: status === 'succeeded' || status === 'reused' ? `key-${taskId}` : null,
  startedAt: status === 'skipped' ? null : '2016-01-25T06:00:01.500Z',
  ms: 12.5,
  fits: taskId.startsWith('tune') ? 40 : 0,
  error: status === 'failed' ? 'boom' : null,
  ...extra,
});

const cached = (key: string, taskId: string, createdAt: string, extra: Partial<CachedResult> = {}): CachedResult => ({
  key,
  taskId,
  kind: taskId.split(':')[0]!,
  market: taskId.split(':')[1] ?? null,
  runId: 'run-1',
  createdAt,
  value: `{"v":"${key}"}`,
  meta: null,
  ...extra,
});

describe('DuckDB store: execution state', function () {
  this.timeout(60_000);
  let dir: string;
  let file: string;
  let store: Store;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'store-exec-'));
    file = join(dir, 'forecast.duckdb');
    store = await openDuckDbStore(file);
    await store.init();
  });

  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function reopen(): Promise<Store> {
    await store.close();
    store = await openDuckDbStore(file);
    await store.init();
    return store;
  }

  it('records tasks as they settle; a later record of a task replaces the earlier one', async () => {
    await store.startRun(run('run-1', '2016-01-25T06:00:00.000Z'));
    await store.recordTasks('run-1', [record('ingest:de', 'succeeded'), record('tune:de:mstl:0', 'failed')], []);
    await store.recordTasks('run-1', [record('tune:de:mstl:0', 'succeeded'), record('apply:de', 'skipped')], []);
    const back = await (await reopen()).getTaskRecords('run-1');
    assert.deepEqual(
      back.map((r) => [r.taskId, r.status]),
      [['ingest:de', 'succeeded'], ['tune:de:mstl:0', 'succeeded'], ['apply:de', 'skipped']],
    );
    assert.deepEqual(back[0], record('ingest:de', 'succeeded'));
    assert.deepEqual(back[2], record('apply:de', 'skipped'));
    assert.deepEqual(await store.getTaskRecords('other'), []);
  });

  it('stores results by key, upserting, and reads back values, keys and info', async () => {
    await store.recordTasks('run-1', [], [cached('k1', 'tune:de:mstl:0', '2016-01-25T06:00:00.000Z'), cached('k2', 'holdout:de', '2016-01-25T06:00:02.000Z', { meta: '{"a":1}' })]);
    await store.recordTasks('run-2', [], [cached('k1', 'tune:de:mstl:0', '2016-02-01T06:00:00.000Z', { runId: 'run-2', value: '{"v":"new"}' })]);
    await store.recordTasks('run-2', [], [cached('k3', 'holdout:de', '2016-02-01T06:00:03.000Z'), cached('k4', 'holdout:sv', '2016-02-01T06:00:03.000Z')]);
    await reopen();
    const got = await store.getCachedResults(['k1', 'k2', 'missing', 'k1']);
    assert.deepEqual([...got.keys()].sort(), ['k1', 'k2']);
    assert.equal(got.get('k1')!.value, '{"v":"new"}');
    assert.equal(got.get('k1')!.runId, 'run-2');
    assert.equal(got.get('k2')!.meta, '{"a":1}');
    assert.equal(got.get('k2')!.createdAt, '2016-01-25T06:00:02.000Z');
    assert.deepEqual([...(await store.cachedKeys(['de']))].sort(), ['k1', 'k2', 'k3']);
    assert.deepEqual((await store.cachedInfo('holdout', ['de'])).map((i) => i.key), ['k3', 'k2'], 'newest first');
    assert.deepEqual(await store.getCachedResults([]), new Map());
  });

  it('is atomic: a batch with a bad row stores none of it', async () => {
    await assert.rejects(store.recordTasks('run-1', [record('a:de', 'succeeded'), { ...record('b:de', 'succeeded'), status: 'weird' as 'reused' }], [cached('k9', 'a:de', '2016-01-25T06:00:00.000Z')]));
    assert.deepEqual(await store.getTaskRecords('run-1'), []);
    assert.deepEqual(await store.cachedKeys(['de']), new Set());
  });

  it('keeps a run\'s plan, marks runs left running as interrupted, and lists runs with counts', async () => {
    await store.startRun(run('a', '2016-01-25T06:00:00.000Z'));
    await store.putRunPlan('a', '{"plan":1}');
    await store.recordTasks('a', [record('tune:de:mstl:0', 'succeeded'), record('ingest:de', 'reused'), record('qa:de', 'failed'), record('apply:de', 'skipped')], []);
    assert.equal(await store.getRunPlan('a'), '{"plan":1}');
    assert.equal(await store.getRunPlan('nope'), null);
    await assert.rejects(store.putRunPlan('nope', '{}'), /unknown run nope/);

    assert.deepEqual(await store.interruptRunningRuns('2016-01-25T07:00:00.000Z', 'interrupted'), ['a']);
    await store.startRun(run('b', '2016-01-26T06:00:00.000Z', { resumedFrom: 'a' }));
    await store.finishRun('b', '2016-01-26T06:01:00.000Z', 'succeeded', []);
    const a = await store.getRun('a');
    assert.equal(a?.status, 'failed');
    assert.equal(a?.error, 'interrupted');
    assert.equal((await store.getRun('b'))?.resumedFrom, 'a');

    const summaries = await (await reopen()).runSummaries(10);
    assert.deepEqual(summaries.map((s) => s.run.runId), ['b', 'a']);
    assert.deepEqual(summaries[1]!.tasks, { succeeded: 1, reused: 1, failed: 1, skipped: 1 });
    assert.equal(summaries[1]!.fits, 40);
    assert.deepEqual(summaries[0]!.tasks, { succeeded: 0, reused: 0, failed: 0, skipped: 0 });
    assert.equal((await store.runSummaries(1)).length, 1);
  });

  it('remembers each market\'s spec in its last successful run, and the new result fields', async () => {
    const result = (market: string, status: MarketResult['status'], specHash: string): MarketResult => ({
      market,
      status,
      findings: [],
      candidates: status === 'succeeded' ? [{ family: 'snaive', params: {}, metric: 'smape', meanError: 3, foldErrors: [3], holdoutError: null }] : [],
      forecast: [],
      specHash,
      ...(status === 'succeeded'
        ? { chosen: { family: 'snaive', params: {} }, fallback: { reason: 'select failed: every candidate failed' }, selection: { tunedAt: '2016-01-20T06:00:00.000Z', runId: 'r0', reused: true } }
        : { error: 'qa failed' }),
    });
    await store.startRun(run('r1', '2016-01-25T06:00:00.000Z'));
    await store.finishRun('r1', '2016-01-25T06:01:00.000Z', 'partial', [result('de', 'succeeded', 'de-1'), result('sv', 'failed', 'sv-1')]);
    await store.startRun(run('r2', '2016-02-01T06:00:00.000Z'));
    await store.finishRun('r2', '2016-02-01T06:01:00.000Z', 'partial', [result('de', 'failed', 'de-2'), result('sv', 'succeeded', 'sv-2')]);
    assert.deepEqual(await store.lastGoodSpecs(), new Map([['de', 'de-1'], ['sv', 'sv-2']]));
    const back = await (await reopen()).getResults('r1');
    assert.deepEqual(back[0], result('de', 'succeeded', 'de-1'));
  });

  it('replaces several markets\' actuals in one call', async () => {
    const periods = ['2016-01-04', '2016-01-11'];
    await store.putActualsMany([
      { market: 'de', periods, values: Float64Array.from([1, Number.NaN]) },
      { market: 'sv', periods, values: Float64Array.from([3, 4]) },
    ]);
    await store.putActualsMany([{ market: 'de', periods: periods.slice(1), values: Float64Array.from([5]) }], new Map([['de', 'qa-key-2']]));
    assert.deepEqual([...(await store.getActuals('de'))!.values], [5]);
    assert.deepEqual(await store.actualsKeys(['de', 'sv']), new Map([['de', 'qa-key-2']]), 'sv was written without a key');
    await store.putActuals({ market: 'de', periods, values: Float64Array.from([1, 2]) });
    assert.deepEqual(await store.actualsKeys(['de']), new Map(), 'a plain put forgets the key');
    assert.deepEqual([...(await store.getActuals('sv'))!.values], [3, 4]);
    await assert.rejects(store.putActualsMany([{ market: 'x', periods, values: Float64Array.from([1]) }]), /2 periods but 1 values/);
  });

  it('opens after the process that created it was killed (SIGKILL) right after migrating and writing', async () => {
    await store.close();
    const fresh = join(dir, 'killed.duckdb');
    const module = pathToFileURL(join(import.meta.dirname, '../../runtime/store/duckdb.ts')).href;
    const code = [
      `const { openDuckDbStore } = await import(${JSON.stringify(module)});`,
      `const s = await openDuckDbStore(${JSON.stringify(fresh)});`,
      'await s.init();',
      `await s.startRun({ runId: 'r', startedAt: '2016-01-25T06:00:00.000Z', finishedAt: null, status: 'running', mode: 'weekly', markets: 1, failedMarkets: 0 });`,
      `await s.recordTasks('r', [{ taskId: 'ingest:de', kind: 'ingest', market: 'de', status: 'succeeded', key: 'k', startedAt: null, ms: 1, fits: 0, error: null }], []);`,
      "process.kill(process.pid, 'SIGKILL');",
    ].join('\n');
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8' });
    assert.equal(child.signal, 'SIGKILL', child.stderr);
    store = await openDuckDbStore(fresh);
    await store.init();
    assert.equal((await store.getRun('r'))?.status, 'running');
    assert.deepEqual((await store.getTaskRecords('r')).map((r) => r.taskId), ['ingest:de']);
  });

  it('migrates a version 1 store, keeping its runs', async () => {
    await store.close();
    const old = join(dir, 'v1.duckdb');
    const db = await DuckDBInstance.create(old);
    const conn = await db.connect();
    for (const sql of V1_SCHEMA) await conn.run(sql);
    await conn.run(`INSERT INTO schema_version (version) VALUES (1)`);
    await conn.run(`INSERT INTO runs (run_id, started_at, finished_at, status, mode, markets, failed_markets)
                    VALUES ('old', TIMESTAMP '2016-01-04 06:00:00', TIMESTAMP '2016-01-04 06:05:00', 'succeeded', 'manual', 1, 0)`);
    await conn.run(`INSERT INTO market_results VALUES ('old', 'de', 'succeeded', NULL, 'snaive', '{}')`);
    conn.closeSync();
    db.closeSync();
    store = await openDuckDbStore(old);
    await store.init();
    assert.equal(SCHEMA_VERSION, 3);
    assert.deepEqual(await store.getRun('old'), {
      runId: 'old',
      startedAt: '2016-01-04T06:00:00.000Z',
      finishedAt: '2016-01-04T06:05:00.000Z',
      status: 'succeeded',
      mode: 'manual',
      markets: 1,
      failedMarkets: 0,
    });
    assert.deepEqual((await store.getResults('old'))[0], { market: 'de', status: 'succeeded', findings: [], candidates: [], chosen: { family: 'snaive', params: {} }, forecast: [] });
    assert.deepEqual((await store.runSummaries(5))[0]!.tasks, { succeeded: 0, reused: 0, failed: 0, skipped: 0 });
  });
});

/** The schema as version 1 created it (migrations are append-only, so this never changes). */
const V1_SCHEMA = [
  `CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)`,
  `CREATE TABLE actuals (market VARCHAR NOT NULL, period DATE NOT NULL, value DOUBLE, PRIMARY KEY (market, period))`,
  `CREATE SEQUENCE run_seq`,
  `CREATE TABLE runs (run_id VARCHAR PRIMARY KEY, seq BIGINT NOT NULL DEFAULT nextval('run_seq'), started_at TIMESTAMP NOT NULL,
     finished_at TIMESTAMP, status VARCHAR NOT NULL CHECK (status IN ('running', 'succeeded', 'partial', 'failed')),
     mode VARCHAR NOT NULL, markets INTEGER NOT NULL, failed_markets INTEGER NOT NULL)`,
  `CREATE TABLE market_results (run_id VARCHAR NOT NULL, market VARCHAR NOT NULL, status VARCHAR NOT NULL CHECK (status IN ('succeeded', 'failed')),
     error VARCHAR, chosen_family VARCHAR, chosen_params VARCHAR, PRIMARY KEY (run_id, market))`,
  `CREATE TABLE forecasts (run_id VARCHAR NOT NULL, market VARCHAR NOT NULL, period DATE NOT NULL, mean DOUBLE NOT NULL, lower80 DOUBLE NOT NULL,
     upper80 DOUBLE NOT NULL, lower95 DOUBLE NOT NULL, upper95 DOUBLE NOT NULL, PRIMARY KEY (run_id, market, period))`,
  `CREATE TABLE cv_scores (run_id VARCHAR NOT NULL, market VARCHAR NOT NULL, ordinal INTEGER NOT NULL, family VARCHAR NOT NULL, params VARCHAR NOT NULL,
     metric VARCHAR NOT NULL, mean_error DOUBLE, fold_errors DOUBLE[] NOT NULL, error VARCHAR, PRIMARY KEY (run_id, market, ordinal))`,
  `CREATE TABLE qa_findings (run_id VARCHAR NOT NULL, market VARCHAR NOT NULL, ordinal INTEGER NOT NULL,
     severity VARCHAR NOT NULL CHECK (severity IN ('error', 'warning', 'info')), code VARCHAR NOT NULL, message VARCHAR NOT NULL,
     period VARCHAR, line INTEGER, PRIMARY KEY (run_id, market, ordinal))`,
];
