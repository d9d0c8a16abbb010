import assert from 'node:assert/strict';
import { decodeValue, encodeValue } from '../../runtime/execute/codec.ts';

describe('task value codec', () => {
  it('round-trips Float64Arrays exactly, NaN included, and non-finite numbers', () => {
    const value = {
      series: { market: 'de', periods: ['2016-01-04', '2016-01-11'], values: Float64Array.from([1.1, Number.NaN, -0, 1e300]) },
      foldErrors: [1, Number.NaN, Infinity, -Infinity],
      nested: [{ a: Float64Array.from([]) }],
      plain: { $f64: 3 },
    };
    const back = decodeValue(encodeValue(value)) as typeof value;
    assert.ok(back.series.values instanceof Float64Array);
    assert.deepEqual([...back.series.values], [1.1, Number.NaN, -0, 1e300]);
    assert.ok(Object.is(back.series.values[2], -0));
    assert.deepEqual(back.foldErrors, [1, Number.NaN, Infinity, -Infinity]);
    assert.equal(back.nested[0]!.a.length, 0);
    assert.deepEqual(back.plain, { $f64: 3 }, 'only the exact tagged shape is decoded');
    assert.deepEqual(back.series.periods, value.series.periods);
  });

  it('round-trips Uint8Array masks', () => {
    const back = decodeValue(encodeValue({ excluded: Uint8Array.from([0, 1, 1, 0]) })) as { excluded: Uint8Array };
    assert.ok(back.excluded instanceof Uint8Array);
    assert.deepEqual([...back.excluded], [0, 1, 1, 0]);
  });

  it('encodes a subarray view by its own bytes only', () => {
    const big = Float64Array.from([1, 2, 3, 4]);
    const back = decodeValue(encodeValue(big.subarray(1, 3))) as Float64Array;
    assert.deepEqual([...back], [2, 3]);
  });

  it('encodes undefined as null', () => {
    assert.equal(decodeValue(encodeValue(undefined)), null);
  });
});
