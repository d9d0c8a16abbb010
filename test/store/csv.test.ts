import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readCsvSource } from '../../runtime/store/csv.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/store/${name}`, import.meta.url));

describe('readCsvSource', () => {
  it('reads a CRLF file with ISO weeks, skipping blank lines but keeping line numbers', async () => {
    const path = fixture('weekly-crlf.csv');
    assert.ok(readFileSync(path, 'latin1').includes('\r\n'), 'fixture must keep its CRLF line endings');
    const rows = await readCsvSource({ path, periodColumn: 'Date', periodFormat: 'isoweek', valueColumn: 'Total' });
    assert.deepEqual(
      rows.map((r) => [r.line, r.period, r.label, r.cell]),
      [
        [2, '2015-12-21', '2015W52', '100'],
        [3, '2015-12-28', '2015W53', '110'],
        [5, '2016-01-04', '2016W01', '120'],
        [6, '2016-01-11', '2016W02', ''],
        [7, null, '2016W54', '130'],
      ],
    );
    assert.deepEqual(rows.map((r) => r.value), [100, 110, 120, Number.NaN, 130]);
  });

  it('reads a CR-only file', async () => {
    const path = fixture('weekly-cr.csv');
    const text = readFileSync(path, 'latin1');
    assert.ok(text.includes('\r') && !text.includes('\n'), 'fixture must keep its CR-only line endings');
    const rows = await readCsvSource({ path, periodColumn: 'Date', periodFormat: 'isoweek', valueColumn: 'Total' });
    assert.deepEqual(rows.map((r) => [r.line, r.period, r.cell]), [
      [2, '2015-12-21', '100'],
      [3, '2015-12-28', '110'],
      [5, '2016-01-04', '120'],
      [6, '2016-01-11', 'x'],
    ]);
    assert.ok(Number.isNaN(rows[3]?.value));
  });

  it('reads dates (any day names its ISO week), a BOM, quoted multi-line cells and short rows', async () => {
    const path = fixture('daily-lf.csv');
    const rows = await readCsvSource({ path, periodColumn: 'week_start', periodFormat: 'date', valueColumn: 'value' });
    assert.deepEqual(rows.map((r) => [r.line, r.period, r.label, r.value]), [
      [2, '2016-01-04', '2016-01-04', 5],
      [4, '2016-01-11', '2016-01-13', 6.5],
      [5, null, '2016-02-30', 7],
      [6, '2016-01-25', '2016-01-25', Number.NaN],
    ]);
    assert.equal(rows[3]?.cell, '');
  });

  it('reads another column of the same file, empty cells as written', async () => {
    const path = fixture('weekly-crlf.csv');
    const rows = await readCsvSource({ path, periodColumn: 'Date', periodFormat: 'isoweek', valueColumn: 'Desktop site' });
    assert.deepEqual(rows.map((r) => r.cell), ['100', '', '120', '', '130']);
  });

  it('reads a project data file end to end', async () => {
    const path = fileURLToPath(new URL('../../data/wikipedia_pageviews_weekly/dewiki.csv', import.meta.url));
    const rows = await readCsvSource({ path, periodColumn: 'Date', periodFormat: 'isoweek', valueColumn: 'Total' });
    assert.equal(rows.length, 378);
    assert.deepEqual([rows[0]?.line, rows[0]?.period, rows[0]?.value], [2, '2007-12-31', 164713236]);
    assert.deepEqual([rows[377]?.line, rows[377]?.period], [379, '2016-01-18']);
    assert.ok(rows.every((r) => r.period !== null && Number.isFinite(r.value)));
  });

  it('names the file, the column and the available columns when a column is missing', async () => {
    const path = fixture('weekly-crlf.csv');
    await assert.rejects(
      readCsvSource({ path, periodColumn: 'Date', periodFormat: 'isoweek', valueColumn: 'Mobile site' }),
      (err: Error) => {
        assert.match(err.message, /weekly-crlf\.csv/);
        assert.match(err.message, /column "Mobile site" \(valueColumn\) not found/);
        assert.match(err.message, /available columns: "Date", "Total", "Desktop site"/);
        return true;
      },
    );
    await assert.rejects(
      readCsvSource({ path, periodColumn: 'Week', periodFormat: 'isoweek', valueColumn: 'Total' }),
      /column "Week" \(periodColumn\) not found/,
    );
  });

  it('names the file when it does not exist', async () => {
    const path = fixture('no-such-file.csv');
    await assert.rejects(
      readCsvSource({ path, periodColumn: 'Date', periodFormat: 'isoweek', valueColumn: 'Total' }),
      /CSV source not found: .*no-such-file\.csv/,
    );
  });

  it('accepts only plain decimal numbers as values', async () => {
    const path = fixture('values.csv');
    const rows = await readCsvSource({ path, periodColumn: 'Date', periodFormat: 'isoweek', valueColumn: 'v' });
    assert.deepEqual(rows.map((r) => r.value), [1.5, -2, 1200, 0.5, Number.NaN, Number.NaN, Number.NaN, Number.NaN]);
  });
});
