import assert from 'node:assert/strict';
import { parseYaml, readYaml } from '../../runtime/spec/load.ts';
import * as msg from '../../runtime/spec/messages.ts';
import { validateAt, validateSchema } from '../../runtime/spec/validate.ts';
import { assertDiagnostics, fixture } from './helpers.ts';

async function validateFixture(file: string, kind: 'Market' | 'Project' = 'Market') {
  const loaded = await readYaml(fixture(file));
  assert.deepEqual(loaded.diagnostics, [], 'fixture should be valid YAML');
  return validateSchema(loaded, kind);
}

/** A minimal valid market, to vary one key at a time. */
const market = (specExtra: string, workstream = 'mature'): string =>
  ['apiVersion: forecast/v1', 'kind: Market', 'spec:', '  id: x', '  name: X', '  country: SE', `  workstream: ${workstream}`, specExtra, ''].join('\n');

const validate = (text: string, kind: 'Market' | 'Project' = 'Market') => validateSchema(parseYaml(text, 'x.yaml'), kind);

describe('spec/validate', () => {
  it('accepts the valid fixtures', async () => {
    for (const file of ['sv', 'de', 'launch', 'similar', 'handmade', 'manual']) assert.deepEqual(await validateFixture(`valid/markets/${file}.yaml`), [], file);
    assert.deepEqual(await validateFixture('valid/forecast.yaml', 'Project'), []);
  });

  it('points an unknown nested key at the key itself', async () => {
    assertDiagnostics(await validateFixture('invalid/markets/unknown-key.yaml'), [
      {
        line: 12,
        col: 5,
        endLine: 12,
        endCol: 11,
        severity: 'error',
        rule: 'schema/unknown-key',
        path: '/spec/series/colour',
        message: msg.unknownKey('colour', ['metric', 'frequency', 'source', 'key', 'column', 'start']),
      },
    ]);
  });

  it('points a wrong type at the value', async () => {
    assertDiagnostics(await validateFixture('invalid/markets/wrong-type.yaml'), [
      { line: 13, col: 14, endLine: 13, endCol: 22, rule: 'schema/type', path: '/spec/evaluation/horizon', message: msg.wrongType('thirteen', ['integer']) },
    ]);
  });

  it('points a missing key at the key of the object that lacks it', async () => {
    assertDiagnostics(await validateFixture('invalid/markets/missing-key.yaml'), [
      { line: 4, col: 1, endLine: 4, endCol: 5, rule: 'schema/missing-key', path: '/spec/name', message: msg.missingKey('name', '/spec') },
    ]);
    assertDiagnostics(await validateFixture('invalid/projects/missing-name.yaml', 'Project'), [
      { line: 4, col: 1, endLine: 4, endCol: 5, rule: 'schema/missing-key', path: '/spec/name', message: msg.missingKey('name', '/spec') },
    ]);
  });

  it('points a missing top-level key at the start of the root mapping', () => {
    assertDiagnostics(validate('# header\napiVersion: forecast/v1\nkind: Market\n'), [
      { line: 2, col: 1, endLine: 2, endCol: 11, rule: 'schema/missing-key', path: '/spec', message: msg.missingKey('spec', '') },
    ]);
  });

  it('rejects an impossible date', async () => {
    assertDiagnostics(await validateFixture('invalid/markets/bad-date.yaml'), [
      { line: 13, col: 13, endLine: 13, endCol: 23, rule: 'schema/format', path: '/spec/disruptions/0/from', message: msg.invalidDate('2014-13-45') },
    ]);
  });

  it('suggests the closest choice for a misspelt enum value', async () => {
    const allowed = ['interpolate', 'exclude', 'level_shift'];
    assertDiagnostics(await validateFixture('invalid/markets/bad-enum.yaml'), [
      { line: 15, col: 15, rule: 'schema/enum', path: '/spec/disruptions/0/action', message: msg.notInEnum('interpolat', allowed) },
    ]);
    assert.match(msg.notInEnum('interpolat', allowed), /did you mean "interpolate"\?/);
  });

  it('reports a wrong apiVersion and kind with the value to write, and every missing key once', () => {
    assertDiagnostics(validate('apiVersion: forecast/v2\nkind: Project\nspec: {}\n'), [
      { line: 1, col: 13, rule: 'schema/enum', path: '/apiVersion', message: msg.notConst('forecast/v2', 'forecast/v1') },
      { line: 2, col: 7, rule: 'schema/enum', path: '/kind', message: msg.notConst('Project', 'Market') },
      { line: 3, col: 1, rule: 'schema/missing-key', path: '/spec/id' },
      { line: 3, col: 1, rule: 'schema/missing-key', path: '/spec/name' },
      { line: 3, col: 1, rule: 'schema/missing-key', path: '/spec/country' },
      { line: 3, col: 1, rule: 'schema/missing-key', path: '/spec/workstream' },
    ]);
  });

  it('reports a misspelt required key once, as an unknown key with a suggestion', () => {
    const ds = validate(market('').replace('  name: X', '  nmae: X'));
    assertDiagnostics(ds, [{ line: 5, col: 3, endCol: 7, rule: 'schema/unknown-key', path: '/spec/nmae' }]);
    assert.match(ds[0]?.message ?? '', /did you mean "name"\?/);
  });

  it('reports only the type error when a value of the wrong type also fails its enum', () => {
    assertDiagnostics(validate(market('  evaluation: {window: 3}')), [{ line: 8, col: 24, rule: 'schema/type', path: '/spec/evaluation/window', message: msg.wrongType(3, ['string']) }]);
  });

  it('reports out-of-range numbers, values outside an enum, duplicates and too-short lists at the value', () => {
    assertDiagnostics(validate(market('  forecast: {horizon: 0, levels: [80, 80, 100]}\n  models: []')), [
      { line: 8, col: 23, rule: 'schema/range', path: '/spec/forecast/horizon', message: msg.outOfRange(0, '>=', 1) },
      { line: 8, col: 39, rule: 'schema/unique', path: '/spec/forecast/levels/1', message: msg.duplicateItem(80, 0, 1) },
      { line: 8, col: 43, rule: 'schema/enum', path: '/spec/forecast/levels/2', message: msg.notInEnum(100, [80, 95]) },
      { line: 9, col: 11, rule: 'schema/size', path: '/spec/models', message: msg.tooFewItems('models', 1) },
    ]);
  });

  it('reports an empty file once, at its start', () => {
    assertDiagnostics(validate(''), [{ line: 1, col: 1, rule: 'schema/type', path: '', message: msg.emptyFile('Market') }]);
  });

  it('skips the schema when the YAML itself is broken', async () => {
    assert.deepEqual(validateSchema(await readYaml(fixture('invalid/markets/bad-indent.yaml')), 'Market'), []);
  });

  describe('the workstream decides which keys a market may have (a discriminated union)', () => {
    it('says which workstream a key belongs to', () => {
      assertDiagnostics(validate(market('  proxies: {method: fixed, launch: 2016-01-04, markets: [{market: sv}]}')), [
        { line: 8, col: 3, rule: 'schema/key-not-allowed', path: '/spec/proxies', message: msg.keyNotAllowed('proxies', 'workstream', 'mature', ['new']) },
      ]);
      assertDiagnostics(validate(market('  custom: {method: inline, values: [{period: 2016-01-04, value: 1}]}', 'new')), [
        { line: 3, col: 1, rule: 'schema/missing-key', path: '/spec/proxies', message: msg.missingKey('proxies', '/spec') },
        { line: 8, col: 3, rule: 'schema/key-not-allowed', path: '/spec/custom', message: msg.keyNotAllowed('custom', 'workstream', 'new', ['custom']) },
      ]);
    });

    it('reports an unknown workstream once, with a suggestion', () => {
      assertDiagnostics(validate(market('', 'matur')), [
        { line: 7, col: 15, rule: 'schema/enum', path: '/spec/workstream', message: msg.notInEnum('matur', ['mature', 'new', 'custom']) },
      ]);
    });

    it('also for the variants of proxies, custom, overrides and sources', () => {
      assertDiagnostics(validate(market('  proxies: {method: knn, launch: 2016-01-04, features: [gdp], markets: [{market: sv}]}', 'new')), [
        { line: 8, col: 63, rule: 'schema/key-not-allowed', path: '/spec/proxies/markets', message: msg.keyNotAllowed('markets', 'method', 'knn', ['fixed']) },
      ]);
      assertDiagnostics(validate(market('  overrides: [{type: pin_model, from: 2016-01-04, to: 2016-01-10, value: 5, reason: r, owner: o}]')), [
        { line: 8, col: 74, rule: 'schema/type', path: '/spec/overrides/0/value', message: msg.wrongType(5, ['string']) },
      ]);
    });
  });

  describe('search spaces are explicit mappings', () => {
    const params = (p: string): string => market(`  models: [{family: mstl, params: {${p}}}]`);
    it('accepts fixed values and each kind of space', () => {
      assert.deepEqual(validate(params('a: 1, b: [52], c: {choice: [[52], [4, 52]]}, d: {uniform: [0, 1]}, e: {loguniform: [0.01, 1]}, f: {int: [1, 5]}')), []);
    });
    it('wants exactly one kind per space, spelt right', () => {
      assertDiagnostics(validate(params('a: {choice: [1], int: [1, 2]}, b: {unifrom: [0, 1]}, c: {}')), [
        { line: 8, col: 39, rule: 'schema/one-of', path: '/spec/models/0/params/a', message: msg.exactlyOneKey(['choice', 'uniform', 'loguniform', 'int'], ['choice', 'int']) },
        { line: 8, col: 71, rule: 'schema/unknown-key', path: '/spec/models/0/params/b/unifrom', message: msg.unknownKey('unifrom', ['choice', 'uniform', 'loguniform', 'int']) },
        { line: 8, col: 89, rule: 'schema/one-of', path: '/spec/models/0/params/c', message: msg.exactlyOneKey(['choice', 'uniform', 'loguniform', 'int'], []) },
      ]);
    });
    it('wants two numbers as bounds, integers for int', () => {
      assertDiagnostics(validate(params('a: {uniform: [1]}, b: {int: [1.5, 3]}')), [
        { line: 8, col: 49, rule: 'schema/size', path: '/spec/models/0/params/a/uniform', message: msg.tooFewItems('uniform', 2) },
        { line: 8, col: 65, rule: 'schema/type', path: '/spec/models/0/params/b/int/0', message: msg.wrongType(1.5, ['integer']) },
      ]);
    });
    it('says "auto" or a list for models', () => {
      assertDiagnostics(validate(market('  models: {family: mstl}')), [
        { line: 8, col: 11, rule: 'schema/type', path: '/spec/models', message: msg.wrongTypeOrChoice({ family: 'mstl' }, ['array'], ['auto']) },
      ]);
    });
  });

  it('never takes a secret inline, and names the environment-variable key to use instead', () => {
    const project = ['apiVersion: forecast/v1', 'kind: Project', 'spec:', '  name: P', '  sources: [{name: s, format: csv, path: p, period: {column: D, format: date}}]', '  report: {smtp: {host: h.example.org, from: a@example.org, user: me}}', ''].join('\n');
    assertDiagnostics(validate(project, 'Project'), [{ line: 6, col: 61, rule: 'no-inline-secrets', path: '/spec/report/smtp/user', message: msg.inlineSecret('user', 'userEnv') }]);
  });

  describe('collapsing union branches (for schemas the language will grow)', () => {
    const doc = parseYaml(['params:', '  window: "wide"', '  seasonal: {period: x}', ''].join('\n'), 'params.yaml');

    it('merges branches that only disagree on the type into one type error', () => {
      const schema = { type: 'object', properties: { window: { oneOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' } }] } } };
      assertDiagnostics(validateAt(doc, '/params', { window: 'wide' }, schema), [
        { line: 2, col: 11, rule: 'schema/type', path: '/params/window', message: msg.wrongType('wide', ['integer', 'array']) },
      ]);
    });

    it('keeps only the errors of the branch that got furthest into the value', () => {
      const schema = {
        type: 'object',
        properties: {
          seasonal: { anyOf: [{ type: 'string' }, { type: 'object', properties: { period: { type: 'integer' } }, required: ['period'], additionalProperties: false }] },
        },
      };
      assertDiagnostics(validateAt(doc, '/params', { seasonal: { period: 'x' } }, schema), [
        { line: 3, col: 22, rule: 'schema/type', path: '/params/seasonal/period', message: msg.wrongType('x', ['integer']) },
      ]);
    });

    it('drops the noise of if/then and reports the then-branch error', () => {
      const schema = { type: 'object', properties: { window: { type: 'string' } }, if: { properties: { window: { const: 'wide' } }, required: ['window'] }, then: { required: ['width'] } };
      assertDiagnostics(validateAt(doc, '/params', { window: 'wide' }, schema), [
        { line: 1, col: 1, rule: 'schema/missing-key', path: '/params/width', message: msg.missingKey('width', '/params') },
      ]);
    });

    it('reports an unknown discriminator value as a bad choice', () => {
      const family = parseYaml('models:\n  - family: ets\n', 'd.yaml');
      const schema = {
        type: 'object',
        discriminator: { propertyName: 'family' },
        required: ['family'],
        oneOf: [{ properties: { family: { const: 'snaive' } } }, { properties: { family: { const: 'mstl' } } }],
      };
      assertDiagnostics(validateAt(family, '/models/0', { family: 'ets' }, schema), [
        { line: 2, col: 13, rule: 'schema/enum', path: '/models/0/family', message: msg.unknownVariant('family', 'ets', ['snaive', 'mstl']) },
      ]);
    });
  });
});
