import assert from 'node:assert/strict';
import { changedKeys, diffPlans, formatDiff } from '../../runtime/plan/diff.ts';
import { planRun } from '../../runtime/plan/plan.ts';
import { market, project, state } from './fixtures.ts';

describe('plan diff', () => {
  const de = market('de');
  const sv = market('sv');
  const base = project([de, sv]);
  const side = (p: ReturnType<typeof project>) => ({ plan: planRun(p, state(p.markets)), project: p });

  it('lists changed keys as paths', () => {
    assert.deepEqual(changedKeys({ a: 1, b: { c: [1, 2], d: 'x' } }, { a: 1, b: { c: [1, 3], d: 'x' } }), ['b.c[1]']);
    assert.deepEqual(changedKeys({ a: [1] }, { a: [1, 2] }), ['a']);
    assert.deepEqual(changedKeys({ a: 1 }, { a: 1, b: 2 }), ['b']);
    assert.deepEqual(changedKeys({ b: 1, a: 2 }, { a: 2, b: 1 }), []);
  });

  it('reports markets added, removed and changed, the tasks that re-run and their model fits', () => {
    const head = project([market('de', { evaluation: { folds: 3 }, forecast: { horizon: 52 } }), market('fr')]);
    const diff = diffPlans(side(base), side(head), 'main');
    assert.deepEqual(diff.markets, [
      { id: 'de', change: 'changed', keys: ['evaluation.folds', 'forecast.horizon'] },
      { id: 'fr', change: 'added', keys: [] },
      { id: 'sv', change: 'removed', keys: [] },
    ]);
    const rerun = diff.rerun.map((t) => `${t.change} ${t.id}`);
    assert.ok(rerun.includes('changed tune:de:mstl:0'));
    assert.ok(rerun.includes('added apply:fr'));
    assert.ok(!rerun.some((t) => t.endsWith('ingest:de')), 'ingest does not read evaluation');
    assert.ok(!rerun.some((t) => /publish|report/.test(t)), 'publish and report run every time; not news');
    // de: 2 chunks x 1 set x 3 folds + holdout 3 + apply 1; fr: 2 x 4 folds + 3 + 1.
    assert.equal(diff.fits, 6 + 3 + 1 + (8 + 3 + 1));
    assert.ok(diff.removed.some((t) => t.id === 'tune:sv:mstl:0'));
    assert.equal(diff.changed, true);

    const text = formatDiff(diff, 'text');
    assert.match(text, /^plan diff against main: 1 market\(s\) changed, 1 added, 1 removed\n/);
    assert.match(text, / {2}~ de {2}changed: evaluation\.folds, forecast\.horizon\n/);
    assert.match(text, /task\(s\) will re-run \(qa 1, prepare 1, tune 2, select 1, holdout 1, apply 1\)|will re-run/);
    const md = formatDiff(diff, 'markdown');
    assert.match(md, /^### Forecast plan: 1 market\(s\) changed, 1 added, 1 removed; /);
    assert.match(md, /\| `de` \| changed \| `evaluation\.folds`, `forecast\.horizon` \|/);
    assert.match(md, /<details><summary>Tasks that will re-run/);
    assert.equal((JSON.parse(formatDiff(diff, 'json')) as { fits: number }).fits, diff.fits);
  });

  it('says so when nothing changed', () => {
    const diff = diffPlans(side(base), side(base), 'origin/main');
    assert.equal(diff.changed, false);
    assert.equal(formatDiff(diff, 'text'), 'no changes to the plan against origin/main\n');
    assert.match(formatDiff(diff, 'markdown'), /No changes to the forecast plan against `origin\/main`/);
  });

  it('a label-only change changes the market but re-runs nothing', () => {
    const diff = diffPlans(side(base), side(project([market('de', { name: 'Deutsch' }), sv])), 'main');
    assert.deepEqual(diff.markets, [{ id: 'de', change: 'changed', keys: ['name'] }]);
    assert.deepEqual(diff.rerun, []);
  });
});
