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

/** A union of named choices and another type (e.g. models: "auto" or a list). */
export function wrongTypeOrChoice(value: unknown, expected: readonly string[], choices: readonly unknown[]): string {
  const names = expected.map((t) => TYPE_NAMES[t] ?? t);
  return `${describeValue(value)} is not allowed here: write ${quoteList(choices)} or ${names.join(' or ')}`;
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

const FORMAT_HINTS: Readonly<Record<string, string>> = {
  email: 'write an e-mail address, e.g. "planning@example.org"',
  hostname: 'write a host name, e.g. "smtp.example.org"',
};

export function invalidFormat(value: unknown, format: string): string {
  const hint = FORMAT_HINTS[format];
  return `${quote(value)} is not a valid ${format}${hint === undefined ? '' : `: ${hint}`}`;
}

const PATTERN_HINTS: Readonly<Record<string, string>> = {
  '^[a-z0-9][a-z0-9_-]*$': 'use lowercase letters, digits, "-" and "_", starting with a letter or digit',
  '^[a-z][a-z0-9_-]*$': 'use lowercase letters, digits, "-" and "_", starting with a letter',
  '^[A-Z]{2}$': 'use a two-letter ISO 3166-1 country code in capitals, e.g. "SE"',
  '^(mae|rmse|mape|smape|mase(@[1-9][0-9]*)?)$': 'use one of "mae", "rmse", "mape", "smape", "mase" or "mase@<period>" (e.g. "mase@52")',
  '^[A-Z_][A-Z0-9_]*$': 'write the name of an environment variable (capitals, digits and "_"), e.g. "SMTP_PASSWORD", never the secret itself',
  '^[a-z][a-z0-9-]{4,28}[a-z0-9]$': 'write a Google Cloud project id: 6 to 30 lowercase letters, digits and "-", starting with a letter',
  '^[A-Za-z0-9_]{1,1024}$': 'write a BigQuery dataset name: letters, digits and "_"',
  '^[A-Za-z][A-Za-z0-9_]*$': 'write a parameter name: letters, digits and "_", starting with a letter',
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

// --- Limits and secrets -------------------------------------------------------------------------

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

export function fileTooLarge(bytes: number, limit: number): string {
  return `the file is ${sizeText(bytes)}, more than the ${sizeText(limit)} a spec file may have: a spec file is a few kilobytes; keep data in the sources, not in specs`;
}

export function nestingTooDeep(limit: number): string {
  return `mappings and lists are nested more than ${limit} levels deep: a spec is never that deep; check the indentation and brackets`;
}

export function complexKey(): string {
  return 'a key is a list or a mapping (written with "? "): spec keys are plain words; write the key as a single word';
}

export function aliasLimit(limit: number): string {
  return `aliases (*name) expand to more than ${limit} values: this looks like an alias bomb; write the values out or use fewer aliases`;
}

export function inlineSecret(key: string, envKey: string): string {
  return `secrets are never written in spec files: remove ${quote(key)}, put the value in an environment variable and write its name as "${envKey}: MY_VARIABLE"`;
}

export function keyNotAllowed(key: string, tag: string, current: unknown, allowedWith: readonly string[]): string {
  const here = current === undefined ? '' : ` with ${tag} ${quote(current)}`;
  return `key ${quote(key)} is not allowed${here}: it is only used with ${tag} ${allowedWith.map((v) => quote(v)).join(' or ')}; remove it or change ${quote(tag)}`;
}

export function exactlyOneKey(allowed: readonly string[], written: readonly string[]): string {
  const which = allowed.map((k) => quote(k)).join(', ');
  return written.length === 0 ? `write one of the keys ${which}` : `write exactly one of the keys ${which}, not ${written.map((k) => quote(k)).join(' and ')}`;
}

// --- Presets and merging ------------------------------------------------------------------------

export function unknownPreset(name: string, known: readonly string[]): string {
  const knownText = known.length === 0 ? 'forecast.yaml declares no presets (spec.presets)' : `declare it under spec.presets in forecast.yaml or use one of ${quoteList(known)}`;
  return `preset ${quote(name)} does not exist: ${didYouMean(name, known)}${knownText}`;
}

export function incompleteSeries(key: string, extendsName: string | null): string {
  const where = extendsName === null ? 'in a preset it extends, or in spec.defaults of forecast.yaml' : `in preset ${quote(extendsName)} or in spec.defaults of forecast.yaml`;
  return `series.${key} is not set: write "${key}: ..." under series in the market file, ${where}`;
}

export function modelineMissing(schemaPath: string): string {
  return `the file does not start with the schema modeline: make its first line "# yaml-language-server: $schema=${schemaPath}" so editors complete and document every key`;
}

export function modelineWrongSchema(written: string, expected: string): string {
  return `the modeline names ${quote(written)}, but this kind of file is described by ${quote(expected)}: write "# yaml-language-server: $schema=${expected}"`;
}

// --- Windows, dates and data ---------------------------------------------------------------------

export function windowOverlap(what: string, first: number, second: number): string {
  return `this ${what} window overlaps ${what} ${first + 1} (item ${second + 1} starts before item ${first + 1} ends): merge them or make them not overlap`;
}

export function dataFileMissing(file: string): string {
  return `data file ${quote(file)} does not exist: the checks that need the data (history length, date ranges) were skipped; check series.key and the source's path`;
}

export function dataFileUnreadable(file: string, reason: string): string {
  return `data file ${quote(file)} cannot be read (${reason}): the checks that need the data were skipped`;
}

export function disruptionOutsideData(from: string, to: string, first: string, last: string): string {
  return `this disruption (${from} to ${to}) lies outside the data, which runs from ${first} to ${last}: it has no effect; fix the dates or remove it`;
}

export function overrideInPast(to: string, reference: string, basis: 'data' | 'today'): string {
  const what = basis === 'data' ? `the forecast, which starts on ${reference} (after the last observation)` : `today (${reference})`;
  return `this override ends on ${to}, before ${what}: it changes nothing; move its window into the forecast or remove it`;
}

export function historyTooShort(market: string, usable: number, needed: number, parts: string): string {
  return `market ${quote(market)} has ${usable} usable observations, fewer than the evaluation needs (${needed} = ${parts}): lower evaluation.folds, step, holdout or horizon`;
}

export function weightsLength(count: number, horizon: number): string {
  return `evaluation.weights has ${count} weight${count === 1 ? '' : 's'}, but evaluation.horizon is ${horizon}: give one weight per horizon step, or use "uniform" or "linear"`;
}

export function trainSizeIgnored(): string {
  return `evaluation.trainSize is only used with window "sliding": remove it, or set "window: sliding"`;
}

export function ensembleOfOne(ensemble: string): string {
  return `evaluation.ensemble is ${quote(ensemble)} but evaluation.top is 1, so there is nothing to combine: set top to 2 or more, or "ensemble: none"`;
}

// --- Models and search spaces --------------------------------------------------------------------

export function boundsOrder(kind: string, a: number, b: number): string {
  return `${kind} bounds [${a}, ${b}] are not increasing: write [a, b] with a < b`;
}

export function logBoundsPositive(a: number): string {
  return `loguniform needs positive bounds, but the lower bound is ${a}: use a lower bound above 0 (e.g. 0.001), or uniform`;
}

export function pinnedFamilyUnknown(family: string, known: readonly string[]): string {
  return `pin_model names model family ${quote(family)}, which is not known: ${didYouMean(family, known)}use one of ${quoteList(known)}`;
}

// --- Proxies, custom, features ---------------------------------------------------------------------

export function proxyIsSelf(id: string): string {
  return `market ${quote(id)} cannot be its own proxy: name other, launched markets`;
}

export function proxyUnknown(id: string, known: readonly string[]): string {
  return `market ${quote(id)} does not exist: ${didYouMean(id, known)}name a market of the project`;
}

export function proxyNotLaunched(id: string): string {
  return `market ${quote(id)} has not launched yet (it is a new market launching on or after this one): use markets with history as proxies`;
}

export function featuresNotDeclared(method: string): string {
  return `proxies with method ${quote(method)} compare markets by features, but forecast.yaml declares no spec.features: add "features: {path: ...}" there, or use method "fixed"`;
}

export function customModuleMissing(file: string): string {
  return `custom module ${quote(file)} does not exist: check the path (relative to the project root)`;
}

export function customModuleBroken(file: string, reason: string): string {
  return `custom module ${quote(file)} cannot be loaded: ${reason.split('\n')[0] ?? reason}`;
}

export function customModuleContract(file: string, missing: readonly string[]): string {
  return `custom module ${quote(file)} does not export a model family: its default export needs ${missing.join(', ')} (see runtime/models/contract.ts)`;
}

// --- Project ---------------------------------------------------------------------------------------

const COUNTRY_ALIASES: Readonly<Record<string, string>> = { UK: 'GB', EL: 'GR', EN: 'GB' };

export function unknownCountry(code: string): string {
  const alias = COUNTRY_ALIASES[code];
  const hint = alias === undefined ? '' : `did you mean ${quote(alias)}? `;
  return `${quote(code)} is not an ISO 3166-1 alpha-2 country code: ${hint}use the two-letter code, e.g. "SE", "DE", "GB"`;
}

export function badCron(expression: string, problem: string): string {
  return `cron expression ${quote(expression)} is not valid: ${problem}; write five fields "minute hour day-of-month month day-of-week", e.g. "0 6 * * 1"`;
}

export function unknownTimeZone(zone: string, known: readonly string[]): string {
  return `${quote(zone)} is not an IANA time zone: ${didYouMean(zone, known)}write e.g. "Europe/Stockholm" or "UTC"`;
}

export function duplicateName(what: string, name: string): string {
  return `${what} name ${quote(name)} is used twice: give each ${what} its own name`;
}

export function smtpMissing(count: number): string {
  return `the report has ${count} recipient${count === 1 ? '' : 's'} but no smtp server: add report.smtp (host, from) or remove the recipients`;
}

// --- Runtime gaps (item "nothing silently ignored") -----------------------------------------------

/** Printed by `forecast run` for each key whose runtime does not exist yet. */
export function notYetApplied(market: string, key: string): string {
  return `market ${quote(market)}: ${quote(key)} is accepted by the spec language but not applied yet (its runtime does not exist): this run ignores it`;
}

/** Printed by `forecast run` for each project key whose runtime does not exist yet. */
export function projectKeyNotYetApplied(key: string): string {
  return `forecast.yaml: ${quote(key)} is accepted by the spec language but not applied yet (its runtime does not exist): this run ignores it`;
}

// --- Commands ---------------------------------------------------------------------------------------

export function badSelector(selector: string): string {
  return `${quote(selector)} is not a market selector: write "market:<id>", e.g. "market:sv"`;
}

export function unknownMarket(id: string, known: readonly string[]): string {
  return `market ${quote(id)} is not in the project: ${didYouMean(id, known)}known markets: ${known.join(', ')}`;
}

export function marketFileExists(file: string): string {
  return `${quote(file)} already exists: choose another id, or pass --force to overwrite it`;
}

export function badMarketId(id: string): string {
  return `${quote(id)} cannot be a market id: ${PATTERN_HINTS['^[a-z0-9][a-z0-9_-]*$'] ?? 'use lowercase letters and digits'}`;
}
