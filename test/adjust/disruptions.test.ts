import assert from 'node:assert/strict';
import { fillByInterpolation, prepareSeries } from '../../runtime/adjust/disruptions.ts';
import * as msg from '../../runtime/adjust/messages.ts';
import type { Series } from '../../runtime/store/series.ts';

function weekly(values: number[], start = '2020-01-06'): Series {
  const t0 = Date.parse(`${start}T00:00:00Z`);
  const periods = values.map((_, i) => new Date(t0 + i * 7 * 86_400_000).toISOString().slice(0, 10));
  return { market: 'x', periods, values: Float64Array.from(values) };
}

describe('fillByInterpolation', () => {
  it('draws a straight line across inner gaps and carries the nearest value at the ends', () => {
    const v = Float64Array.from([NaN, 10, NaN, NaN, 40, NaN]);
    assert.equal(fillByInterpolation(v), 4);
    assert.deepEqual([...v], [10, 10, 20, 30, 40, 40]);
  });

  it('refuses a series with nothing observed', () => {
    assert.throws(() => fillByInterpolation(Float64Array.from([NaN, NaN])), { message: msg.nothingObserved() });
  });
});

describe('prepareSeries', () => {
  it('rescales history before a level shift to the new level and fills the window', () => {
    // Level 100 for 10 weeks, a transition week, then level 150.
    const s = weekly([...Array(10).fill(100), 130, ...Array(10).fill(150)]);
    const window = { from: s.periods[10]!, to: s.periods[10]!, action: 'level_shift' as const, reason: 'r' };
    const out = prepareSeries(s, [window]);
    assert.deepEqual([...out.series.values], Array(21).fill(150));
    const f = out.findings.find((x) => x.code === 'level-shift')!;
    assert.equal(f.message, msg.levelShiftApplied(window.from, 1.5, 10));
    assert.deepEqual([...s.values.slice(0, 2)], [100, 100], 'input is not modified');
  });

  it('interpolates a window given in days, matching every week that overlaps it', () => {
    const s = weekly([10, 20, 999, 999, 50, 60]);
    // 2020-01-22 is a Wednesday inside week 3 (2020-01-20); 2020-01-27 is the Monday of week 4.
    const out = prepareSeries(s, [{ from: '2020-01-22', to: '2020-01-27', action: 'interpolate', reason: 'spike' }]);
    assert.deepEqual([...out.series.values], [10, 20, 30, 40, 50, 60]);
  });

  it('drops history before a gap longer than maxGap and says so', () => {
    const s = weekly([1, 2, 3, NaN, NaN, NaN, 7, 8, NaN, 10]);
    const out = prepareSeries(s, [], { maxGap: 2, shiftWindow: 8 });
    assert.deepEqual(out.series.periods, s.periods.slice(6));
    assert.deepEqual([...out.series.values], [7, 8, 9, 10]);
    assert.equal(out.findings[0]!.code, 'history-dropped');
    assert.equal(out.findings[0]!.message, msg.historyDropped(s.periods[0]!, s.periods[6]!, 2));
  });

  it('warns about a window outside the data', () => {
    const s = weekly([1, 2, 3]);
    const out = prepareSeries(s, [{ from: '2030-01-01', to: '2030-01-07', action: 'interpolate', reason: 'r' }]);
    assert.deepEqual(out.findings.map((f) => [f.severity, f.code]), [['warning', 'disruption-outside-data']]);
    assert.deepEqual([...out.series.values], [1, 2, 3]);
  });
});

describe('prepareSeries exclude windows', () => {
  it('interpolates the window for fitting and marks it excluded from scoring', () => {
    const s = weekly([10, 20, 500, 40, 50]);
    const out = prepareSeries(s, [{ from: s.periods[2]!, to: s.periods[2]!, action: 'exclude', reason: 'outage' }]);
    assert.deepEqual([...out.series.values], [10, 20, 30, 40, 50]);
    assert.deepEqual([...out.excluded], [0, 0, 1, 0, 0]);
    assert.ok(!out.findings.some((f) => f.severity === 'warning'));
  });

  it('keeps the mask aligned with the trimmed history', () => {
    const s = weekly([1, NaN, NaN, NaN, 5, 6, 7]);
    const out = prepareSeries(s, [{ from: s.periods[5]!, to: s.periods[5]!, action: 'exclude', reason: 'r' }], { maxGap: 2, shiftWindow: 8 });
    assert.equal(out.series.values.length, 3);
    assert.deepEqual([...out.excluded], [0, 1, 0]);
  });
});
