import assert from 'node:assert/strict';
import {
  countPlan,
  orderTasks,
  parseSelector,
  planRun,
  PlanError,
  PLAN_FORMAT,
  PLAN_VERSION,
  selectTasks,
  specHash,
  taskKey,
  validateTasks,
  type Plan,
  type PlanState,
  type SelectionRecord,
  type Task,
} from '../../runtime/plan/plan.ts';
import { dataOf, market, NOW, project, state } from './fixtures.ts';

const de = market('de', { tags: ['europe', 'dach'] });
const sv = market('sv', { tags: ['europe', 'nordics'], models: [{ family: 'mstl', params: {} }] });
const demo = project([de, sv]);

const hashes = (plan: Plan): Map<string, string> => new Map(plan.tasks.filter((t) => t.market !== undefined).map((t) => [t.id, t.hash]));

/** Task ids whose hash differs between two plans (tasks of markets only). */
function changed(a: Plan, b: Plan): string[] {
  const ha = hashes(a);
  return [...hashes(b)].filter(([id, h]) => ha.get(id) !== h).map(([id]) => id);
}

/** What the store holds after `plan` ran successfully at `tunedAt`: every result, and each market's selection. */
function storedAfter(plan: Plan, tunedAt: string, currentHistory: (m: string) => string = (m) => plan.markets.find((x) => x.id === m)!.data): Pick<PlanState, 'cached' | 'selections'> {
  const cached = new Set(plan.tasks.filter((t) => t.market !== undefined).map(taskKey));
  const selections = new Map<string, SelectionRecord[]>();
  for (const pm of plan.markets) {
    const tunes = Object.fromEntries(plan.tasks.filter((t) => t.kind === 'tune' && t.market === pm.id).map((t) => [t.id, taskKey(t)]));
    const byId = (id: string) => plan.tasks.find((t) => t.id === id)!;
    selections.set(pm.id, [
      {
        specKey: pm.specKey,
        codeVersion: plan.codeVersion,
        historyBytes: pm.dataBytes,
        historyHash: pm.data,
        currentHistory: currentHistory(pm.id),
        tunedAt,
        runId: 'run-1',
        holdout: taskKey(byId(`holdout:${pm.id}`)),
        select: taskKey(byId(`select:${pm.id}`)),
        tunes,
      },
    ]);
  }
  return { cached, selections };
}

describe('planRun', () => {
  it('builds each market\'s chain, a tune task per family chunk, and the run-wide tasks', () => {
    const plan = planRun(demo, state(demo.markets));
    assert.equal(plan.format, PLAN_FORMAT);
    assert.equal(plan.version, PLAN_VERSION);
    assert.deepEqual(plan.markets.map((m) => m.id), ['de', 'sv']);
    assert.deepEqual(plan.tasks.map((t) => t.id), [
      'ingest:de', 'qa:de', 'prepare:de', 'tune:de:snaive:0', 'tune:de:mstl:0', 'select:de', 'holdout:de', 'apply:de',
      'ingest:sv', 'qa:sv', 'prepare:sv', 'tune:sv:mstl:0', 'select:sv', 'holdout:sv', 'apply:sv',
      'publish', 'report',
    ]);
    const get = (id: string) => plan.tasks.find((t) => t.id === id)!;
    assert.deepEqual(get('select:de').after, ['tune:de:snaive:0', 'tune:de:mstl:0']);
    assert.deepEqual(get('select:de').deps, ['prepare:de']);
    assert.deepEqual(get('holdout:de').deps, ['prepare:de', 'select:de']);
    // apply waits for holdout without needing it: without a selection it falls back.
    assert.deepEqual(get('apply:de').deps, ['prepare:de']);
    assert.deepEqual(get('apply:de').after, ['holdout:de']);
    assert.deepEqual(get('publish').after, ['apply:de', 'apply:sv']);
    assert.deepEqual(get('report').deps, ['publish']);
    assert.equal(get('tune:de:mstl:0').fits, 4, 'one parameter set x 4 folds');
    assert.equal(get('holdout:de').fits, 3);
    assert.equal(get('qa:de').minLength, 2 * 52 + 13 + 3 * 13 + 13);
    assert.ok(plan.tasks.every((t) => t.action === 'run'));
  });

  it('cuts a family\'s parameter sets into chunks with stable ids', () => {
    const many = market('fr', { models: [{ family: 'mstl', params: { periods: { choice: Array.from({ length: 25 }, (_, k) => [k + 2, 52]) } } }], evaluation: { folds: 3 } });
    const plan = planRun(project([many]), state([many]), { chunkSize: 10 });
    const tunes = plan.tasks.filter((t) => t.kind === 'tune');
    assert.deepEqual(tunes.map((t) => [t.id, t.paramSets?.length, t.fits]), [
      ['tune:fr:mstl:0', 10, 30],
      ['tune:fr:mstl:1', 10, 30],
      ['tune:fr:mstl:2', 5, 15],
    ]);
    assert.equal(countPlan(plan).fitsToRun, 75 + 3 + 1);
  });

  it('numbers chunks per family across candidates, so two candidates of one family get distinct ids', () => {
    const two = market('nl', { models: [{ family: 'mstl', params: { periods: [52] } }, { family: 'snaive', params: {} }, { family: 'mstl', params: { periods: [4, 52] } }] });
    const plan = planRun(project([two]), state([two]));
    assert.deepEqual(plan.tasks.filter((t) => t.kind === 'tune').map((t) => t.id), ['tune:nl:mstl:0', 'tune:nl:snaive:0', 'tune:nl:mstl:1']);
  });

  it('is deterministic, serialisable, and blind to the order keys are written in', () => {
    const a = planRun(demo, state(demo.markets));
    const b = planRun(demo, state(demo.markets));
    assert.equal(JSON.stringify(a), JSON.stringify(b));
    assert.deepEqual(JSON.parse(JSON.stringify(a)), a);
    const reordered = { ...de, evaluation: Object.fromEntries(Object.entries(de.evaluation).reverse()) } as typeof de;
    const c = planRun(project([reordered, sv]), state(demo.markets));
    assert.deepEqual(changed(a, c), []);
  });

  describe('a changed key changes exactly the tasks that read it, and their dependents', () => {
    const base = planRun(demo, state(demo.markets));
    const withDe = (patch: Parameters<typeof market>[1]) => {
      const m = market('de', { tags: ['europe', 'dach'], ...patch });
      return planRun(project([m, sv]), state([m, sv]));
    };

    it('forecast.horizon: apply only', () => {
      assert.deepEqual(changed(base, withDe({ forecast: { horizon: 52 } })), ['apply:de']);
    });

    it('a disruption: prepare and everything after it', () => {
      const plan = withDe({ disruptions: [{ from: '2014-09-22', to: '2014-09-28', action: 'level_shift', reason: 'x' }] });
      assert.deepEqual(changed(base, plan), ['prepare:de', 'tune:de:snaive:0', 'tune:de:mstl:0', 'select:de', 'holdout:de', 'apply:de']);
    });

    it('one candidate\'s params: its chunk, then select, holdout, apply', () => {
      const plan = withDe({ models: [{ family: 'snaive', params: {} }, { family: 'mstl', params: { periods: [4, 52] } }] });
      assert.deepEqual(changed(base, plan), ['tune:de:mstl:0', 'select:de', 'holdout:de', 'apply:de']);
    });

    it('evaluation.top and ensemble: not the tuning', () => {
      assert.deepEqual(changed(base, withDe({ evaluation: { top: 1 } })), ['select:de', 'holdout:de', 'apply:de']);
      assert.deepEqual(changed(base, withDe({ evaluation: { ensemble: 'mean' } })), ['holdout:de', 'apply:de']);
    });

    it('evaluation.folds: QA (the minimum length) and everything after it, not ingest', () => {
      const ids = changed(base, withDe({ evaluation: { folds: 3 } }));
      assert.deepEqual(ids, ['qa:de', 'prepare:de', 'tune:de:snaive:0', 'tune:de:mstl:0', 'select:de', 'holdout:de', 'apply:de']);
    });

    it('country (the holiday calendar models may read): model tasks only', () => {
      assert.deepEqual(changed(base, withDe({ country: 'AT' })), ['tune:de:snaive:0', 'tune:de:mstl:0', 'select:de', 'holdout:de', 'apply:de']);
    });

    it('labels (name, series.metric, tags): no task, but the spec hash', () => {
      const plan = withDe({ name: 'Deutsch', series: { metric: 'views' }, tags: ['other'] });
      assert.deepEqual(changed(base, plan), []);
      assert.notEqual(plan.markets[0]!.spec, base.markets[0]!.spec);
    });

    it('the data: every task of that market; the code version: every task', () => {
      const data = dataOf(demo.markets);
      data.set('de', { hash: 'de-v2', bytes: 1100 });
      const plan = planRun(demo, state(demo.markets, { data }));
      assert.deepEqual(changed(base, plan), base.tasks.filter((t) => t.market === 'de').map((t) => t.id));
      const code = planRun(demo, state(demo.markets, { codeVersion: 'code-2' }));
      assert.equal(changed(base, code).length, hashes(base).size);
    });
  });

  describe('reuse', () => {
    const first = planRun(demo, state(demo.markets));
    const stored = storedAfter(first, '2016-01-31T06:00:00.000Z');

    it('reuses every task whose input hash has a stored result', () => {
      const plan = planRun(demo, state(demo.markets, stored));
      assert.ok(plan.tasks.filter((t) => t.market).every((t) => t.action === 'reuse' && t.from === undefined));
      assert.ok(plan.tasks.filter((t) => !t.market).every((t) => t.action === 'run'), 'publish and report always run');
      const c = countPlan(plan);
      assert.equal(c.toRun, 2);
      assert.equal(c.fitsToRun, 0);
      assert.equal(plan.markets[0]!.tuning.reason, 'inputs unchanged since it was tuned');
    });

    it('--force reuses nothing', () => {
      const plan = planRun(demo, state(demo.markets, stored), { force: true });
      assert.ok(plan.tasks.every((t) => t.action === 'run'));
      assert.ok(plan.tasks.filter((t) => t.market).every((t) => t.force === true));
    });

    it('tune mode re-tunes every selected market and reuses the rest', () => {
      const plan = planRun(demo, state(demo.markets, stored), { mode: 'tune' });
      for (const t of plan.tasks.filter((x) => x.market)) {
        const tuning = ['tune', 'select', 'holdout'].includes(t.kind);
        assert.equal(t.action, tuning ? 'run' : 'reuse', t.id);
        assert.equal(t.force === true, tuning, t.id);
      }
    });

    it('runs only the chunk whose candidate changed, reusing the other chunks', () => {
      const m = market('de', { tags: ['europe', 'dach'], models: [{ family: 'snaive', params: {} }, { family: 'mstl', params: { periods: [4, 52] } }] });
      const plan = planRun(project([m, sv]), state([m, sv], stored));
      const action = (id: string) => plan.tasks.find((t) => t.id === id)!.action;
      assert.equal(action('tune:de:snaive:0'), 'reuse');
      assert.equal(action('tune:de:mstl:0'), 'run');
      assert.equal(action('select:de'), 'run');
      assert.equal(plan.markets[0]!.tuning.reason, 'spec changed since the last tuning');
    });
  });

  describe('weekly mode: new weeks of data', () => {
    const first = planRun(demo, state(demo.markets));
    // A week later: every file has one more week; the weeks tuning saw are unchanged.
    const appended = dataOf(demo.markets, 'v2');
    for (const m of demo.markets) appended.set(m.id, { hash: `${m.id}-v2`, bytes: 1100 });
    // The state loader fingerprints the first 1,000 bytes of today's file: unchanged unless revised.
    const weekLater = (tunedAt: string, revised = false) =>
      state(demo.markets, { data: appended, ...storedAfter(first, tunedAt, (m) => (revised && m === 'de' ? 'revised' : first.markets.find((x) => x.id === m)!.data)) });

    it('reuses the stored selection and refits the chosen model on the new data', () => {
      const plan = planRun(demo, weekLater('2016-01-29T06:00:00.000Z'));
      const get = (id: string) => plan.tasks.find((t) => t.id === id)!;
      for (const id of ['tune:de:snaive:0', 'tune:de:mstl:0', 'select:de', 'holdout:de']) {
        assert.equal(get(id).action, 'reuse', id);
        assert.equal(get(id).from, taskKey(first.tasks.find((t) => t.id === id)!), `${id} reuses the stored result`);
      }
      for (const id of ['ingest:de', 'qa:de', 'prepare:de', 'apply:de']) assert.equal(get(id).action, 'run', id);
      assert.equal(countPlan(plan).fitsToRun, 2, 'one refit per market');
      assert.equal(plan.markets[0]!.tuning.reason, 'reuses the selection tuned 2016-01-29 (3.0 days old; new data appended since)');
    });

    it('re-tunes a selection older than search.maxAgeDays', () => {
      const plan = planRun(demo, weekLater('2016-01-20T06:00:00.000Z'));
      assert.equal(plan.tasks.find((t) => t.id === 'tune:de:mstl:0')!.action, 'run');
      assert.equal(plan.markets[0]!.tuning.reason, 'selection is 12 days old (search.maxAgeDays: 7)');
      const patient = market('de', { tags: ['europe', 'dach'], search: { maxAgeDays: 30 } });
      const p2 = planRun(project([patient, sv]), { ...weekLater('2016-01-20T06:00:00.000Z'), selections: storedAfter(planRun(project([patient, sv]), state([patient, sv])), '2016-01-20T06:00:00.000Z').selections });
      assert.equal(p2.tasks.find((t) => t.id === 'tune:de:mstl:0')!.action, 'reuse');
    });

    it('re-tunes a market whose history was revised, and only that one', () => {
      const plan = planRun(demo, weekLater('2016-01-29T06:00:00.000Z', true));
      assert.equal(plan.tasks.find((t) => t.id === 'tune:de:mstl:0')!.action, 'run');
      assert.equal(plan.markets[0]!.tuning.reason, 'data tuning saw was revised since (not only appended to)');
      assert.equal(plan.tasks.find((t) => t.id === 'tune:sv:mstl:0')!.action, 'reuse');
    });

    it('re-tunes when the spec or the code changed', () => {
      const m = market('de', { tags: ['europe', 'dach'], evaluation: { step: 6 } });
      const plan = planRun(project([m, sv]), { ...weekLater('2016-01-29T06:00:00.000Z') });
      assert.equal(plan.markets[0]!.tuning.reason, 'spec changed since the last tuning');
      const code = planRun(demo, { ...weekLater('2016-01-29T06:00:00.000Z'), codeVersion: 'code-2' });
      assert.equal(code.markets[0]!.tuning.reason, 'code changed since the last tuning');
    });
  });

  describe('selectors', () => {
    const fr = market('fr', { tags: ['europe'], workstream: 'new' });
    const three = project([de, fr, sv]);
    const chosen = (select: string[], s: PlanState = state(three.markets)) => planRun(three, s, { select }).markets.map((m) => m.id);

    it('market:, tag:, workstream: and their union', () => {
      assert.deepEqual(chosen(['market:sv']), ['sv']);
      assert.deepEqual(chosen(['tag:nordics']), ['sv']);
      assert.deepEqual(chosen(['tag:europe']), ['de', 'fr', 'sv']);
      assert.deepEqual(chosen(['workstream:new']), ['fr']);
      assert.deepEqual(chosen(['market:de', 'tag:nordics']), ['de', 'sv']);
      const plan = planRun(three, state(three.markets), { select: ['market:sv'] });
      assert.ok(plan.tasks.every((t) => t.market === undefined || t.market === 'sv'));
      assert.deepEqual(plan.tasks.find((t) => t.id === 'publish')!.after, ['apply:sv']);
    });

    it('changed: markets whose spec differs from their last successful run', () => {
      const good = new Map([['de', specHash(de)], ['sv', specHash(market('sv', { forecast: { horizon: 52 } }))]]);
      assert.deepEqual(chosen(['changed'], state(three.markets, { lastGoodSpecs: good })), ['fr', 'sv']);
      const allGood = new Map(three.markets.map((m) => [m.id, specHash(m)]));
      assert.deepEqual(chosen(['changed'], state(three.markets, { lastGoodSpecs: allGood })), [], 'nothing changed is not an error');
    });

    it('a + suffix adds dependents', () => {
      assert.deepEqual(chosen(['market:sv+']), ['sv'], 'markets do not depend on one another yet');
      assert.deepEqual(parseSelector('tag:nordics+'), { kind: 'tag', value: 'nordics', dependents: true, text: 'tag:nordics+' });
      // On a DAG with a cross-market edge (a proxy market reading another's prepared series):
      const t = (id: string, deps: string[] = []): Pick<Task, 'id' | 'deps' | 'after'> => ({ id, deps, after: [] });
      const tasks = [t('prepare:a'), t('apply:a', ['prepare:a']), t('prepare:b', ['prepare:a']), t('apply:b', ['prepare:b']), t('prepare:c'), t('apply:c', ['prepare:c'])];
      assert.deepEqual([...selectTasks(tasks, ['prepare:a', 'apply:a'])].sort(), ['apply:a', 'prepare:a']);
      assert.deepEqual([...selectTasks(tasks, ['prepare:a', 'apply:a'], ['prepare:a', 'apply:a'])].sort(), ['apply:a', 'apply:b', 'prepare:a', 'prepare:b']);
      assert.deepEqual([...selectTasks(tasks, ['apply:b'])].sort(), ['apply:b', 'prepare:a', 'prepare:b'], 'ancestors come along so the selection can run');
    });

    it('rejects unknown names and malformed selectors, listing what exists', () => {
      assert.throws(() => chosen(['market:xx']), (e: unknown) => e instanceof PlanError && /"market:xx" matches no market/.test(e.message) && /de, fr, sv/.test(e.message));
      assert.throws(() => chosen(['tag:asia']), /Known tags: dach, europe, nordics/);
      assert.throws(() => chosen(['workstream:custom']), /Workstreams in use: mature, new/);
      assert.throws(() => chosen(['sv']), /not understood.*market:<id>, tag:<tag>, workstream:<name> or changed/);
      assert.throws(() => chosen(['colour:red']), /not understood/);
    });
  });
});

describe('orderTasks and validateTasks', () => {
  const t = (id: string, deps: string[] = [], after: string[] = []): Task => ({ id, kind: 'qa', deps, after, hash: id, action: 'run', fits: 0 });

  it('puts every task after its dependencies', () => {
    const tasks = [t('c', ['b']), t('b', ['a']), t('a'), t('d', [], ['c'])];
    const order = orderTasks({ tasks }).map((x) => x.id);
    for (const task of tasks) {
      for (const d of [...task.deps, ...task.after]) assert.ok(order.indexOf(d) < order.indexOf(task.id), `${d} before ${task.id}`);
    }
    validateTasks(tasks); // out of order but acyclic: fine
  });

  it('prints the path of a cycle', () => {
    const tasks = [t('a', ['b']), t('b', ['c']), t('c', ['a'])];
    assert.throws(() => orderTasks({ tasks }), { message: 'Found a cycle: a --> b --> c --> a' });
    assert.throws(() => validateTasks([t('x'), ...tasks]), { message: 'Found a cycle: a --> b --> c --> a' });
    assert.throws(() => validateTasks([t('a', [], ['a'])]), { message: 'Found a cycle: a --> a' });
  });

  it('names a dangling dependency and a duplicate id', () => {
    assert.throws(() => validateTasks([t('a', ['ghost'])]), { message: 'Task "a" depends on "ghost", which is not in the plan.' });
    assert.throws(() => validateTasks([t('a'), t('a')]), { message: 'Task id "a" appears twice in the plan.' });
  });

  it('handles a plan with 20,000 inputs to one task without deep recursion', () => {
    const tasks = Array.from({ length: 20_000 }, (_, i) => t(`x${i}`, i > 0 ? [`x${i - 1}`] : []));
    assert.equal(orderTasks({ tasks: [...tasks].reverse() }).length, 20_000);
  });
});

describe('plan state fixture sanity', () => {
  it('uses a fixed clock', () => {
    assert.equal(state([]).now, NOW);
  });
});
