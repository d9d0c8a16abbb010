/**
 * Phase 1: YAML text -> plain data, keeping the parsed document so that any JSON pointer can be
 * mapped back to a range of the text. Later phases never look at offsets themselves.
 */
import { open } from 'node:fs/promises';
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

/**
 * Limits that keep a hostile or broken file from exhausting memory or the stack. Spec files are a
 * few kilobytes, so each limit is far above any real file and is reported as its own clear error.
 */
export const LIMITS = Object.freeze({
  /** Largest spec file read, in bytes. */
  maxBytes: 1024 * 1024,
  /** Most alias (*name) expansions in one file: stops "billion laughs" expansion. */
  maxAliasCount: 100,
  /** Deepest nesting of mappings and lists. */
  maxDepth: 64,
});

/** Parse YAML text. Never throws: problems come back as diagnostics. */
export function parseYaml(text: string, file: string): LoadedFile {
  const lineCounter = new LineCounter();
  if (Buffer.byteLength(text, 'utf8') > LIMITS.maxBytes) {
    return failed(text, file, lineCounter, 'yaml/too-large', msg.fileTooLarge(Buffer.byteLength(text, 'utf8'), LIMITS.maxBytes));
  }
  // The parser recurses on nesting and can exhaust memory on absurd nesting (thousands of levels),
  // which no try/catch can recover from; a linear scan rejects such text before parsing.
  const tooDeepAt = prescanDepth(text, LIMITS.maxDepth);
  if (tooDeepAt !== undefined) {
    const loaded = failed(text, file, lineCounter, 'yaml/too-deep', msg.nestingTooDeep(LIMITS.maxDepth));
    const range = offsetsToRange(lineCounterOf(text), tooDeepAt, tooDeepAt + 1);
    return Object.freeze({ ...loaded, diagnostics: Object.freeze([makeDiagnostic(file, range, 'yaml/too-deep', '', msg.nestingTooDeep(LIMITS.maxDepth))]) });
  }
  let doc: Document.Parsed;
  try {
    // The core schema (YAML 1.2) keeps 2014-09-22 a string, so dates reach the validator as written.
    doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, schema: 'core' });
  } catch (e) {
    // The parser recurses on nesting; only absurd nesting exhausts the stack.
    if (e instanceof RangeError) return failed(text, file, lineCounter, 'yaml/too-deep', msg.nestingTooDeep(LIMITS.maxDepth));
    throw e;
  }
  const diagnostics: Diagnostic[] = [];
  for (const error of doc.errors) {
    const d = errorDiagnostic(doc, lineCounter, file, error);
    // After a syntax error the parser is out of step with the text, so later syntax errors are
    // mostly echoes of the first; the first is the one to fix.
    if (d.rule === 'yaml/syntax' && diagnostics.some((x) => x.rule === 'yaml/syntax')) continue;
    diagnostics.push(d);
  }
  for (const warning of doc.warnings) {
    const range = offsetsToRange(lineCounter, warning.pos[0], warning.pos[1]);
    diagnostics.push(makeDiagnostic(file, range, 'yaml/warning', '', msg.yamlWarning(warning.message), 'warning'));
  }
  let data: unknown;
  const deep = firstTooDeep(doc.contents, LIMITS.maxDepth);
  const complexKey = deep === undefined ? firstCollectionKey(doc.contents) : undefined;
  if (diagnostics.some((d) => d.rule === 'yaml/too-deep')) {
    data = undefined;
  } else if (complexKey !== undefined) {
    // `? [a, b]: value` is valid YAML, but no spec key is a list or a mapping, and turning one
    // into plain data would make it a string such as "[ a, b ]".
    diagnostics.push(makeDiagnostic(file, nodeRange(lineCounter, complexKey), 'yaml/complex-key', '', msg.complexKey()));
    data = undefined;
  } else if (deep !== undefined) {
    diagnostics.push(makeDiagnostic(file, nodeRange(lineCounter, deep), 'yaml/too-deep', '', msg.nestingTooDeep(LIMITS.maxDepth)));
    data = undefined;
  } else {
    try {
      data = doc.toJS({ maxAliasCount: LIMITS.maxAliasCount }) as unknown;
    } catch (e) {
      // toJS throws for alias abuse (exponential expansion) and for an alias to a missing anchor.
      const alias = firstAlias(doc.contents);
      const range = alias === undefined ? FILE_START : nodeRange(lineCounter, alias);
      const excessive = /alias/i.test((e as Error).message) && /excessive|resource/i.test((e as Error).message);
      diagnostics.push(
        excessive
          ? makeDiagnostic(file, range, 'yaml/alias-limit', '', msg.aliasLimit(LIMITS.maxAliasCount))
          : makeDiagnostic(file, range, 'yaml/syntax', '', msg.yamlSyntax('ALIAS', (e as Error).message)),
      );
      data = undefined;
    }
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

/** A file that could not be parsed at all: an empty document and one diagnostic. */
function failed(text: string, file: string, lineCounter: LineCounter, rule: string, message: string): LoadedFile {
  const doc = parseDocument('', { lineCounter: new LineCounter() });
  const d = makeDiagnostic(file, FILE_START, rule, '', message);
  return Object.freeze({ file, text, doc, lineCounter, data: undefined, syntaxOk: false, diagnostics: Object.freeze([d]) });
}

/** Read and parse a file. A file that cannot be read becomes a diagnostic, not an exception. */
export async function readYaml(file: string): Promise<LoadedFile> {
  let text: string;
  try {
    const handle = await open(file, 'r');
    try {
      // Checked before reading, so a huge file is never loaded into memory.
      const size = (await handle.stat()).size;
      if (size > LIMITS.maxBytes) return failed('', file, new LineCounter(), 'yaml/too-large', msg.fileTooLarge(size, LIMITS.maxBytes));
      text = await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch (e) {
    const loaded = parseYaml('', file);
    const code = (e as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message;
    const d = makeDiagnostic(file, FILE_START, 'file/unreadable', '', msg.unreadableFile(file, reason));
    return Object.freeze({ ...loaded, syntaxOk: false, diagnostics: Object.freeze([d]) });
  }
  return parseYaml(text, file);
}

function lineCounterOf(text: string): LineCounter {
  const lc = new LineCounter();
  lc.addNewLine(0);
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lc.addNewLine(i + 1);
  return lc;
}

/**
 * The offset where `text` nests deeper than `max`, estimated in one pass without parsing: flow
 * brackets outside quotes and comments, plus block levels (indentation steps and "- " items on a
 * line). It may overcount a little; real specs nest about 6 levels, far below the limit.
 */
export function prescanDepth(text: string, max: number): number | undefined {
  let flow = 0;
  const indents: number[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    // Start of a line: block structure.
    let indent = 0;
    while (i < n && text[i] === ' ') {
      indent++;
      i++;
    }
    if (flow === 0 && i < n && text[i] !== '\n' && text[i] !== '#') {
      while (indents.length > 0 && (indents[indents.length - 1] as number) >= indent) indents.pop();
      indents.push(indent);
      let dashes = 0;
      while (i + 1 < n && (text[i] === '-' || text[i] === '?') && text[i + 1] === ' ') {
        dashes++;
        i += 2;
        while (i < n && text[i] === ' ') i++;
      }
      if (indents.length + dashes > max) return i;
    }
    // The rest of the line: flow brackets, skipping quoted text and comments.
    let quote: string | null = null;
    let previous = ' ';
    for (; i < n && (text[i] !== '\n' || quote !== null); i++) {
      const ch = text[i] as string;
      if (quote !== null) {
        if (ch === '\\' && quote === '"') i++;
        else if (ch === quote) quote = null;
      } else if (ch === '#' && (previous === ' ' || previous === '\t')) {
        while (i < n && text[i] !== '\n') i++;
        break;
      } else if (ch === '"' || (ch === "'" && /[\s[{,:]/.test(previous))) {
        quote = ch;
      } else if (ch === '[' || ch === '{') {
        if (++flow > max) return i;
      } else if (ch === ']' || ch === '}') {
        flow = Math.max(0, flow - 1);
      }
      previous = ch;
    }
    i++;
  }
  return undefined;
}

/** The first node nested deeper than `max`, found without recursion (the tree may be deep). */
function firstTooDeep(root: unknown, max: number): Node | undefined {
  const stack: { node: unknown; depth: number }[] = [{ node: root, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: unknown; depth: number };
    if (!isMap(node) && !isSeq(node)) continue;
    if (depth > max) return node;
    for (const item of node.items) {
      if (isPair(item)) {
        stack.push({ node: item.key, depth: depth + 1 }, { node: item.value, depth: depth + 1 });
      } else {
        stack.push({ node: item, depth: depth + 1 });
      }
    }
  }
  return undefined;
}

/** The first mapping key that is itself a list or a mapping, breadth first (aliases not followed). */
function firstCollectionKey(root: unknown): Node | undefined {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.shift();
    if (isMap(node)) {
      for (const pair of node.items) {
        if (isMap(pair.key) || isSeq(pair.key)) return pair.key;
        stack.push(pair.value);
      }
    } else if (isSeq(node)) stack.push(...node.items);
  }
  return undefined;
}

function firstAlias(root: unknown): Node | undefined {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.shift();
    if (isAlias(node)) return node;
    if (isMap(node)) for (const pair of node.items) stack.push(pair.key, pair.value);
    else if (isSeq(node)) stack.push(...node.items);
  }
  return undefined;
}

function errorDiagnostic(doc: Document.Parsed, lc: LineCounter, file: string, error: YAMLError): Diagnostic {
  if (error.code === 'RESOURCE_EXHAUSTION') {
    // The parser ran out of stack on the nesting; say so plainly instead of a stack overflow.
    const range = offsetsToRange(lc, error.pos[0], Math.max(error.pos[1], error.pos[0]));
    return makeDiagnostic(file, range, 'yaml/too-deep', '', msg.nestingTooDeep(LIMITS.maxDepth));
  }
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
