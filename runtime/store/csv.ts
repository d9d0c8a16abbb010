/**
 * CSV source reader: one period column and one value column of a delimited file, as raw
 * observations for QA. Nothing is judged here (bad periods and cells are passed on as read, with
 * their line numbers) so that QA can report every problem of a file at once.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { isoWeekToDate, mondayOf, parseIsoDate } from './periods.ts';
import type { RawObservation } from './series.ts';

export type PeriodFormat = 'isoweek' | 'date';

export interface CsvSource {
  readonly path: string;
  /** Header name of the period column. */
  readonly periodColumn: string;
  /** `isoweek`: `2014W39`; `date`: `2014-09-22` (any day names the ISO week containing it). */
  readonly periodFormat: PeriodFormat;
  /** Header name of the value column. */
  readonly valueColumn: string;
}

interface ParsedRecord {
  readonly record: string[];
  /** Byte offset just past the record (csv-parse's `info.bytes`). */
  readonly info: { readonly bytes: number };
}

const LF = 0x0a;
const CR = 0x0d;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export async function readCsvSource(source: CsvSource): Promise<RawObservation[]> {
  const bytes = await readSource(source.path);
  const records = parseRecords(source.path, bytes);
  const header = records[0];
  if (!header) throw new Error(`CSV source ${source.path} is empty: expected a header row`);
  const names = header.record.map((name) => name.trim());
  const periodAt = columnIndex(source, names, source.periodColumn, 'periodColumn');
  const valueAt = columnIndex(source, names, source.valueColumn, 'valueColumn');
  const lineOf = lineLocator(bytes);
  const rows: RawObservation[] = [];
  for (let i = 1; i < records.length; i++) {
    const prev = records[i - 1];
    const rec = records[i];
    if (!prev || !rec) continue;
    const label = rec.record[periodAt] ?? '';
    const cell = rec.record[valueAt] ?? '';
    rows.push({
      line: lineOf(firstContentByte(bytes, prev.info.bytes)),
      period: parsePeriod(label.trim(), source.periodFormat),
      label,
      value: parseValue(cell),
      cell,
    });
  }
  return rows;
}

async function readSource(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new Error(`CSV source not found: ${path}`);
    throw new Error(`Cannot read CSV source ${path}: ${(err as Error).message}`);
  }
}

function parseRecords(path: string, bytes: Buffer): ParsedRecord[] {
  try {
    // Record delimiters (LF, CRLF, CR) are auto-detected; rows with missing trailing cells are
    // kept (the missing cell reads as empty) so QA can name them instead of the parser failing.
    return parse(bytes, {
      bom: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as unknown as ParsedRecord[];
  } catch (err) {
    throw new Error(`Cannot parse CSV source ${path}: ${(err as Error).message}`);
  }
}

function columnIndex(source: CsvSource, names: readonly string[], column: string, option: string): number {
  const index = names.indexOf(column.trim());
  if (index >= 0) return index;
  const available = names.map((n) => `"${n}"`).join(', ');
  throw new Error(`CSV source ${source.path}: column "${column}" (${option}) not found; available columns: ${available}`);
}

/**
 * Where the next record really starts: csv-parse skips blank lines before a record but counts
 * them into that record's span, so step over line breaks.
 */
function firstContentByte(bytes: Buffer, from: number): number {
  let at = from;
  while (at < bytes.length && (bytes[at] === LF || bytes[at] === CR)) at++;
  return at;
}

/**
 * Maps a byte offset to its 1-based physical line, counting CRLF, CR and LF as one break each.
 * Done here rather than with csv-parse's `info.lines`, which counts a CRLF inside a quoted cell
 * as two lines.
 */
function lineLocator(bytes: Buffer): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === LF || (b === CR && bytes[i + 1] !== LF)) starts.push(i + 1);
  }
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

function parsePeriod(label: string, format: PeriodFormat): string | null {
  if (format === 'isoweek') return isoWeekToDate(label);
  const date = parseIsoDate(label);
  return date === null ? null : mondayOf(date);
}

/** Plain decimal numbers only: `Number()` would also accept '', '0x10' and 'Infinity'. */
function parseValue(cell: string): number {
  const text = cell.trim();
  return NUMBER.test(text) ? Number(text) : Number.NaN;
}
