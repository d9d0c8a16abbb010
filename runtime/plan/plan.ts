/**
 * The planner (DESIGN §5): a pure function from the normalized project and options to a Plan,
 * a versioned, serialisable DAG of tasks. No I/O happens here, so plans are cheap to build, to
 * test and to diff.
 *
 * Per market:   ingest -> qa -> prepare -> tune (one per candidate, all CV folds inside) -> select -> apply
 * Per run:      publish (after every apply, whatever their outcome) -> report
 */

export const PLAN_VERSION = 1;

export const TaskKind = {
  ingest: 'ingest',
  qa: 'qa',
  prepare: 'prepare',
  tune: 'tune',
  select: 'select',
  apply: 'apply',
  publish: 'publish',
  report: 'report',
} as const;
export type TaskKind = keyof typeof TaskKind;

export interface Task {
  /** Stable id: `<kind>:<market>[:<family>:<candidate index>]`, or `<kind>` for run-wide tasks. */
  readonly id: string;
  readonly kind: TaskKind;
  readonly market?: string;
  /** Tasks whose success this one needs; a failed dependency skips this task. */
  readonly deps: readonly string[];
  /** Tasks that must have finished (in any state) before this one starts. */
  readonly after: readonly string[];
  /** For `tune`: which candidate of the market's `models` list. */
  readonly candidate?: number;
}

export interface Plan {
  readonly version: typeof PLAN_VERSION;
  readonly project: string;
  readonly markets: readonly string[];
  readonly tasks: readonly Task[];
}

/** The part of a normalized market the planner reads. */
export interface PlannableMarket {
  readonly id: string;
  readonly models: readonly { readonly family: string }[];
}

export interface PlannableProject {
  readonly name: string;
  readonly markets: readonly PlannableMarket[];
}

export interface PlanOptions {
  /** Selectors; empty selects every market. Supported: `market:<id>`. */
  readonly select: readonly string[];
}

/** Build the plan. Throws PlanError for a selector that matches nothing or is malformed. */
export function planRun(project: PlannableProject, options: PlanOptions): Plan {
  const markets = selectMarkets(project.markets, options.select);
  const tasks: Task[] = [];
  const applies: string[] = [];
  for (const market of markets) {
    const m = market.id;
    tasks.push(task('ingest', m, []));
    tasks.push(task('qa', m, [`ingest:${m}`]));
    tasks.push(task('prepare', m, [`qa:${m}`]));
    const tunes = market.models.map((candidate, i) => {
      const id = `tune:${m}:${candidate.family}:${i}`;
      tasks.push({ id, kind: 'tune', market: m, deps: [`prepare:${m}`], after: [], candidate: i });
      return id;
    });
    tasks.push(task('select', m, tunes));
    tasks.push(task('apply', m, [`select:${m}`]));
    applies.push(`apply:${m}`);
  }
  tasks.push({ id: 'publish', kind: 'publish', deps: [], after: applies });
  tasks.push({ id: 'report', kind: 'report', deps: ['publish'], after: [] });
  const plan: Plan = { version: PLAN_VERSION, project: project.name, markets: markets.map((m) => m.id), tasks };
  orderTasks(plan);
  return plan;
}

function task(kind: TaskKind, market: string, deps: string[]): Task {
  return { id: `${kind}:${market}`, kind, market, deps, after: [] };
}

export class PlanError extends Error {
  override name = 'PlanError';
}

function selectMarkets<M extends PlannableMarket>(markets: readonly M[], selectors: readonly string[]): M[] {
  if (selectors.length === 0) return [...markets];
  const byId = new Map(markets.map((m) => [m.id, m]));
  const chosen = new Set<string>();
  for (const selector of selectors) {
    const match = /^market:(.+)$/.exec(selector);
    if (!match) {
      throw new PlanError(`Selector "${selector}" is not understood. Use market:<id>, e.g. market:${markets[0]?.id ?? 'sv'}.`);
    }
    const id = match[1]!;
    if (!byId.has(id)) {
      throw new PlanError(`Selector "${selector}" matches no market. Known markets: ${[...byId.keys()].join(', ')}.`);
    }
    chosen.add(id);
  }
  return markets.filter((m) => chosen.has(m.id));
}

/**
 * Topological order of the plan's tasks (stable: ties keep plan order). Throws PlanError for a
 * dependency on a task that does not exist, or for a cycle, printing the cycle's path.
 */
export function orderTasks(plan: Pick<Plan, 'tasks'>): Task[] {
  const byId = new Map<string, Task>();
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
  const order: Task[] = [];
  const stack: string[] = [];
  const visit = (id: string): void => {
    const s = state.get(id);
    if (s === 'done') return;
    if (s === 'visiting') {
      const path = [...stack.slice(stack.indexOf(id)), id];
      throw new PlanError(`Found a cycle: ${path.join(' --> ')}`);
    }
    state.set(id, 'visiting');
    stack.push(id);
    const t = byId.get(id)!;
    for (const d of [...t.deps, ...t.after]) visit(d);
    stack.pop();
    state.set(id, 'done');
    order.push(t);
  };
  for (const t of plan.tasks) visit(t.id);
  return order;
}
