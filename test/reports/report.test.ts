process.env.TZ = 'UTC';

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunReport } from '../../reports/model.ts';
import { buildRunHtml, chartStem, formatError, formatNumber, writeRunReport } from '../../reports/report.ts';
import { failedMarket, sampleRun, succeededMarket } from './fixtures.ts';

describe('reports/report', () => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(path.join(os.tmpdir(), 'report-test-'));
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  it('writes the run page, a chart for every succeeded market, and latest/ as a copy', async () => {
    const run = sampleRun();
    const written = await writeRunReport(run, out);
    assert.equal(written.runDir, path.join(out, 'runs', run.runId));
    assert.equal(written.indexHtml, path.join(written.runDir, 'index.html'));
    assert.equal(written.latestDir, path.join(out, 'latest'));
    assert.equal(written.latestUpdated, true);

    const html = readFileSync(written.indexHtml, 'utf8');
    for (const id of ['de', 'fr']) {
      assert.ok(html.includes(`<img src="charts/${id}.svg"`), `${id} forecast chart embedded`);
      assert.ok(html.includes(`href="charts/${id}.png"`), `${id} PNG fallback linked`);
      assert.ok(html.includes(`charts/${id}.leaderboard.svg`), `${id} leaderboard chart embedded`);
      assert.ok(html.includes(`id="market-${id}"`));
      for (const ext of ['.svg', '.png', '.vl.json', '.leaderboard.svg', '.leaderboard.png', '.leaderboard.vl.json']) {
        assert.ok(existsSync(path.join(written.runDir, 'charts', `${id}${ext}`)), `${id}${ext} written`);
      }
      const spec = JSON.parse(readFileSync(path.join(written.runDir, 'charts', `${id}.vl.json`), 'utf8')) as { layer: unknown[] };
      assert.ok(Array.isArray(spec.layer));
    }
    // The failed market: its (escaped) error and no chart.
    assert.ok(html.includes('id="market-ja"'));
    assert.ok(html.includes('QA error: &lt;script&gt;alert(1)&lt;/script&gt; no data'));
    assert.ok(!html.includes('charts/ja'));
    assert.ok(!readdirSync(path.join(written.runDir, 'charts')).some((f) => f.startsWith('ja')));

    const latest = path.join(out, 'latest');
    assert.equal(readFileSync(path.join(latest, 'index.html'), 'utf8'), html);
    assert.deepEqual(readdirSync(path.join(latest, 'charts')).sort(), readdirSync(path.join(written.runDir, 'charts')).sort());
    // No temp folders are left behind.
    assert.deepEqual(readdirSync(out).sort(), ['latest', 'runs']);
    assert.deepEqual(readdirSync(path.join(out, 'runs')), [run.runId]);
  });

  it('replaces latest with a newer run, and leaves it alone when told to', async () => {
    const first = sampleRun();
    await writeRunReport(first, out);
    const second: RunReport = { ...first, runId: 'second-run', markets: [succeededMarket({ id: 'nl', name: 'Dutch Wikipedia' })] };
    await writeRunReport(second, out);
    let latest = readFileSync(path.join(out, 'latest', 'index.html'), 'utf8');
    assert.ok(latest.includes('second-run'));
    // latest is a full replacement, not a merge: the first run's charts are gone from it.
    assert.deepEqual(readdirSync(path.join(out, 'latest', 'charts')).filter((f) => f.endsWith('.svg')).sort(), ['nl.leaderboard.svg', 'nl.svg']);

    const third: RunReport = { ...first, runId: 'third-run', status: 'failed' };
    const written = await writeRunReport(third, out, { updateLatest: false });
    assert.equal(written.latestUpdated, false);
    latest = readFileSync(path.join(out, 'latest', 'index.html'), 'utf8');
    assert.ok(latest.includes('second-run'));
    assert.ok(existsSync(path.join(out, 'runs', 'third-run', 'index.html')));
  });

  it('rewrites an existing run folder in place', async () => {
    const run = sampleRun();
    await writeRunReport(run, out);
    const renamed: RunReport = { ...run, projectName: 'Renamed project' };
    const written = await writeRunReport(renamed, out);
    assert.ok(readFileSync(written.indexHtml, 'utf8').includes('Renamed project'));
    assert.deepEqual(readdirSync(path.join(out, 'runs')), [run.runId]);
  });

  it('refuses run ids that are not plain folder names', async () => {
    for (const runId of ['../escape', 'a/b', '', '.hidden']) {
      await assert.rejects(writeRunReport({ ...sampleRun(), runId }, out), /cannot be used as a folder name/);
    }
  });

  describe('buildRunHtml', () => {
    const run = sampleRun();
    let html: string;
    before(() => {
      html = buildRunHtml(run);
    });

    it('shows the header: project, run id, times, status and counts', () => {
      assert.ok(html.includes('Wikipedia &quot;markets&quot; &amp; friends'));
      assert.ok(html.includes(run.runId));
      assert.ok(html.includes('2016-01-25 10:00:00 UTC'));
      assert.ok(html.includes('2016-01-25 10:00:42 UTC'));
      assert.match(html, /<b>Succeeded<\/b><span[^>]*>2</);
      assert.match(html, /<b>Failed<\/b><span[^>]*>1</);
      assert.ok(html.includes('status-partial'));
    });

    it('has a summary row and an anchored section per market', () => {
      for (const m of run.markets) {
        assert.ok(html.includes(`href="#market-${m.id}"`));
        assert.equal(html.split(`id="market-${m.id}"`).length, 2, `one section for ${m.id}`);
      }
      // Chosen model, its CV error, findings with worst severity, first forecast with separators.
      assert.ok(html.includes('mstl {&quot;periods&quot;:[52],&quot;trend&quot;:&quot;ets&quot;}'));
      assert.ok(html.includes('4.33%'));
      assert.ok(html.includes('worst: warning') && html.includes('worst: error'));
      const first = run.markets[0]!.forecast[0]!.mean;
      assert.ok(html.includes(formatNumber(first)));
      assert.match(formatNumber(first), /^\d{3},\d{3},\d{3}$/);
    });

    it('lists every candidate with params, folds or failure, and marks the chosen one', () => {
      assert.equal(html.split('class="chosen"').length - 1, 2, 'one chosen row per succeeded market');
      assert.ok(html.includes('3.90% · 4.40% · 4.80% · 4.21%'));
      assert.ok(html.includes('failed: fit failed: series too short for &lt;order&gt;'));
      assert.ok(html.includes('{&quot;seasonal&quot;:&quot;add&quot;}'));
    });

    it('shows QA findings and the forecast table', () => {
      assert.ok(html.includes('missing-periods') && html.includes('5 weekly periods are missing'));
      assert.ok(html.includes('The source has no rows for &lt;jawiki&gt;'));
      const f = run.markets[0]!.forecast[25]!;
      for (const v of [f.mean, f.lower80, f.upper80, f.lower95, f.upper95]) assert.ok(html.includes(formatNumber(v)));
      assert.ok(html.includes(f.period));
    });

    it('escapes user data everywhere', () => {
      assert.ok(!html.includes('<script>'));
      assert.ok(!html.includes('French <Wikipedia>'));
      assert.ok(html.includes('French &lt;Wikipedia&gt;'));
    });

    it('says when a succeeded market has no chart instead of showing a broken image', () => {
      assert.ok(!html.includes('<img'), 'no charts were passed');
      assert.ok(html.includes('No chart was rendered for this market.'));
      const withError = buildRunHtml(run, new Map([['de', { error: 'boom <x>' }]]));
      assert.ok(withError.includes('boom &lt;x&gt;'));
    });

    it('handles a run with no markets and an unfinished run', () => {
      const empty = buildRunHtml({ ...run, markets: [], finishedAt: null, status: 'running' });
      assert.ok(empty.includes('status-running'));
      assert.match(empty, /<b>Finished<\/b>—/);
    });

    it('renders a failed market with no candidates or findings', () => {
      const bare = { ...failedMarket('xx', 'Bare', 'nothing'), candidates: [], findings: [] };
      const page = buildRunHtml({ ...run, markets: [bare] });
      assert.ok(page.includes('No candidates were evaluated.') && page.includes('No findings.'));
    });
  });

  it('formats numbers and errors for people', () => {
    assert.equal(formatNumber(1234567.89), '1,234,568');
    assert.equal(formatNumber(12.345), '12.35');
    assert.equal(formatNumber(0.012345), '0.01235');
    assert.equal(formatNumber(Number.NaN), '—');
    assert.equal(formatError(4.3276, 'smape'), '4.33%');
    assert.equal(formatError(12345.6, 'mae'), '12,346');
    assert.equal(formatError(null, 'smape'), '—');
  });

  it('chartStem keeps plain ids and makes others safe without collisions', () => {
    assert.equal(chartStem('de'), 'de');
    assert.equal(chartStem('de-at_2.x'), 'de-at_2.x');
    const a = chartStem('a/b');
    const b = chartStem('a b');
    assert.match(a, /^[A-Za-z0-9][A-Za-z0-9._-]*$/);
    assert.notEqual(a, b);
    assert.match(chartStem('../x'), /^x-[0-9a-f]{8}$/);
  });
});
