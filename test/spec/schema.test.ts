import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { generateTypes, TYPES_FILE } from '../../runtime/spec/generate-types.ts';
import { MARKET_DEFAULTS, PROJECT_DEFAULTS } from '../../runtime/spec/normalize.ts';
import { createAjv, SCHEMAS } from '../../runtime/spec/validate.ts';

type Schema = Record<string, unknown>;

/** Every subschema with the JSON pointer (into the schema) where it sits. */
function* walk(schema: Schema, where = '#'): Generator<{ schema: Schema; where: string; isProperty: boolean }> {
  const properties = (schema['properties'] ?? {}) as Record<string, Schema>;
  for (const [key, sub] of Object.entries(properties)) {
    yield { schema: sub, where: `${where}/properties/${key}`, isProperty: true };
    yield* walk(sub, `${where}/properties/${key}`);
  }
  const items = schema['items'] as Schema | undefined;
  if (items !== undefined) {
    yield { schema: items, where: `${where}/items`, isProperty: true };
    yield* walk(items, `${where}/items`);
  }
  for (const keyword of ['oneOf', 'anyOf', 'allOf'] as const) {
    for (const [i, sub] of ((schema[keyword] ?? []) as Schema[]).entries()) yield* walk(sub, `${where}/${keyword}/${i}`);
  }
  for (const [name, sub] of Object.entries((schema['definitions'] ?? {}) as Record<string, Schema>)) {
    yield { schema: sub, where: `${where}/definitions/${name}`, isProperty: true };
    yield* walk(sub, `${where}/definitions/${name}`);
  }
}

function schemaAt(schema: Schema, ...keys: string[]): Schema {
  return keys.reduce((s, k) => ((s['properties'] as Record<string, Schema>)[k] as Schema), schema);
}

/** Objects whose keys are free-form on purpose (each model family validates its own params). */
const OPEN_OBJECTS = ['#/properties/spec/properties/models/items/properties/params'];

describe('spec/schema', () => {
  for (const [kind, schema] of Object.entries(SCHEMAS) as [string, Schema][]) {
    describe(`${kind} schema`, () => {
      it('compiles in ajv strict mode', () => {
        createAjv().compile(schema);
      });

      it('describes every property', () => {
        const missing = [...walk(schema)]
          .filter((s) => s.isProperty && (typeof s.schema['description'] !== 'string' || s.schema['description'] === ''))
          .map((s) => s.where);
        assert.deepEqual(missing, [], 'add a description (meaning, default, unit) to these properties');
      });

      it('is closed: every object sets additionalProperties, false unless free-form on purpose', () => {
        const wrong = [{ schema, where: '#' }, ...walk(schema)]
          .filter((s) => s.schema['type'] === 'object')
          .filter((s) => s.schema['additionalProperties'] !== OPEN_OBJECTS.includes(s.where))
          .map((s) => s.where);
        assert.deepEqual(wrong, []);
      });

      it('requires the envelope', () => {
        assert.deepEqual(schema['required'], ['apiVersion', 'kind', 'spec']);
        assert.equal(schemaAt(schema, 'apiVersion')['const'], 'forecast/v1');
        assert.equal(schemaAt(schema, 'kind')['const'], kind);
      });
    });
  }

  it('states the same defaults as the normalizer applies', () => {
    const market = SCHEMAS.Market as Schema;
    const d = (...keys: string[]): unknown => schemaAt(market, 'spec', ...keys)['default'];
    assert.deepEqual(d('tags'), MARKET_DEFAULTS.tags);
    assert.deepEqual(d('disruptions'), MARKET_DEFAULTS.disruptions);
    assert.deepEqual(
      (d('models') as { family: string }[]).map((m) => ({ params: {}, ...m })),
      MARKET_DEFAULTS.models,
    );
    for (const key of ['horizon', 'folds', 'step', 'metric'] as const) {
      assert.deepEqual(d('evaluation', key), MARKET_DEFAULTS.evaluation[key], `evaluation.${key}`);
    }
    assert.deepEqual(d('forecast', 'horizon'), MARKET_DEFAULTS.forecast.horizon);
    assert.deepEqual(d('forecast', 'levels'), MARKET_DEFAULTS.forecast.levels);

    const project = SCHEMAS.Project as Schema;
    const p = (...keys: string[]): unknown => schemaAt(project, 'spec', ...keys)['default'];
    assert.equal(p('store', 'embedded', 'path'), PROJECT_DEFAULTS.storePath);
    assert.equal(p('output', 'dir'), PROJECT_DEFAULTS.outputDir);
    assert.equal(p('markets'), PROJECT_DEFAULTS.markets);
  });

  it('schema/types.ts is generated from the current schemas', async () => {
    const committed = await readFile(TYPES_FILE, 'utf8');
    assert.ok(committed === (await generateTypes()), 'schema/types.ts is stale: run npm run schema');
  });
});
