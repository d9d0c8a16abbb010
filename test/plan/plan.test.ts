import assert from 'node:assert/strict';
import { orderTasks, planRun, PlanError, PLAN_VERSION, type PlannableProject, type Task } from '../../runtime/plan/plan.ts';

const project: PlannableProject = {
  name: 'demo',
  markets: [
    { id: 'de', models: [{ family: 'snaive' }, { family: 'mstl' }] },
    { id: 'sv', models: [{ family: 'mstl' }] },
  ],
};

describe('planRun', () => {
  it('builds the per-market chain and one tune task per candidate', () => {
    const plan = planRun(project, { select: [] });
    assert.equal(plan.version, PLAN_VERSION);
    assert.deepEqual(plan.markets, ['de', 'sv']);
    const ids = plan.tasks.map((t) => t.id);
    assert.deepEqual(ids, [
      'ingest:de', 'qa:de', 'prepare:de', 'tune:de:snaive:0', 'tune:de:mstl:1', 'select:de', 'apply:de',
      'ingest:sv', 'qa:sv', 'prepare:sv', 'tune:sv:mstl:0', 'select:sv', 'apply:sv',
      'publish', 'report',
    ]);
    const select = plan.tasks.find((t) => t.id === 'select:de')!;
    assert.deepEqual(select.deps, ['tune:de:snaive:0', 'tune:de:mstl:1']);
    const publish = plan.tasks.find((t) => t.id === 'publish')!;
    assert.deepEqual(publish.after, ['apply:de', 'apply:sv']);
  });

  it('is deterministic and serialisable', () => {
    const a = planRun(project, { select: [] });
    const b = planRun(project, { select: [] });
    assert.equal(JSON.stringify(a), JSON.stringify(b));
    assert.deepEqual(JSON.parse(JSON.stringify(a)), a);
  });

  it('selects markets with market:<id>', () => {
    const plan = planRun(project, { select: ['market:sv'] });
    assert.deepEqual(plan.markets, ['sv']);
    assert.ok(plan.tasks.every((t) => t.market === undefined || t.market === 'sv'));
  });

  it('rejects unknown markets and malformed selectors, naming the known markets', () => {
    assert.throws(() => planRun(project, { select: ['market:xx'] }), (e: unknown) =>
      e instanceof PlanError && /"market:xx" matches no market/.test(e.message) && /de, sv/.test(e.message));
    assert.throws(() => planRun(project, { select: ['sv'] }), /not understood/);
  });
});

describe('orderTasks', () => {
  const t = (id: string, deps: string[] = [], after: string[] = []): Task => ({ id, kind: 'qa', deps, after });

  it('puts every task after its dependencies', () => {
    const tasks = [t('c', ['b']), t('b', ['a']), t('a'), t('d', [], ['c'])];
    const order = orderTasks({ tasks }).map((x) => x.id);
    for (const task of tasks) {
      for (const d of [...task.deps, ...task.after]) assert.ok(order.indexOf(d) < order.indexOf(task.id), `${d} before ${task.id}`);
    }
  });

  it('prints the path of a cycle', () => {
    const tasks = [t('a', ['b']), t('b', ['c']), t('c', ['a'])];
    assert.throws(() => orderTasks({ tasks }), { message: 'Found a cycle: a --> b --> c --> a' });
  });

  it('names a dangling dependency', () => {
    assert.throws(() => orderTasks({ tasks: [t('a', ['ghost'])] }), { message: 'Task "a" depends on "ghost", which is not in the plan.' });
  });
});
