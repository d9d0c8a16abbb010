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
  // inlineRefs off: the market definitions are used by three workstreams and by the project's
  // presets; compiled once each instead of inlined everywhere, the code is 13 times smaller and
  // compiles several times faster, and validates just as fast.
  const ajv = new Ajv({ allErrors: true, strict, verbose: true, discriminator: true, inlineRefs: false });
  addFormats.default(ajv);
  // An annotation for the type generator (the TypeScript type of a union ajv checks with if/then).
  ajv.addKeyword({ keyword: 'tsType', schemaType: 'string' });
  // The project schema refers to the market schema's definitions by file name, as editors do.
  ajv.addSchema(marketSchema, MARKET_SCHEMA_FILE);
  return ajv;
}

/** The file name the project schema uses to refer to the market schema. */
export const MARKET_SCHEMA_FILE = 'market.schema.json';

let compiled: Record<SpecKind, ValidateFunction> | undefined;

function validators(): Record<SpecKind, ValidateFunction> {
  if (compiled === undefined) {
    const ajv = createAjv();
    compiled = { Market: ajv.getSchema(MARKET_SCHEMA_FILE) as ValidateFunction, Project: ajv.compile(projectSchema) };
  }
  return compiled;
}

/**
 * The discriminated unions of the spec schemas, by branch: for a key that a branch does not allow
 * but another branch does, the message says which choice of the tag allows it.
 */
const unionOfBranch = new WeakMap<object, { tag: string; union: Record<string, unknown> }>();

/**
 * The `else` of a type-discriminated union (`if: {type: string}, then: {enum}, else: {type: array}`),
 * mapped to its `then` choices: a value of the wrong type is told about both forms.
 */
const choicesOfElse = new WeakMap<object, readonly unknown[]>();

(() => {
  const map = unionOfBranch;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!isRecord(node)) return;
    const then = node['then'];
    if (isRecord(node['else']) && isRecord(then) && Array.isArray(then['enum'])) choicesOfElse.set(node['else'], then['enum']);
    const discriminator = node['discriminator'];
    if (isRecord(discriminator) && Array.isArray(node['oneOf'])) {
      for (const branch of node['oneOf'] as object[]) map.set(branch, { tag: String(discriminator['propertyName']), union: node });
    }
    Object.values(node).forEach(visit);
  };
  visit(marketSchema);
  visit(projectSchema);
})();

/** For a key unknown in one branch of a discriminated union: the tag and the values whose branches allow it. */
function otherBranchesWith(branch: unknown, key: string): { tag: string; values: string[] } | undefined {
  if (!isRecord(branch)) return undefined;
  const found = unionOfBranch.get(branch);
  if (found === undefined) return undefined;
  const values = (found.union['oneOf'] as Record<string, unknown>[]).flatMap((b) => {
    const props = (b['properties'] ?? {}) as Record<string, Record<string, unknown>>;
    // Own keys only: "__proto__" must not find Object.prototype.
    if (b === branch || !Object.hasOwn(props, key)) return [];
    const tagSchema = props[found.tag] ?? {};
    return ((tagSchema['enum'] ?? [tagSchema['const']]) as unknown[]).map(String);
  });
  return values.length === 0 ? undefined : { tag: found.tag, values };
}

/** Keys that hold secrets; the language names an environment variable instead (`<key>Env`). */
const SECRET_KEY = /^(pass(word)?|secret|token|api[_-]?key|user(name)?)$/i;

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
  // `if` only says "must match then"; the then/else errors say why. `propertyNames` only says a
  // name failed; the error about the name itself says how.
  let list = errors.filter((e) => e.keyword !== 'if' && e.keyword !== 'propertyNames');

  // A discriminated union also reports a missing or unknown tag that `required` or the tag's own
  // enum already reports.
  list = list.filter((e) => {
    if (e.keyword !== 'discriminator') return true;
    const tagPath = `${e.instancePath}/${escapePointer(String(e.params['tag']))}`;
    return !list.some(
      (o) =>
        o !== e &&
        (o.instancePath === tagPath || (o.keyword === 'required' && o.instancePath === e.instancePath && o.params['missingProperty'] === e.params['tag'])),
    );
  });

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
  const within = (p: string): boolean => p === union.instancePath || p.startsWith(`${union.instancePath}/`);
  for (const e of list) {
    if (e === union || !e.schemaPath.startsWith(prefix) || !within(e.instancePath)) continue;
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
      const pointer = `${e.instancePath}/${escapePointer(key)}`;
      const allowed = allowedKeys(e);
      const envKey = allowed.find((k) => k.toLowerCase() === `${key.toLowerCase()}env` || (SECRET_KEY.test(key) && /^password/i.test(key) && k === 'passwordEnv'));
      if (SECRET_KEY.test(key) && envKey !== undefined) return at(pointer, 'key', 'no-inline-secrets', msg.inlineSecret(key, envKey));
      const other = otherBranchesWith(e.parentSchema, key);
      if (other !== undefined) {
        const current = isRecord(value) ? value[other.tag] : undefined;
        return at(pointer, 'key', 'schema/key-not-allowed', msg.keyNotAllowed(key, other.tag, current, other.values));
      }
      return at(pointer, 'key', 'schema/unknown-key', msg.unknownKey(key, allowed));
    }
    case 'required': {
      const key = String(p['missingProperty']);
      const d = at(e.instancePath, 'key', 'schema/missing-key', msg.missingKey(key, e.instancePath));
      return { ...d, path: `${e.instancePath}/${escapePointer(key)}` };
    }
    case 'type': {
      const choices = isRecord(e.parentSchema) ? choicesOfElse.get(e.parentSchema) : undefined;
      const text = choices === undefined ? msg.wrongType(value, typeList(p['type'])) : msg.wrongTypeOrChoice(value, typeList(p['type']), choices);
      return at(e.instancePath, 'value', 'schema/type', text);
    }
    case 'enum':
      return at(e.instancePath, 'value', 'schema/enum', msg.notInEnum(value, (p['allowedValues'] as unknown[]) ?? []));
    case 'const':
      return at(e.instancePath, 'value', 'schema/enum', msg.notConst(value, p['allowedValue']));
    case 'format': {
      const format = String(p['format']);
      const text = format === 'date' ? msg.invalidDate(value) : msg.invalidFormat(value, format);
      return at(e.instancePath, 'value', 'schema/format', text);
    }
    case 'pattern': {
      // A key that breaks propertyNames: point at the key, not at the mapping.
      const name = e.propertyName;
      if (name !== undefined) return at(`${e.instancePath}/${escapePointer(name)}`, 'key', 'schema/pattern', msg.patternMismatch(name, String(p['pattern'])));
      return at(e.instancePath, 'value', 'schema/pattern', msg.patternMismatch(value, String(p['pattern'])));
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return at(e.instancePath, 'value', 'schema/range', msg.outOfRange(value, String(p['comparison']), Number(p['limit'])));
    case 'minLength':
      return at(e.instancePath, 'value', 'schema/size', msg.tooShort(value, Number(p['limit'])));
    case 'minItems':
      return at(e.instancePath, 'value', 'schema/size', msg.tooFewItems(lastSegment(e.instancePath), Number(p['limit'])));
    case 'minProperties':
    case 'maxProperties': {
      const keys = allowedKeys(e);
      return at(e.instancePath, e.keyword === 'maxProperties' ? 'value' : 'key', 'schema/one-of', msg.exactlyOneKey(keys, isRecord(value) ? Object.keys(value) : []));
    }
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
