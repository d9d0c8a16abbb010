/**
 * Everything the pure planner needs to know about the world, read in one place: the code
 * version, a fingerprint of each market's data file, and from the store which results exist, the
 * stored selections and the spec of each market's last good run.
 *
 * Data files are fingerprinted as bytes, not parsed: planning reads every market's file, and a
 * plan that reuses everything must stay cheap.
 */
import { readFile } from 'node:fs/promises';
import type { Project, MarketSpec } from '../spec/project.ts';
import { sourceFile } from '../spec/project.ts';
import type { Store } from '../store/store.ts';
import { codeVersion } from './code-version.ts';
import { hashBytes } from './hash.ts';
import type { DataState, PlanState, SelectionRecord } from './plan.ts';

export interface MarketData {
  readonly state: DataState;
  /** The file's bytes (null when it cannot be read). */
  readonly bytes: Uint8Array | null;
}

const MISSING: DataState = { hash: 'missing', bytes: 0 };

/**
 * Fingerprint of the first `length` bytes of a data file as it is now: equal to the fingerprint
 * recorded with a selection when the data that tuning saw is still there unchanged (rows were
 * only appended since).
 */
export function prefixFingerprint(bytes: Uint8Array | null, length: number): string {
  if (bytes === null || bytes.length < length) return 'shorter';
  return hashBytes(bytes.subarray(0, length));
}

/** Read and fingerprint one market's data file. Never throws: an unreadable file is `missing` (ingest reports why). */
export async function readMarketData(project: Pick<Project, 'root' | 'sources'>, market: MarketSpec): Promise<MarketData> {
  let file: string;
  try {
    file = sourceFile(project, market);
  } catch {
    return { state: MISSING, bytes: null };
  }
  const bytes = await readFile(file).catch(() => null);
  if (bytes === null) return { state: MISSING, bytes: null };
  return { state: { hash: hashBytes(bytes), bytes: bytes.length }, bytes };
}

/** Data of every market, a bounded number of files at a time. */
export async function readAllMarketData(project: Pick<Project, 'root' | 'sources' | 'markets'>, markets: readonly MarketSpec[] = project.markets): Promise<Map<string, MarketData>> {
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
  /** Data read already. */
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
    if (typeof meta.historyBytes !== 'number') continue; // written by another version
    const record: SelectionRecord = { ...meta, holdout: info.key, currentHistory: prefixFingerprint(data.get(info.market)?.bytes ?? null, meta.historyBytes) };
    const list = selections.get(info.market);
    if (list) list.push(record);
    else selections.set(info.market, [record]);
  }
  return { codeVersion: code, now, data: dataStates, cached, selections, lastGoodSpecs: await store.lastGoodSpecs() };
}
