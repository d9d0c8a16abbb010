/**
 * The corpus: every spec file of the repository and of the fixtures, each with exactly the
 * diagnostics it should produce. Invalid fixtures declare theirs in `# expect:` comments; every rule
 * has at least one fixture, so a rule that stops firing (or fires somewhere new) fails here.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { allFamilies } from '../../runtime/models/registry.ts';
import type { Diagnostic } from '../../runtime/spec/diagnostic.ts';
import { loadProject, validateFiles } from '../../runtime/spec/project.ts';
import { Rule } from '../../runtime/spec/rules.ts';
import { expectationOf, expectationsOf, fixture, REPO_ROOT, TEST_FAMILIES, TODAY } from './helpers.ts';

/** Rules no static fixture can trigger, and the test that covers each instead. */
const COVERED_ELSEWHERE: Readonly<Partial<Record<Rule, string>>> = {
  'yaml/too-large': 'load.test.ts: rejects a file over the size limit',
  'file/unreadable': 'load.test.ts: turns an unreadable file into a diagnostic',
  'file/missing': 'project.test.ts: reports a missing forecast.yaml / markets folder / path',
  'file/empty-folder': 'project.test.ts: warns about a folder without YAML files',
};

const yamlFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => path.join(dir, f));

describe('spec corpus', () => {
  it('the demo project (forecast.yaml and every file in markets/) is valid, with no warnings', async () => {
    const { project, diagnostics } = await loadProject(REPO_ROOT, { families: allFamilies() });
    assert.deepEqual(diagnostics.map(expectationOf), []);
    assert.equal(project?.markets.length, yamlFiles(path.join(REPO_ROOT, 'markets')).length);
  });

  it('every file in test/fixtures/valid/ is valid, with no warnings', async () => {
    const { files, diagnostics } = await validateFiles([fixture('valid')], { families: TEST_FAMILIES, today: TODAY });
    assert.deepEqual(diagnostics.map((d) => `${path.basename(d.file)} ${expectationOf(d)}`), []);
    assert.deepEqual(files.map((f) => path.basename(f)).sort(), ['forecast.yaml', ...yamlFiles(fixture('valid/markets')).map((f) => path.basename(f))].sort());
  });

  describe('every file in test/fixtures/invalid/ has exactly its expected diagnostics', () => {
    const markets = yamlFiles(fixture('invalid/markets'));
    const projects = yamlFiles(fixture('invalid/projects'));
    let byFile: Map<string, Diagnostic[]>;

    before(async () => {
      // The markets as one project (cross-file rules such as unique-ids need the others), each
      // project file on its own.
      const all = [...(await validateFiles([fixture('invalid')], { families: TEST_FAMILIES, today: TODAY })).diagnostics];
      for (const p of projects) all.push(...(await validateFiles([p], { families: TEST_FAMILIES, today: TODAY })).diagnostics);
      byFile = new Map();
      for (const d of all) byFile.set(d.file, [...(byFile.get(d.file) ?? []), d]);
    });

    it('the fixture project itself is valid', () => {
      assert.deepEqual((byFile.get(fixture('invalid/forecast.yaml')) ?? []).map(expectationOf), []);
    });

    for (const file of [...markets, ...projects]) {
      it(path.relative(fixture('invalid'), file), () => {
        const expected = expectationsOf(file);
        assert.ok(expected.length > 0, 'an invalid fixture declares what it should produce (# expect: ...)');
        assert.deepEqual((byFile.get(file) ?? []).map(expectationOf), expected);
      });
    }

    it('has at least 30 fixtures, and covers every rule and every schema section', () => {
      assert.ok(markets.length + projects.length >= 30);
      const fired = new Set([...markets, ...projects].flatMap((f) => expectationsOf(f).map((e) => e.split(' ')[1])));
      const missing = (Object.keys(Rule) as Rule[]).filter((r) => !fired.has(r) && COVERED_ELSEWHERE[r] === undefined);
      assert.deepEqual(missing, [], 'add an invalid fixture for these rules');
      const unknown = [...fired].filter((r) => !(r !== undefined && r in Rule));
      assert.deepEqual(unknown, [], 'rules fired by fixtures but missing from runtime/spec/rules.ts');
      // Every section of the market and project languages has a fixture with a mistake in it.
      const sections = new Set(
        [...markets, ...projects].flatMap((f) => (byFile.get(f) ?? []).map((d) => d.path.split('/')[2] ?? '')),
      );
      const marketSections = ['id', 'name', 'country', 'workstream', 'extends', 'tags', 'series', 'disruptions', 'events', 'models', 'search', 'evaluation', 'forecast', 'proxies', 'custom', 'overrides', 'qc'];
      const projectSections = ['name', 'store', 'sources', 'features', 'defaults', 'presets', 'schedules', 'report', 'output', 'markets'];
      assert.deepEqual([...marketSections, ...projectSections].filter((s) => !sections.has(s)), []);
    });
  });
});
