import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { displayPath } from '../../runtime/spec/diagnostic.ts';
import * as msg from '../../runtime/spec/messages.ts';
import { loadProject, sourceFile, validateFiles, validatePaths } from '../../runtime/spec/project.ts';
import { assertDiagnostics, fixture, TEST_FAMILIES, TODAY } from './helpers.ts';

const VALID = { families: TEST_FAMILIES, today: TODAY };

describe('spec/project', () => {
  describe('loadProject', () => {
    it('loads the valid project and normalizes it with every default', async () => {
      const { project, diagnostics } = await loadProject(fixture('valid'), VALID);
      assert.deepEqual(diagnostics, []);
      assert.ok(project);
      const root = fixture('valid');
      assert.equal(project.root, root);
      assert.equal(project.name, 'Spec fixture project');
      assert.deepEqual(project.store, { kind: 'embedded', path: path.join(root, '.forecast/test.duckdb') });
      assert.equal(project.storePath, path.join(root, '.forecast/test.duckdb'));
      assert.equal(project.outputDir, path.join(root, 'reports-out'));
      assert.equal(project.marketsDir, path.join(root, 'markets'));
      assert.deepEqual(project.sources, [
        { name: 'wikipedia', format: 'csv', path: 'data/{key}.csv', period: { column: 'Date', format: 'isoweek' } },
        { name: 'warehouse', format: 'sql', query: "SELECT week, views FROM pageviews WHERE wiki = '{key}'", period: { column: 'week', format: 'date' } },
      ]);
      assert.deepEqual(project.features, { path: path.join(root, 'data/features.csv'), market: 'market' });
      assert.deepEqual(project.defaults, { evaluation: { metric: 'smape' }, forecast: { levels: [80, 95] } });
      assert.deepEqual(Object.keys(project.presets), ['wikipedia-weekly']);
      assert.deepEqual(project.schedules, [
        { name: 'weekly', cron: '0 6 * * MON', timeZone: 'Europe/Stockholm', mode: 'forecast' },
        { name: 'monthly-tune', cron: '@monthly', timeZone: 'UTC', mode: 'forecast' },
      ]);
      assert.deepEqual(project.report, {
        recipients: ['planning@example.org'],
        smtp: { host: 'smtp.example.org', port: 587, secure: false, userEnv: 'SMTP_USER', passwordEnv: 'SMTP_PASSWORD', from: 'forecasts@example.org' },
      });
      assert.deepEqual(
        project.markets.map((m) => m.id),
        ['de', 'handmade', 'launch', 'manual', 'similar', 'sv'],
        'sorted by id',
      );

      // de.yaml writes only its identity and key; the rest comes from the preset, defaults and built-ins.
      const de = project.markets.find((m) => m.id === 'de');
      assert.deepEqual(de, {
        id: 'de',
        name: 'German Wikipedia',
        country: 'DE',
        tags: ['wikipedia'],
        workstream: 'mature',
        file: 'markets/de.yaml',
        series: { metric: 'pageviews', frequency: 'weekly', source: 'wikipedia', key: 'dewiki', column: 'Total', start: null },
        disruptions: [],
        events: [],
        models: [
          { family: 'snaive', params: {} },
          { family: 'mstl', params: {} },
        ],
        search: { strategy: 'grid', samples: 20, seed: 1, budget: null, maxAgeDays: 7, taskTimeoutSeconds: 600 },
        evaluation: { horizon: 13, folds: 3, step: 13, gap: 0, window: 'expanding', trainSize: null, holdout: 13, metric: 'smape', weights: 'uniform', top: 3, ensemble: 'mean' },
        forecast: { horizon: 26, levels: [80, 95] },
        proxies: null,
        custom: null,
        overrides: [],
        qc: [],
        extends: 'wikipedia-weekly',
      });
      assert.equal(sourceFile(project, de!), path.join(root, 'data/dewiki.csv'));
    });

    it('keeps what a market writes: search spaces, sliding windows, events, overrides, checks', async () => {
      const { project } = await loadProject(fixture('valid'), VALID);
      const sv = project?.markets.find((m) => m.id === 'sv');
      assert.deepEqual(sv?.models, [
        { family: 'snaive', params: {} },
        { family: 'mstl', params: { periods: { choice: [[52], [4, 52]] } } },
        { family: 'prophet', params: { changepointPriorScale: { loguniform: [0.001, 0.5] }, seasonalityPriorScale: { uniform: [1, 20] }, nChangepoints: { int: [5, 30] } } },
      ]);
      assert.deepEqual(sv?.search, { strategy: 'random', samples: 10, seed: 42, budget: 400, maxAgeDays: 7, taskTimeoutSeconds: 600 });
      assert.deepEqual(sv?.evaluation, { horizon: 8, folds: 3, step: 13, gap: 0, window: 'sliding', trainSize: 156, holdout: 13, metric: 'smape', weights: 'linear', top: 2, ensemble: 'median' });
      assert.deepEqual(sv?.forecast, { horizon: 52, levels: [95, 80] });
      assert.deepEqual(sv?.series.start, '2010-08-02');
      assert.deepEqual(sv?.events, [{ name: 'Midsummer', dates: ['2014-06-20', '2015-06-19', '2016-06-24'], before: 1, after: 2 }]);
      assert.deepEqual(sv?.overrides[0], { type: 'uplift', from: '2016-06-20', to: '2016-06-26', value: 10, reason: 'Midsummer campaign on the main page', owner: 'planning@example.org' });
      assert.deepEqual(sv?.qc, [
        { check: 'yoy_change', threshold: 40, severity: 'error' },
        { check: 'interval_width', threshold: 80, severity: 'warn' },
      ]);
      assert.equal(sv?.extends, null);
    });

    it('normalizes the workstream-specific sections', async () => {
      const { project } = await loadProject(fixture('valid'), VALID);
      const byId = (id: string) => project?.markets.find((m) => m.id === id);
      assert.deepEqual(byId('launch')?.proxies, { method: 'fixed', launch: '2016-03-07', markets: [{ market: 'sv', weight: 2 }, { market: 'de', weight: 1 }] });
      assert.deepEqual(byId('similar')?.proxies, { method: 'knn', launch: '2016-04-04', k: 2, features: ['population', 'gdp_per_head'], candidates: ['sv', 'de'], exclude: ['launch'] });
      assert.deepEqual(byId('handmade')?.custom, { method: 'module', module: fixture('valid/modules/flat.mts'), params: { level: { uniform: [0.5, 1.5] } }, review: false });
      assert.deepEqual(byId('manual')?.custom, {
        method: 'inline',
        values: [
          { period: '2016-01-25', value: 120000 },
          { period: '2016-02-01', value: 125000 },
        ],
        review: true,
      });
    });

    it('expands models: auto with the caller\'s function', async () => {
      const { project } = await loadProject(fixture('valid'), { ...VALID, autoModels: (frequency) => [{ family: `naive-${frequency}`, params: {} }] });
      assert.deepEqual(project?.markets.find((m) => m.id === 'de')?.models, [{ family: 'naive-weekly', params: {} }]);
    });

    it('returns a deeply frozen project that shares nothing between markets', async () => {
      const { project } = await loadProject(fixture('valid'), VALID);
      assert.ok(project);
      assert.ok(Object.isFrozen(project));
      assert.ok(Object.isFrozen(project.markets));
      assert.ok(Object.isFrozen(project.markets[0]?.evaluation));
      assert.ok(Object.isFrozen(project.markets[0]?.models[0]?.params));
      assert.ok(Object.isFrozen(project.sources[0]?.period));
      assert.notEqual(project.markets[0]?.models, project.markets[1]?.models);
    });

    it('gives the merged spec of every market with the origin of each value', async () => {
      const { resolved } = await loadProject(fixture('valid'), VALID);
      const de = resolved.get('de');
      assert.ok(de);
      const origin = (p: string) => {
        const o = [...de.resolution.origins].filter(([k]) => p === k || p.startsWith(`${k}/`)).sort((a, b) => b[0].length - a[0].length)[0];
        return o?.[1];
      };
      assert.deepEqual(origin('/series/key'), { kind: 'market' });
      assert.deepEqual(origin('/series/metric'), { kind: 'preset', preset: 'wikipedia-weekly' });
      assert.deepEqual(origin('/evaluation/metric'), { kind: 'defaults' });
      assert.deepEqual(origin('/search/seed'), { kind: 'builtin' });
    });

    it('loads only the given market files', async () => {
      const { project } = await loadProject(fixture('valid'), { ...VALID, marketFiles: ['markets/de.yaml'] });
      assert.deepEqual(
        project?.markets.map((m) => m.id),
        ['de'],
      );
    });

    it('returns no project and every diagnostic when any file has an error', async () => {
      const { project, diagnostics } = await loadProject(fixture('invalid'), VALID);
      assert.equal(project, null);
      assert.ok(diagnostics.length > 60);
    });

    it('reports a missing forecast.yaml', async () => {
      const { project, diagnostics } = await loadProject(fixture('valid/markets'));
      assert.equal(project, null);
      assertDiagnostics(diagnostics, [{ line: 1, col: 1, rule: 'file/missing', message: msg.missingProjectFile(displayPath(fixture('valid/markets'))) }]);
    });

    it('reports a markets folder that does not exist at spec.markets', async () => {
      const { project, diagnostics } = await loadProject(fixture('projects/no-markets'));
      assert.equal(project, null);
      assertDiagnostics(diagnostics, [{ line: 13, col: 12, endCol: 19, rule: 'file/missing', path: '/spec/markets', message: msg.missingMarketsFolder('nowhere') }]);
    });

    it('checks model families when the caller gives them', async () => {
      const { project, diagnostics } = await loadProject(fixture('valid'), { today: TODAY, families: [{ name: 'snaive' }, { name: 'mstl' }] });
      assert.equal(project, null);
      assertDiagnostics(diagnostics, [{ line: 31, col: 15, rule: 'known-family', path: '/spec/models/2/family', message: msg.unknownFamily('prophet', ['snaive', 'mstl']) }]);
    });

    it('reads the data only when asked', async () => {
      const withData = await loadProject(fixture('invalid'), { ...VALID, marketFiles: ['markets/history-too-short.yaml'] });
      assert.deepEqual(withData.diagnostics.map((d) => d.rule), ['evaluation-fits-history']);
      const without = await loadProject(fixture('invalid'), { ...VALID, marketFiles: ['markets/history-too-short.yaml'], dataChecks: false });
      assert.deepEqual(without.diagnostics, []);
    });
  });

  describe('validateFiles', () => {
    it('validates one market file against the project two folders up', async () => {
      const ds = await validatePaths([fixture('invalid/markets/unknown-source.yaml')], VALID);
      assertDiagnostics(ds, [{ line: 12, col: 13, rule: 'known-source', path: '/spec/series/source' }]);
    });

    it('validates the project at root when no paths are given, and a project folder, listing the files it checked', async () => {
      const { files, diagnostics } = await validateFiles([], { ...VALID, root: fixture('valid') });
      assert.deepEqual(diagnostics, []);
      assert.equal(files.length, 7);
      assert.deepEqual(await validatePaths([fixture('valid')], VALID), []);
    });

    it('reports a path that does not exist and a folder without YAML files', async () => {
      const empty = mkdtempSync(path.join(os.tmpdir(), 'spec-empty-'));
      const ds = await validatePaths([fixture('nope.yaml'), empty], VALID);
      // Diagnostics are sorted by file; where the temp folder sorts depends on the system.
      assertDiagnostics([...ds].sort((a, b) => a.rule.localeCompare(b.rule)), [
        { line: 1, col: 1, rule: 'file/empty-folder', severity: 'warning', message: msg.noYamlFiles(empty) },
        { line: 1, col: 1, rule: 'file/missing', message: msg.missingPath(fixture('nope.yaml')) },
      ]);
    });

    it('reports an unknown kind in a loose file', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'spec-kind-'));
      const { writeFileSync } = await import('node:fs');
      writeFileSync(path.join(dir, 'job.yaml'), 'apiVersion: forecast/v1\nkind: Job\nspec: {}\n');
      assertDiagnostics(await validatePaths([path.join(dir, 'job.yaml')]), [{ line: 2, col: 7, rule: 'schema/enum', path: '/kind', message: msg.unknownKind('Job') }]);
    });
  });
});
