import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { generateTypes, TYPES_FILE } from '../../runtime/spec/generate-types.ts';
import { PROJECT_DEFAULTS } from '../../runtime/spec/normalize.ts';
import { currentReference, generateReference, README_FILE } from '../../runtime/spec/reference.ts';
import { ITEM_DEFAULTS, MARKET_DEFAULTS } from '../../runtime/spec/resolve.ts';
import { createAjv, MARKET_SCHEMA_FILE, SCHEMAS } from '../../runtime/spec/validate.ts';

type Schema = Record<string, unknown>;

interface Node {
  schema: Schema;
  where: string;
  /** A property (or list item) users write, as opposed to a branch or a definition wrapper. */
  isProperty: boolean;
}

/** Every subschema with the JSON pointer (into the schema) where it sits. */
function* walk(schema: Schema, where = '#'): Generator<Node> {
  const properties = (schema['properties'] ?? {}) as Record<string, Schema>;
  for (const [key, sub] of Object.entries(properties)) {
    yield { schema: sub, where: `${where}/properties/${key}`, isProperty: true };
    yield* walk(sub, `${where}/properties/${key}`);
  }
  for (const keyword of ['items', 'additionalProperties', 'then', 'else'] as const) {
    const sub = schema[keyword];
    if (typeof sub !== 'object' || sub === null) continue;
    yield { schema: sub as Schema, where: `${where}/${keyword}`, isProperty: keyword === 'items' || keyword === 'additionalProperties' };
    yield* walk(sub as Schema, `${where}/${keyword}`);
  }
  for (const keyword of ['oneOf', 'anyOf', 'allOf'] as const) {
    for (const [i, sub] of ((schema[keyword] ?? []) as Schema[]).entries()) yield* walk(sub, `${where}/${keyword}/${i}`);
  }
  for (const [name, sub] of Object.entries((schema['definitions'] ?? {}) as Record<string, Schema>)) {
    yield { schema: sub, where: `${where}/definitions/${name}`, isProperty: true };
    yield* walk(sub, `${where}/definitions/${name}`);
  }
}

/** A property that is only a reference is described by its target. */
const isRef = (s: Schema): boolean => typeof s['$ref'] === 'string' && Object.keys(s).length === 1;
const isLeaf = (s: Schema): boolean => !isRef(s) && s['type'] !== 'object' && s['oneOf'] === undefined && s['items'] === undefined && s['then'] === undefined;
const types = (s: Schema): string[] => (Array.isArray(s['type']) ? (s['type'] as string[]) : [String(s['type'])]);

function definition(schema: Schema, name: string): Schema {
  return (schema['definitions'] as Record<string, Schema>)[name] as Schema;
}

function props(schema: Schema): Record<string, Schema> {
  return schema['properties'] as Record<string, Schema>;
}

describe('spec/schema', () => {
  for (const [kind, schema] of Object.entries(SCHEMAS) as [string, Schema][]) {
    describe(`${kind} schema`, () => {
      it('compiles in ajv strict mode', () => {
        const ajv = createAjv();
        if (kind === 'Market') assert.ok(ajv.getSchema(MARKET_SCHEMA_FILE));
        else ajv.compile(schema);
      });

      it('describes every property', () => {
        const missing = [...walk(schema)]
          .filter((s) => s.isProperty && !isRef(s.schema) && (typeof s.schema['description'] !== 'string' || s.schema['description'] === ''))
          .map((s) => s.where);
        assert.deepEqual(missing, [], 'add a description (meaning, default, unit) to these properties');
      });

      it('states the default of every key (or that it has none), and the unit of every number', () => {
        const nodes = [...walk(schema)].filter((s) => s.isProperty && isLeaf(s.schema) && !s.where.endsWith('/items'));
        const noDefault = nodes.filter((s) => !/\b(Default|No default|Always)\b/.test(String(s.schema['description']))).map((s) => s.where);
        assert.deepEqual(noDefault, [], 'say "Default: ..." or "No default" in these descriptions');
        const unstated = [...walk(schema)].filter((s) => s.schema['default'] !== undefined && !/Default: /.test(String(s.schema['description']))).map((s) => s.where);
        assert.deepEqual(unstated, [], 'these have a default keyword the description does not mention');
        const numbers = nodes.filter((s) => types(s.schema).some((t) => t === 'integer' || t === 'number') && !/Unit: /.test(String(s.schema['description'])));
        assert.deepEqual(
          numbers.map((s) => s.where),
          [],
          'say "Unit: ..." in these descriptions',
        );
      });

      it('is closed: every object sets additionalProperties (false unless free-form on purpose), or is a union of closed variants', () => {
        const open = new Set(['#/definitions/Params', '#/properties/spec/properties/presets']);
        const wrong = [{ schema, where: '#', isProperty: false }, ...walk(schema)]
          .filter((s) => s.schema['type'] === 'object')
          .filter((s) => {
            if (s.schema['discriminator'] !== undefined) return !(s.schema['oneOf'] as Schema[]).every((b) => b['additionalProperties'] === false);
            return open.has(s.where) ? typeof s.schema['additionalProperties'] !== 'object' : s.schema['additionalProperties'] !== false;
          })
          .map((s) => s.where);
        assert.deepEqual(wrong, []);
      });

      it('requires the envelope', () => {
        assert.deepEqual(schema['required'], ['apiVersion', 'kind', 'spec']);
        assert.equal(props(schema)['apiVersion']?.['const'], 'forecast/v1');
        assert.equal(props(schema)['kind']?.['const'], kind);
      });
    });
  }

  it('states the same defaults as the merge and the normalizer apply', () => {
    const market = SCHEMAS.Market as Schema;
    const d = (name: string): Schema => definition(market, name);
    assert.deepEqual(d('Tags')['default'], MARKET_DEFAULTS.tags);
    assert.deepEqual(d('Disruptions')['default'], MARKET_DEFAULTS.disruptions);
    assert.deepEqual(d('Events')['default'], MARKET_DEFAULTS.events);
    assert.deepEqual(d('Models')['default'], MARKET_DEFAULTS.models);
    assert.deepEqual(d('Overrides')['default'], MARKET_DEFAULTS.overrides);
    assert.deepEqual(d('Qc')['default'], MARKET_DEFAULTS.qc);
    assert.deepEqual(props(d('Series'))['start']?.['default'], MARKET_DEFAULTS.series.start);
    for (const [section, defaults] of [
      ['Search', MARKET_DEFAULTS.search],
      ['Evaluation', MARKET_DEFAULTS.evaluation],
      ['Forecast', MARKET_DEFAULTS.forecast],
    ] as const) {
      const schemaDefaults = Object.fromEntries(Object.entries(props(d(section))).map(([k, v]) => [k, v['default']]));
      assert.deepEqual(schemaDefaults, { ...defaults }, section);
    }
    const item = (s: Schema): Schema => s['items'] as Schema;
    assert.deepEqual(props(item(d('Events')))['before']?.['default'], ITEM_DEFAULTS.events.before);
    assert.deepEqual(props(item(d('Events')))['after']?.['default'], ITEM_DEFAULTS.events.after);
    assert.deepEqual(props(item(d('Qc')))['severity']?.['default'], ITEM_DEFAULTS.qc.severity);
    const [fixed, similar] = d('Proxies')['oneOf'] as Schema[];
    assert.deepEqual(props(item(props(fixed as Schema)['markets'] as Schema))['weight']?.['default'], ITEM_DEFAULTS.proxyMarket.weight);
    for (const key of ['k', 'candidates', 'exclude'] as const) assert.deepEqual(props(similar as Schema)[key]?.['default'], ITEM_DEFAULTS.similarProxies[key]);
    for (const branch of d('Custom')['oneOf'] as Schema[]) assert.deepEqual(props(branch)['review']?.['default'], ITEM_DEFAULTS.custom.review);
    assert.deepEqual(d('Params')['default'], ITEM_DEFAULTS.modelCandidate.params);

    const project = props(props(SCHEMAS.Project as Schema)['spec'] as Schema);
    const sub = (s: Schema | undefined, ...keys: string[]): Schema => keys.reduce((x, k) => props(x)[k] as Schema, s as Schema);
    assert.equal(sub(project['store'], 'embedded', 'path')['default'], PROJECT_DEFAULTS.storePath);
    assert.equal(sub(project['store'], 'bigquery', 'location')['default'], PROJECT_DEFAULTS.bigqueryLocation);
    assert.equal(sub(project['output'], 'dir')['default'], PROJECT_DEFAULTS.outputDir);
    assert.equal(project['markets']?.['default'], PROJECT_DEFAULTS.markets);
    assert.equal(sub(project['features'], 'market')['default'], PROJECT_DEFAULTS.featuresMarket);
    const schedule = project['schedules']?.['items'] as Schema;
    assert.equal(props(schedule)['timeZone']?.['default'], PROJECT_DEFAULTS.scheduleTimeZone);
    assert.equal(props(schedule)['mode']?.['default'], PROJECT_DEFAULTS.scheduleMode);
    assert.equal(sub(project['report'], 'smtp', 'port')['default'], PROJECT_DEFAULTS.smtpPort);
    assert.equal(sub(project['report'], 'smtp', 'secure')['default'], PROJECT_DEFAULTS.smtpSecure);
  });

  it('schema/types.ts is generated from the current schemas', async () => {
    const committed = await readFile(TYPES_FILE, 'utf8');
    assert.ok(committed === (await generateTypes()), 'schema/types.ts is stale: run npm run schema');
  });

  it('the key reference in README.md is generated from the current schemas', async () => {
    const readme = await readFile(README_FILE, 'utf8');
    const current = currentReference(readme);
    assert.ok(current !== undefined, 'README.md lacks the spec-reference markers');
    assert.ok(current === generateReference(), 'the spec reference in README.md is stale: run npm run schema');
  });

  it('the reference documents every key of both files', () => {
    const reference = generateReference();
    for (const key of ['spec.proxies.k', 'spec.custom.values[].period', 'spec.overrides[].owner', 'spec.evaluation.trainSize', 'spec.models[].params.<name>.loguniform', 'spec.schedules[].cron', 'spec.report.smtp.passwordEnv', 'spec.store.bigquery.dataset']) {
      assert.ok(reference.includes(`\`${key}\``), key);
    }
  });
});
