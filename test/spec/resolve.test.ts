import assert from 'node:assert/strict';
import { parse } from 'yaml';
import type { MarketSettings } from '../../schema/types.ts';
import { loadProject } from '../../runtime/spec/project.ts';
import { MARKET_DEFAULTS, originOf, resolveMarket, type WrittenMarketSpec } from '../../runtime/spec/resolve.ts';
import { renderResolved } from '../../runtime/spec/show.ts';
import { fixture, TEST_FAMILIES, TODAY } from './helpers.ts';

const market = (extra: Partial<WrittenMarketSpec> = {}): WrittenMarketSpec =>
  ({ id: 'sv', name: 'Sweden', country: 'SE', workstream: 'mature', ...extra }) as WrittenMarketSpec;

describe('spec/resolve (defaults, presets and the market file)', () => {
  const defaults: MarketSettings = { evaluation: { folds: 5, metric: 'mae' }, tags: ['all'], forecast: { horizon: 52 } };
  const preset: MarketSettings = { evaluation: { folds: 4 }, series: { metric: 'pageviews', frequency: 'weekly', source: 'wiki', column: 'Total' }, tags: ['preset'] };

  it('the market file wins over its preset, the preset over the defaults, those over the built-in defaults', () => {
    const { spec, origins } = resolveMarket(market({ evaluation: { folds: 3 }, series: { key: 'svwiki' } }), { defaults, preset: { name: 'weekly', settings: preset } });
    assert.equal(spec.evaluation.folds, 3);
    assert.equal(spec.evaluation.metric, 'mae');
    assert.equal(spec.evaluation.horizon, MARKET_DEFAULTS.evaluation.horizon);
    assert.equal(spec.forecast.horizon, 52);
    assert.deepEqual(spec.series, { start: null, metric: 'pageviews', frequency: 'weekly', source: 'wiki', column: 'Total', key: 'svwiki' });
    assert.deepEqual(originOf(origins, '/evaluation/folds'), { kind: 'market' });
    assert.deepEqual(originOf(origins, '/evaluation/metric'), { kind: 'defaults' });
    assert.deepEqual(originOf(origins, '/series/metric'), { kind: 'preset', preset: 'weekly' });
    assert.deepEqual(originOf(origins, '/evaluation/horizon'), { kind: 'builtin' });
  });

  it('replaces lists whole instead of appending to them', () => {
    const { spec, origins } = resolveMarket(market({ tags: ['nordics'] }), { defaults, preset: { name: 'weekly', settings: preset } });
    assert.deepEqual(spec.tags, ['nordics']);
    assert.deepEqual(originOf(origins, '/tags/0'), { kind: 'market' });
    assert.deepEqual(resolveMarket(market(), { defaults }).spec.tags, ['all']);
  });

  it('fills the defaults of list items and says they are built in', () => {
    const { spec, origins } = resolveMarket(market({ qc: [{ check: 'negative', threshold: 0 }], events: [{ name: 'x', dates: ['2016-01-01'] }] }));
    assert.deepEqual(spec.qc, [{ check: 'negative', threshold: 0, severity: 'warn' }]);
    assert.deepEqual(spec.events, [{ name: 'x', dates: ['2016-01-01'], before: 0, after: 0 }]);
    assert.deepEqual(originOf(origins, '/qc/0/severity'), { kind: 'builtin' });
    assert.deepEqual(originOf(origins, '/qc/0/check'), { kind: 'market' });
  });

  it('shares nothing with its inputs and the built-in defaults', () => {
    const written = market({ tags: ['a'] });
    const { spec } = resolveMarket(written, { defaults });
    spec.tags.push('b');
    spec.evaluation.folds = 99;
    assert.deepEqual(written.tags, ['a']);
    assert.equal(defaults.evaluation?.folds, 5);
    assert.equal(MARKET_DEFAULTS.evaluation.folds, 4);
  });

  it('never copies keys that reach Object.prototype', () => {
    const hostile = JSON.parse('{"id":"x","name":"x","country":"SE","workstream":"mature","__proto__":{"polluted":true},"evaluation":{"__proto__":{"polluted":true}}}') as WrittenMarketSpec;
    const { spec } = resolveMarket(hostile);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.equal((spec as unknown as Record<string, unknown>)['polluted'], undefined);
    assert.equal((spec.evaluation as unknown as Record<string, unknown>)['polluted'], undefined);
  });

  describe('forecast show', () => {
    it('prints the resolved spec as a valid market file, each value commented with its origin', async () => {
      const { resolved } = await loadProject(fixture('valid'), { families: TEST_FAMILIES, today: TODAY });
      const de = resolved.get('de');
      assert.ok(de);
      const text = renderResolved(de.resolution, { file: 'markets/de.yaml', autoModels: ['snaive', 'mstl'] });
      const lines = text.split('\n');
      const line = (start: string): string => lines.find((l) => l.trimStart().startsWith(start)) ?? '';
      assert.match(line('id: de'), /# market file$/);
      assert.match(line('metric: pageviews'), /# preset wikipedia-weekly$/);
      assert.match(line('metric: smape'), /# defaults$/);
      assert.match(line('seed: 1'), /# built-in$/);
      assert.match(line('models: auto'), /# built-in \(auto: snaive, mstl\)$/);
      assert.match(line('tags: [wikipedia]'), /# preset wikipedia-weekly$/);
      // The output is a market file with the same content as the merged spec.
      const parsed = parse(text) as { kind: string; spec: unknown };
      assert.equal(parsed.kind, 'Market');
      assert.deepEqual(parsed.spec, JSON.parse(JSON.stringify(de.resolution.spec)));
    });

    it('comments a list of mappings once, and an item default where it differs', async () => {
      const { resolved } = await loadProject(fixture('valid'), { families: TEST_FAMILIES, today: TODAY });
      const sv = resolved.get('sv');
      assert.ok(sv);
      const text = renderResolved(sv.resolution, { file: 'markets/sv.yaml' });
      assert.match(text, /\n {2}qc: +# market file\n {4}- check: yoy_change\n {6}threshold: 40\n {6}severity: error\n {4}- check: interval_width\n {6}threshold: 80\n {6}severity: warn +# built-in\n/);
      assert.deepEqual((parse(text) as { spec: unknown }).spec, JSON.parse(JSON.stringify(sv.resolution.spec)));
    });
  });
});
