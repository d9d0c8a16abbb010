process.env.TZ = 'UTC';

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { forecastChart, FORECAST_HEIGHT, FORECAST_WIDTH, leaderboardChart } from '../../reports/charts.ts';
import { FONT_FILES, renderPng, renderSvg } from '../../reports/render.ts';
import { failedMarket, succeededMarket } from './fixtures.ts';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from the PNG's IHDR chunk (always the first chunk). */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

describe('reports/render', () => {
  const market = succeededMarket({ id: 'de', name: 'German Wikipedia' });

  it('compiles our specs without a single Vega-Lite warning', () => {
    const warnings: string[] = [];
    const logger = vega.logger(vega.Warn);
    logger.warn = (...args: readonly unknown[]) => {
      warnings.push(args.map(String).join(' '));
      return logger;
    };
    for (const spec of [forecastChart(market), leaderboardChart(market), forecastChart(failedMarket('x', 'X', 'e'))]) {
      compile(spec, { logger });
    }
    assert.deepEqual(warnings, []);
  });

  it('renders SVG with the market name, paths and the DejaVu font', async () => {
    const svg = await renderSvg(forecastChart(market));
    assert.match(svg, /^<svg[^>]*width="720"[^>]*height="300"/);
    assert.ok(svg.includes('German Wikipedia'));
    assert.ok(svg.includes('<path'));
    assert.ok(svg.includes('font-family="DejaVu Sans, '));
    assert.ok(!/font-family="(?!DejaVu Sans[,"])/.test(svg), 'every text asks first for the font the PNG renderer has');
    const lb = await renderSvg(leaderboardChart(market));
    assert.ok(lb.includes('model leaderboard') && lb.includes('<path'));
  });

  it('finds the bundled font files', () => {
    assert.ok(FONT_FILES.length > 0);
    for (const f of FONT_FILES) assert.ok(existsSync(f), f);
  });

  it('renders a PNG of the chart size', async () => {
    const png = renderPng(await renderSvg(forecastChart(market)));
    assert.ok(png instanceof Uint8Array);
    assert.deepEqual([...png.subarray(0, 8)], PNG_MAGIC);
    assert.deepEqual(pngSize(png), { width: FORECAST_WIDTH, height: FORECAST_HEIGHT });
    const retina = renderPng(await renderSvg(forecastChart(market)), { scale: 2 });
    assert.deepEqual(pngSize(retina), { width: 2 * FORECAST_WIDTH, height: 2 * FORECAST_HEIGHT });
  });

  it('draws text into the PNG (the font is actually loaded)', async () => {
    // Without a usable font resvg silently drops every <text>, so with and without text would match.
    const svg = await renderSvg(forecastChart(market));
    const textless = svg.replace(/<text\b[^>]*>[^<]*<\/text>/g, '');
    assert.notEqual(textless, svg);
    assert.notDeepEqual(renderPng(svg), renderPng(textless));

    const only = (body: string) => `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">${body}</svg>`;
    const blank = renderPng(only(''));
    const text = renderPng(only('<text x="4" y="28" font-family="DejaVu Sans" font-size="20">Hello</text>'));
    assert.notDeepEqual(text, blank);
  });
});
