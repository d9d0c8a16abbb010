/**
 * The plan artifact (`forecast plan --out plan.json`): writing, reading (with a version check
 * that names both versions), and the stale-plan check `forecast run plan.json` does before it
 * runs anything.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { orderTasks, PLAN_FORMAT, PLAN_VERSION, PlanError, specHash, type Plan, type PlannableProject, type PlanState } from './plan.ts';

export function serializePlan(plan: Plan): string {
  return `${JSON.stringify(plan, null, 1)}\n`;
}

/** Parse a plan; `source` names it in messages. Throws PlanError for another format or version. */
export function parsePlan(text: string, source: string): Plan {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new PlanError(`${source} is not valid JSON: ${(err as Error).message}`);
  }
  const o = data as Partial<Plan> | null;
  if (o === null || typeof o !== 'object' || o.format !== PLAN_FORMAT) {
    throw new PlanError(`${source} is not a forecast plan (expected "format": "${PLAN_FORMAT}"); make one with \`forecast plan --out ${source}\`.`);
  }
  if (o.version !== PLAN_VERSION) {
    throw new PlanError(
      `${source} is a version ${String(o.version)} plan, but this program reads version ${PLAN_VERSION} plans; make a new one with \`forecast plan --out ${source}\`.`,
    );
  }
  if (!Array.isArray(o.tasks) || !Array.isArray(o.markets)) throw new PlanError(`${source} is damaged: it has no task or market list.`);
  const plan = o as Plan;
  orderTasks(plan); // a hand-edited plan may have a cycle or a dangling dependency
  return plan;
}

export async function readPlanFile(file: string, shownAs: string = file): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new PlanError(`cannot read the plan ${shownAs}: ${(err as Error).message}`);
  }
  return parsePlan(text, shownAs);
}

export async function writePlanFile(file: string, plan: Plan): Promise<void> {
  await writeFile(file, serializePlan(plan));
}

/**
 * Why a plan no longer matches the project (empty when it still does): a market's spec or data
 * changed, a market is gone, the code changed. Running a stale plan would store results under
 * hashes that do not describe what was computed, so `forecast run` refuses it.
 */
export function staleness(plan: Plan, project: PlannableProject, state: Pick<PlanState, 'codeVersion' | 'data'>): string[] {
  const reasons: string[] = [];
  if (plan.project !== project.name) reasons.push(`it was made for project "${plan.project}", this is "${project.name}"`);
  if (plan.codeVersion !== state.codeVersion) reasons.push(`the engine code changed (code version ${plan.codeVersion} -> ${state.codeVersion})`);
  const markets = new Map(project.markets.map((m) => [m.id, m]));
  for (const pm of plan.markets) {
    const m = markets.get(pm.id);
    if (!m) {
      reasons.push(`market ${pm.id} is no longer in the project`);
      continue;
    }
    if (specHash(m) !== pm.spec) reasons.push(`the spec of market ${pm.id} changed${m.file ? ` (${m.file})` : ''}`);
    const data = state.data.get(pm.id);
    if (data && data.hash !== pm.data) reasons.push(`the data of market ${pm.id} changed`);
  }
  return reasons;
}
