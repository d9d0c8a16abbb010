import assert from 'node:assert/strict';
import {
  addWeeks,
  isMonday,
  isoWeeksInYear,
  isoWeekToDate,
  mondayOf,
  parseIsoDate,
  weeksBetween,
} from '../../runtime/store/periods.ts';

describe('isoWeekToDate', () => {
  it('gives the Monday of known weeks', () => {
    assert.equal(isoWeekToDate('2014W39'), '2014-09-22');
    assert.equal(isoWeekToDate('2016W03'), '2016-01-18');
    assert.equal(isoWeekToDate('2008W01'), '2007-12-31');
    assert.equal(isoWeekToDate('2014-W39'), '2014-09-22');
  });

  it('handles week 53 and week 1 starting in December', () => {
    assert.equal(isoWeekToDate('2015W53'), '2015-12-28');
    assert.equal(isoWeekToDate('2009W01'), '2008-12-29');
    assert.equal(isoWeekToDate('2009W53'), '2009-12-28');
    assert.equal(isoWeekToDate('2010W01'), '2010-01-04');
    assert.equal(isoWeekToDate('2020W53'), '2020-12-28');
  });

  it('rejects weeks that do not exist and garbage', () => {
    for (const label of ['2014W54', '2014W00', '2014W53', '2016W53', '2014W5', '14W39', '2014w39', ' 2014W39', 'abc', '']) {
      assert.equal(isoWeekToDate(label), null, label);
    }
  });

  it('counts 52 or 53 weeks per ISO year', () => {
    assert.deepEqual([2008, 2009, 2014, 2015, 2016, 2020].map(isoWeeksInYear), [52, 53, 52, 53, 52, 53]);
  });
});

describe('parseIsoDate', () => {
  it('accepts real calendar dates only', () => {
    assert.equal(parseIsoDate('2014-09-22'), '2014-09-22');
    assert.equal(parseIsoDate('2016-02-29'), '2016-02-29');
    for (const text of ['2015-02-29', '2014-13-01', '2014-00-10', '2014-09-31', '2014-9-22', '2014-09-22T00:00', '22.09.2014', '']) {
      assert.equal(parseIsoDate(text), null, text);
    }
  });

  it('does not map two-digit years to the 1900s', () => {
    assert.equal(parseIsoDate('0050-03-01'), '0050-03-01');
  });
});

describe('week arithmetic', () => {
  it('adds weeks across year ends and leap days', () => {
    assert.equal(addWeeks('2015-12-28', 1), '2016-01-04');
    assert.equal(addWeeks('2016-02-22', 1), '2016-02-29');
    assert.equal(addWeeks('2016-01-18', -52), '2015-01-19');
    assert.equal(addWeeks('2014-09-22', 0), '2014-09-22');
  });

  it('counts weeks between dates', () => {
    assert.equal(weeksBetween('2009-11-23', '2010-07-19'), 34);
    assert.equal(weeksBetween('2016-01-18', '2015-01-19'), -52);
    assert.equal(weeksBetween('2014-09-22', '2014-09-25'), 3 / 7);
  });

  it('finds the Monday of a date', () => {
    assert.equal(mondayOf('2014-09-22'), '2014-09-22');
    assert.equal(mondayOf('2014-09-28'), '2014-09-22');
    assert.equal(mondayOf('2016-01-01'), '2015-12-28');
    assert.equal(isMonday('2014-09-22'), true);
    assert.equal(isMonday('2014-09-23'), false);
  });

  it('throws on a malformed date (a bug upstream, not a data problem)', () => {
    assert.throws(() => addWeeks('2014-02-30', 1), /Not an ISO date/);
    assert.throws(() => addWeeks('2014-09-22', 0.5), /integer/);
  });
});
