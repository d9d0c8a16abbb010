/**
 * The rules one by one, on small inline specs; the corpus test covers each on a fixture file.
 */
import assert from 'node:assert/strict';
import { checkCountry, checkIdMatchesFile, checkModeline, fileStem, MarketContext, searchSpaceKind } from '../../runtime/spec/checks.ts';
import { cronProblem, isTimeZone } from '../../runtime/spec/cron.ts';
import { parseYaml } from '../../runtime/spec/load.ts';
import * as msg from '../../runtime/spec/messages.ts';
import { resolveMarket, type WrittenMarketSpec } from '../../runtime/spec/resolve.ts';
import type { ProjectFile } from '../../schema/types.ts';
import { assertDiagnostics } from './helpers.ts';

const MARKET = ['# yaml-language-server: $schema=../schema/market.schema.json', 'apiVersion: forecast/v1', 'kind: Market', 'spec:', '  id: sv', '  name: Sweden', '  country: SE', '  workstream: mature', '  extends: weekly', '  series:', '    key: svwiki', ''].join('\n');
const PROJECT = [
  'apiVersion: forecast/v1',
  'kind: Project',
  'spec:',
  '  name: P',
  '  sources: [{name: wiki, format: csv, path: "data/{key}.csv", period: {column: Date, format: isoweek}}]',
  '  presets:',
  '    weekly:',
  '      evaluation:',
  '        horizon: 4',
  '        weights: [1, 2]',
  '',
].join('\n');

describe('spec/checks', () => {
  it('id-matches-file: the id equals the file name without .yaml', () => {
    const loaded = parseYaml(MARKET, 'markets/se.yaml');
    assertDiagnostics(checkIdMatchesFile(loaded, { id: 'sv' }), [{ line: 5, col: 7, endCol: 9, rule: 'id-matches-file', path: '/spec/id', message: msg.idMismatch('sv', 'se.yaml', 'se') }]);
    assert.deepEqual(checkIdMatchesFile(parseYaml(MARKET, 'markets/sv.yaml'), { id: 'sv' }), []);
    assert.equal(fileStem('markets/sv.yml'), 'sv');
  });

  it('country-code: an assigned ISO 3166-1 code, with a hint for the usual slips', () => {
    const loaded = parseYaml(MARKET, 'sv.yaml');
    assert.deepEqual(checkCountry(loaded, { country: 'SE' }), []);
    assertDiagnostics(checkCountry(loaded, { country: 'UK' }), [{ line: 7, col: 12, rule: 'country-code', message: msg.unknownCountry('UK') }]);
    assert.match(msg.unknownCountry('UK'), /did you mean "GB"\?/);
    assert.doesNotMatch(msg.unknownCountry('XX'), /did you mean/);
  });

  it('modeline: the first line names the schema of the file kind', () => {
    assert.deepEqual(checkModeline(parseYaml(MARKET, 'sv.yaml'), 'market.schema.json', '../schema/market.schema.json'), []);
    assertDiagnostics(checkModeline(parseYaml(MARKET.split('\n').slice(1).join('\n'), 'sv.yaml'), 'market.schema.json', '../schema/market.schema.json'), [
      { line: 1, col: 1, rule: 'modeline', severity: 'warning', message: msg.modelineMissing('../schema/market.schema.json') },
    ]);
    assertDiagnostics(checkModeline(parseYaml(MARKET, 'sv.yaml'), 'project.schema.json', './schema/project.schema.json'), [
      { line: 1, col: 1, rule: 'modeline', severity: 'warning', message: msg.modelineWrongSchema('../schema/market.schema.json', './schema/project.schema.json') },
    ]);
  });

  it('a finding about a value from a preset points at the preset in forecast.yaml', async () => {
    const { checkWeights } = await import('../../runtime/spec/checks.ts');
    const loaded = parseYaml(MARKET, '/p/markets/sv.yaml');
    const project = parseYaml(PROJECT, '/p/forecast.yaml');
    const spec = (project.data as ProjectFile).spec;
    const written = (loaded.data as { spec: WrittenMarketSpec }).spec;
    const resolution = resolveMarket(written, { preset: { name: 'weekly', settings: spec.presets?.['weekly'] ?? {} } });
    const ctx = new MarketContext(loaded, written, resolution, { loaded: project, spec, root: '/p' });
    assertDiagnostics(checkWeights(ctx), [{ file: '/p/forecast.yaml', line: 10, col: 18, rule: 'weights-length', path: '/spec/presets/weekly/evaluation/weights', message: msg.weightsLength(2, 4) }]);
  });

  it('a search space is a mapping with exactly one kind', () => {
    assert.equal(searchSpaceKind({ choice: [1] }), 'choice');
    assert.equal(searchSpaceKind({ int: [1, 2] }), 'int');
    assert.equal(searchSpaceKind({ choice: [1], int: [1, 2] }), undefined);
    assert.equal(searchSpaceKind([1, 2]), undefined);
    assert.equal(searchSpaceKind(3), undefined);
  });

  describe('cron', () => {
    it('accepts five fields with values, ranges, steps, lists, names and macros', () => {
      for (const ok of ['0 6 * * 1', '*/15 * * * *', '0 6 * * MON-FRI', '0 0 1 JAN,JUL *', '30 4 1-7 * 0', '0 6 * * 7', '@weekly', '@daily', '0 0-23/2 * * *']) {
        assert.equal(cronProblem(ok), undefined, ok);
      }
    });

    it('says which field is wrong and why', () => {
      assert.equal(cronProblem('0 25 * * 1'), 'hour "25": "25" is not a number from 0 to 23');
      assert.equal(cronProblem('0 6 * *'), 'it has 4 fields, not 5');
      assert.equal(cronProblem('0 6 * * FUN'), 'day-of-week "FUN": "FUN" is not a number from 0 to 7 nor a name');
      assert.equal(cronProblem('0 6 10-1 * *'), 'day-of-month "10-1": the range 10-1 runs backwards');
      assert.equal(cronProblem('*/0 * * * *'), 'minute "*/0": the step "0" is not a positive whole number');
      assert.equal(cronProblem('0 6 1,,2 * *'), 'day-of-month "1,,2": an empty item in the list');
      assert.equal(cronProblem('@fortnightly'), 'unknown macro "@fortnightly" (use @hourly, @daily, @weekly, @monthly or @yearly)');
    });

    it('knows IANA time zones', () => {
      assert.equal(isTimeZone('Europe/Stockholm'), true);
      assert.equal(isTimeZone('UTC'), true);
      assert.equal(isTimeZone('Europe/Stokholm'), false);
    });
  });
});
