/**
 * Everything the pure planner needs to know about the world, read in one place: the code
 * version, a fingerprint of each market's data, and from the store which results exist, the
 * stored selections and the spec of each market's last good run.
 */
import { readFile } from 'node:fs/promises';
import type { Project, MarketSpec } from '../spec/project.ts';
import { findSource, sourceFile } from '../spec/project.ts';
import type { Store } from '../store/store.ts';
import type { RawObservation } from '../store/series.ts';
import { readCsvSource } from '../store/csv.ts';
import { codeVersion } from './code-version.ts';
import { hashBytes } from './hash.ts';
import type { DataState, PlanState, SelectionRecord } from './plan.ts';

export interface MarketData {
  readonly state: DataState;
  /** Parsed rows (null when the file cannot be read or parsed). */
  readonly rows: readonly RawObservation[] | null;
}

/**
 * Fingerprint of the rows with a parseable period up to `upTo` (inclusive), in file order: the
 * history as tuning saw it. New rows appended later leave it unchanged; a revised value changes it.
 */
export function historyFingerprint(rows: readonly RawObservation[] | null, upTo: string | null): string {
  if (rows === null || upTo === null) return hashBytes('');
  const lines: string[] = [];
  for (const r of rows) if (r.period !== null && r.period <= upTo) lines.push(`${r.period}\t${r.cell.trim()}`);
  return hashBytes(lines.join('\n'));
}

/** Read and fingerprint one market's data file. Never throws: an unreadable file is `missing` (ingest reports why). */
export async function readMarketData(project: Project, market: MarketSpec): Promise<MarketData> {
  const source = findSource(project, market.series.source);
  let file: string;
  try {
    file = sourceFile(project, market);
  } catch {
    return { state: { hash: 'missing', end: null, history: historyFingerprint(null, null) }, rows: null };
  }
  const bytes = await readFile(file).catch(() => null);
  if (bytes === null || !source) return { state: { hash: 'missing', end: null, history: historyFingerprint(null, null) }, rows: null };
  const rows = await readCsvSource({
    path: file,
    periodColumn: source.period.column,
    periodFormat: source.period.format,
    valueColumn: market.series.column,
  }).catch(() => null);
  let end: string | null = null;
  for (const r of rows ?? []) if (r.period !== null && (end === null || r.period > end)) end = r.period;
  return { state: { hash: hashBytes(bytes), end, history: historyFingerprint(rows, end) }, rows };
}

/** Data of every market, a bounded number of files at a time. */
export async function readAllMarketData(project: Project, markets: readonly MarketSpec[] = project.markets): Promise<Map<string, MarketData>> {
  const out = new Map<string, MarketData>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < markets.length) {
      const m = markets[next++]!;
      out.set(m.id, await readMarketData(project, m));
    }
  };
  await Promise.all(Array.from({ length: Math.min(32, markets.length) }, worker));
  return out;
}

export interface LoadStateOptions {
  /** The store, or null to plan as if nothing was stored (e.g. for a plan diff in CI). */
  readonly store: Store | null;
  readonly now?: Date;
  /** Data read already (the plan diff reads it once for both sides). */
  readonly data?: ReadonlyMap<string, MarketData>;
}

export async function loadPlanState(project: Project, options: LoadStateOptions): Promise<PlanState> {
  const ids = project.markets.map((m) => m.id);
  const data = options.data ?? (await readAllMarketData(project));
  const now = (options.now ?? new Date()).toISOString();
  const code = await codeVersion();
  const dataStates = new Map([...data].map(([id, d]) => [id, d.state]));
  if (options.store === null) {
    return { codeVersion: code, now, data: dataStates, cached: new Set(), selections: new Map(), lastGoodSpecs: new Map() };
  }
  const store = options.store;
  const cached = await store.cachedKeys(ids);
  const selections = new Map<string, SelectionRecord[]>();
  for (const info of await store.cachedInfo('holdout', ids)) {
    if (info.market === null || info.meta === null) continue;
    let meta: Omit<SelectionRecord, 'holdout' | 'currentHistory'>;
    try {
      meta = JSON.parse(info.meta) as typeof meta;
    } catch {
      continue;
    }
    const record: SelectionRecord = { ...meta, holdout: info.key, currentHistory: historyFingerprint(data.get(info.market)?.rows ?? null, meta.historyEnd) };
    const list = selections.get(info.market);
    if (list) list.push(record);
    else selections.set(info.market, [record]);
  }
  return { codeVersion: code, now, data: dataStates, cached, selections, lastGoodSpecs: await store.lastGoodSpecs() };
}
