/**
 * The output formats of `forecast validate`: one finding per line for terminals and editors, JSON
 * for tools, GitHub Actions workflow commands (annotations on the pull request's diff) and JUnit XML
 * for CI dashboards. Each is a pure function of the diagnostics.
 */
import { displayPath, formatText, type Diagnostic } from './diagnostic.ts';

export const OutputFormat = { text: 'text', json: 'json', github: 'github', junit: 'junit' } as const;
export type OutputFormat = keyof typeof OutputFormat;

export interface FormatOptions {
  /** Files are shown relative to this folder when inside it. Default: the current directory. */
  readonly baseDir?: string;
  /** Every file checked, so JUnit can list the passing ones too. Default: the files with findings. */
  readonly files?: readonly string[];
}

export function formatDiagnostics(format: OutputFormat, diagnostics: readonly Diagnostic[], opts: FormatOptions = {}): string {
  switch (format) {
    case 'text':
      return diagnostics.map((d) => `${formatText(d, opts.baseDir)}\n`).join('');
    case 'json':
      return `${JSON.stringify(diagnostics.map((d) => toJson(d, opts.baseDir)), null, 2)}\n`;
    case 'github':
      return diagnostics.map((d) => `${formatGithub(d, opts.baseDir)}\n`).join('');
    case 'junit':
      return formatJunit(diagnostics, opts);
  }
}

/** One diagnostic as the JSON format writes it (file relative to the base folder). */
export function toJson(d: Diagnostic, baseDir?: string): Record<string, unknown> {
  return {
    file: displayPath(d.file, baseDir),
    line: d.line,
    col: d.col,
    endLine: d.endLine,
    endCol: d.endCol,
    severity: d.severity,
    rule: d.rule,
    path: d.path,
    message: d.message,
  };
}

/** Workflow command data: the runner decodes %25, %0D and %0A. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Workflow command properties also end at "," and ":", so those are encoded too. */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::error file=F,line=L,col=C,endLine=..,endColumn=..,title=RULE::message` */
export function formatGithub(d: Diagnostic, baseDir?: string): string {
  const command = d.severity === 'error' ? 'error' : 'warning';
  const props = [
    `file=${escapeProperty(displayPath(d.file, baseDir))}`,
    `line=${d.line}`,
    `col=${d.col}`,
    `endLine=${d.endLine}`,
    `endColumn=${d.endCol}`,
    `title=${escapeProperty(d.rule)}`,
  ];
  return `::${command} ${props.join(',')}::${escapeData(d.message)}`;
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/**
 * One test suite, one test case per file: a file with errors fails (one failure listing them all,
 * since JUnit allows one per case), warnings go to the case's system-out.
 */
export function formatJunit(diagnostics: readonly Diagnostic[], opts: FormatOptions = {}): string {
  const files = [...new Set([...(opts.files ?? []), ...diagnostics.map((d) => d.file)])];
  const cases = files.map((file) => {
    const name = displayPath(file, opts.baseDir);
    const mine = diagnostics.filter((d) => d.file === file);
    const errors = mine.filter((d) => d.severity === 'error');
    const warnings = mine.filter((d) => d.severity === 'warning');
    const lines = (list: readonly Diagnostic[]): string => xml(list.map((d) => formatText(d, opts.baseDir)).join('\n'));
    const body = [
      errors.length > 0 ? `      <failure message="${xml(`${errors.length} error(s)`)}" type="${xml(errors[0]?.rule ?? '')}">${lines(errors)}</failure>` : '',
      warnings.length > 0 ? `      <system-out>${lines(warnings)}</system-out>` : '',
    ].filter((x) => x !== '');
    const open = `    <testcase classname="forecast.validate" name="${xml(name)}"`;
    return body.length === 0 ? `${open}/>` : `${open}>\n${body.join('\n')}\n    </testcase>`;
  });
  const failures = files.filter((f) => diagnostics.some((d) => d.file === f && d.severity === 'error')).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="forecast validate" tests="${files.length}" failures="${failures}" errors="0">`,
    `  <testsuite name="specs" tests="${files.length}" failures="${failures}" errors="0" skipped="0">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
