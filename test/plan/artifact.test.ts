import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parsePlan, readPlanFile, serializePlan, staleness, writePlanFile } from '../../runtime/plan/artifact.ts';
import { planRun, PlanError } from '../../runtime/plan/plan.ts';
import { summarizePlan } from '../../runtime/plan/summary.ts';
import { dataOf, market, project, state } from './fixtures.ts';

const de = market('de');
const sv = market('sv');
const demo = project([de, sv]);
const plan = planRun(demo, state(demo.markets));

describe('plan artifact', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'plan-artifact-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips through a file', async () => {
    const file = path.join(dir, 'plan.json');
    await writePlanFile(file, plan);
    assert.deepEqual(await readPlanFile(file), plan);
    assert.equal(serializePlan(plan), await readFile(file, 'utf8'));
  });

  it('rejects another version, naming both versions', () => {
    const text = serializePlan({ ...plan, version: 2 as 1 });
    assert.throws(() => parsePlan(text, 'plan.json'), (e: unknown) =>
      e instanceof PlanError && e.message === 'plan.json is a version 2 plan, but this program reads version 1 plans; make a new one with `forecast plan --out plan.json`.');
  });

  it('rejects what is not a plan, and a plan with a cycle', async () => {
    assert.throws(() => parsePlan('{"tasks": []}', 'x.json'), /x\.json is not a forecast plan/);
    assert.throws(() => parsePlan('not json', 'x.json'), /x\.json is not valid JSON/);
    const cyclic = { ...plan, tasks: plan.tasks.map((t) => (t.id === 'ingest:de' ? { ...t, deps: ['apply:de'] } : t)) };
    assert.throws(() => parsePlan(JSON.stringify(cyclic), 'x.json'), /Found a cycle: ingest:de --> apply:de --> prepare:de --> qa:de --> ingest:de/);
    await assert.rejects(readPlanFile(path.join(dir, 'missing.json'), 'missing.json'), /cannot read the plan missing\.json/);
  });

  it('is stale when a spec, the data, a market or the code changed', () => {
    const now = { codeVersion: 'code-1', data: dataOf(demo.markets) };
    assert.deepEqual(staleness(plan, demo, now), []);
    const edited = project([market('de', { forecast: { horizon: 52 } }), sv]);
    assert.deepEqual(staleness(plan, edited, now), ['the spec of market de changed (markets/de.yaml)']);
    const data = dataOf(demo.markets);
    data.set('sv', { hash: 'other', bytes: 0 });
    assert.deepEqual(staleness(plan, demo, { ...now, data }), ['the data of market sv changed']);
    assert.deepEqual(staleness(plan, project([de]), now), ['market sv is no longer in the project']);
    assert.deepEqual(staleness(plan, demo, { ...now, codeVersion: 'code-2' }), ['the engine code changed (code version code-1 -> code-2)']);
    // A market added since is not the plan's business.
    assert.deepEqual(staleness(plan, project([de, sv, market('fr')]), now), []);
  });
});

describe('summarizePlan', () => {
  it('counts tasks by kind, model fits to run, and tasks reused', () => {
    const text = summarizePlan(plan, 'text');
    assert.match(text, /^plan for "demo": 2 market\(s\), mode weekly\n/);
    assert.match(text, /tasks: 18 \(ingest 2, qa 2, prepare 2, tune 4, select 2, holdout 2, apply 2, publish 1, report 1\)/);
    assert.match(text, /to run: 18 task\(s\), 24 model fit\(s\)/);
    assert.match(text, /reused from earlier runs: 0 task\(s\), 0 model fit\(s\) saved/);
    assert.match(text, /de {2}tune {3}never tuned/);
    const json = JSON.parse(summarizePlan(plan, 'json')) as { tasks: { toRun: number }; fits: { toRun: number } };
    assert.equal(json.tasks.toRun, 18);
    assert.equal(json.fits.toRun, 24);
    assert.match(summarizePlan(plan, 'markdown'), /^### plan for "demo"/);
  });

  it('groups the tuning reasons of many markets', () => {
    const markets = Array.from({ length: 40 }, (_, i) => market(`m${i}`));
    const text = summarizePlan(planRun(project(markets), state(markets)), 'text');
    assert.match(text, / {6}40 market\(s\): tune {3}never tuned/);
  });
});
