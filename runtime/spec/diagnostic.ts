/**
 * A problem found in a spec file, located in the file's text so editors and terminals can jump to it.
 * Every phase (load, validate, normalize) reports through this one shape.
 */
import path from 'node:path';

export type DiagnosticSeverity = 'error' | 'warning';

export interface Diagnostic {
  /** The file as it was given to the loader (absolute when it came from loadProject / validatePaths). */
  readonly file: string;
  /** 1-based line of the first character. */
  readonly line: number;
  /** 1-based column of the first character. */
  readonly col: number;
  /** 1-based line of the end. */
  readonly endLine: number;
  /** 1-based column just past the last character (exclusive), as in editors' ranges. */
  readonly endCol: number;
  readonly severity: DiagnosticSeverity;
  /** Stable id of the check, e.g. `schema/unknown-key` or `id-matches-file`. */
  readonly rule: string;
  /** JSON pointer of the value the diagnostic is about, e.g. `/spec/series/frequency`; '' for the whole file. */
  readonly path: string;
  readonly message: string;
}

/** A source range in the same 1-based coordinates as a Diagnostic. */
export interface SourceRange {
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
}

/** The range used when nothing better is known (the start of the file). */
export const FILE_START: SourceRange = Object.freeze({ line: 1, col: 1, endLine: 1, endCol: 1 });

export function makeDiagnostic(
  file: string,
  range: SourceRange,
  rule: string,
  jsonPath: string,
  message: string,
  severity: DiagnosticSeverity = 'error',
): Diagnostic {
  return Object.freeze({
    file,
    line: range.line,
    col: range.col,
    endLine: range.endLine,
    endCol: range.endCol,
    severity,
    rule,
    path: jsonPath,
    message,
  });
}

/**
 * `file:line:col: error: message [rule]`, the format compilers use, so terminals and editors make it
 * clickable. Absolute files under `baseDir` are shown relative to it to keep lines short.
 */
export function formatText(d: Diagnostic, baseDir: string = process.cwd()): string {
  return `${displayPath(d.file, baseDir)}:${d.line}:${d.col}: ${d.severity}: ${d.message} [${d.rule}]`;
}

/** `file` relative to `baseDir` when it lies inside it, else unchanged. */
export function displayPath(file: string, baseDir: string = process.cwd()): string {
  if (!path.isAbsolute(file)) return file;
  const rel = path.relative(baseDir, file);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Orders by file, then position, so output is stable whatever order the checks ran in. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.col - b.col ||
      (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0),
  );
}
