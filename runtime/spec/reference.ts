/**
 * The key reference of the spec language in README.md, generated from the JSON Schemas'
 * descriptions so that the documentation and the validator cannot disagree. `npm run schema`
 * rewrites the region between the markers; a test fails when it is stale.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import marketSchema from '../../schema/market.schema.json' with { type: 'json' };
import projectSchema from '../../schema/project.schema.json' with { type: 'json' };

export const README_FILE = fileURLToPath(new URL('../../README.md', import.meta.url));
export const REFERENCE_START = '<!-- spec-reference:start -->';
export const REFERENCE_END = '<!-- spec-reference:end -->';

type Schema = Record<string, unknown>;

interface Row {
  readonly key: string;
  readonly type: string;
  readonly description: string;
}

const ROOTS: Readonly<Record<string, Schema>> = {
  'market.schema.json': marketSchema as Schema,
  'project.schema.json': projectSchema as Schema,
};

/** Follows `#/definitions/X` and `market.schema.json#/definitions/X`; returns the schema and the file it lives in. */
function resolve(schema: Schema, file: string): { schema: Schema; file: string } {
  const ref = schema['$ref'];
  if (typeof ref !== 'string') return { schema, file };
  const [target = '', pointer = ''] = ref.split('#');
  const targetFile = target === '' ? file : path.basename(target);
  let node: unknown = ROOTS[targetFile];
  for (const segment of pointer.split('/').filter((s) => s !== '')) node = (node as Schema)[segment];
  return resolve(node as Schema, targetFile);
}

function typeOf(schema: Schema, file: string): string {
  const s = resolve(schema, file).schema;
  if (s['const'] !== undefined) return `\`${JSON.stringify(s['const'])}\``;
  if (Array.isArray(s['enum'])) return s['enum'].map((v) => `\`${JSON.stringify(v)}\``).join(' or ');
  if (s['if'] !== undefined) {
    const then = s['then'] as Schema;
    const otherwise = s['else'] as Schema | undefined;
    const thenText = then['$ref'] !== undefined ? 'search space' : typeOf(then, file);
    return otherwise === undefined ? `any value or ${thenText}` : `${thenText} or ${typeOf(otherwise, file)}`;
  }
  const types = Array.isArray(s['type']) ? (s['type'] as string[]) : [String(s['type'] ?? 'any')];
  return types
    .map((t) => {
      if (t === 'array') {
        const items = s['items'] as Schema | undefined;
        return items === undefined ? 'list' : `list of ${plural(typeOf(items, file))}`;
      }
      if (t === 'object') return 'mapping';
      if (t === 'string' && s['format'] === 'date') return 'date';
      if (t === 'string' && typeof s['format'] === 'string') return `string (${s['format']})`;
      return t;
    })
    .join(' or ');
}

function plural(type: string): string {
  if (type.startsWith('`') || type.includes(' or ')) return type;
  if (type.includes(' (')) return type.replace(' (', 's (');
  return type.endsWith('s') ? type : `${type}s`;
}

function branches(s: Schema): { tag: string; schema: Schema; values: string[] }[] {
  const discriminator = s['discriminator'] as { propertyName: string } | undefined;
  if (discriminator === undefined) return [];
  const tag = discriminator.propertyName;
  return ((s['oneOf'] ?? []) as Schema[]).map((b) => {
    const prop = (b['properties'] as Record<string, Schema>)[tag] as Schema;
    return { tag, schema: b, values: ((prop['enum'] ?? [prop['const']]) as unknown[]).map(String) };
  });
}

function rows(schema: Schema, file: string, prefix: string, out: Row[], note = ''): void {
  const { schema: s, file: f } = resolve(schema, file);
  const properties = new Map<string, { schema: Schema; notes: string[]; variants: { values: string[]; schema: Schema }[] }>();
  for (const [key, sub] of Object.entries((s['properties'] ?? {}) as Record<string, Schema>)) properties.set(key, { schema: sub, notes: [], variants: [] });
  const variants = branches(s);
  for (const { tag, schema: branch, values } of variants) {
    for (const [key, sub] of Object.entries((branch['properties'] ?? {}) as Record<string, Schema>)) {
      if (key === tag) continue;
      const entry = properties.get(key) ?? { schema: sub, notes: [], variants: [] };
      entry.notes.push(...values);
      entry.variants.push({ values, schema: sub });
      properties.set(key, entry);
    }
  }
  const tag = variants[0]?.tag;
  const allValues = variants.flatMap((v) => v.values);
  for (const [key, { schema: sub, notes, variants: seen }] of properties) {
    const onlyWith =
      tag !== undefined && notes.length > 0 && notes.length < allValues.length ? ` (only with ${tag} ${notes.map((n) => `\`${n}\``).join(' or ')})` : '';
    const describe = (x: Schema): string => String(resolve(x, f).schema['description'] ?? x['description'] ?? '');
    if (tag !== undefined && seen.length > 1 && new Set(seen.map((v) => describe(v.schema))).size > 1) {
      // The same key means different things in different variants (e.g. an override's value).
      const description = seen.map((v) => `With ${tag} ${v.values.map((n) => `"${n}"`).join(', ')}: ${describe(v.schema)}`).join(' ');
      const type = [...new Set(seen.map((v) => typeOf(v.schema, f)))].join(' or ');
      out.push({ key: `${prefix}${key}`, type, description });
      continue;
    }
    emit(sub, f, `${prefix}${key}`, out, note + onlyWith);
  }
}

function emit(schema: Schema, file: string, key: string, out: Row[], note: string): void {
  const { schema: s, file: f } = resolve(schema, file);
  const description = String(schema['description'] ?? s['description'] ?? '');
  out.push({ key, type: typeOf(schema, file), description: `${description}${note === '' ? '' : note.replace(/^ /, ' ')}` });
  // Presets and defaults hold market settings, documented once with the market file.
  if (schema['$ref'] === 'market.schema.json#/definitions/MarketSettings') return;
  const additional = s['additionalProperties'];
  if (typeof additional === 'object' && additional !== null) {
    const target = resolve(additional as Schema, f);
    const then = target.schema['then'] as Schema | undefined;
    const item = then ?? target.schema;
    if ((additional as Schema)['$ref'] === 'market.schema.json#/definitions/MarketSettings') return;
    rows(item, target.file, `${key}.<name>.`, out);
    return;
  }
  if (s['type'] === 'object' || s['oneOf'] !== undefined) {
    rows(s, f, `${key}.`, out);
    return;
  }
  const list = s['else'] !== undefined ? (s['else'] as Schema) : s;
  const items = list['items'] as Schema | undefined;
  if (items !== undefined) {
    const target = resolve(items, f).schema;
    if (target['type'] === 'object' || target['oneOf'] !== undefined) rows(items, f, `${key}[].`, out);
  }
}

function table(rowsOf: readonly Row[]): string {
  // Pipes would end the cell; "<id>" would read as an HTML tag outside code spans.
  const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return ['| key | type | meaning, default and unit |', '| --- | --- | --- |', ...rowsOf.map((r) => `| \`${r.key}\` | ${cell(r.type)} | ${cell(r.description)} |`)].join('\n');
}

/** The markdown between the markers: one table per file kind, every key of the schemas. */
export function generateReference(): string {
  const market: Row[] = [];
  rows(marketSchema as Schema, 'market.schema.json', '', market);
  const project: Row[] = [];
  rows(projectSchema as Schema, 'project.schema.json', '', project);
  return [
    '<!-- Generated from schema/*.schema.json by `npm run schema`; edit the schemas, not this table. -->',
    '',
    '#### Market file (`markets/<id>.yaml`)',
    '',
    table(market),
    '',
    '#### Project file (`forecast.yaml`)',
    '',
    'Each preset (`presets.<name>`) and `defaults` may hold the market keys `tags`, `series`, `disruptions`, `events`, `models`, `search`, `evaluation`, `forecast` and `qc`, with the meanings above.',
    '',
    table(project),
  ].join('\n');
}

/** `readme` with the reference region replaced; undefined when the markers are missing. */
export function replaceReference(readme: string): string | undefined {
  const start = readme.indexOf(REFERENCE_START);
  const end = readme.indexOf(REFERENCE_END);
  if (start < 0 || end < start) return undefined;
  return `${readme.slice(0, start + REFERENCE_START.length)}\n${generateReference()}\n${readme.slice(end)}`;
}

/** The region as it is in `readme`, to compare with generateReference(). */
export function currentReference(readme: string): string | undefined {
  const start = readme.indexOf(REFERENCE_START);
  const end = readme.indexOf(REFERENCE_END);
  if (start < 0 || end < start) return undefined;
  return readme.slice(start + REFERENCE_START.length, end).replace(/^\n/, '').replace(/\n$/, '');
}
