/**
 * Plan diff for pull requests (`forecast plan --base <ref>`): what a change to the specs does to
 * the plan. Both sides are planned with nothing stored (as a fresh CI checkout would), with the
 * same code and data, so every difference comes from the specs. Pure.
 */
import { canonicalJson } from './hash.ts';
import { CACHEABLE_KINDS, type Plan, type PlannableProject, type TaskKind } from './plan.ts';
import { formatCount, kindsLine, type OutputFormat } from './summary.ts';

export interface MarketChange {
  readonly id: string;
  readonly change: 'added' | 'removed' | 'changed';
  /** Changed keys, as paths (`evaluation.folds`, `models[1].params.periods`); empty for added/removed. */
  readonly keys: readonly string[];
}

export interface TaskChange {
  readonly id: string;
  readonly kind: TaskKind;
  readonly market?: string;
  readonly change: 'added' | 'changed' | 'removed';
  readonly fits: number;
}

export interface PlanDiff {
  readonly base: string;
  readonly markets: readonly MarketChange[];
  /** Tasks whose input hash differs or that are new: they will run instead of being reused. */
  readonly rerun: readonly TaskChange[];
  readonly removed: readonly TaskChange[];
  /** Model fits of the tasks that will re-run. */
  readonly fits: number;
  readonly changed: boolean;
}

interface Side {
  readonly plan: Plan;
  readonly project: PlannableProject;
}

export function diffPlans(base: Side, head: Side, baseName: string): PlanDiff {
  const baseMarkets = new Map(base.project.markets.map((m) => [m.id, m]));
  const headMarkets = new Map(head.project.markets.map((m) => [m.id, m]));
  const inPlan = (side: Side) => new Set(side.plan.markets.map((m) => m.id));
  const basePlanned = inPlan(base);
  const headPlanned = inPlan(head);
  const markets: MarketChange[] = [];
  for (const id of [...new Set([...basePlanned, ...headPlanned])].sort()) {
    const a = baseMarkets.get(id);
    const b = headMarkets.get(id);
    if (!headPlanned.has(id) || !b) markets.push({ id, change: 'removed', keys: [] });
    else if (!basePlanned.has(id) || !a) markets.push({ id, change: 'added', keys: [] });
    else {
      const keys = changedKeys({ ...a, file: undefined }, { ...b, file: undefined });
      if (keys.length > 0) markets.push({ id, change: 'changed', keys });
    }
  }
  const baseTasks = new Map(base.plan.tasks.map((t) => [t.id, t]));
  const headIds = new Set(head.plan.tasks.map((t) => t.id));
  const rerun: TaskChange[] = [];
  for (const t of head.plan.tasks) {
    // publish and report run in every run whatever changed; they are not news.
    if (!CACHEABLE_KINDS.has(t.kind)) continue;
    const old = baseTasks.get(t.id);
    if (!old || old.hash !== t.hash) rerun.push({ id: t.id, kind: t.kind, ...(t.market ? { market: t.market } : {}), change: old ? 'changed' : 'added', fits: t.fits });
  }
  const removed: TaskChange[] = base.plan.tasks
    .filter((t) => CACHEABLE_KINDS.has(t.kind) && !headIds.has(t.id))
    .map((t) => ({ id: t.id, kind: t.kind, ...(t.market ? { market: t.market } : {}), change: 'removed' as const, fits: t.fits }));
  const fits = rerun.reduce((n, t) => n + t.fits, 0);
  return { base: baseName, markets, rerun, removed, fits, changed: markets.length > 0 || rerun.length > 0 || removed.length > 0 };
}

/** Paths of the leaves that differ between two JSON-like values. */
export function changedKeys(a: unknown, b: unknown, prefix = ''): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== undefined || b[k] !== undefined).sort();
    return keys.flatMap((k) => changedKeys(a[k], b[k], prefix ? `${prefix}.${k}` : k));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((x, i) => changedKeys(x, b[i], `${prefix}[${i}]`));
  }
  return canonicalJson(a ?? null) === canonicalJson(b ?? null) ? [] : [prefix || '(whole spec)'];
}

const SYMBOL = { added: '+', removed: '-', changed: '~' } as const;

export function formatDiff(diff: PlanDiff, format: OutputFormat): string {
  if (format === 'json') return `${JSON.stringify(diff, null, 2)}\n`;
  const byKind: Partial<Record<TaskKind, number>> = {};
  for (const t of diff.rerun) byKind[t.kind] = (byKind[t.kind] ?? 0) + 1;
  const count = (change: MarketChange['change']) => diff.markets.filter((m) => m.change === change).length;
  const marketsLine = `${count('changed')} market(s) changed, ${count('added')} added, ${count('removed')} removed`;
  const tasksLine = `${formatCount(diff.rerun.length)} task(s) will re-run${diff.rerun.length ? ` (${kindsLine(byKind)})` : ''}, ${formatCount(diff.fits)} model fit(s)`;
  const removedLine = diff.removed.length ? `${formatCount(diff.removed.length)} task(s) removed` : '';

  if (format === 'markdown') {
    if (!diff.changed) return `### Forecast plan\n\nNo changes to the forecast plan against \`${diff.base}\`.\n`;
    const out = [`### Forecast plan: ${marketsLine}; ${tasksLine}`, '', `Compared with \`${diff.base}\`.`, ''];
    if (diff.markets.length) {
      out.push('| market | change | keys |', '| --- | --- | --- |');
      for (const m of diff.markets) out.push(`| \`${m.id}\` | ${m.change} | ${m.keys.map((k) => `\`${k}\``).join(', ')} |`);
      out.push('');
    }
    if (diff.rerun.length) {
      out.push(`<details><summary>Tasks that will re-run (${formatCount(diff.rerun.length)})</summary>`, '', '| task | change | model fits |', '| --- | --- | ---: |');
      for (const t of diff.rerun) out.push(`| \`${t.id}\` | ${t.change} | ${formatCount(t.fits)} |`);
      out.push('', '</details>', '');
    }
    if (removedLine) out.push(removedLine, '');
    return `${out.join('\n')}`;
  }
  if (!diff.changed) return `no changes to the plan against ${diff.base}\n`;
  const out = [`plan diff against ${diff.base}: ${marketsLine}`];
  const width = Math.max(0, ...diff.markets.map((m) => m.id.length));
  for (const m of diff.markets) out.push(`  ${SYMBOL[m.change]} ${m.id.padEnd(width)}  ${m.change}${m.keys.length ? `: ${m.keys.join(', ')}` : ''}`);
  out.push(tasksLine);
  for (const t of diff.rerun) out.push(`  ${SYMBOL[t.change]} ${t.id}${t.fits ? ` (${formatCount(t.fits)} fits)` : ''}`);
  if (removedLine) {
    out.push(removedLine);
    for (const t of diff.removed) out.push(`  - ${t.id}`);
  }
  return `${out.join('\n')}\n`;
}
