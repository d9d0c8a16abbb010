process.env.TZ = 'UTC';

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { TopLevelSpec } from 'vega-lite';
import { compactJson, forecastChart, leaderboardChart } from '../../reports/charts.ts';
import type { MarketReport } from '../../reports/model.ts';
import { renderSvg } from '../../reports/render.ts';
import { failedMarket, succeededMarket } from './fixtures.ts';

const require = createRequire(import.meta.url);

let validate: ValidateFunction;
before(() => {
  const schema = JSON.parse(readFileSync(require.resolve('vega-lite/vega-lite-schema.json'), 'utf8')) as object;
  // logger: false hides the notes about formats ajv does not know (color-hex); those are skipped.
  const ajv = new Ajv({ strict: false, allowUnionTypes: true, allErrors: true, logger: false });
  addFormats.default(ajv);
  validate = ajv.compile(schema);
});

function assertValid(spec: TopLevelSpec): void {
  const ok = validate(spec);
  assert.equal(ok, true, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
}

type Row = Record<string, unknown>;
function rows(spec: TopLevelSpec): Row[] {
  const data = (spec as { data?: { values?: unknown } }).data;
  assert.ok(data && Array.isArray(data.values), 'spec has inline data');
  return data.values as Row[];
}

/** The <g> of one layer's marks in Vega's SVG, e.g. `layer_3_marks`. */
function layerGroup(svg: string, layer: string): string {
  const start = svg.indexOf(layer);
  assert.ok(start >= 0, `${layer} is in the SVG`);
  const rest = svg.slice(start);
  return rest.slice(0, rest.indexOf('</g>') + 4);
}

describe('reports/charts', () => {
  const market = succeededMarket({ id: 'de', name: 'German Wikipedia' });
  const failed = failedMarket('ja', 'Japanese Wikipedia', 'no data');

  const cases: [string, TopLevelSpec][] = [
    ['forecast chart', forecastChart(market)],
    ['forecast chart, 26 weeks of history', forecastChart(market, { historyWeeks: 26 })],
    ['forecast chart of a failed market (no data at all)', forecastChart(failed)],
    ['leaderboard chart', leaderboardChart(market)],
    ['leaderboard chart of a failed market (every candidate failed)', leaderboardChart(failed)],
  ];
  for (const [name, spec] of cases) {
    it(`${name} validates against the Vega-Lite JSON Schema`, () => assertValid(spec));
  }

  it('keeps two years of history before the forecast origin', () => {
    const actuals = rows(forecastChart(market)).filter((r) => 'actual' in r);
    assert.equal(actuals.length, 104);
    assert.equal(actuals[0]?.period, market.actuals[156 - 104]?.period);
    assert.equal(rows(forecastChart(market, { historyWeeks: 10 })).filter((r) => 'actual' in r).length, 10);
  });

  it('turns missing actuals into nulls (gaps), never zeros or NaN', () => {
    const spec = forecastChart(market);
    const gap = market.actuals[121]!;
    assert.ok(Number.isNaN(gap.value));
    const row = rows(spec).find((r) => r.period === gap.period && 'actual' in r);
    assert.equal(row?.actual, null);
    // JSON has no NaN: the written spec must mean the same as the in-memory one.
    assert.deepEqual(JSON.parse(JSON.stringify(spec)), spec);
    const json = JSON.stringify(spec);
    assert.doesNotMatch(json, /NaN/);
    const lines = (spec as { layer: { mark: { type: string; invalid?: string } }[] }).layer.filter((l) => l.mark.type === 'line');
    for (const l of lines) assert.equal(l.mark.invalid, 'break-paths-filter-domains');
  });

  it('has the forecast mean, both bands, the origin rule, SI axis, title and a legend', () => {
    const spec = forecastChart(market);
    const text = JSON.stringify(spec);
    const forecastRows = rows(spec).filter((r) => 'mean' in r);
    assert.equal(forecastRows.length, market.forecast.length);
    assert.equal(rows(spec).filter((r) => 'origin' in r).length, 1);
    assert.equal(rows(spec).find((r) => 'origin' in r)?.period, market.forecast[0]?.period);
    for (const needle of ['lower80', 'upper80', 'lower95', 'upper95', '"~s"', '80% interval', '95% interval', 'Actuals', 'Forecast (mean)']) {
      assert.ok(text.includes(needle), needle);
    }
    const title = (spec as { title: { text: string; subtitle: string } }).title;
    assert.match(title.text, /German Wikipedia/);
    assert.match(title.subtitle, /mstl/);
    assert.match(text, /utc:'%Y-%m-%d'/);
  });

  it('draws the forecast, bands and origin rule in the rendered SVG (not just the actuals)', async () => {
    const svg = await renderSvg(forecastChart(market));
    // Layers: 0-1 bands, 2 actuals, 3 lone actuals, 4 mean, 5 rule, 6 label; each must draw something.
    for (const layer of ['layer_0_marks', 'layer_1_marks', 'layer_2_marks', 'layer_3_marks', 'layer_4_marks']) {
      assert.match(layerGroup(svg, layer), /<path[^>]* d="M/, layer);
    }
    assert.match(layerGroup(svg, 'layer_5_marks'), /<line|<path/);
    assert.match(svg, /forecast from 2016-01-04/);
    // The x axis spans history and forecast: the first forecast (2016) is inside the domain.
    assert.match(svg, /X-axis[^"]*from [A-Za-z]+ 2014 to [A-Za-z]+ 2016/);
    // The actuals gaps split the line into several subpaths.
    const actualsPath = /<path[^>]* d="([^"]+)"/.exec(layerGroup(svg, 'layer_2_marks'))?.[1] ?? '';
    assert.ok((actualsPath.match(/M/g) ?? []).length >= 3, 'gaps break the actuals line');
  });

  it('marks a value alone between two gaps so it is drawn as a dot', () => {
    const lone = rows(forecastChart(market)).filter((r) => r.lone === true);
    assert.deepEqual(lone.map((r) => r.period), [market.actuals[141]?.period]);
  });

  it('renders a failed market without data instead of throwing', async () => {
    const svg = await renderSvg(forecastChart(failed));
    assert.match(svg, /Japanese Wikipedia/);
  });

  it('leaderboard: failed candidates omitted, chosen one highlighted, best first', () => {
    const r = rows(leaderboardChart(market));
    assert.equal(r.length, 3);
    assert.ok(!r.some((x) => String(x.candidate).startsWith('arima')));
    const chosen = r.filter((x) => x.role === 'chosen');
    assert.equal(chosen.length, 1);
    assert.match(String(chosen[0]?.candidate), /^mstl /);
    assert.equal(rows(leaderboardChart(failed)).length, 0);
  });

  it('leaderboard: duplicate candidates get distinct bars', () => {
    const dup: MarketReport = {
      ...market,
      candidates: [market.candidates[0]!, market.candidates[0]!],
    };
    const labels = rows(leaderboardChart(dup)).map((x) => x.candidate);
    assert.equal(new Set(labels).size, 2);
  });

  it('compactJson sorts keys so equal params print the same', () => {
    assert.equal(compactJson({ b: 1, a: { d: [1, { f: 2, e: 1 }], c: null } }), '{"a":{"c":null,"d":[1,{"e":1,"f":2}]},"b":1}');
  });
});
