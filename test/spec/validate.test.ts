import assert from 'node:assert/strict';
import { parseYaml, readYaml } from '../../runtime/spec/load.ts';
import * as msg from '../../runtime/spec/messages.ts';
import { validateAt, validateSchema } from '../../runtime/spec/validate.ts';
import { assertDiagnostics, fixture } from './helpers.ts';

const SERIES_KEYS = ['metric', 'frequency', 'source', 'key', 'column'];

async function validateFixture(file: string, kind: 'Market' | 'Project' = 'Market') {
  const loaded = await readYaml(fixture(file));
  assert.deepEqual(loaded.diagnostics, [], 'fixture should be valid YAML');
  return validateSchema(loaded, kind);
}

/** A minimal valid market, to vary one key at a time. */
const market = (specExtra: string): string =>
  [
    'apiVersion: forecast/v1',
    'kind: Market',
    'spec:',
    '  id: x',
    '  name: X',
    '  country: SE',
    '  workstream: mature',
    '  series: {metric: pageviews, frequency: weekly, source: wikipedia, key: x, column: Total}',
    specExtra,
    '',
  ].join('\n');

describe('spec/validate', () => {
  it('accepts the valid fixtures', async () => {
    assert.deepEqual(await validateFixture('valid/markets/sv.yaml'), []);
    assert.deepEqual(await validateFixture('valid/markets/de.yaml'), []);
    assert.deepEqual(await validateFixture('valid/forecast.yaml', 'Project'), []);
  });

  it('points an unknown nested key at the key itself', async () => {
    assertDiagnostics(await validateFixture('invalid/markets/unknown-key.yaml'), [
      {
        line: 13,
        col: 5,
        endLine: 13,
        endCol: 11,
        severity: 'error',
        rule: 'schema/unknown-key',
        path: '/spec/series/colour',
        message: msg.unknownKey('colour', SERIES_KEYS),
      },
    ]);
  });

  it('points a wrong type at the value', async () => {
    assertDiagnostics(await validateFixture('invalid/markets/wrong-type.yaml'), [
      {
        line: 15,
        col: 14,
        endLine: 15,
        endCol: 24,
        rule: 'schema/type',
        path: '/spec/evaluation/horizon',
        message: msg.wrongType('thirteen', ['integer']),
      },
    ]);
  });

  it('points a missing key at the key of the object that lacks it', async () => {
    assertDiagnostics(await validateFixture('invalid/markets/missing-key.yaml'), [
      { line: 3, col: 1, endLine: 3, endCol: 5, rule: 'schema/missing-key', path: '/spec/name', message: msg.missingKey('name', '/spec') },
    ]);
    assertDiagnostics(await validateFixture('invalid/projects/missing-name.yaml', 'Project'), [
      { line: 4, col: 1, endLine: 4, endCol: 5, rule: 'schema/missing-key', path: '/spec/name', message: msg.missingKey('name', '/spec') },
    ]);
  });

  it('points a missing top-level key at the start of the root mapping', () => {
    const loaded = parseYaml('# header\napiVersion: forecast/v1\nkind: Market\n', 'no-spec.yaml');
    assertDiagnostics(validateSchema(loaded, 'Market'), [
      { line: 2, col: 1, endLine: 2, endCol: 11, rule: 'schema/missing-key', path: '/spec', message: msg.missingKey('spec', '') },
    ]);
  });

  it('rejects an impossible date', async () => {
    assertDiagnostics(await validateFixture('invalid/markets/bad-date.yaml'), [
      {
        line: 15,
        col: 13,
        endLine: 15,
        endCol: 23,
        rule: 'schema/format',
        path: '/spec/disruptions/0/from',
        message: msg.invalidDate('2014-13-45'),
      },
    ]);
  });

  it('suggests the closest choice for a misspelt enum value', async () => {
    const allowed = ['daily', 'weekly', 'monthly', 'quarterly', 'yearly'];
    assertDiagnostics(await validateFixture('invalid/markets/bad-enum.yaml'), [
      { line: 10, col: 16, rule: 'schema/enum', path: '/spec/series/frequency', message: msg.notInEnum('wekly', allowed) },
    ]);
    assert.match(msg.notInEnum('wekly', allowed), /did you mean "weekly"\?/);
  });

  it('reports a wrong apiVersion and kind with the value to write', () => {
    const loaded = parseYaml('apiVersion: forecast/v2\nkind: Project\nspec: {}\n', 'x.yaml');
    const ds = validateSchema(loaded, 'Market');
    assertDiagnostics(ds, [
      { line: 1, col: 13, rule: 'schema/enum', path: '/apiVersion', message: msg.notConst('forecast/v2', 'forecast/v1') },
      { line: 2, col: 7, rule: 'schema/enum', path: '/kind', message: msg.notConst('Project', 'Market') },
      // `spec: {}` lacks every required key; each is reported once, at "spec".
      { line: 3, col: 1, rule: 'schema/missing-key', path: '/spec/id' },
      { line: 3, col: 1, rule: 'schema/missing-key', path: '/spec/name' },
      { line: 3, col: 1, rule: 'schema/missing-key', path: '/spec/country' },
      { line: 3, col: 1, rule: 'schema/missing-key', path: '/spec/workstream' },
      { line: 3, col: 1, rule: 'schema/missing-key', path: '/spec/series' },
    ]);
  });

  it('reports a misspelt required key once, as an unknown key with a suggestion', () => {
    const text = market('').replace('  name: X', '  nmae: X');
    const ds = validateSchema(parseYaml(text, 'x.yaml'), 'Market');
    assertDiagnostics(ds, [{ line: 5, col: 3, endCol: 7, rule: 'schema/unknown-key', path: '/spec/nmae' }]);
    assert.match(ds[0]?.message ?? '', /did you mean "name"\?/);
  });

  it('reports only the type error when a value of the wrong type also fails its enum', () => {
    const ds = validateSchema(parseYaml(market('  evaluation: {metric: 3}'), 'x.yaml'), 'Market');
    assertDiagnostics(ds, [{ line: 9, col: 24, rule: 'schema/type', path: '/spec/evaluation/metric', message: msg.wrongType(3, ['string']) }]);
  });

  it('reports out-of-range numbers, values outside an enum, duplicates and too-short lists at the value', () => {
    const ds = validateSchema(
      parseYaml(market('  forecast: {horizon: 0, levels: [80, 80, 100]}\n  models: []'), 'x.yaml'),
      'Market',
    );
    assertDiagnostics(ds, [
      { line: 9, col: 23, rule: 'schema/range', path: '/spec/forecast/horizon', message: msg.outOfRange(0, '>=', 1) },
      { line: 9, col: 39, rule: 'schema/unique', path: '/spec/forecast/levels/1', message: msg.duplicateItem(80, 0, 1) },
      { line: 9, col: 43, rule: 'schema/enum', path: '/spec/forecast/levels/2', message: msg.notInEnum(100, [80, 95]) },
      { line: 10, col: 11, rule: 'schema/size', path: '/spec/models', message: msg.tooFewItems('models', 1) },
    ]);
  });

  it('reports an empty file once, at its start', () => {
    assertDiagnostics(validateSchema(parseYaml('', 'empty.yaml'), 'Market'), [
      { line: 1, col: 1, rule: 'schema/type', path: '', message: msg.emptyFile('Market') },
    ]);
  });

  it('skips the schema when the YAML itself is broken', async () => {
    const loaded = await readYaml(fixture('invalid/markets/bad-indent.yaml'));
    assert.deepEqual(validateSchema(loaded, 'Market'), []);
  });

  describe('collapsing union branches (for schemas the language will grow)', () => {
    const doc = parseYaml(['params:', '  window: "wide"', '  seasonal: {period: x}', ''].join('\n'), 'params.yaml');

    it('merges branches that only disagree on the type into one type error', () => {
      const schema = {
        type: 'object',
        properties: { window: { oneOf: [{ type: 'integer' }, { type: 'array', items: { type: 'integer' } }] } },
      };
      assertDiagnostics(validateAt(doc, '/params', { window: 'wide' }, schema), [
        { line: 2, col: 11, rule: 'schema/type', path: '/params/window', message: msg.wrongType('wide', ['integer', 'array']) },
      ]);
    });

    it('keeps only the errors of the branch that got furthest into the value', () => {
      const schema = {
        type: 'object',
        properties: {
          seasonal: {
            anyOf: [
              { type: 'string' },
              { type: 'object', properties: { period: { type: 'integer' } }, required: ['period'], additionalProperties: false },
            ],
          },
        },
      };
      assertDiagnostics(validateAt(doc, '/params', { seasonal: { period: 'x' } }, schema), [
        { line: 3, col: 22, rule: 'schema/type', path: '/params/seasonal/period', message: msg.wrongType('x', ['integer']) },
      ]);
    });

    it('drops the noise of if/then and reports the then-branch error', () => {
      const schema = {
        type: 'object',
        properties: { window: { type: 'string' } },
        if: { properties: { window: { const: 'wide' } }, required: ['window'] },
        then: { required: ['width'] },
      };
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
        oneOf: [
          { properties: { family: { const: 'snaive' } } },
          { properties: { family: { const: 'mstl' } } },
        ],
      };
      assertDiagnostics(validateAt(family, '/models/0', { family: 'ets' }, schema), [
        { line: 2, col: 13, rule: 'schema/enum', path: '/models/0/family', message: msg.unknownVariant('family', 'ets', ['snaive', 'mstl']) },
      ]);
    });
  });
});
