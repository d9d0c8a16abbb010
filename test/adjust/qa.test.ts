import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { checkInput } from '../../runtime/adjust/qa.ts';
import { readCsvSource } from '../../runtime/store/csv.ts';
import { addWeeks } from '../../runtime/store/periods.ts';
import type { RawObservation } from '../../runtime/store/series.ts';

/** A raw row as the CSV reader would produce it (line = index + 2, after the header). */
function row(line: number, period: string | null, cell: string, label = period ?? '?'): RawObservation {
  const text = cell.trim();
  const value = text === '' || !/^[+-]?\d+(\.\d+)?$/.test(text) ? Number.NaN : Number(text);
  return { line, period, label, value, cell };
}

/** `n` consecutive weeks from `start`, values 100, 101, ... */
function weeks(start: string, n: number, firstLine = 2): RawObservation[] {
  return Array.from({ length: n }, (_, k) => row(firstLine + k, addWeeks(start, k), String(100 + k)));
}

const codes = (r: ReturnType<typeof checkInput>) => r.findings.map((f) => [f.code, f.severity]);

describe('checkInput', () => {
  it('passes a clean series through unchanged', () => {
    const r = checkInput(weeks('2016-01-04', 5), { market: 'de', minLength: 5 });
    assert.deepEqual(r.findings, []);
    assert.equal(r.series?.market, 'de');
    assert.deepEqual(r.series?.periods, ['2016-01-04', '2016-01-11', '2016-01-18', '2016-01-25', '2016-02-01']);
    assert.deepEqual([...(r.series?.values ?? [])], [100, 101, 102, 103, 104]);
  });

  it('reports a gap and a duplicate, naming periods and lines, and stops the market', () => {
    const raw = [
      row(2, '2016-01-04', '10'),
      row(3, '2016-01-11', '11'),
      // 2016-01-18 .. 2016-02-01 missing (3 weeks)
      row(4, '2016-02-08', '12'),
      row(5, '2016-02-08', '13'),
      row(6, '2016-02-15', '14'),
    ];
    const r = checkInput(raw, { market: 'de', minLength: 3 });
    assert.deepEqual(codes(r), [
      ['duplicate-period', 'error'],
      ['missing-periods', 'warning'],
    ]);
    const [dup, gap] = r.findings;
    assert.match(dup?.message ?? '', /^Duplicate period 2016-02-08/);
    assert.match(dup?.message ?? '', /lines 4 and 5/);
    assert.equal(dup?.period, '2016-02-08');
    assert.equal(dup?.line, 4);
    assert.match(gap?.message ?? '', /2016-01-18 \.\. 2016-02-01 \(3 weeks\)/);
    assert.equal(gap?.period, '2016-01-18');
    assert.equal(r.series, null);
  });

  it('keeps gaps as NaN and lists several ranges compactly', () => {
    const raw = [...weeks('2009-11-16', 1), ...weeks('2010-07-26', 2, 3), ...weeks('2010-08-16', 1, 5)];
    const r = checkInput(raw, { market: 'de', minLength: 4 });
    assert.deepEqual(codes(r), [['missing-periods', 'warning']]);
    assert.equal(
      r.findings[0]?.message,
      '36 weeks missing in 2 gaps: 2009-11-23 .. 2010-07-19 (35 weeks), 2010-08-09 (1 week); kept as missing values.',
    );
    const values = [...(r.series?.values ?? [])];
    assert.equal(values.length, 40);
    assert.equal(values.filter(Number.isNaN).length, 36);
    assert.equal(r.series?.periods[39], '2010-08-16');
  });

  it('sorts unsorted rows with a warning', () => {
    const raw = [row(2, '2016-01-11', '2'), row(3, '2016-01-04', '1'), row(4, '2016-01-18', '3')];
    const r = checkInput(raw, { market: 'de', minLength: 3 });
    assert.deepEqual(codes(r), [['unsorted', 'warning']]);
    assert.match(r.findings[0]?.message ?? '', /line 3 \(2016-01-04\) comes after line 2 \(2016-01-11\)/);
    assert.match(r.findings[0]?.message ?? '', /sorted/);
    assert.deepEqual(r.series?.periods, ['2016-01-04', '2016-01-11', '2016-01-18']);
    assert.deepEqual([...(r.series?.values ?? [])], [1, 2, 3]);
  });

  it('rejects negative and non-numeric values, naming line and period', () => {
    const raw = [row(2, '2016-01-04', '1'), row(3, '2016-01-11', '-5'), row(4, '2016-01-18', '12,5'), row(5, '2016-01-25', '4')];
    const r = checkInput(raw, { market: 'de', minLength: 2 });
    assert.deepEqual(codes(r), [
      ['negative-value', 'error'],
      ['non-numeric-value', 'error'],
    ]);
    assert.match(r.findings[0]?.message ?? '', /^Line 3 \(2016-01-11\): value -5 is negative/);
    assert.match(r.findings[1]?.message ?? '', /^Line 4 \(2016-01-18\): value "12,5" is not a number/);
    assert.deepEqual(r.findings.map((f) => f.line), [3, 4]);
    assert.equal(r.series, null);
  });

  it('rejects unparseable periods, naming the label', () => {
    const raw = [row(2, '2016-01-04', '1'), row(3, null, '2', '2014W54'), row(4, '2016-01-11', '3')];
    const r = checkInput(raw, { market: 'de', minLength: 2 });
    assert.deepEqual(codes(r), [['unparseable-period', 'error']]);
    assert.match(r.findings[0]?.message ?? '', /Line 3: cannot read period "2014W54"/);
    assert.equal(r.findings[0]?.period, undefined);
    assert.equal(r.series, null);
  });

  it('counts empty cells as missing with a warning (one finding per run of weeks)', () => {
    const raw = [row(2, '2016-01-04', '1'), row(3, '2016-01-11', ''), row(4, '2016-01-18', ' '), row(5, '2016-01-25', '4'), row(6, '2016-02-01', ''), row(7, '2016-02-08', '6')];
    const r = checkInput(raw, { market: 'de', minLength: 3 });
    assert.deepEqual(codes(r), [
      ['empty-value', 'warning'],
      ['empty-value', 'warning'],
    ]);
    assert.match(r.findings[0]?.message ?? '', /Lines 3-4 \(2016-01-11 \.\. 2016-01-18 \(2 weeks\)\): empty values; counted as missing/);
    assert.match(r.findings[1]?.message ?? '', /Line 6 \(2016-02-01\): empty value/);
    assert.deepEqual([...(r.series?.values ?? [])], [1, NaN, NaN, 4, NaN, 6]);
  });

  it('fails a series shorter than the evaluation needs and says how to fix it', () => {
    const raw = [...weeks('2016-01-04', 4), row(6, '2016-02-01', '')];
    const r = checkInput(raw, { market: 'de', minLength: 130 });
    assert.deepEqual(codes(r), [
      ['empty-value', 'warning'],
      ['too-short', 'error'],
    ]);
    const msg = r.findings[1]?.message ?? '';
    assert.match(msg, /Only 4 usable observations/);
    assert.match(msg, /at least 130/);
    assert.match(msg, /folds/);
    assert.match(msg, /horizon/);
    assert.match(msg, /add history/);
    assert.equal(r.series, null);
  });

  it('fails an empty input', () => {
    const r = checkInput([], { market: 'de', minLength: 0 });
    assert.deepEqual(codes(r), [['too-short', 'error']]);
    assert.match(r.findings[0]?.message ?? '', /No usable observations/);
    assert.equal(r.series, null);
  });

  it('summarises many rows with the same problem instead of listing each', () => {
    const raw = Array.from({ length: 30 }, (_, k) => row(k + 2, addWeeks('2016-01-04', k), 'n/a'));
    const r = checkInput(raw, { market: 'de', minLength: 1 });
    const nonNumeric = r.findings.filter((f) => f.code === 'non-numeric-value');
    assert.equal(nonNumeric.length, 11);
    assert.match(nonNumeric[10]?.message ?? '', /20 more rows with the same problem \(lines 12-31\)/);
  });

  it('reports a period that is not a Monday', () => {
    const r = checkInput([row(2, '2016-01-04', '1'), row(3, '2016-01-12', '2')], { market: 'de', minLength: 1 });
    assert.deepEqual(codes(r), [['misaligned-period', 'error']]);
    assert.match(r.findings[0]?.message ?? '', /2016-01-12 is not a Monday/);
  });
});

describe('checkInput on a project data file', () => {
  it('finds only the known gaps in dewiki and yields a regular weekly series', async () => {
    const path = fileURLToPath(new URL('../../data/wikipedia_pageviews_weekly/dewiki.csv', import.meta.url));
    const raw = await readCsvSource({ path, periodColumn: 'Date', periodFormat: 'isoweek', valueColumn: 'Total' });
    const r = checkInput(raw, { market: 'de', minLength: 156 });
    assert.deepEqual(codes(r), [['missing-periods', 'warning']]);
    assert.match(r.findings[0]?.message ?? '', /^43 weeks missing in 9 gaps: 2009-11-23 \.\. 2010-07-19 \(35 weeks\), 2015-06-15 \(1 week\)/);
    assert.equal(r.series?.periods.length, 378 + 43);
    assert.equal(r.series?.periods[0], '2007-12-31');
    assert.equal(r.series?.periods.at(-1), '2016-01-18');
  });
});
