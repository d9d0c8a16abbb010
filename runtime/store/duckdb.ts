/**
 * The embedded DuckDB store (one file). Only one process may open the file at a time: DuckDB
 * takes an OS lock on it, and a second process gets a clear error instead of waiting. Within a
 * process the store refuses a second open of the same file, because two DuckDB instances on one
 * file do not see each other's writes and can corrupt it.
 *
 * Calls are serialised on the store's single connection, so an explicit transaction (BEGIN ..
 * COMMIT) never interleaves with another call's statements.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { BIGINT, DOUBLE, INTEGER, LIST, VARCHAR, DuckDBInstance, listValue } from '@duckdb/node-api';
import type { DuckDBAppender, DuckDBConnection, DuckDBType, DuckDBValue, JS } from '@duckdb/node-api';
import type { Series } from './series.ts';
import type {
  CachedResult,
  CachedResultInfo,
  CandidateScore,
  Finding,
  ForecastRow,
  MarketResult,
  RunRecord,
  RunStatus,
  RunSummary,
  Severity,
  Store,
  TaskRecord,
  TaskStatus,
} from './store.ts';

/** Schema migrations: entry i brings the store from version i to i + 1. Append, never edit. */
const MIGRATIONS: readonly (readonly string[])[] = [
  [
    `CREATE TABLE actuals (
       market VARCHAR NOT NULL,
       period DATE NOT NULL,
       value DOUBLE,
       PRIMARY KEY (market, period))`,
    `CREATE SEQUENCE run_seq`,
    // seq breaks ties between runs started in the same millisecond (newest = last started).
    `CREATE TABLE runs (
       run_id VARCHAR PRIMARY KEY,
       seq BIGINT NOT NULL DEFAULT nextval('run_seq'),
       started_at TIMESTAMP NOT NULL,
       finished_at TIMESTAMP,
       status VARCHAR NOT NULL CHECK (status IN ('running', 'succeeded', 'partial', 'failed')),
       mode VARCHAR NOT NULL,
       markets INTEGER NOT NULL,
       failed_markets INTEGER NOT NULL)`,
    `CREATE TABLE market_results (
       run_id VARCHAR NOT NULL,
       market VARCHAR NOT NULL,
       status VARCHAR NOT NULL CHECK (status IN ('succeeded', 'failed')),
       error VARCHAR,
       chosen_family VARCHAR,
       chosen_params VARCHAR,
       PRIMARY KEY (run_id, market))`,
    `CREATE TABLE forecasts (
       run_id VARCHAR NOT NULL,
       market VARCHAR NOT NULL,
       period DATE NOT NULL,
       mean DOUBLE NOT NULL,
       lower80 DOUBLE NOT NULL,
       upper80 DOUBLE NOT NULL,
       lower95 DOUBLE NOT NULL,
       upper95 DOUBLE NOT NULL,
       PRIMARY KEY (run_id, market, period))`,
    // ordinal keeps the leaderboard and findings in the order the run produced them.
    `CREATE TABLE cv_scores (
       run_id VARCHAR NOT NULL,
       market VARCHAR NOT NULL,
       ordinal INTEGER NOT NULL,
       family VARCHAR NOT NULL,
       params VARCHAR NOT NULL,
       metric VARCHAR NOT NULL,
       mean_error DOUBLE,
       fold_errors DOUBLE[] NOT NULL,
       error VARCHAR,
       PRIMARY KEY (run_id, market, ordinal))`,
    // period is text: QC findings may name periods that are not calendar dates.
    `CREATE TABLE qa_findings (
       run_id VARCHAR NOT NULL,
       market VARCHAR NOT NULL,
       ordinal INTEGER NOT NULL,
       severity VARCHAR NOT NULL CHECK (severity IN ('error', 'warning', 'info')),
       code VARCHAR NOT NULL,
       message VARCHAR NOT NULL,
       period VARCHAR,
       line INTEGER,
       PRIMARY KEY (run_id, market, ordinal))`,
  ],
  // 2: execution state (plans, task records, the task cache) and result details.
  [
    `ALTER TABLE runs ADD COLUMN plan VARCHAR`,
    `ALTER TABLE runs ADD COLUMN resumed_from VARCHAR`,
    `ALTER TABLE runs ADD COLUMN error VARCHAR`,
    `ALTER TABLE market_results ADD COLUMN spec_hash VARCHAR`,
    `ALTER TABLE market_results ADD COLUMN fallback_reason VARCHAR`,
    `ALTER TABLE market_results ADD COLUMN tuned_at VARCHAR`,
    `ALTER TABLE market_results ADD COLUMN tuned_in_run VARCHAR`,
    `ALTER TABLE market_results ADD COLUMN selection_reused BOOLEAN`,
    // in_holdout tells "not re-checked" (false) from "re-checked, refit failed" (true, NULL error).
    `ALTER TABLE cv_scores ADD COLUMN in_holdout BOOLEAN`,
    `ALTER TABLE cv_scores ADD COLUMN holdout_error DOUBLE`,
    // One row per input hash: a result computed twice (tune mode, --force) replaces the older row.
    `CREATE TABLE task_results (
       key VARCHAR PRIMARY KEY,
       task_id VARCHAR NOT NULL,
       kind VARCHAR NOT NULL,
       market VARCHAR,
       run_id VARCHAR NOT NULL,
       created_at TIMESTAMP NOT NULL,
       value VARCHAR NOT NULL,
       meta VARCHAR)`,
    `CREATE TABLE run_tasks (
       run_id VARCHAR NOT NULL,
       task_id VARCHAR NOT NULL,
       kind VARCHAR NOT NULL,
       market VARCHAR,
       status VARCHAR NOT NULL CHECK (status IN ('succeeded', 'reused', 'failed', 'skipped')),
       key VARCHAR,
       started_at TIMESTAMP,
       ms DOUBLE NOT NULL,
       fits INTEGER NOT NULL,
       error VARCHAR,
       PRIMARY KEY (run_id, task_id))`,
  ],
  // 3: which data each market's actuals were read from, so unchanged actuals are not rewritten.
  [
    `CREATE TABLE actuals_keys (
       market VARCHAR PRIMARY KEY,
       key VARCHAR NOT NULL)`,
  ],
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Files open in this process (resolved paths). */
const openFiles = new Set<string>();

/**
 * Opens (creating if needed, parent folder included) the DuckDB store at `path`. Call `init()`
 * before use and `close()` when done; `:memory:` gives a throwaway in-memory store.
 */
export async function openDuckDbStore(path: string): Promise<Store> {
  const inMemory = path === ':memory:';
  const key = inMemory ? null : resolve(path);
  if (key !== null) {
    if (openFiles.has(key)) throw new Error(`DuckDB store ${path} is already open in this process; close it first`);
    await mkdir(dirname(key), { recursive: true });
  }
  const instance = await createInstance(path);
  const connection = await instance.connect();
  if (key !== null) openFiles.add(key);
  return new DuckDbStore(instance, connection, key);
}

async function createInstance(path: string): Promise<DuckDBInstance> {
  try {
    return await DuckDBInstance.create(path);
  } catch (err) {
    const msg = (err as Error).message;
    if (/could not set lock/i.test(msg)) {
      throw new Error(`DuckDB store ${path} is in use by another process (only one process may open it at a time): ${msg}`);
    }
    throw new Error(`Cannot open DuckDB store ${path}: ${msg}`);
  }
}

class DuckDbStore implements Store {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private closing: Promise<void> | null = null;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private readonly key: string | null,
  ) {}

  init(): Promise<void> {
    return this.serial(async () => {
      await this.conn.run(`CREATE TABLE IF NOT EXISTS schema_version (
        version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)`);
      const rows = await this.rows('SELECT max(version) AS v FROM schema_version');
      const current = optInt(rows[0], 'v') ?? 0;
      if (current > SCHEMA_VERSION) {
        throw new Error(`Store schema version ${current} is newer than this program supports (${SCHEMA_VERSION}); upgrade the program`);
      }
      for (let v = current; v < SCHEMA_VERSION; v++) {
        const statements = MIGRATIONS[v] ?? [];
        await this.transaction(async () => {
          for (const sql of statements) await this.conn.run(sql);
          await this.conn.run('INSERT INTO schema_version (version) VALUES ($1)', [v + 1]);
        });
      }
      // Write the new schema into the database file now rather than leaving it in the write-ahead
      // log: DuckDB (1.5) fails to replay an ALTER TABLE of a table whose default calls a
      // sequence (runs.seq), so a process killed after migrating would leave a store that no
      // longer opens. A checkpoint costs milliseconds and happens once per migration.
      if (current < SCHEMA_VERSION) await this.conn.run('CHECKPOINT');
    });
  }

  putActuals(series: Series): Promise<void> {
    if (series.periods.length !== series.values.length) {
      return Promise.reject(new Error(`putActuals(${series.market}): ${series.periods.length} periods but ${series.values.length} values`));
    }
    return this.serial(() =>
      this.transaction(async () => {
        await this.conn.run('DELETE FROM actuals_keys WHERE market = $1', [series.market]);
        await this.conn.run('DELETE FROM actuals WHERE market = $1', [series.market]);
        await this.append('actuals', (a) => {
          series.periods.forEach((period, i) => {
            a.appendVarchar(series.market);
            a.appendVarchar(period);
            appendDouble(a, series.values[i]);
            a.endRow();
          });
        });
      }),
    );
  }

  getActuals(market: string): Promise<Series | null> {
    return this.serial(async () => {
      const rows = await this.rows(
        'SELECT CAST(period AS VARCHAR) AS period, value FROM actuals WHERE market = $1 ORDER BY period',
        [market],
      );
      if (rows.length === 0) return null;
      const values = Float64Array.from(rows, (r) => optNum(r, 'value') ?? Number.NaN);
      return { market, periods: rows.map((r) => str(r, 'period')), values };
    });
  }

  putActualsMany(series: readonly Series[], keys: ReadonlyMap<string, string> = new Map()): Promise<void> {
    const bad = series.find((x) => x.periods.length !== x.values.length);
    if (bad) return Promise.reject(new Error(`putActualsMany(${bad.market}): ${bad.periods.length} periods but ${bad.values.length} values`));
    if (series.length === 0) return Promise.resolve();
    const markets = series.map((x) => x.market);
    const keyed = markets.filter((m) => keys.has(m));
    return this.serial(() =>
      this.transaction(async () => {
        await this.conn.run('DELETE FROM actuals_keys WHERE market IN (SELECT unnest($1))', [textList(markets)], [TEXT_LIST]);
        if (keyed.length > 0) {
          await this.conn.run('INSERT INTO actuals_keys SELECT unnest($1), unnest($2)', [textList(keyed), textList(keyed.map((m) => keys.get(m)!))], [TEXT_LIST, TEXT_LIST]);
        }
        await this.conn.run('DELETE FROM actuals WHERE market IN (SELECT unnest($1))', [textList(markets)], [TEXT_LIST]);
        await this.append('actuals', (a) => {
          for (const x of series) {
            x.periods.forEach((period, i) => {
              a.appendVarchar(x.market);
              a.appendVarchar(period);
              appendDouble(a, x.values[i]);
              a.endRow();
            });
          }
        });
      }),
    );
  }

  actualsKeys(markets: readonly string[]): Promise<Map<string, string>> {
    return this.serial(async () => {
      const rows = await this.rows('SELECT market, key FROM actuals_keys WHERE market IN (SELECT unnest($1))', [textList(markets)], [TEXT_LIST]);
      return new Map(rows.map((r) => [str(r, 'market'), str(r, 'key')]));
    });
  }

  startRun(run: RunRecord): Promise<void> {
    return this.serial(async () => {
      await this.conn.run(
        `INSERT INTO runs (run_id, started_at, finished_at, status, mode, markets, failed_markets, resumed_from, error)
         VALUES ($1, epoch_ms(CAST($2 AS BIGINT)), epoch_ms(CAST($3 AS BIGINT)), $4, $5, $6, $7, $8, $9)`,
        [
          run.runId,
          epochMs(run.startedAt, 'startedAt'),
          run.finishedAt === null ? null : epochMs(run.finishedAt, 'finishedAt'),
          run.status,
          run.mode,
          run.markets,
          run.failedMarkets,
          run.resumedFrom ?? null,
          run.error ?? null,
        ],
      );
    });
  }

  putRunPlan(runId: string, plan: string): Promise<void> {
    return this.serial(async () => {
      const rows = await this.rows('UPDATE runs SET plan = $1 WHERE run_id = $2 RETURNING run_id', [plan, runId]);
      if (rows.length === 0) throw new Error(`putRunPlan: unknown run ${runId}`);
    });
  }

  getRunPlan(runId: string): Promise<string | null> {
    return this.serial(async () => {
      const rows = await this.rows('SELECT plan FROM runs WHERE run_id = $1', [runId]);
      return rows[0] ? optStr(rows[0], 'plan') : null;
    });
  }

  interruptRunningRuns(finishedAt: string, error: string): Promise<string[]> {
    let ms: number;
    try {
      ms = epochMs(finishedAt, 'finishedAt');
    } catch (err) {
      return Promise.reject(err);
    }
    return this.serial(async () => {
      const rows = await this.rows(
        `UPDATE runs SET status = 'failed', finished_at = epoch_ms(CAST($1 AS BIGINT)), error = $2
         WHERE status = 'running' RETURNING run_id`,
        [ms, error],
      );
      return rows.map((r) => str(r, 'run_id')).sort();
    });
  }

  recordTasks(runId: string, records: readonly TaskRecord[], results: readonly CachedResult[]): Promise<void> {
    if (records.length === 0 && results.length === 0) return Promise.resolve();
    let resultColumns: DuckDBValue[];
    let recordColumns: DuckDBValue[];
    try {
      resultColumns = [
        textList(results.map((r) => r.key)),
        textList(results.map((r) => r.taskId)),
        textList(results.map((r) => r.kind)),
        textList(results.map((r) => r.market)),
        textList(results.map((r) => r.runId)),
        listValue(results.map((r) => BigInt(epochMs(r.createdAt, 'createdAt')))),
        textList(results.map((r) => r.value)),
        textList(results.map((r) => r.meta)),
      ];
      recordColumns = [
        runId,
        textList(records.map((r) => r.taskId)),
        textList(records.map((r) => r.kind)),
        textList(records.map((r) => r.market)),
        textList(records.map((r) => r.status)),
        textList(records.map((r) => r.key)),
        listValue(records.map((r) => (r.startedAt === null ? null : BigInt(epochMs(r.startedAt, 'startedAt'))))),
        listValue(records.map((r) => r.ms)),
        listValue(records.map((r) => r.fits)),
        textList(records.map((r) => r.error)),
      ];
    } catch (err) {
      return Promise.reject(err);
    }
    // Whole columns bound as lists and unnested in one statement per table: the statement runs
    // on DuckDB's threads, whereas the appender's flush blocks this thread, which in a run also
    // schedules the workers' tasks. Upsert as delete + insert, in one transaction.
    return this.serial(() =>
      this.transaction(async () => {
        if (results.length > 0) {
          await this.conn.run('DELETE FROM task_results WHERE key IN (SELECT unnest($1))', [resultColumns[0]!], [TEXT_LIST]);
          await this.conn.run(
            `INSERT INTO task_results
             SELECT unnest($1), unnest($2), unnest($3), unnest($4), unnest($5), epoch_ms(unnest($6)), unnest($7), unnest($8)`,
            resultColumns,
            [TEXT_LIST, TEXT_LIST, TEXT_LIST, TEXT_LIST, TEXT_LIST, BIGINT_LIST, TEXT_LIST, TEXT_LIST],
          );
        }
        if (records.length > 0) {
          await this.conn.run('DELETE FROM run_tasks WHERE run_id = $1 AND task_id IN (SELECT unnest($2))', [runId, recordColumns[1]!], [VARCHAR, TEXT_LIST]);
          await this.conn.run(
            `INSERT INTO run_tasks
             SELECT $1, unnest($2), unnest($3), unnest($4), unnest($5), unnest($6), epoch_ms(unnest($7)), unnest($8), unnest($9), unnest($10)`,
            recordColumns,
            [VARCHAR, TEXT_LIST, TEXT_LIST, TEXT_LIST, TEXT_LIST, TEXT_LIST, BIGINT_LIST, DOUBLE_LIST, INTEGER_LIST, TEXT_LIST],
          );
        }
      }),
    );
  }

  getTaskRecords(runId: string): Promise<TaskRecord[]> {
    return this.serial(async () => {
      const rows = await this.rows(
        `SELECT task_id, kind, market, status, key, epoch_ms(started_at) AS started_ms, ms, fits, error
         FROM run_tasks WHERE run_id = $1 ORDER BY started_at NULLS LAST, task_id`,
        [runId],
      );
      return rows.map(toTaskRecord);
    });
  }

  getCachedResults(keys: readonly string[]): Promise<Map<string, CachedResult>> {
    if (keys.length === 0) return Promise.resolve(new Map());
    return this.serial(async () => {
      const rows = await this.rows(
        `SELECT ${CACHED_COLUMNS}, value FROM task_results WHERE key IN (SELECT unnest($1))`,
        [textList([...new Set(keys)])],
        [TEXT_LIST],
      );
      return new Map(rows.map((r) => [str(r, 'key'), { ...toCachedInfo(r), value: str(r, 'value') }]));
    });
  }

  cachedKeys(markets: readonly string[]): Promise<Set<string>> {
    return this.serial(async () => {
      const rows = await this.rows('SELECT key FROM task_results WHERE market IS NULL OR market IN (SELECT unnest($1))', [textList(markets)], [TEXT_LIST]);
      return new Set(rows.map((r) => str(r, 'key')));
    });
  }

  cachedInfo(kind: string, markets: readonly string[]): Promise<CachedResultInfo[]> {
    return this.serial(async () => {
      const rows = await this.rows(
        `SELECT ${CACHED_COLUMNS} FROM task_results WHERE kind = $1 AND market IN (SELECT unnest($2))
         ORDER BY created_at DESC, key`,
        [kind, textList(markets)],
        [VARCHAR, TEXT_LIST],
      );
      return rows.map(toCachedInfo);
    });
  }

  lastGoodSpecs(): Promise<Map<string, string>> {
    return this.serial(async () => {
      const rows = await this.rows(
        `SELECT market, arg_max(spec_hash, r.seq) AS spec_hash
         FROM market_results m JOIN runs r USING (run_id)
         WHERE m.status = 'succeeded' AND spec_hash IS NOT NULL
         GROUP BY market`,
      );
      return new Map(rows.map((r) => [str(r, 'market'), str(r, 'spec_hash')]));
    });
  }

  runSummaries(limit: number): Promise<RunSummary[]> {
    return this.serial(async () => {
      const rows = await this.rows(
        `WITH t AS (
           SELECT run_id,
             count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
             count(*) FILTER (WHERE status = 'reused') AS reused,
             count(*) FILTER (WHERE status = 'failed') AS failed,
             count(*) FILTER (WHERE status = 'skipped') AS skipped,
             coalesce(sum(fits), 0) AS fits
           FROM run_tasks GROUP BY run_id)
         SELECT r.*, coalesce(t.succeeded, 0) AS t_succeeded, coalesce(t.reused, 0) AS t_reused,
           coalesce(t.failed, 0) AS t_failed, coalesce(t.skipped, 0) AS t_skipped, coalesce(t.fits, 0) AS t_fits
         FROM (${RUN_SELECT}) r LEFT JOIN t USING (run_id)
         ORDER BY r.started_ms DESC, r.seq DESC LIMIT $1`,
        [Math.max(0, Math.floor(limit))],
      );
      return rows.map((r) => ({
        run: toRunRecord(r),
        tasks: { succeeded: int(r, 't_succeeded'), reused: int(r, 't_reused'), failed: int(r, 't_failed'), skipped: int(r, 't_skipped') },
        fits: int(r, 't_fits'),
      }));
    });
  }

  finishRun(runId: string, finishedAt: string, status: RunStatus, results: readonly MarketResult[]): Promise<void> {
    if (status === 'running') return Promise.reject(new Error(`finishRun(${runId}): status must be a final status, not 'running'`));
    let finishedMs: number;
    try {
      finishedMs = epochMs(finishedAt, 'finishedAt');
    } catch (err) {
      return Promise.reject(err);
    }
    return this.serial(() =>
      this.transaction(async () => {
        const runs = await this.rows('SELECT status FROM runs WHERE run_id = $1', [runId]);
        const run = runs[0];
        if (!run) throw new Error(`finishRun: unknown run ${runId}`);
        if (str(run, 'status') !== 'running') throw new Error(`finishRun: run ${runId} is already finished (${str(run, 'status')}); vintages are never rewritten`);
        await this.append('market_results', (a) => results.forEach((r) => appendMarketResult(a, runId, r)));
        await this.append('forecasts', (a) => results.forEach((r) => r.forecast.forEach((f) => appendForecast(a, runId, r.market, f))));
        await this.append('cv_scores', (a) => results.forEach((r) => r.candidates.forEach((c, i) => appendScore(a, runId, r.market, i, c))));
        await this.append('qa_findings', (a) => results.forEach((r) => r.findings.forEach((f, i) => appendFinding(a, runId, r.market, i, f))));
        // Last, so a run reads as finished only once all its rows are in (same transaction anyway).
        await this.conn.run(
          `UPDATE runs SET finished_at = epoch_ms(CAST($1 AS BIGINT)), status = $2,
             markets = greatest(markets, $3), failed_markets = $4
           WHERE run_id = $5`,
          [finishedMs, status, results.length, results.filter((r) => r.status === 'failed').length, runId],
        );
      }),
    );
  }

  getRun(runId: string): Promise<RunRecord | null> {
    return this.serial(async () => {
      const rows = await this.rows(`${RUN_SELECT} WHERE run_id = $1`, [runId]);
      return rows[0] ? toRunRecord(rows[0]) : null;
    });
  }

  listRuns(): Promise<RunRecord[]> {
    return this.serial(async () => (await this.rows(`${RUN_SELECT} ORDER BY started_at DESC, seq DESC`)).map(toRunRecord));
  }

  latestFinishedRun(): Promise<RunRecord | null> {
    return this.serial(async () => {
      const rows = await this.rows(
        `${RUN_SELECT} WHERE status IN ('succeeded', 'partial') ORDER BY started_at DESC, seq DESC LIMIT 1`,
      );
      return rows[0] ? toRunRecord(rows[0]) : null;
    });
  }

  getResults(runId: string): Promise<MarketResult[]> {
    return this.serial(async () => {
      const p = [runId];
      const results = await this.rows('SELECT * FROM market_results WHERE run_id = $1 ORDER BY market', p);
      const forecasts = await this.rows(
        `SELECT market, CAST(period AS VARCHAR) AS period, mean, lower80, upper80, lower95, upper95
         FROM forecasts WHERE run_id = $1 ORDER BY market, period`,
        p,
      );
      const scores = await this.rows('SELECT * FROM cv_scores WHERE run_id = $1 ORDER BY market, ordinal', p);
      const findings = await this.rows('SELECT * FROM qa_findings WHERE run_id = $1 ORDER BY market, ordinal', p);
      const forecastsBy = groupBy(forecasts, toForecastRow);
      const scoresBy = groupBy(scores, toScore);
      const findingsBy = groupBy(findings, toFinding);
      return results.map((r) => toMarketResult(r, findingsBy, scoresBy, forecastsBy));
    });
  }

  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = this.serial(async () => {
      this.closed = true;
      if (this.key !== null) openFiles.delete(this.key);
      this.conn.closeSync();
      this.instance.closeSync();
    });
    return this.closing;
  }

  // ---- plumbing ----

  /** Runs `fn` after every earlier call has settled, whatever their outcome. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(() => {
      if (this.closed) throw new Error('DuckDB store is closed');
      return fn();
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async transaction(fn: () => Promise<void>): Promise<void> {
    await this.conn.run('BEGIN TRANSACTION');
    try {
      await fn();
      await this.conn.run('COMMIT');
    } catch (err) {
      // DuckDB may already have aborted the transaction on a constraint error; nothing to undo then.
      await this.conn.run('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  private async rows(sql: string, params?: DuckDBValue[], types?: DuckDBType[]): Promise<Row[]> {
    const reader = await this.conn.runAndReadAll(sql, params, types);
    return reader.getRowObjectsJS();
  }

  /**
   * Bulk insert through DuckDB's appender: ~100x faster than multi-row VALUES for 26k rows. The
   * appender writes inside the open transaction; constraint errors surface at endRow or flush.
   */
  private async append(table: string, fill: (a: DuckDBAppender) => void): Promise<void> {
    const appender = await this.conn.createAppender(table);
    try {
      fill(appender);
      appender.flushSync();
    } catch (err) {
      try {
        appender.closeSync();
      } catch {
        // The fill or flush error is the one worth reporting.
      }
      throw err;
    }
    appender.closeSync();
  }
}

// ---- writing rows (column order = table definition order) ----

const DOUBLE_LIST = LIST(DOUBLE);
const TEXT_LIST = LIST(VARCHAR);
const BIGINT_LIST = LIST(BIGINT);
const INTEGER_LIST = LIST(INTEGER);

function textList(items: readonly (string | null)[]): DuckDBValue {
  return listValue([...items]);
}

function appendBool(a: DuckDBAppender, v: boolean | null | undefined): void {
  if (v === null || v === undefined) a.appendNull();
  else a.appendBoolean(v);
}

/** null/undefined become SQL NULL (so NOT NULL columns reject them); NaN is stored as NaN. */
function appendDouble(a: DuckDBAppender, v: number | null | undefined): void {
  if (v === null || v === undefined) a.appendNull();
  else a.appendDouble(v);
}

function appendText(a: DuckDBAppender, v: string | null | undefined): void {
  if (v === null || v === undefined) a.appendNull();
  else a.appendVarchar(v);
}

function appendInt(a: DuckDBAppender, v: number | null | undefined): void {
  if (v === null || v === undefined) a.appendNull();
  else a.appendInteger(v);
}

function appendMarketResult(a: DuckDBAppender, runId: string, r: MarketResult): void {
  a.appendVarchar(runId);
  a.appendVarchar(r.market);
  appendText(a, r.status);
  appendText(a, r.error);
  appendText(a, r.chosen?.family);
  appendText(a, r.chosen ? JSON.stringify(r.chosen.params) : null);
  appendText(a, r.specHash);
  appendText(a, r.fallback?.reason);
  appendText(a, r.selection?.tunedAt);
  appendText(a, r.selection?.runId);
  appendBool(a, r.selection?.reused);
  a.endRow();
}

function appendForecast(a: DuckDBAppender, runId: string, market: string, f: ForecastRow): void {
  a.appendVarchar(runId);
  a.appendVarchar(market);
  appendText(a, f.period);
  appendDouble(a, f.mean);
  appendDouble(a, f.lower80);
  appendDouble(a, f.upper80);
  appendDouble(a, f.lower95);
  appendDouble(a, f.upper95);
  a.endRow();
}

function appendScore(a: DuckDBAppender, runId: string, market: string, ordinal: number, c: CandidateScore): void {
  a.appendVarchar(runId);
  a.appendVarchar(market);
  a.appendInteger(ordinal);
  appendText(a, c.family);
  a.appendVarchar(JSON.stringify(c.params));
  appendText(a, c.metric);
  appendDouble(a, c.meanError);
  a.appendList([...c.foldErrors], DOUBLE_LIST);
  appendText(a, c.error);
  appendBool(a, c.holdoutError !== undefined);
  appendDouble(a, c.holdoutError);
  a.endRow();
}

function appendFinding(a: DuckDBAppender, runId: string, market: string, ordinal: number, f: Finding): void {
  a.appendVarchar(runId);
  a.appendVarchar(market);
  a.appendInteger(ordinal);
  appendText(a, f.severity);
  appendText(a, f.code);
  appendText(a, f.message);
  appendText(a, f.period);
  appendInt(a, f.line);
  a.endRow();
}

// ---- reading rows ----

type Row = Record<string, JS>;

const RUN_SELECT = `SELECT run_id, seq, epoch_ms(started_at) AS started_ms, epoch_ms(finished_at) AS finished_ms,
  status, mode, markets, failed_markets, resumed_from, error FROM runs`;

function toRunRecord(r: Row): RunRecord {
  const finished = optInt(r, 'finished_ms');
  const resumedFrom = optStr(r, 'resumed_from');
  const error = optStr(r, 'error');
  return {
    runId: str(r, 'run_id'),
    startedAt: new Date(int(r, 'started_ms')).toISOString(),
    finishedAt: finished === null ? null : new Date(finished).toISOString(),
    status: str(r, 'status') as RunStatus,
    mode: str(r, 'mode'),
    markets: int(r, 'markets'),
    failedMarkets: int(r, 'failed_markets'),
    ...(resumedFrom === null ? {} : { resumedFrom }),
    ...(error === null ? {} : { error }),
  };
}

const CACHED_COLUMNS = 'key, task_id, kind, market, run_id, epoch_ms(created_at) AS created_ms, meta';

function toCachedInfo(r: Row): CachedResultInfo {
  return {
    key: str(r, 'key'),
    taskId: str(r, 'task_id'),
    kind: str(r, 'kind'),
    market: optStr(r, 'market'),
    runId: str(r, 'run_id'),
    createdAt: new Date(int(r, 'created_ms')).toISOString(),
    meta: optStr(r, 'meta'),
  };
}

function toTaskRecord(r: Row): TaskRecord {
  const started = optInt(r, 'started_ms');
  return {
    taskId: str(r, 'task_id'),
    kind: str(r, 'kind'),
    market: optStr(r, 'market'),
    status: str(r, 'status') as TaskStatus,
    key: optStr(r, 'key'),
    startedAt: started === null ? null : new Date(started).toISOString(),
    ms: num(r, 'ms'),
    fits: int(r, 'fits'),
    error: optStr(r, 'error'),
  };
}

function toForecastRow(r: Row): ForecastRow {
  return {
    period: str(r, 'period'),
    mean: num(r, 'mean'),
    lower80: num(r, 'lower80'),
    upper80: num(r, 'upper80'),
    lower95: num(r, 'lower95'),
    upper95: num(r, 'upper95'),
  };
}

function toScore(r: Row): CandidateScore {
  const error = optStr(r, 'error');
  const score: CandidateScore = {
    family: str(r, 'family'),
    params: JSON.parse(str(r, 'params')) as Record<string, unknown>,
    metric: str(r, 'metric'),
    meanError: optNum(r, 'mean_error'),
    foldErrors: numList(r, 'fold_errors'),
  };
  const withError = error === null ? score : { ...score, error };
  return r['in_holdout'] === true ? { ...withError, holdoutError: optNum(r, 'holdout_error') } : withError;
}

function toFinding(r: Row): Finding {
  const period = optStr(r, 'period');
  const line = optInt(r, 'line');
  return {
    severity: str(r, 'severity') as Severity,
    code: str(r, 'code'),
    message: str(r, 'message'),
    ...(period === null ? {} : { period }),
    ...(line === null ? {} : { line }),
  };
}

function toMarketResult(
  r: Row,
  findings: Map<string, Finding[]>,
  scores: Map<string, CandidateScore[]>,
  forecasts: Map<string, ForecastRow[]>,
): MarketResult {
  const market = str(r, 'market');
  const error = optStr(r, 'error');
  const family = optStr(r, 'chosen_family');
  const params = optStr(r, 'chosen_params');
  const specHash = optStr(r, 'spec_hash');
  const fallback = optStr(r, 'fallback_reason');
  const tunedAt = optStr(r, 'tuned_at');
  const tunedIn = optStr(r, 'tuned_in_run');
  return {
    market,
    status: str(r, 'status') as MarketResult['status'],
    ...(error === null ? {} : { error }),
    findings: findings.get(market) ?? [],
    candidates: scores.get(market) ?? [],
    ...(family === null ? {} : { chosen: { family, params: params === null ? {} : (JSON.parse(params) as Record<string, unknown>) } }),
    forecast: forecasts.get(market) ?? [],
    ...(fallback === null ? {} : { fallback: { reason: fallback } }),
    ...(tunedAt === null || tunedIn === null ? {} : { selection: { tunedAt, runId: tunedIn, reused: r['selection_reused'] === true } }),
    ...(specHash === null ? {} : { specHash }),
  };
}

function groupBy<T>(rows: readonly Row[], map: (r: Row) => T): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const market = str(r, 'market');
    const list = out.get(market);
    if (list) list.push(map(r));
    else out.set(market, [map(r)]);
  }
  return out;
}

// Typed accessors: a schema/code mismatch fails loudly here instead of leaking wrong types.

function str(r: Row | undefined, col: string): string {
  const v = r?.[col];
  if (typeof v !== 'string') throw new Error(`Store: column ${col} is not text`);
  return v;
}

function optStr(r: Row, col: string): string | null {
  return r[col] === null ? null : str(r, col);
}

function num(r: Row, col: string): number {
  const v = r[col];
  if (typeof v !== 'number') throw new Error(`Store: column ${col} is not a number`);
  return v;
}

function optNum(r: Row, col: string): number | null {
  return r[col] === null ? null : num(r, col);
}

function int(r: Row, col: string): number {
  const v = r[col];
  if (typeof v === 'bigint') return Number(v);
  return num(r, col);
}

function optInt(r: Row | undefined, col: string): number | null {
  if (!r || r[col] === null || r[col] === undefined) return null;
  return int(r, col);
}

function numList(r: Row, col: string): number[] {
  const v = r[col];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw new Error(`Store: column ${col} is not a list of numbers`);
  return v as number[];
}

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Timestamps must carry a zone so that they mean one instant; stored to the millisecond. */
function epochMs(iso: string, field: string): number {
  const ms = ISO_TIMESTAMP.test(iso) ? Date.parse(iso) : Number.NaN;
  if (Number.isNaN(ms)) throw new Error(`${field} must be an ISO timestamp with a zone (e.g. 2016-01-18T06:00:00.000Z), got "${iso}"`);
  return ms;
}
