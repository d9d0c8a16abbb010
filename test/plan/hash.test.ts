import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { canonicalJson, hashOf, hashStrings } from '../../runtime/plan/hash.ts';
import { historyFingerprint, readMarketData } from '../../runtime/plan/state.ts';
import { codeVersion } from '../../runtime/plan/code-version.ts';
import type { RawObservation } from '../../runtime/store/series.ts';
import { market } from './fixtures.ts';
import type { Project } from '../../runtime/spec/project.ts';

describe('hashing', () => {
  it('canonical JSON sorts keys, keeps array order, drops undefined, writes non-finite numbers as text', () => {
    assert.equal(canonicalJson({ b: 1, a: [3, 1], c: undefined, d: { y: null, x: 'q' } }), '{"a":[3,1],"b":1,"d":{"x":"q","y":null}}');
    assert.equal(canonicalJson([Number.NaN, Infinity, 1.5]), '["NaN","Infinity",1.5]');
    assert.equal(canonicalJson(Float64Array.from([1, 2])), '[1,2]');
    assert.throws(() => canonicalJson({ f: () => 1 }), /cannot hash a function/);
  });

  it('hashes are stable, short, and independent of key order', () => {
    assert.equal(hashOf({ a: 1, b: 2 }), hashOf({ b: 2, a: 1 }));
    assert.notEqual(hashOf({ a: 1 }), hashOf({ a: 2 }));
    assert.match(hashOf('x'), /^[0-9a-f]{32}$/);
    assert.notEqual(hashStrings('ab', 'c'), hashStrings('a', 'bc'));
  });

  it('the code version is computed once and is stable', async () => {
    const a = await codeVersion();
    assert.match(a, /^[0-9a-f]{16}$/);
    assert.equal(await codeVersion(), a);
  });
});

describe('data fingerprints', () => {
  const row = (period: string, cell: string): RawObservation => ({ line: 0, period, label: period, value: Number(cell), cell });

  it('history fingerprints ignore appended weeks but see revised ones', () => {
    const old = [row('2016-01-04', '10'), row('2016-01-11', '11')];
    const appended = [...old, row('2016-01-18', '12')];
    const revised = [row('2016-01-04', '10'), row('2016-01-11', '99'), row('2016-01-18', '12')];
    assert.equal(historyFingerprint(appended, '2016-01-11'), historyFingerprint(old, '2016-01-11'));
    assert.notEqual(historyFingerprint(revised, '2016-01-11'), historyFingerprint(old, '2016-01-11'));
    assert.notEqual(historyFingerprint(appended, '2016-01-18'), historyFingerprint(old, '2016-01-18'));
  });

  it('reads a market\'s file: bytes hash, last period, history; a missing file is `missing`', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'plan-data-'));
    try {
      await writeFile(path.join(dir, 'de.csv'), 'week,value\n2016W01,10\n2016W02,11\n');
      const project = { root: dir, sources: [{ name: 'csv', format: 'csv', path: '{key}.csv', period: { column: 'week', format: 'isoweek' } }] } as unknown as Project;
      const d = await readMarketData(project, market('de'));
      assert.equal(d.state.end, '2016-01-11');
      assert.match(d.state.hash, /^[0-9a-f]{32}$/);
      assert.equal(d.rows?.length, 2);
      const missing = await readMarketData(project, market('sv'));
      assert.equal(missing.state.hash, 'missing');
      assert.equal(missing.state.end, null);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
