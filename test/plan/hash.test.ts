import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { canonicalJson, hashOf, hashStrings } from '../../runtime/plan/hash.ts';
import { prefixFingerprint, readMarketData } from '../../runtime/plan/state.ts';
import { codeVersion } from '../../runtime/plan/code-version.ts';
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
  it('a file that was only appended to starts with the bytes tuning saw; a revised one does not', () => {
    const enc = (t: string) => new TextEncoder().encode(t);
    const old = enc('week,value\n2016W01,10\n2016W02,11\n');
    const seen = prefixFingerprint(old, old.length);
    assert.equal(prefixFingerprint(enc('week,value\n2016W01,10\n2016W02,11\n2016W03,12\n'), old.length), seen);
    assert.notEqual(prefixFingerprint(enc('week,value\n2016W01,10\n2016W02,99\n2016W03,12\n'), old.length), seen);
    assert.equal(prefixFingerprint(enc('week,value\n'), old.length), 'shorter');
    assert.equal(prefixFingerprint(null, 3), 'shorter');
  });

  it('reads a market\'s file: its hash and length; a missing file is `missing`', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'plan-data-'));
    try {
      await writeFile(path.join(dir, 'de.csv'), 'week,value\n2016W01,10\n2016W02,11\n');
      const project = { root: dir, sources: [{ name: 'csv', format: 'csv', path: '{key}.csv', period: { column: 'week', format: 'isoweek' } }] } as unknown as Project;
      const d = await readMarketData(project, market('de'));
      assert.equal(d.state.bytes, 33);
      assert.match(d.state.hash, /^[0-9a-f]{32}$/);
      const missing = await readMarketData(project, market('sv'));
      assert.deepEqual(missing.state, { hash: 'missing', bytes: 0 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
