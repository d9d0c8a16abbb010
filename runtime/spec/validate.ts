/**
 * Phase 2a: check parsed data against the JSON Schemas and turn ajv's errors into diagnostics
 * located in the YAML text. ajv reports what failed inside the schema; users need to know what to
 * change in their file, so errors are collapsed to one per mistake and pointed at the key or value
 * to edit.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import marketSchema from '../../schema/market.schema.json' with { type: 'json' };
import projectSchema from '../../schema/project.schema.json' with { type: 'json' };
import { makeDiagnostic, sortDiagnostics, type Diagnostic } from './diagnostic.ts';
import { escapePointer, locate, type LoadedFile } from './load.ts';
import * as msg from './messages.ts';

export type SpecKind = 'Market' | 'Project';

export const SPEC_KINDS: readonly SpecKind[] = ['Market', 'Project'];

export const SCHEMAS: Readonly<Record<SpecKind, object>> = { Market: marketSchema, Project: projectSchema };

/**
 * One ajv instance for the spec schemas and any schema plugged in later (model parameters).
 * `discriminator` lets later tagged unions (e.g. per-family params) report only the matching branch.
 */
export function createAjv(strict = true): Ajv {
  const ajv = new Ajv({ allErrors: true, strict, verbose: true, discriminator: true });
  addFormats.default(ajv);
  return ajv;
}

let compiled: Record<SpecKind, ValidateFunction> | undefined;

function validators(): Record<SpecKind, ValidateFunction> {
  if (compiled === undefined) {
    const ajv = createAjv();
    compiled = { Market: ajv.compile(marketSchema), Project: ajv.compile(projectSchema) };
  }
  return compiled;
}

const pluggedValidators = new WeakMap<object, ValidateFunction>();
let pluggedAjv: Ajv | undefined;

/**
 * Compile (once per schema object) a schema that is not one of the spec files', e.g. a model
 * family's params. Not in strict mode: those schemas are written elsewhere, and a keyword ajv
 * finds unusual should not stop users from validating their files.
 */
export function compileSchema(schema: object): ValidateFunction {
  let validate = pluggedValidators.get(schema);
  if (validate === undefined) {
    pluggedAjv ??= createAjv(false);
    validate = pluggedAjv.compile(schema);
    pluggedValidators.set(schema, validate);
  }
  return validate;
}

/** The `kind:` a file declares, when it is one this version knows. */
export function declaredKind(data: unknown): SpecKind | undefined {
  const kind = isRecord(data) ? data['kind'] : undefined;
  return SPEC_KINDS.find((k) => k === kind);
}

/** Schema diagnostics for a parsed file (none when its YAML is broken: those errors come first). */
export function validateSchema(loaded: LoadedFile, kind: SpecKind): Diagnostic[] {
  if (!loaded.syntaxOk) return [];
  if (loaded.data === undefined || loaded.data === null) {
    return [makeDiagnostic(loaded.file, locate(loaded, ''), 'schema/type', '', msg.emptyFile(kind))];
  }
  const validate = validators()[kind];
  if (validate(loaded.data)) return [];
  return diagnoseErrors(loaded, validate.errors ?? []);
}

/**
 * Validate a value found at `basePointer` in the file against another schema (a model family's
 * params) and locate the errors in the file.
 */
export function validateAt(loaded: LoadedFile, basePointer: string, value: unknown, schema: object): Diagnostic[] {
  const validate = compileSchema(schema);
  if (validate(value)) return [];
  const errors = (validate.errors ?? []).map((e) => ({ ...e, instancePath: basePointer + e.instancePath }));
  return diagnoseErrors(loaded, errors);
}

/** ajv errors -> located diagnostics, one per mistake, in the order they appear in the file. */
export function diagnoseErrors(loaded: LoadedFile, errors: readonly ErrorObject[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const error of collapseErrors(errors)) {
    const d = diagnose(loaded, error);
    const id = `${d.path}\u0000${d.rule}\u0000${d.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(d);
  }
  return sortDiagnostics(out);
}

/**
 * Reduce ajv's raw errors (allErrors reports every failed branch of oneOf/anyOf/if) to the ones a
 * user should act on.
 */
export function collapseErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  // `if` only says "must match then"; the then/else errors say why.
  let list = errors.filter((e) => e.keyword !== 'if');

  // Innermost unions first, so an outer union sees its branches already reduced.
  const unions = list
    .filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf')
    .sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  for (const union of unions) {
    if (!list.includes(union)) continue;
    list = collapseUnion(list, union);
  }

  // A value of the wrong type also fails its enum/pattern/format; the type error is the one to fix.
  const typed = new Set(list.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  list = list.filter((e) => e.keyword === 'type' || e.keyword === 'required' || e.keyword === 'additionalProperties' || !typed.has(e.instancePath));

  // A misspelt required key shows up twice (unknown "nmae", missing "name"); the did-you-mean on
  // the unknown key covers both.
  const misspelt = new Set<string>();
  for (const e of list) {
    if (e.keyword !== 'additionalProperties') continue;
    const key = String(e.params['additionalProperty']);
    const guess = msg.closest(key, allowedKeys(e));
    if (guess !== undefined) misspelt.add(`${e.instancePath}/${escapePointer(guess)}`);
  }
  return list.filter(
    (e) => !(e.keyword === 'required' && misspelt.has(`${e.instancePath}/${escapePointer(String(e.params['missingProperty']))}`)),
  );
}

function collapseUnion(list: ErrorObject[], union: ErrorObject): ErrorObject[] {
  const prefix = `${union.schemaPath}/`;
  const branches = new Map<string, ErrorObject[]>();
  for (const e of list) {
    if (e === union || !e.schemaPath.startsWith(prefix)) continue;
    const index = e.schemaPath.slice(prefix.length).split('/')[0] ?? '';
    branches.set(index, [...(branches.get(index) ?? []), e]);
  }
  // Branches behind a $ref carry the referenced schema's paths and cannot be told apart; the
  // union's own error is then the best we have.
  if (branches.size === 0) return list;
  const branchErrors = new Set([...branches.values()].flat());
  const rest = list.filter((e) => e !== union && !branchErrors.has(e));

  const groups = [...branches.values()];
  const allTypeMismatches = groups.every((g) => g.length === 1 && g[0]?.keyword === 'type' && g[0].instancePath === union.instancePath);
  if (allTypeMismatches) {
    const types = [...new Set(groups.flatMap((g) => typeList(g[0]?.params['type'])))];
    const first = groups[0]?.[0] as ErrorObject;
    return [...rest, { ...first, params: { type: types } }];
  }
  // The branch the user most likely meant is the one that got furthest into the value.
  const depth = (g: ErrorObject[]): number => Math.max(...g.map((e) => e.instancePath.split('/').length));
  const best = groups.reduce((a, b) => (depth(b) > depth(a) || (depth(b) === depth(a) && b.length < a.length) ? b : a));
  return [...rest, ...best];
}

function typeList(type: unknown): string[] {
  if (Array.isArray(type)) return type.map(String);
  return String(type).split(',');
}

function allowedKeys(error: ErrorObject): string[] {
  const parent = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
  return Object.keys(parent?.properties ?? {});
}

function lastSegment(pointer: string): string {
  const segment = pointer.slice(pointer.lastIndexOf('/') + 1);
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** One ajv error -> one located diagnostic. */
function diagnose(loaded: LoadedFile, e: ErrorObject): Diagnostic {
  const at = (pointer: string, part: 'key' | 'value', rule: string, message: string): Diagnostic =>
    makeDiagnostic(loaded.file, locate(loaded, pointer, part), rule, pointer, message);
  const p = e.params as Record<string, unknown>;
  const value: unknown = e.data;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p['additionalProperty']);
      return at(`${e.instancePath}/${escapePointer(key)}`, 'key', 'schema/unknown-key', msg.unknownKey(key, allowedKeys(e)));
    }
    case 'required': {
      const key = String(p['missingProperty']);
      const d = at(e.instancePath, 'key', 'schema/missing-key', msg.missingKey(key, e.instancePath));
      return { ...d, path: `${e.instancePath}/${escapePointer(key)}` };
    }
    case 'type':
      return at(e.instancePath, 'value', 'schema/type', msg.wrongType(value, typeList(p['type'])));
    case 'enum':
      return at(e.instancePath, 'value', 'schema/enum', msg.notInEnum(value, (p['allowedValues'] as unknown[]) ?? []));
    case 'const':
      return at(e.instancePath, 'value', 'schema/enum', msg.notConst(value, p['allowedValue']));
    case 'format': {
      const format = String(p['format']);
      const text = format === 'date' ? msg.invalidDate(value) : msg.invalidFormat(value, format);
      return at(e.instancePath, 'value', 'schema/format', text);
    }
    case 'pattern':
      return at(e.instancePath, 'value', 'schema/pattern', msg.patternMismatch(value, String(p['pattern'])));
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return at(e.instancePath, 'value', 'schema/range', msg.outOfRange(value, String(p['comparison']), Number(p['limit'])));
    case 'minLength':
      return at(e.instancePath, 'value', 'schema/size', msg.tooShort(value, Number(p['limit'])));
    case 'minItems':
      return at(e.instancePath, 'value', 'schema/size', msg.tooFewItems(lastSegment(e.instancePath), Number(p['limit'])));
    case 'maxItems':
      return at(e.instancePath, 'value', 'schema/size', msg.tooManyItems(lastSegment(e.instancePath), Number(p['limit'])));
    case 'uniqueItems': {
      // The second occurrence is the one to remove.
      const first = Math.min(Number(p['i']), Number(p['j']));
      const second = Math.max(Number(p['i']), Number(p['j']));
      const item = Array.isArray(value) ? (value as unknown[])[second] : undefined;
      return at(`${e.instancePath}/${second}`, 'value', 'schema/unique', msg.duplicateItem(item, first, second));
    }
    case 'discriminator': {
      const tag = String(p['tag']);
      const tagValue = p['tagValue'];
      const variants = discriminatorValues(e.parentSchema, tag);
      const pointer = p['error'] === 'mapping' ? `${e.instancePath}/${escapePointer(tag)}` : e.instancePath;
      return p['error'] === 'mapping'
        ? at(pointer, 'value', 'schema/enum', msg.unknownVariant(tag, tagValue, variants))
        : at(pointer, 'key', 'schema/missing-key', msg.missingKey(tag, e.instancePath));
    }
    case 'oneOf':
    case 'anyOf':
      return at(e.instancePath, 'value', 'schema/one-of', msg.noMatchingForm(value));
    default:
      return at(e.instancePath, 'value', `schema/${e.keyword}`, msg.schemaViolation(e.message ?? e.keyword));
  }
}

/** The tag values the union's branches accept, for the message. */
function discriminatorValues(parentSchema: unknown, tag: string): string[] {
  const branches = (parentSchema as { oneOf?: unknown[] } | undefined)?.oneOf ?? [];
  return branches.flatMap((b) => {
    const prop = (b as { properties?: Record<string, { const?: unknown; enum?: unknown[] }> }).properties?.[tag];
    if (prop?.const !== undefined) return [String(prop.const)];
    return (prop?.enum ?? []).map(String);
  });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
