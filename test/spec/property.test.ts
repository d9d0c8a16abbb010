/**
 * The loader never crashes: random text, random data and mutations of real spec files all come
 * back as well-formed diagnostics, never as an exception.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import type { Diagnostic } from '../../runtime/spec/diagnostic.ts';
import { validateMarketText } from '../../runtime/spec/project.ts';
import { validateSchema } from '../../runtime/spec/validate.ts';
import { parseYaml } from '../../runtime/spec/load.ts';
import { fixture, REPO_ROOT, TEST_FAMILIES, TODAY } from './helpers.ts';

const PROJECT = { text: readFileSync(fixture('valid/forecast.yaml'), 'utf8'), file: fixture('valid/forecast.yaml') };
const SEEDS = [
  ...readdirSync(path.join(REPO_ROOT, 'markets')).map((f) => path.join(REPO_ROOT, 'markets', f)),
  ...readdirSync(fixture('valid/markets')).map((f) => fixture('valid/markets', f)),
].map((f) => readFileSync(f, 'utf8'));

function assertWellFormed(ds: readonly Diagnostic[], text: string): void {
  const lines = text.split('\n').length + 1;
  for (const d of ds) {
    assert.ok(Number.isInteger(d.line) && d.line >= 1 && d.line <= Math.max(lines, 1), `line ${d.line} of ${lines}`);
    assert.ok(Number.isInteger(d.col) && d.col >= 1, `col ${d.col}`);
    assert.ok(d.endLine >= d.line, 'endLine');
    assert.ok(d.severity === 'error' || d.severity === 'warning');
    assert.ok(d.rule.length > 0 && d.message.length > 0);
    assert.equal(typeof d.path, 'string');
  }
}

async function check(text: string): Promise<void> {
  const file = fixture('valid/markets/fuzz.yaml');
  const ds = await validateMarketText(text, file, { project: PROJECT, families: TEST_FAMILIES, today: TODAY });
  assertWellFormed(ds, text);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined, 'Object.prototype was polluted');
}

/** One edit of a spec file's text, as a careless hand or a bad merge would make it. */
const mutation = (text: string) => {
  const lines = text.split('\n');
  const at = fc.nat({ max: Math.max(0, text.length - 1) });
  const line = fc.nat({ max: Math.max(0, lines.length - 1) });
  const junk = fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.constantFrom(':', '- ', '  ', '\t', '"', "'", '[', ']', '{', '}', '&a ', '*a', '!!str ', '#', '---\n', '? ', '|', '>', '%', '@', '`', '\\', '\r\n', '\u0000', '__proto__: {polluted: true}'),
  );
  const value = fc.oneof(fc.jsonValue().map((v) => stringify(v, { collectionStyle: 'flow' }).trim()), fc.constantFrom('~', 'null', '.nan', '-.inf', '0x1F', '1e400', '2014-02-30', 'yes', '[]', '{}'));
  return fc.oneof(
    fc.tuple(at, fc.nat({ max: 20 })).map(([i, n]) => text.slice(0, i) + text.slice(i + n)),
    fc.tuple(at, junk).map(([i, s]) => text.slice(0, i) + s + text.slice(i)),
    fc.tuple(line, line).map(([a, b]) => {
      const copy = [...lines];
      [copy[a], copy[b]] = [copy[b] as string, copy[a] as string];
      return copy.join('\n');
    }),
    fc.tuple(line, fc.integer({ min: -4, max: 4 })).map(([i, d]) => lines.map((l, k) => (k !== i ? l : d >= 0 ? ' '.repeat(d) + l : l.slice(-d))).join('\n')),
    fc.tuple(line).map(([i]) => [...lines.slice(0, i + 1), ...lines.slice(i)].join('\n')),
    fc.tuple(line, value).map(([i, v]) => lines.map((l, k) => (k === i ? l.replace(/:\s.*$/, `: ${v}`) : l)).join('\n')),
  );
};

describe('spec loader robustness (property-based)', function () {
  this.timeout(120_000);

  it('random text gives diagnostics, never an exception', async () => {
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 300 }), check), { numRuns: 150 });
    await fc.assert(fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), check), { numRuns: 100 });
  });

  it('random data written as YAML gives diagnostics, never an exception', async () => {
    await fc.assert(fc.asyncProperty(fc.anything({ maxDepth: 4 }), (v) => check(stringify(v) ?? '')), { numRuns: 150 });
  });

  it('spec-shaped data with random values gives diagnostics, never an exception', async () => {
    const keys = ['id', 'name', 'country', 'workstream', 'extends', 'tags', 'series', 'disruptions', 'events', 'models', 'search', 'evaluation', 'forecast', 'proxies', 'custom', 'overrides', 'qc', '__proto__', 'constructor'];
    const spec = fc.dictionary(fc.constantFrom(...keys), fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom('auto', 'mature', 'new', 'custom', 'weekly', 'wikipedia-weekly')), { maxKeys: 10 });
    const doc = fc.record({ apiVersion: fc.constant('forecast/v1'), kind: fc.constant('Market'), spec });
    await fc.assert(fc.asyncProperty(doc, (d) => check(stringify(d))), { numRuns: 200 });
  });

  it('mutations of real spec files give diagnostics, never an exception', async () => {
    const mutated = fc.constantFrom(...SEEDS).chain((text) => fc.array(fc.constant(null), { minLength: 1, maxLength: 3 }).chain((edits) => edits.reduce((arb, _) => arb.chain((t) => mutation(t)), fc.constant(text))));
    await fc.assert(fc.asyncProperty(mutated, check), { numRuns: 400 });
  });

  it('the schema alone never throws on parsed random YAML either', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const loaded = parseYaml(text, 'x.yaml');
        assertWellFormed([...loaded.diagnostics, ...validateSchema(loaded, 'Market'), ...validateSchema(loaded, 'Project')], text);
      }),
      { numRuns: 300 },
    );
  });
});
