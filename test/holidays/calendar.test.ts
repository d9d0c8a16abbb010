import assert from 'node:assert/strict';
import { buildRegressorCalendar } from '../../runtime/holidays/calendar.ts';

describe('holiday and event regressors', () => {
  it("maps Sweden's Christmas 2015 onto the week of Monday 2015-12-21, one regressor per holiday", () => {
    const cal = buildRegressorCalendar({ country: 'SE', years: [2015, 2015] });
    const at = (week: string) => Object.fromEntries(cal.names.map((n, i) => [n, cal.valuesAt(week)[i]!]));
    const w = at('2015-12-21');
    assert.equal(w['holiday:juldagen'], 1); // Fri 25th
    assert.equal(w['holiday:annandag jul'], 1); // Sat 26th
    assert.equal(w['holiday:julafton'], 1); // bank holiday, Thu 24th
    assert.equal(at('2015-12-14')['holiday:juldagen'], 0);
    // Next year's Christmas is a different occurrence of the same regressor.
    assert.equal(at('2016-12-19')['holiday:juldagen'], 1);
  });

  it("weighs a multi-day event by the share of its days in each week", () => {
    // Wednesday 2015-06-10 with 3 days before and after: Sun 7th .. Sat 13th (7 days).
    const cal = buildRegressorCalendar({ events: [{ name: 'launch', dates: ['2015-06-10'], before: 3, after: 3 }] });
    assert.deepEqual(cal.names, ['event:launch']);
    assert.deepEqual(cal.valuesAt('2015-06-01'), [1 / 7]); // Sunday the 7th
    assert.deepEqual(cal.valuesAt('2015-06-08'), [6 / 7]); // Mon 8th .. Sat 13th
    assert.deepEqual(cal.valuesAt('2015-06-15'), [0]);
    // Daily periods: one day each.
    const daily = buildRegressorCalendar({ events: [{ name: 'launch', dates: ['2015-06-10'], before: 3, after: 3 }], periodDays: 1 });
    assert.deepEqual(daily.valuesAt('2015-06-13'), [1 / 7]);
  });

  it('rejects unknown countries and malformed events', () => {
    assert.throws(() => buildRegressorCalendar({ country: 'XX' }), /Unknown country "XX"/);
    assert.throws(() => buildRegressorCalendar({ events: [{ name: 'x', dates: ['2015-13-01'] }] }), /not an ISO date/);
    assert.throws(() => buildRegressorCalendar({ events: [{ name: 'x', dates: ['2015-01-01'], before: -1 }] }), /whole numbers of days/);
  });

  it('feeds prophet: a holiday effect is learned and forecast for future weeks', async function () {
    this.timeout(30_000);
    const { getFamily, prepareModels } = await import('../../runtime/models/registry.ts');
    await prepareModels();
    const cal = buildRegressorCalendar({ events: [{ name: 'sale', dates: ['2011-03-02', '2012-05-09', '2013-07-10', '2014-02-12', '2015-04-01'] }] });
    const start = Date.UTC(2010, 0, 4);
    const periods = Array.from({ length: 280 }, (_, i) => new Date(start + i * 7 * 86_400_000).toISOString().slice(0, 10));
    const y = Float64Array.from(periods, (p, i) => 1000 + Math.sin(i / 8) * 20 + 500 * cal.valuesAt(p)[0]!);
    const fit = getFamily('prophet').fit(y.subarray(0, 270), { period: 52, periods: periods.slice(0, 270), regressors: cal }, {});
    const f = fit.predict(10, []);
    const saleWeek = periods.indexOf('2015-03-30') - 270; // the 2015-04-01 sale, in the future
    assert.ok(f.mean[saleWeek]! - f.mean[saleWeek - 1]! > 300, `effect ${f.mean[saleWeek]! - f.mean[saleWeek - 1]!}`);
  });
});
