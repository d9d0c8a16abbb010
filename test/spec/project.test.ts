import assert from 'node:assert/strict';
import path from 'node:path';
import { displayPath } from '../../runtime/spec/diagnostic.ts';
import * as msg from '../../runtime/spec/messages.ts';
import { MARKET_DEFAULTS } from '../../runtime/spec/normalize.ts';
import { loadProject, sourceFile, validatePaths } from '../../runtime/spec/project.ts';
import { assertDiagnostics, fixture } from './helpers.ts';

describe('spec/project', () => {
  describe('loadProject', () => {
    it('loads the valid project and normalizes it with every default', async () => {
      const { project, diagnostics } = await loadProject(fixture('valid'));
      assert.deepEqual(diagnostics, []);
      assert.ok(project);
      const root = fixture('valid');
      assert.equal(project.root, root);
      assert.equal(project.name, 'Spec fixture project');
      assert.equal(project.storePath, path.join(root, '.forecast/test.duckdb'));
      assert.equal(project.outputDir, path.join(root, 'reports-out'));
      assert.equal(project.marketsDir, path.join(root, 'markets'));
      assert.deepEqual(project.sources, [
        { name: 'wikipedia', format: 'csv', path: 'data/{key}.csv', period: { column: 'Date', format: 'isoweek' } },
      ]);
      assert.deepEqual(
        project.markets.map((m) => m.id),
        ['de', 'sv'],
        'sorted by id',
      );

      const [de, sv] = project.markets;
      // de.yaml writes only the required keys.
      assert.deepEqual(de, {
        id: 'de',
        name: 'German Wikipedia',
        country: 'DE',
        tags: [],
        workstream: 'mature',
        series: { metric: 'pageviews', frequency: 'weekly', source: 'wikipedia', key: 'dewiki', column: 'Total' },
        disruptions: [],
        models: [
          { family: 'snaive', params: {} },
          { family: 'mstl', params: {} },
        ],
        evaluation: { horizon: 13, folds: 4, step: 13, metric: 'smape' },
        forecast: { horizon: 26, levels: [80, 95] },
        file: 'markets/de.yaml',
      });
      // sv.yaml overrides some defaults; the others are filled in.
      assert.deepEqual(sv?.evaluation, { horizon: 8, folds: 3, step: 13, metric: 'smape' });
      assert.deepEqual(sv?.forecast, { horizon: 52, levels: [95, 80] });
      assert.deepEqual(sv?.models, [
        { family: 'snaive', params: {} },
        { family: 'mstl', params: { periods: [52] } },
      ]);
      assert.deepEqual(sv?.disruptions, [
        { from: '2014-09-22', to: '2014-09-28', action: 'level_shift', reason: 'Mobile views counted from 2014-09-23' },
      ]);
      assert.deepEqual(sv?.tags, ['nordics']);
      assert.equal(sourceFile(project, de!), path.join(root, 'data/dewiki.csv'));
    });

    it('returns a deeply frozen project that shares nothing with the defaults', async () => {
      const { project } = await loadProject(fixture('valid'));
      assert.ok(project);
      assert.ok(Object.isFrozen(project));
      assert.ok(Object.isFrozen(project.markets));
      assert.ok(Object.isFrozen(project.markets[0]?.evaluation));
      assert.ok(Object.isFrozen(project.markets[0]?.models[0]?.params));
      assert.ok(Object.isFrozen(project.sources[0]?.period));
      assert.notEqual(project.markets[0]?.models, MARKET_DEFAULTS.models);
    });

    it('applies the project defaults (store, output, markets folder)', async () => {
      const { project, diagnostics } = await loadProject(fixture('invalid'), {
        marketFiles: ['../valid/markets/de.yaml'],
      });
      assert.deepEqual(diagnostics, []);
      const root = fixture('invalid');
      assert.equal(project?.storePath, path.join(root, '.forecast/forecast.duckdb'));
      assert.equal(project?.outputDir, path.join(root, 'out'));
      assert.equal(project?.marketsDir, path.join(root, 'markets'));
      assert.deepEqual(
        project?.markets.map((m) => m.file),
        ['../valid/markets/de.yaml'],
      );
    });

    it('loads only the given market files', async () => {
      const { project } = await loadProject(fixture('valid'), { marketFiles: ['markets/sv.yaml'] });
      assert.deepEqual(
        project?.markets.map((m) => m.id),
        ['sv'],
      );
    });

    it('returns no project and every diagnostic when any file has an error', async () => {
      const { project, diagnostics } = await loadProject(fixture('invalid'));
      assert.equal(project, null);
      const byFile = diagnostics.map((d) => `${path.basename(d.file)}:${d.line}:${d.col} ${d.rule}`);
      assert.deepEqual(byFile, [
        'bad-date.yaml:15:13 schema/format',
        'bad-enum.yaml:10:16 schema/enum',
        'bad-indent.yaml:6:1 yaml/syntax',
        'duplicate-key.yaml:14:3 yaml/duplicate-key',
        'id-mismatch.yaml:4:7 id-matches-file',
        'missing-key.yaml:3:1 schema/missing-key',
        'unclosed-quote.yaml:5:9 yaml/syntax',
        'unknown-key.yaml:13:5 schema/unknown-key',
        'unknown-source.yaml:11:13 known-source',
        'window-order.yaml:16:11 window-order',
        'wrong-type.yaml:15:14 schema/type',
      ]);
    });

    it('reports a missing forecast.yaml', async () => {
      const { project, diagnostics } = await loadProject(fixture('valid/markets'));
      assert.equal(project, null);
      assertDiagnostics(diagnostics, [
        { line: 1, col: 1, rule: 'file/missing', message: msg.missingProjectFile(displayPath(fixture('valid/markets'))) },
      ]);
    });

    it('reports a markets folder that does not exist at spec.markets', async () => {
      const { project, diagnostics } = await loadProject(fixture('invalid/no-markets'));
      assert.equal(project, null);
      assertDiagnostics(diagnostics, [
        { line: 12, col: 12, endCol: 19, rule: 'file/missing', path: '/spec/markets', message: msg.missingMarketsFolder('nowhere') },
      ]);
    });

    it('checks model families when the caller gives them', async () => {
      const { project, diagnostics } = await loadProject(fixture('valid'), { families: [{ name: 'snaive' }] });
      assert.equal(project, null);
      assertDiagnostics(diagnostics, [{ line: 23, col: 15, rule: 'known-family', path: '/spec/models/1/family' }]);
    });
  });

  describe('validatePaths', () => {
    it('validates one market file against the project two folders up', async () => {
      const ds = await validatePaths([fixture('invalid/markets/unknown-source.yaml')]);
      assertDiagnostics(ds, [{ line: 11, col: 13, rule: 'known-source', path: '/spec/series/source' }]);
    });

    it('reports each invalid file once with its exact location', async () => {
      const ds = await validatePaths(['markets', 'projects'], { root: fixture('invalid') });
      const where = ds.map((d) => `${path.basename(d.file)}:${d.line}:${d.col}-${d.endLine}:${d.endCol} ${d.rule}`);
      assert.deepEqual(where, [
        'bad-date.yaml:15:13-15:23 schema/format',
        'bad-enum.yaml:10:16-10:21 schema/enum',
        'bad-indent.yaml:6:1-6:2 yaml/syntax',
        'duplicate-key.yaml:14:3-14:10 yaml/duplicate-key',
        'id-mismatch.yaml:4:7-4:9 id-matches-file',
        'missing-key.yaml:3:1-3:5 schema/missing-key',
        'unclosed-quote.yaml:5:9-5:10 yaml/syntax',
        'unknown-key.yaml:13:5-13:11 schema/unknown-key',
        'unknown-source.yaml:11:13-11:21 known-source',
        'window-order.yaml:16:11-16:21 window-order',
        'wrong-type.yaml:15:14-15:24 schema/type',
        'duplicate-source.yaml:12:13-12:22 unique-sources',
        'missing-name.yaml:4:1-4:5 schema/missing-key',
      ]);
    });

    it('validates the project at root when no paths are given, and a project folder', async () => {
      assert.deepEqual(await validatePaths([], { root: fixture('valid') }), []);
      assert.deepEqual(await validatePaths([fixture('valid')]), []);
    });

    it('finds the same id in two files', async () => {
      const ds = await validatePaths([fixture('valid/markets/sv.yaml'), fixture('invalid/duplicate/sv.yaml')]);
      assertDiagnostics(ds, [{ file: fixture('invalid/duplicate/sv.yaml'), line: 4, col: 7, rule: 'unique-ids' }]);
    });

    it('reports an unknown kind and a path that does not exist', async () => {
      const ds = await validatePaths([fixture('invalid/kind/job.yaml'), fixture('nope.yaml')]);
      assertDiagnostics(ds, [
        { line: 2, col: 7, rule: 'schema/enum', path: '/kind', message: msg.unknownKind('Job') },
        { line: 1, col: 1, rule: 'file/missing', message: msg.missingPath(fixture('nope.yaml')) },
      ]);
    });
  });
});
