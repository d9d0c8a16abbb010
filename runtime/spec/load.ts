/**
 * Phase 1: YAML text -> plain data, keeping the parsed document so that any JSON pointer can be
 * mapped back to a range of the text. Later phases never look at offsets themselves.
 */
import { readFile } from 'node:fs/promises';
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  Scalar,
  type Document,
  type Node,
  type Pair,
  type YAMLError,
} from 'yaml';
import { FILE_START, makeDiagnostic, type Diagnostic, type SourceRange } from './diagnostic.ts';
import * as msg from './messages.ts';

export interface LoadedFile {
  readonly file: string;
  readonly text: string;
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
  /** The document as plain JSON-like data; undefined when the file is empty. */
  readonly data: unknown;
  /**
   * False when the YAML has syntax errors: the data may then not be what the user meant, so later
   * phases skip it rather than report confusing follow-on errors. Duplicate keys alone keep it true
   * (the structure is sound).
   */
  readonly syntaxOk: boolean;
  /** YAML errors and warnings, located. */
  readonly diagnostics: readonly Diagnostic[];
}

/** Which part of a mapping entry to point at: its key (unknown / missing keys) or its value. */
export type RangePart = 'key' | 'value';

/** Parse YAML text. Never throws: problems come back as diagnostics. */
export function parseYaml(text: string, file: string): LoadedFile {
  const lineCounter = new LineCounter();
  // The core schema (YAML 1.2) keeps 2014-09-22 a string, so dates reach the validator as written.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, schema: 'core' });
  const diagnostics: Diagnostic[] = [];
  const seenLines = new Set<number>();
  for (const error of doc.errors) {
    const d = errorDiagnostic(doc, lineCounter, file, error);
    // One broken line tends to produce several parser errors; the first says the most.
    if (d.rule === 'yaml/syntax' && seenLines.has(d.line)) continue;
    if (d.rule === 'yaml/syntax') seenLines.add(d.line);
    diagnostics.push(d);
  }
  for (const warning of doc.warnings) {
    const range = offsetsToRange(lineCounter, warning.pos[0], warning.pos[1]);
    diagnostics.push(makeDiagnostic(file, range, 'yaml/warning', '', msg.yamlWarning(warning.message), 'warning'));
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (e) {
    // toJS throws only for alias abuse (e.g. exponential expansion); report it like a syntax error.
    diagnostics.push(makeDiagnostic(file, FILE_START, 'yaml/syntax', '', msg.yamlSyntax('ALIAS', (e as Error).message)));
    data = undefined;
  }
  const syntaxOk = diagnostics.every((d) => d.severity !== 'error' || d.rule === 'yaml/duplicate-key');
  return Object.freeze({
    file,
    text,
    doc,
    lineCounter,
    data: data ?? undefined,
    syntaxOk,
    diagnostics: Object.freeze(diagnostics),
  });
}

/** Read and parse a file. A file that cannot be read becomes a diagnostic, not an exception. */
export async function readYaml(file: string): Promise<LoadedFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const loaded = parseYaml('', file);
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    const d = makeDiagnostic(file, FILE_START, 'file/unreadable', '', msg.unreadableFile(file, reason));
    return Object.freeze({ ...loaded, syntaxOk: false, diagnostics: Object.freeze([d]) });
  }
  return parseYaml(text, file);
}

function errorDiagnostic(doc: Document.Parsed, lc: LineCounter, file: string, error: YAMLError): Diagnostic {
  if (error.code === 'DUPLICATE_KEY') {
    const found = findPairByKeyOffset(doc.contents, error.pos[0], '');
    if (found !== undefined && found.pair.key !== null) {
      const keyNode = found.pair.key as Node;
      const name = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      return makeDiagnostic(file, nodeRange(lc, keyNode), 'yaml/duplicate-key', found.pointer, msg.duplicateKey(name));
    }
  }
  if (error.code === 'MISSING_CHAR' && /quote/.test(error.message)) {
    // The parser reports the end of the file; the opening quote is where the user has to look.
    const scalar = findUnclosedQuote(doc.contents, error.pos[0]);
    if (scalar?.range) {
      const start = lc.linePos(scalar.range[0]);
      const range = { line: start.line, col: start.col, endLine: start.line, endCol: start.col + 1 };
      const quoteChar = scalar.type === Scalar.QUOTE_SINGLE ? "'" : '"';
      return makeDiagnostic(file, range, 'yaml/syntax', '', msg.unclosedQuote(quoteChar));
    }
  }
  const range = offsetsToRange(lc, error.pos[0], Math.max(error.pos[1], error.pos[0]));
  return makeDiagnostic(file, range, 'yaml/syntax', '', msg.yamlSyntax(error.code, error.message));
}

function findPairByKeyOffset(node: unknown, offset: number, pointer: string): { pair: Pair; pointer: string } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = pair.key as Node | null;
      const childPointer = `${pointer}/${escapePointer(keyText(key))}`;
      if (key?.range && key.range[0] === offset) return { pair, pointer: childPointer };
      const inner = findPairByKeyOffset(pair.value, offset, childPointer);
      if (inner) return inner;
    }
  } else if (isSeq(node)) {
    for (const [i, item] of node.items.entries()) {
      const inner = findPairByKeyOffset(item, offset, `${pointer}/${i}`);
      if (inner) return inner;
    }
  }
  return undefined;
}

function findUnclosedQuote(node: unknown, offset: number): Scalar | undefined {
  let found: Scalar | undefined;
  const visit = (n: unknown): void => {
    if (isScalar(n)) {
      const quoted = n.type === Scalar.QUOTE_DOUBLE || n.type === Scalar.QUOTE_SINGLE;
      if (quoted && n.range && n.range[0] < offset && n.range[1] >= offset) found = n;
    } else if (isMap(n)) {
      for (const pair of n.items) {
        visit(pair.key);
        visit(pair.value);
      }
    } else if (isSeq(n)) {
      n.items.forEach(visit);
    }
  };
  visit(node);
  return found;
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

export function offsetsToRange(lc: LineCounter, start: number, end: number): SourceRange {
  const a = lc.linePos(start);
  const b = lc.linePos(end);
  return { line: a.line, col: a.col, endLine: b.line, endCol: b.col };
}

function nodeRange(lc: LineCounter, node: Node): SourceRange {
  const range = node.range;
  if (!range) return FILE_START;
  // range[1] ends the value itself; range[2] would include a trailing comment.
  return offsetsToRange(lc, range[0], range[1]);
}

/** Whether a node has text of its own to point at (an empty `key:` value has none). */
function hasText(node: unknown): node is Node {
  return (isScalar(node) || isMap(node) || isSeq(node) || isAlias(node)) && !!node.range && node.range[1] > node.range[0];
}

/**
 * The source range of the value at `pointer` (a JSON pointer into the data), or of its key.
 * For a missing node, the key of the deepest ancestor that exists. List items and the root have no
 * key: for them 'key' means their first key when they are a mapping, else the value itself.
 */
export function locate(loaded: LoadedFile, pointer: string, part: RangePart = 'value'): SourceRange {
  const lc = loaded.lineCounter;
  const segments = pointer === '' ? [] : pointer.slice(1).split('/').map(unescapePointer);
  let node: unknown = loaded.doc.contents;
  let pair: Pair | undefined;
  let resolved = true;
  for (const segment of segments) {
    if (isAlias(node)) node = node.resolve(loaded.doc);
    let next: { node: unknown; pair: Pair | undefined } | undefined;
    if (isMap(node)) {
      const p = node.items.find((it) => isPair(it) && keyText(it.key) === segment);
      if (p) next = { node: p.value, pair: p };
    } else if (isSeq(node) && /^\d+$/.test(segment)) {
      const item = node.items[Number(segment)];
      if (item !== undefined) next = { node: item, pair: undefined };
    }
    if (next === undefined) {
      resolved = false;
      break;
    }
    node = next.node;
    pair = next.pair;
  }
  const keyNode = pair?.key as Node | null | undefined;
  if (part === 'key' || !resolved || !hasText(node)) {
    if (keyNode?.range) return nodeRange(lc, keyNode);
    if (isMap(node)) {
      const firstKey = node.items[0]?.key as Node | null | undefined;
      if (firstKey?.range) return nodeRange(lc, firstKey);
    }
  }
  if (hasText(node)) return nodeRange(lc, node);
  if (keyNode?.range) return nodeRange(lc, keyNode);
  return FILE_START;
}
