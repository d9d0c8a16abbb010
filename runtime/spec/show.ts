/**
 * `forecast show market:ID`: the fully resolved spec of a market as YAML, every value commented
 * with where it came from (the market file, a preset, the project's defaults or the built-in
 * defaults), so "why does this market use 4 folds?" has an answer in one command. The output is
 * itself a valid market file.
 */
import { stringify } from 'yaml';
import marketSchema from '../../schema/market.schema.json' with { type: 'json' };
import { originOf, type Origin, type Resolution } from './resolve.ts';

const definitions = marketSchema.definitions as Record<string, { properties?: Record<string, unknown> }>;

/** Mappings are printed in the order the schema documents their keys. */
const KEY_ORDER: Readonly<Record<string, readonly string[]>> = {
  '': ['id', 'name', 'country', 'workstream', ...Object.keys(marketSchema.properties.spec.oneOf.find((b) => b.title === 'NewMarketSpec')?.properties ?? {})],
  '/series': Object.keys(definitions['Series']?.properties ?? {}),
  '/search': Object.keys(definitions['Search']?.properties ?? {}),
  '/evaluation': Object.keys(definitions['Evaluation']?.properties ?? {}),
  '/forecast': Object.keys(definitions['Forecast']?.properties ?? {}),
};

function ordered(value: Record<string, unknown>, pointer: string): [string, unknown][] {
  const order = KEY_ORDER[pointer];
  const entries = Object.entries(value);
  if (order === undefined) return entries;
  const rank = (k: string): number => (order.includes(k) ? order.indexOf(k) : order.length);
  return entries.sort(([a], [b]) => rank(a) - rank(b));
}

export interface ShowOptions {
  /** The market file's path as shown in the header (e.g. `markets/sv.yaml`). */
  readonly file: string;
  /** The candidates `models: auto` stands for, to say so next to it. */
  readonly autoModels?: readonly string[];
}

type Line = { text: string; origin: Origin | undefined; note?: string };

/** A human name for an origin, as the comments say it. */
export function describeOrigin(origin: Origin): string {
  switch (origin.kind) {
    case 'market':
      return 'market file';
    case 'preset':
      return `preset ${origin.preset ?? ''}`;
    case 'defaults':
      return 'defaults';
    case 'builtin':
      return 'built-in';
  }
}

export function renderResolved(resolution: Resolution, opts: ShowOptions): string {
  const origins = resolution.origins;
  const lines: Line[] = [];
  const originAt = (pointer: string): Origin => originOf(origins, pointer);

  const scalar = (value: unknown): string => (value === null ? 'null' : stringify(value, { lineWidth: 0, collectionStyle: 'flow', flowCollectionPadding: false }).trim());
  const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

  /** Writes `key: value` lines for a mapping; `inherited` is the origin already stated by a parent line. */
  const mapping = (value: Record<string, unknown>, pointer: string, indent: string, inherited: Origin | undefined, firstPrefix?: string): void => {
    let first = true;
    for (const [key, v] of ordered(value, pointer)) {
      const prefix = first && firstPrefix !== undefined ? firstPrefix : indent;
      first = false;
      const at = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      const origin = originAt(at);
      const comment = inherited !== undefined && sameOrigin(origin, inherited) ? undefined : origin;
      if (isMapping(v) && Object.keys(v).length > 0) {
        lines.push({ text: `${prefix}${key}:`, origin: undefined });
        mapping(v, at, `${indent}  `, inherited);
      } else if (Array.isArray(v) && v.some(isMapping)) {
        lines.push({ text: `${prefix}${key}:`, origin: comment });
        v.forEach((item, i) => {
          if (isMapping(item)) mapping(item, `${at}/${i}`, `${indent}    `, origin, `${indent}  - `);
          else lines.push({ text: `${indent}  - ${scalar(item)}`, origin: undefined });
        });
      } else {
        const note = at === '/models' && v === 'auto' && opts.autoModels !== undefined ? `auto: ${opts.autoModels.join(', ')}` : undefined;
        lines.push({ text: `${prefix}${key}: ${scalar(v)}`, origin: comment, ...(note === undefined ? {} : { note }) });
      }
    }
  };

  const spec = resolution.spec as unknown as Record<string, unknown>;
  mapping(spec, '', '  ', undefined);

  const width = Math.min(60, Math.max(...lines.map((l) => (l.origin === undefined ? 0 : l.text.length))) + 2);
  const body = lines.map((l) => {
    if (l.origin === undefined) return l.text;
    const comment = `# ${describeOrigin(l.origin)}${l.note === undefined ? '' : ` (${l.note})`}`;
    return `${l.text.padEnd(width)}${comment}`;
  });
  return [
    `# Market "${String(spec['id'])}" as the run sees it: ${opts.file} merged over its preset, the defaults`,
    '# of forecast.yaml and the built-in defaults. Each comment says where the value came from.',
    'apiVersion: forecast/v1',
    'kind: Market',
    'spec:',
    ...body,
    '',
  ].join('\n');
}

function sameOrigin(a: Origin, b: Origin): boolean {
  return a.kind === b.kind && a.preset === b.preset;
}
