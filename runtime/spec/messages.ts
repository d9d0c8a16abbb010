/**
 * Every user-facing message of the spec phases, in one place so wording stays consistent and tests
 * can assert a message by calling the same function. Each message names the offending value in
 * quotes and says how to fix it.
 */

/** The value as the user wrote it, in double quotes. Long values are shortened. */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  const short = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return `"${short}"`;
}

function quoteList(values: readonly unknown[]): string {
  return values.map(quote).join(', ');
}

/** "a string", "a mapping", ... in YAML's own vocabulary, since users write YAML, not JSON. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the string ${quote(value)}`;
    case 'number':
      return Number.isInteger(value) ? `the integer ${quote(value)}` : `the number ${quote(value)}`;
    case 'boolean':
      return `the boolean ${quote(value)}`;
    case 'object':
      return 'a mapping';
    default:
      return quote(value);
  }
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  integer: 'an integer (a whole number)',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping (key: value lines)',
  array: 'a list',
  null: 'empty',
};

/** Edit distance counting a swap of neighbours as one edit (the commonest typo: "nmae"). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The candidate closest to `word`, when close enough to be a plausible typo (or a case slip):
 * at most a third of the word's letters differ.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(lower, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

function didYouMean(word: string, candidates: readonly string[]): string {
  const guess = closest(word, candidates);
  return guess === undefined ? '' : `did you mean ${quote(guess)}? `;
}

/** Where in the file, for messages: `/spec/series` -> `spec.series`; the root -> "the top level". */
export function describePath(pointer: string): string {
  if (pointer === '') return 'the top level';
  const dotted = pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`))
    .join('')
    .slice(1);
  return `"${dotted}"`;
}

// --- YAML ---------------------------------------------------------------------------------------

const YAML_HINTS: Readonly<Record<string, string>> = {
  BAD_INDENT: 'align keys of the same mapping at the same column, and indent nested ones further',
  BLOCK_AS_IMPLICIT_KEY: 'check the indentation and that each "key: value" is on its own line',
  MULTILINE_IMPLICIT_KEY: 'check the indentation and that each "key: value" is on its own line',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  MISSING_CHAR: 'add the missing character',
  MULTIPLE_DOCS: 'keep one document per file (remove the "---" line)',
  UNEXPECTED_TOKEN: 'check the quoting and punctuation of this line',
  BAD_DQ_ESCAPE: 'escape backslashes as \\\\ or use single quotes',
  BAD_ALIAS: 'define the anchor (&name) before using the alias (*name)',
};

/** A YAML syntax error reported by the parser, with a fix when the error code has a known one. */
export function yamlSyntax(code: string, detail: string): string {
  const hint = YAML_HINTS[code];
  const clean = detail.replace(/\.$/, '');
  return hint === undefined ? `invalid YAML: ${clean}` : `invalid YAML: ${clean}: ${hint}`;
}

export function unclosedQuote(quoteChar: string): string {
  return `unclosed quote: the string starting here has no closing ${quoteChar}: add one at the end of the value`;
}

export function yamlWarning(detail: string): string {
  return `YAML warning: ${detail.replace(/\.$/, '')}`;
}

export function duplicateKey(key: string): string {
  return `key ${quote(key)} appears more than once in the same mapping: keep one of them`;
}

export function emptyFile(kind: string): string {
  return `the file is empty: start it with "apiVersion: forecast/v1", "kind: ${kind}" and "spec:"`;
}

export function unreadableFile(file: string, reason: string): string {
  return `cannot read ${quote(file)}: ${reason}`;
}

// --- Schema -------------------------------------------------------------------------------------

export function unknownKey(key: string, allowed: readonly string[]): string {
  const allowedText = allowed.length === 0 ? 'no keys are allowed here' : `allowed keys: ${allowed.join(', ')}`;
  return `unknown key ${quote(key)}: ${didYouMean(key, allowed)}${allowedText}`;
}

export function missingKey(key: string, parentPointer: string): string {
  return `missing required key ${quote(key)} in ${describePath(parentPointer)}: add "${key}: ..."`;
}

export function wrongType(value: unknown, expected: readonly string[]): string {
  const names = expected.map((t) => TYPE_NAMES[t] ?? t);
  const hint = expected.includes('string') && value !== null && typeof value !== 'object' ? ' (quote it)' : '';
  return `${describeValue(value)} is not allowed here: write ${names.join(' or ')}${hint}`;
}

export function notInEnum(value: unknown, allowed: readonly unknown[]): string {
  const guess = typeof value === 'string' ? didYouMean(value, allowed.map(String)) : '';
  return `${quote(value)} is not a valid choice: ${guess}use one of ${quoteList(allowed)}`;
}

export function notConst(value: unknown, expected: unknown): string {
  return `${quote(value)} is not allowed here: write ${quote(expected)}`;
}

export function invalidDate(value: unknown): string {
  return `${quote(value)} is not a valid date: write a real calendar day as YYYY-MM-DD, e.g. "2014-09-22"`;
}

export function invalidFormat(value: unknown, format: string): string {
  return `${quote(value)} is not a valid ${format}`;
}

const PATTERN_HINTS: Readonly<Record<string, string>> = {
  '^[a-z0-9][a-z0-9_-]*$': 'use lowercase letters, digits, "-" and "_", starting with a letter or digit',
  '^[a-z][a-z0-9_-]*$': 'use lowercase letters, digits, "-" and "_", starting with a letter',
  '^[A-Z]{2}$': 'use a two-letter ISO 3166-1 country code in capitals, e.g. "SE"',
};

export function patternMismatch(value: unknown, pattern: string): string {
  return `${quote(value)} is not allowed here: ${PATTERN_HINTS[pattern] ?? `it must match ${pattern}`}`;
}

export function outOfRange(value: unknown, comparison: string, limit: number): string {
  return `${quote(value)} is out of range: it must be ${comparison} ${limit}`;
}

export function tooShort(value: unknown, min: number): string {
  return min === 1 ? `${quote(value)} is empty: write a value` : `${quote(value)} is too short: write at least ${min} characters`;
}

export function tooFewItems(key: string, min: number): string {
  return `${quote(key)} needs at least ${min} item${min === 1 ? '' : 's'}: add ${min === 1 ? 'one' : 'more'}`;
}

export function tooManyItems(key: string, max: number): string {
  return `${quote(key)} has more than ${max} item${max === 1 ? '' : 's'}: remove some`;
}

export function duplicateItem(value: unknown, firstIndex: number, secondIndex: number): string {
  return `${quote(value)} is listed twice (items ${firstIndex + 1} and ${secondIndex + 1}): remove one`;
}

export function noMatchingForm(value: unknown): string {
  return `${describeValue(value)} matches none of the allowed forms: see the schema's description of this key`;
}

export function unknownVariant(tagName: string, value: unknown, allowed: readonly string[]): string {
  return `${quote(value)} is not a known ${tagName}: ${typeof value === 'string' ? didYouMean(value, allowed) : ''}use one of ${quoteList(allowed)}`;
}

/** Fallback for schema keywords without a dedicated message. */
export function schemaViolation(detail: string): string {
  return `invalid value: ${detail}`;
}

// --- Semantic checks ----------------------------------------------------------------------------

export function unknownKind(value: unknown): string {
  return `${quote(value)} is not a known kind: use "Market" (in markets/<id>.yaml) or "Project" (in forecast.yaml)`;
}

export function idMismatch(id: string, fileName: string, stem: string): string {
  return `id ${quote(id)} does not match the file name ${quote(fileName)}: set "id: ${stem}" or rename the file to "${id}.yaml"`;
}

export function duplicateId(id: string, otherFile: string): string {
  return `market id ${quote(id)} is already used by ${quote(otherFile)}: give each market its own id`;
}

export function duplicateSource(name: string): string {
  return `source name ${quote(name)} is declared twice: give each source its own name`;
}

export function unknownSource(name: string, known: readonly string[]): string {
  const knownText = known.length === 0 ? 'declare it under spec.sources in forecast.yaml' : `declare it in forecast.yaml or use one of ${quoteList(known)}`;
  return `source ${quote(name)} is not declared in the project: ${didYouMean(name, known)}${knownText}`;
}

export function windowOrder(from: string, to: string): string {
  return `window ends (${quote(to)}) before it starts (${quote(from)}): "to" must be on or after "from"`;
}

export function unknownFamily(family: string, known: readonly string[]): string {
  return `model family ${quote(family)} is not known: ${didYouMean(family, known)}use one of ${quoteList(known)}`;
}

export function missingProjectFile(root: string): string {
  return `no forecast.yaml in ${quote(root)}: create one (kind: Project) or run from the project root`;
}

export function missingPath(p: string): string {
  return `${quote(p)} does not exist: check the path`;
}

export function missingMarketsFolder(folder: string): string {
  return `markets folder ${quote(folder)} does not exist: create it or set spec.markets in forecast.yaml`;
}

export function noMarkets(folder: string): string {
  return `no market files (*.yaml) in ${quote(folder)}: add one per market`;
}

export function noYamlFiles(folder: string): string {
  return `no YAML files in ${quote(folder)}: nothing to validate`;
}
