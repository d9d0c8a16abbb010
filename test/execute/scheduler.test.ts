import assert from 'node:assert/strict';
import { schedule, type Settled, type Status } from '../../runtime/execute/scheduler.ts';

interface T {
  id: string;
  deps: string[];
  after: string[];
  heavy?: boolean;
}
interface O extends Settled {
  status: Status;
  error?: string;
}

const t = (id: string, deps: string[] = [], after: string[] = [], heavy = false): T => ({ id, deps, after, heavy });
const tick = () => new Promise((r) => setTimeout(r, 1));

function run(tasks: T[], behaviour: (task: T) => Promise<O> | O, slots = 2) {
  const log: string[] = [];
  let running = 0;
  let peak = 0;
  const done = schedule<T, O>(tasks, {
    slots,
    takesSlot: (task) => task.heavy === true,
    async run(task) {
      log.push(`start ${task.id}`);
      if (task.heavy) peak = Math.max(peak, ++running);
      try {
        await tick();
        return await behaviour(task);
      } finally {
        if (task.heavy) running--;
        log.push(`end ${task.id}`);
      }
    },
    failed: (_task, err) => ({ status: 'failed', error: (err as Error).message }),
    skipped: (_task, by, status) => ({ status: 'skipped', error: `skipped because "${by}" ${status}` }),
  });
  return { done, log, peak: () => peak };
}

describe('schedule', () => {
  it('starts a task only after everything it waits for settled', async () => {
    const tasks = [t('a'), t('b', ['a']), t('c', ['a']), t('d', ['b'], ['c'])];
    const { done, log } = run(tasks, () => ({ status: 'succeeded' }));
    const out = await done;
    assert.ok([...out.values()].every((o) => o.status === 'succeeded'));
    const at = (s: string) => log.indexOf(s);
    assert.ok(at('end a') < at('start b') && at('end a') < at('start c'));
    assert.ok(at('end b') < at('start d') && at('end c') < at('start d'));
  });

  it('skips the dependents of a failure, waits on `after` whatever happened, and runs the rest', async () => {
    const tasks = [t('a1'), t('a2', ['a1']), t('a3', ['a2']), t('b1'), t('b2', ['b1']), t('publish', [], ['a3', 'b2'])];
    const { done } = run(tasks, (task) => {
      if (task.id === 'a1') throw new Error('no data');
      return { status: 'succeeded' };
    });
    const out = await done;
    assert.deepEqual(Object.fromEntries([...out].map(([id, o]) => [id, o.status])), {
      a1: 'failed', a2: 'skipped', a3: 'skipped', b1: 'succeeded', b2: 'succeeded', publish: 'succeeded',
    });
    assert.equal(out.get('a2')?.error, 'skipped because "a1" failed');
    assert.equal(out.get('a3')?.error, 'skipped because "a2" skipped');
  });

  it('treats reused as success', async () => {
    const { done } = run([t('a'), t('b', ['a'])], (task) => ({ status: task.id === 'a' ? 'reused' : 'succeeded' }));
    assert.equal((await done).get('b')?.status, 'succeeded');
  });

  it('runs at most `slots` heavy tasks at once, earliest in the plan first', async () => {
    const tasks = [t('m1', [], [], true), t('m2', [], [], true), t('m3', [], [], true), t('m4', [], [], true), t('light')];
    const { done, log, peak } = run(tasks, () => ({ status: 'succeeded' }), 2);
    await done;
    assert.equal(peak(), 2);
    const starts = log.filter((l) => l.startsWith('start m'));
    assert.deepEqual(starts, ['start m1', 'start m2', 'start m3', 'start m4']);
    assert.ok(log.indexOf('start light') < log.indexOf('end m1'), 'light tasks do not wait for a slot');
  });

  it('prefers a ready task of an earlier market over new work of a later one', async () => {
    // a2 becomes ready when a1 ends; b1..b3 were ready before. With one slot, a2 goes next.
    const tasks = [t('a1', [], [], true), t('a2', ['a1'], [], true), t('b1', [], [], true), t('b2', [], [], true), t('b3', [], [], true)];
    const { done, log } = run(tasks, () => ({ status: 'succeeded' }), 1);
    await done;
    assert.deepEqual(log.filter((l) => l.startsWith('start')), ['start a1', 'start a2', 'start b1', 'start b2', 'start b3']);
  });

  it('refuses a cycle before running anything', async () => {
    let ran = false;
    await assert.rejects(
      schedule<T, O>([t('a', ['b']), t('b', ['a'])], {
        slots: 1,
        takesSlot: () => false,
        run: async () => {
          ran = true;
          return { status: 'succeeded' };
        },
        failed: () => ({ status: 'failed' }),
        skipped: () => ({ status: 'skipped' }),
      }),
      /Found a cycle: a --> b --> a/,
    );
    assert.equal(ran, false);
  });

  it('finishes an empty plan', async () => {
    assert.equal((await run([], () => ({ status: 'succeeded' })).done).size, 0);
  });
});
