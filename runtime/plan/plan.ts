/**
 * The planner (DESIGN §5): a pure function from the normalized project, the stored state and the
 * options to a Plan, a versioned, serialisable DAG of tasks. No I/O happens here (the state is
 * read beforehand by `state.ts`), so plans are cheap to build, to test and to diff.
 *
 * Per market:   ingest -> qa -> prepare -> tune (one per family x chunk of parameter sets, all CV
 *               folds inside) -> select -> holdout -> apply
 * Per run:      publish (after every apply, whatever their outcome) -> report
 *
 * Every task carries an input hash: its kind, the spec fragment it reads, the code version and
 * the keys of the tasks it reads from. Chaining the dependencies' keys (rather than hashing the
 * whole spec everywhere) is what makes an edit re-run exactly the tasks downstream of it: editing
 * `forecast.horizon` changes `apply` only, editing a disruption changes `prepare` and everything
 * after it, editing one candidate changes its own tune chunk, then select, holdout and apply.
 */
import { expandCandidates, type EvaluationSettings } from '../evaluate/pipeline.ts';
import type { ModelParams } from '../models/contract.ts';
import { periodOf } from '../execute/frequency.ts';
import type { MarketSpec, Project } from '../spec/project.ts';
import { canonicalJson, hashOf, hashStrings } from './hash.ts';

export const PLAN_FORMAT = 'forecast-plan';
export const PLAN_VERSION = 1;

export const TaskKind = {
  ingest: 'ingest',
  qa: 'qa',
  prepare: 'prepare',
  tune: 'tune',
  select: 'select',
  holdout: 'holdout',
  apply: 'apply',
  publish: 'publish',
  report: 'report',
} as const;
export type TaskKind = keyof typeof TaskKind;

/** Kinds whose results are stored by input hash and reused. publish and report always run: every run stores its own vintage. */
export const CACHEABLE_KINDS: ReadonlySet<TaskKind> = new Set<TaskKind>(['ingest', 'qa', 'prepare', 'tune', 'select', 'holdout', 'apply']);
/**
 * Kinds that run on the executor (worker threads): reading, checking and cleaning the data, and
 * fitting models. select, publish and report run on the main thread (the only one with the store).
 */
export const COMPUTE_KINDS: ReadonlySet<TaskKind> = new Set<TaskKind>(['ingest', 'qa', 'prepare', 'tune', 'holdout', 'apply']);

export type Mode = 'weekly' | 'tune';
export const MODES: readonly Mode[] = ['weekly', 'tune'];

export interface Task {
  /** Stable id: `<kind>:<market>`, `tune:<market>:<family>:<chunk>`, or `<kind>` for run-wide tasks. */
  readonly id: string;
  readonly kind: TaskKind;
  readonly market?: string;
  /** Tasks whose success this one needs; a failed dependency skips this task. */
  readonly deps: readonly string[];
  /** Tasks that must have finished (in any state) before this one starts. */
  readonly after: readonly string[];
  /** Input hash: kind + spec fragment + code version + the keys of the tasks it reads. */
  readonly hash: string;
  /** The planner's decision: run it, or reuse a stored result. */
  readonly action: 'run' | 'reuse';
  /**
   * For a reuse of a result stored under another key than `hash` (weekly mode reusing the last
   * selection although new weeks of data arrived): that key.
   */
  readonly from?: string;
  /** Run even when a result with this hash is stored (--force, or tune mode for the tuning stage). */
  readonly force?: boolean;
  /** Model fits the task runs (parameter sets x folds for tune), for summaries and progress. */
  readonly fits: number;
  /** For compute tasks: the time limit (search.taskTimeoutSeconds). */
  readonly timeoutSeconds?: number;
  /** For `qa`: observations the evaluation settings need. */
  readonly minLength?: number;
  /** For `tune`: the family and the parameter sets of this chunk. */
  readonly family?: string;
  readonly paramSets?: readonly ModelParams[];
}

/** The key a task's result is read from or stored under. */
export function taskKey(task: Task): string {
  return task.from ?? task.hash;
}

/** What the plan knew about a market when it was made (the stale-plan check compares these). */
export interface PlanMarket {
  readonly id: string;
  readonly file: string;
  /** Hash of the whole normalized market spec. */
  readonly spec: string;
  /** Fingerprint of the market's data file. */
  readonly data: string;
  /** Its length in bytes (a selection records it: weekly mode checks that those bytes are unchanged). */
  readonly dataBytes: number;
  /** Hash of the spec fragments tuning reads (no data, no code version). */
  readonly specKey: string;
  /** specKey + code version: a stored selection with this key may be reused in weekly mode. */
  readonly selectionKey: string;
  /** Whether the tuning stage is reused, and why (or why not). */
  readonly tuning: { readonly reuse: boolean; readonly reason: string };
}

export interface Plan {
  readonly format: typeof PLAN_FORMAT;
  readonly version: typeof PLAN_VERSION;
  readonly project: string;
  readonly mode: Mode;
  readonly force: boolean;
  readonly select: readonly string[];
  readonly codeVersion: string;
  readonly markets: readonly PlanMarket[];
  readonly tasks: readonly Task[];
}

/** What the planner reads of a project: its name, sources and normalized markets. */
export type PlannableProject = Pick<Project, 'name' | 'sources' | 'markets'>;
export type PlannableMarket = MarketSpec;

/** What is known about a market's data file (read by state.ts). */
export interface DataState {
  /** Fingerprint of the file's bytes; `missing` when it cannot be read. */
  readonly hash: string;
  /** Length of the file in bytes. */
  readonly bytes: number;
}

/** A stored selection (the result of a holdout task), as weekly mode needs it. */
export interface SelectionRecord {
  readonly specKey: string;
  readonly codeVersion: string;
  /**
   * The data tuning saw: the file's length and fingerprint then. Data files grow by appending
   * rows, so "only new weeks arrived" is "the file still starts with those bytes".
   */
  readonly historyBytes: number;
  readonly historyHash: string;
  /** Fingerprint of the first historyBytes bytes of the file as it is now (the state loader fills it). */
  readonly currentHistory: string;
  readonly tunedAt: string;
  readonly runId: string;
  readonly holdout: string;
  readonly select: string;
  /** Tune task id -> key of its stored result. */
  readonly tunes: Readonly<Record<string, string>>;
}

export interface PlanState {
  readonly codeVersion: string;
  /** ISO timestamp: "now" for the age of selections (the planner never reads the clock). */
  readonly now: string;
  readonly data: ReadonlyMap<string, DataState>;
  /** Keys with a stored successful result. */
  readonly cached: { has(key: string): boolean };
  /** Stored selections per market, newest first. */
  readonly selections: ReadonlyMap<string, readonly SelectionRecord[]>;
  /** Spec hash of each market in the last run in which it succeeded (for the `changed` selector). */
  readonly lastGoodSpecs: ReadonlyMap<string, string>;
}

/** A state with nothing stored: every task runs. */
export function emptyState(codeVersion: string, now: string, data: ReadonlyMap<string, DataState> = new Map()): PlanState {
  return { codeVersion, now, data, cached: new Set<string>(), selections: new Map(), lastGoodSpecs: new Map() };
}

export interface PlanOptions {
  /** Selectors (union); empty selects every market. See `parseSelector`. */
  readonly select?: readonly string[];
  readonly mode?: Mode;
  /** Reuse nothing. */
  readonly force?: boolean;
  /** Parameter sets per tune task (default 10). */
  readonly chunkSize?: number;
  /** Include the report task (default true). */
  readonly report?: boolean;
}

export const DEFAULT_CHUNK_SIZE = 10;
/** Smallest training window the CV accepts, in seasonal periods. */
export const MIN_TRAIN_SEASONS = 2;

export class PlanError extends Error {
  override name = 'PlanError';
}

/** Build the plan. Throws PlanError for a selector that matches nothing or is malformed, or for a market that cannot be planned. */
export function planRun(project: PlannableProject, state: PlanState, options: PlanOptions = {}): Plan {
  const selectors = (options.select ?? []).map(parseSelector);
  const mode = options.mode ?? 'weekly';
  const force = options.force === true;
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new PlanError(`chunkSize must be a positive integer, got ${chunkSize}`);
  const sources = new Map(project.sources.map((s) => [s.name, s]));

  const planned = project.markets.map((m) => planMarket(m, { state, mode, force, chunkSize, source: sources.get(m.series.source) ?? null }));
  const chosen = selectors.length === 0 ? null : chooseMarkets(project.markets, planned, selectors, state);

  const tasks: Task[] = [];
  const markets: PlanMarket[] = [];
  const applies: Task[] = [];
  for (const p of planned) {
    if (chosen !== null && !chosen.has(p.market.id)) continue;
    markets.push(p.market);
    tasks.push(...p.tasks);
    applies.push(p.tasks[p.tasks.length - 1]!);
  }
  tasks.push(runWide('publish', [], applies.map((t) => t.id), hashStrings('publish', ...applies.map(taskKey))));
  if (options.report !== false) tasks.push(runWide('report', ['publish'], [], hashStrings('report', tasks[tasks.length - 1]!.hash)));

  const plan: Plan = {
    format: PLAN_FORMAT,
    version: PLAN_VERSION,
    project: project.name,
    mode,
    force,
    select: [...(options.select ?? [])],
    codeVersion: state.codeVersion,
    markets,
    tasks,
  };
  validateTasks(plan.tasks);
  return plan;
}

/**
 * Check the DAG: no duplicate id, no dangling dependency, no cycle. The planner emits tasks in
 * dependency order, which one linear pass confirms; anything else gets the full search, which
 * names the cycle's path.
 */
export function validateTasks(tasks: readonly Pick<Task, 'id' | 'deps' | 'after'>[]): void {
  const seen = new Set<string>();
  let ordered = true;
  for (const t of tasks) {
    for (const d of t.deps) if (!seen.has(d)) ordered = false;
    for (const d of t.after) if (!seen.has(d)) ordered = false;
    if (seen.has(t.id)) ordered = false;
    seen.add(t.id);
    if (!ordered) break;
  }
  if (!ordered) orderTasks({ tasks });
}

function runWide(kind: 'publish' | 'report', deps: string[], after: string[], hash: string): Task {
  return { id: kind, kind, deps, after, hash, action: 'run', fits: 0 };
}

interface MarketContext {
  readonly state: PlanState;
  readonly mode: Mode;
  readonly force: boolean;
  readonly chunkSize: number;
  readonly source: unknown;
}

interface PlannedMarket {
  readonly market: PlanMarket;
  /** In dependency order, apply last. */
  readonly tasks: Task[];
}

/** Hash of the whole market spec (the file name aside): what `changed` and the stale-plan check compare. */
export function specHash(market: PlannableMarket): string {
  return hashOf({ ...market, file: undefined });
}

/** The evaluation settings as the pipeline reads them. */
export function evaluationOf(market: PlannableMarket): EvaluationSettings {
  return market.evaluation;
}

/** Seasonal period of a market's frequency. */
export function periodOfMarket(market: PlannableMarket): number {
  return periodOf(market.series.frequency);
}

/** Observations QA requires: the oldest fold's training window, every fold and the holdout. */
export function minLengthOf(market: PlannableMarket): number {
  const ev = market.evaluation;
  const train = Math.max(MIN_TRAIN_SEASONS * periodOfMarket(market), ev.trainSize ?? 0);
  return train + ev.gap + ev.horizon + (ev.folds - 1) * ev.step + ev.holdout;
}

/**
 * The spec fragment each task kind reads (docs/plans.md lists them). A key in no fragment changes
 * no task hash: keys whose runtime does not exist yet (proxies, custom, overrides, qc) must be
 * added to the fragment of the task that reads them when that runtime lands.
 */
export function fragments(market: PlannableMarket, source: unknown) {
  const ev = market.evaluation;
  // Tuning scores every candidate; how many are kept (top) and how they are combined (ensemble)
  // are decided later, so editing them does not re-tune.
  const { top, ensemble: _ensemble, ...tuneEv } = ev;
  // Models may read the holiday calendar (country) and the events as regressors.
  const calendar = { period: periodOfMarket(market), country: market.country, events: market.events };
  return {
    // metric is a label (axis titles); it changes no number.
    ingest: { series: { ...market.series, metric: undefined }, source, workstream: market.workstream },
    qa: { frequency: market.series.frequency, minLength: minLengthOf(market) },
    prepare: { disruptions: market.disruptions },
    tune: { evaluation: tuneEv, ...calendar },
    select: { top },
    holdout: { evaluation: ev, ...calendar },
    apply: { forecast: market.forecast, ...calendar },
  };
}

interface Chunk {
  readonly family: string;
  /** Chunk number within the family (across candidates of the same family, in the order written). */
  readonly index: number;
  readonly paramSets: readonly ModelParams[];
}

/**
 * The market's tune chunks, as the pipeline expands and cuts them (search spaces, budget), numbered
 * per family so that ids stay unique when two candidates share a family.
 */
export function tuneChunks(market: PlannableMarket, chunkSize: number): Chunk[] {
  let expanded;
  try {
    expanded = expandCandidates(market.models, market.search, { chunkSize, fitsPerSet: market.evaluation.folds });
  } catch (err) {
    throw new PlanError(`market ${market.id}: ${(err as Error).message}`);
  }
  const next = new Map<string, number>();
  return expanded.map((c) => {
    const index = next.get(c.family) ?? 0;
    next.set(c.family, index + 1);
    return { family: c.family, index, paramSets: c.paramSets };
  });
}

function planMarket(market: PlannableMarket, ctx: MarketContext): PlannedMarket {
  const { state } = ctx;
  const m = market.id;
  const code = state.codeVersion;
  const data = state.data.get(m) ?? { hash: 'unknown', bytes: 0 };
  const f = fragments(market, ctx.source);
  // Each fragment is canonicalised once per market; task hashes combine these strings.
  const c = {
    ingest: canonicalJson(f.ingest),
    qa: canonicalJson(f.qa),
    prepare: canonicalJson(f.prepare),
    tune: canonicalJson(f.tune),
    select: canonicalJson(f.select),
    holdout: canonicalJson(f.holdout),
    apply: canonicalJson(f.apply),
  };
  const ev = market.evaluation;
  const timeoutSeconds = market.search.taskTimeoutSeconds;
  const cached = (h: string): boolean => state.cached.has(h);

  // Exact reuse: a stored result with the same input hash, unless forced.
  const decide = (t: Omit<Task, 'action'>, forced: boolean): Task =>
    forced ? { ...t, action: 'run', force: true } : cached(t.hash) ? { ...t, action: 'reuse' } : { ...t, action: 'run' };

  const ingest = decide({ id: `ingest:${m}`, kind: 'ingest', market: m, deps: [], after: [], hash: hashStrings('ingest', code, c.ingest, data.hash), fits: 0 }, ctx.force);
  const qa = decide(
    { id: `qa:${m}`, kind: 'qa', market: m, deps: [ingest.id], after: [], hash: hashStrings('qa', code, c.qa, taskKey(ingest)), fits: 0, minLength: f.qa.minLength },
    ctx.force,
  );
  const prepare = decide({ id: `prepare:${m}`, kind: 'prepare', market: m, deps: [qa.id], after: [], hash: hashStrings('prepare', code, c.prepare, taskKey(qa)), fits: 0 }, ctx.force);

  const chunks = tuneChunks(market, ctx.chunkSize);
  const chunkTexts = chunks.map((k) => canonicalJson(k.paramSets));
  const tuneDrafts = chunks.map((k, i) => ({
    id: `tune:${m}:${k.family}:${k.index}`,
    kind: 'tune' as const,
    market: m,
    deps: [prepare.id],
    after: [],
    hash: hashStrings('tune', code, c.tune, k.family, chunkTexts[i]!, taskKey(prepare)),
    fits: k.paramSets.length * ev.folds,
    timeoutSeconds,
    family: k.family,
    paramSets: k.paramSets,
  }));
  // select reads every chunk's scores; it waits for all of them ("after") so that a chunk that
  // failed (timeout, crash) costs its candidates only, not the market.
  const selectDraft = (tuneKeys: readonly string[]) => ({
    id: `select:${m}`,
    kind: 'select' as const,
    market: m,
    deps: [prepare.id],
    after: tuneDrafts.map((t) => t.id),
    hash: hashStrings('select', code, c.select, ...tuneKeys),
    fits: 0,
  });
  const holdoutDraft = (selectKey: string) => ({
    id: `holdout:${m}`,
    kind: 'holdout' as const,
    market: m,
    deps: [prepare.id, `select:${m}`],
    after: [],
    hash: hashStrings('holdout', code, c.holdout, taskKey(prepare), selectKey),
    fits: ev.holdout > 0 ? ev.top : 0,
    timeoutSeconds,
  });

  // The selection key: everything tuning reads except the data. Weekly mode reuses a stored
  // selection with the same key when only new weeks were appended to the data.
  const specKey = hashStrings(c.ingest, c.qa, c.prepare, c.tune, c.select, c.holdout, ...chunks.map((k, i) => `${k.family}:${chunkTexts[i]}`));
  const selectionKey = hashStrings(specKey, code);

  const stage = decideTuning(market, ctx, { tuneDrafts, selectDraft, holdoutDraft, specKey, data });
  const { tunes, select, holdout, tuning } = stage;

  const apply = decide(
    {
      id: `apply:${m}`,
      kind: 'apply',
      market: m,
      // apply waits for holdout but does not need its success: without a selection it forecasts
      // with the fallback model (seasonal naive) and says so.
      deps: [prepare.id],
      after: [holdout.id],
      hash: hashStrings('apply', code, c.apply, taskKey(prepare), taskKey(holdout)),
      // An ensemble fits each of its members.
      fits: ev.ensemble === 'none' ? 1 : ev.top,
      timeoutSeconds,
    },
    ctx.force,
  );

  return {
    market: {
      id: m,
      file: market.file ?? '',
      spec: specHash(market),
      data: data.hash,
      dataBytes: data.bytes,
      specKey,
      selectionKey,
      tuning,
    },
    tasks: [ingest, qa, prepare, ...tunes, select, holdout, apply],
  };
}

type Draft = Omit<Task, 'action'>;

function decideTuning(
  market: PlannableMarket,
  ctx: MarketContext,
  d: {
    tuneDrafts: Draft[];
    selectDraft: (tuneKeys: readonly string[]) => Draft;
    holdoutDraft: (selectKey: string) => Draft;
    specKey: string;
    data: DataState;
  },
): { tunes: Task[]; select: Task; holdout: Task; tuning: PlanMarket['tuning'] } {
  const { state } = ctx;
  const cached = (h: string): boolean => state.cached.has(h);
  const exactSelect = d.selectDraft(d.tuneDrafts.map((t) => t.hash));
  const exactHoldout = d.holdoutDraft(exactSelect.hash);
  const run = (t: Draft, force: boolean): Task => (force ? { ...t, action: 'run', force: true } : cached(t.hash) ? { ...t, action: 'reuse' } : { ...t, action: 'run' });
  const runAll = (force: boolean, reason: string) => ({
    tunes: d.tuneDrafts.map((t) => run(t, force)),
    select: run(exactSelect, force),
    holdout: run(exactHoldout, force),
    tuning: { reuse: false, reason },
  });

  if (ctx.force) return runAll(true, 'forced (--force)');
  if (ctx.mode === 'tune') return runAll(true, 'tune mode re-tunes every selected market');
  if ([...d.tuneDrafts, exactSelect, exactHoldout].every((t) => cached(t.hash))) {
    return { ...runAll(false, ''), tuning: { reuse: true, reason: 'inputs unchanged since it was tuned' } };
  }

  const records = state.selections.get(market.id) ?? [];
  const match = records.find((r) => r.specKey === d.specKey && r.codeVersion === state.codeVersion);
  const newest = records[0];
  let why: string;
  if (!newest) why = 'never tuned';
  else if (!match) why = newest.specKey !== d.specKey ? 'spec changed since the last tuning' : 'code changed since the last tuning';
  else if (match.currentHistory !== match.historyHash) why = 'data tuning saw was revised since (not only appended to)';
  else if (d.tuneDrafts.some((t) => match.tunes[t.id] === undefined)) why = 'the last selection lacks a tune chunk';
  else {
    const maxAge = market.search.maxAgeDays;
    const ageDays = (Date.parse(state.now) - Date.parse(match.tunedAt)) / 86_400_000;
    if (!(ageDays < maxAge)) why = `selection is ${Math.floor(ageDays)} days old (search.maxAgeDays: ${maxAge})`;
    else {
      const tunes = d.tuneDrafts.map((t): Task => ({ ...t, action: 'reuse', from: match.tunes[t.id]! }));
      const select: Task = { ...d.selectDraft(tunes.map(taskKey)), action: 'reuse', from: match.select };
      const holdout: Task = { ...d.holdoutDraft(taskKey(select)), action: 'reuse', from: match.holdout };
      const newer = d.data.bytes > match.historyBytes ? '; new data appended since' : '';
      return {
        tunes,
        select,
        holdout,
        tuning: { reuse: true, reason: `reuses the selection tuned ${match.tunedAt.slice(0, 10)} (${ageDays.toFixed(1)} days old${newer})` },
      };
    }
  }
  return runAll(false, why);
}

// ---- selectors ----

export type Selector =
  | { readonly kind: 'market' | 'tag' | 'workstream'; readonly value: string; readonly dependents: boolean; readonly text: string }
  | { readonly kind: 'changed'; readonly dependents: boolean; readonly text: string };

const SELECTOR_HELP = 'Use market:<id>, tag:<tag>, workstream:<name> or changed, optionally with a + suffix for dependents (e.g. market:sv+).';

/** Parse `market:sv`, `tag:nordics`, `workstream:mature`, `changed`, each with an optional `+` suffix. */
export function parseSelector(text: string): Selector {
  const dependents = text.endsWith('+');
  const body = dependents ? text.slice(0, -1) : text;
  if (body === 'changed') return { kind: 'changed', dependents, text };
  const match = /^(market|tag|workstream):(.+)$/.exec(body);
  if (!match) throw new PlanError(`Selector "${text}" is not understood. ${SELECTOR_HELP}`);
  return { kind: match[1] as 'market' | 'tag' | 'workstream', value: match[2]!, dependents, text };
}

function listSome(items: Iterable<string>): string {
  const all = [...new Set(items)].sort();
  return all.length > 20 ? `${all.slice(0, 20).join(', ')}, … (${all.length} in all)` : all.join(', ') || '(none)';
}

function chooseMarkets(
  markets: readonly PlannableMarket[],
  planned: readonly PlannedMarket[],
  selectors: readonly Selector[],
  state: PlanState,
): Set<string> {
  const seeds = new Set<string>();
  const withDependents = new Set<string>();
  for (const s of selectors) {
    let hits: PlannableMarket[];
    switch (s.kind) {
      case 'market':
        hits = markets.filter((m) => m.id === s.value);
        if (hits.length === 0) throw new PlanError(`Selector "${s.text}" matches no market. Known markets: ${listSome(markets.map((m) => m.id))}.`);
        break;
      case 'tag':
        hits = markets.filter((m) => m.tags.includes(s.value));
        if (hits.length === 0) throw new PlanError(`Selector "${s.text}" matches no market. Known tags: ${listSome(markets.flatMap((m) => m.tags))}.`);
        break;
      case 'workstream':
        hits = markets.filter((m) => m.workstream === s.value);
        if (hits.length === 0) throw new PlanError(`Selector "${s.text}" matches no market. Workstreams in use: ${listSome(markets.map((m) => m.workstream))}.`);
        break;
      case 'changed':
        // A market never forecast successfully counts as changed. An empty result is fine: nothing changed.
        hits = markets.filter((m) => state.lastGoodSpecs.get(m.id) !== specHash(m));
        break;
    }
    for (const m of hits) {
      seeds.add(m.id);
      if (s.dependents) withDependents.add(m.id);
    }
  }
  const tasks = planned.flatMap((p) => p.tasks);
  const seedTasks = tasks.filter((t) => t.market !== undefined && seeds.has(t.market)).map((t) => t.id);
  const dependentSeeds = tasks.filter((t) => t.market !== undefined && withDependents.has(t.market)).map((t) => t.id);
  const closed = selectTasks(tasks, seedTasks, dependentSeeds);
  return new Set(tasks.filter((t) => closed.has(t.id) && t.market !== undefined).map((t) => t.market!));
}

/**
 * Task selection on the DAG: the seeds, the dependents (transitively) of `dependentsOf`, and
 * every ancestor of those, so that the result can run on its own. (Markets do not depend on one
 * another yet, so `market:x+` selects x alone; cross-market inputs such as proxies will add edges.)
 */
export function selectTasks(tasks: readonly Pick<Task, 'id' | 'deps' | 'after'>[], seeds: readonly string[], dependentsOf: readonly string[] = []): Set<string> {
  const children = new Map<string, string[]>();
  const parents = new Map<string, readonly string[]>();
  for (const t of tasks) {
    const ups = [...t.deps, ...t.after];
    parents.set(t.id, ups);
    for (const u of ups) {
      const list = children.get(u);
      if (list) list.push(t.id);
      else children.set(u, [t.id]);
    }
  }
  const chosen = new Set<string>(seeds);
  const down = [...dependentsOf];
  while (down.length > 0) {
    const id = down.pop()!;
    chosen.add(id);
    for (const c of children.get(id) ?? []) if (!chosen.has(c)) down.push(c);
  }
  const up = [...chosen];
  while (up.length > 0) {
    const id = up.pop()!;
    for (const p of parents.get(id) ?? []) {
      if (!chosen.has(p)) {
        chosen.add(p);
        up.push(p);
      }
    }
  }
  return chosen;
}

// ---- ordering and validation ----

/**
 * Topological order of the plan's tasks (stable: ties keep plan order). Throws PlanError for a
 * dependency on a task that does not exist, or for a cycle, printing the cycle's path.
 */
export function orderTasks<T extends Pick<Task, 'id' | 'deps' | 'after'>>(plan: { readonly tasks: readonly T[] }): T[] {
  const byId = new Map<string, T>();
  for (const t of plan.tasks) {
    if (byId.has(t.id)) throw new PlanError(`Task id "${t.id}" appears twice in the plan.`);
    byId.set(t.id, t);
  }
  for (const t of plan.tasks) {
    for (const d of [...t.deps, ...t.after]) {
      if (!byId.has(d)) throw new PlanError(`Task "${t.id}" depends on "${d}", which is not in the plan.`);
    }
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const order: T[] = [];
  const stack: string[] = [];
  // Iterative depth-first search: a plan of 10,000 markets has a publish task with 10,000 inputs,
  // and recursion depth must not depend on the plan's size.
  for (const root of plan.tasks) {
    if (state.get(root.id) === 'done') continue;
    const frames: { task: T; next: number; ups: readonly string[] }[] = [];
    const enter = (t: T): void => {
      state.set(t.id, 'visiting');
      stack.push(t.id);
      frames.push({ task: t, next: 0, ups: t.after.length === 0 ? t.deps : [...t.deps, ...t.after] });
    };
    enter(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1]!;
      if (frame.next < frame.ups.length) {
        const id = frame.ups[frame.next++]!;
        const s = state.get(id);
        if (s === 'done') continue;
        if (s === 'visiting') {
          const path = [...stack.slice(stack.indexOf(id)), id];
          throw new PlanError(`Found a cycle: ${path.join(' --> ')}`);
        }
        enter(byId.get(id)!);
      } else {
        frames.pop();
        stack.pop();
        state.set(frame.task.id, 'done');
        order.push(frame.task);
      }
    }
  }
  return order;
}

// ---- summaries ----

export interface PlanCounts {
  readonly byKind: Readonly<Partial<Record<TaskKind, number>>>;
  readonly total: number;
  readonly toRun: number;
  readonly reused: number;
  /** Model fits of the tasks that run. */
  readonly fitsToRun: number;
  /** Model fits saved by reuse. */
  readonly fitsReused: number;
}

export function countPlan(plan: Pick<Plan, 'tasks'>): PlanCounts {
  const byKind: Partial<Record<TaskKind, number>> = {};
  let toRun = 0;
  let reused = 0;
  let fitsToRun = 0;
  let fitsReused = 0;
  for (const t of plan.tasks) {
    byKind[t.kind] = (byKind[t.kind] ?? 0) + 1;
    if (t.action === 'reuse') {
      reused++;
      fitsReused += t.fits;
    } else {
      toRun++;
      fitsToRun += t.fits;
    }
  }
  return { byKind, total: plan.tasks.length, toRun, reused, fitsToRun, fitsReused };
}
