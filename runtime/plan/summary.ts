/** Human and machine summaries of a plan (`forecast plan`). Pure. */
import { countPlan, TaskKind, type Plan, type PlanCounts } from './plan.ts';

export type OutputFormat = 'text' | 'json' | 'markdown';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['text', 'json', 'markdown'];

const KIND_ORDER = Object.keys(TaskKind) as (keyof typeof TaskKind)[];
const INT = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return INT.format(n);
}

export function kindsLine(byKind: PlanCounts['byKind']): string {
  return KIND_ORDER.filter((k) => (byKind[k] ?? 0) > 0)
    .map((k) => `${k} ${byKind[k]}`)
    .join(', ');
}

/** Markets listed one per line up to this many; beyond, grouped by reason. */
const MAX_MARKET_LINES = 30;

export function summarizePlan(plan: Plan, format: OutputFormat): string {
  const c = countPlan(plan);
  if (format === 'json') {
    return `${JSON.stringify(
      {
        project: plan.project,
        mode: plan.mode,
        force: plan.force,
        select: plan.select,
        markets: plan.markets.map((m) => ({ id: m.id, tuning: m.tuning })),
        tasks: { total: c.total, byKind: c.byKind, toRun: c.toRun, reused: c.reused },
        fits: { toRun: c.fitsToRun, reused: c.fitsReused },
      },
      null,
      2,
    )}\n`;
  }
  const md = format === 'markdown';
  const lines: string[] = [];
  const head = `plan for "${plan.project}": ${plan.markets.length} market(s), mode ${plan.mode}${plan.force ? ' (--force)' : ''}${plan.select.length ? `, selected by ${plan.select.join(' ')}` : ''}`;
  lines.push(md ? `### ${head}` : head, '');
  const bullet = md ? '- ' : '  ';
  lines.push(`${bullet}tasks: ${formatCount(c.total)} (${kindsLine(c.byKind)})`);
  lines.push(`${bullet}to run: ${formatCount(c.toRun)} task(s), ${formatCount(c.fitsToRun)} model fit(s)`);
  lines.push(`${bullet}reused from earlier runs: ${formatCount(c.reused)} task(s), ${formatCount(c.fitsReused)} model fit(s) saved`);
  if (plan.markets.length > 0) {
    lines.push(`${bullet}tuning:`);
    if (plan.markets.length <= MAX_MARKET_LINES) {
      const width = Math.max(...plan.markets.map((m) => m.id.length));
      for (const m of plan.markets) lines.push(`${bullet}  ${m.id.padEnd(width)}  ${m.tuning.reuse ? 'reuse' : 'tune '}  ${m.tuning.reason}`);
    } else {
      const groups = new Map<string, number>();
      for (const m of plan.markets) {
        // Group by the reason's gist (ages and dates vary per market).
        const gist = `${m.tuning.reuse ? 'reuse' : 'tune '}  ${m.tuning.reason.replace(/\s*\(.*\)$/, '').replace(/\d{4}-\d{2}-\d{2}/g, '<date>')}`;
        groups.set(gist, (groups.get(gist) ?? 0) + 1);
      }
      for (const [gist, n] of [...groups].sort((a, b) => b[1] - a[1])) lines.push(`${bullet}  ${formatCount(n).padStart(6)} market(s): ${gist}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
