/**
 * The scheduler: runs a DAG of tasks, each as soon as everything it waits for has settled.
 *
 * - A task waits for its `deps` and its `after` tasks; if a dep did not succeed (failed or
 *   skipped) the task is skipped with the reason, so a market's failure skips its own later
 *   tasks and nothing else.
 * - Tasks that take a slot (model fitting) run at most `slots` at a time; when several are ready
 *   the one earliest in the plan goes first. Plans list a market's tasks together, so markets
 *   finish one after another instead of all at the end, and memory is released as they do.
 * - Other tasks (reading files, selecting, publishing) start at once.
 */
import { orderTasks } from '../plan/plan.ts';

export type Status = 'succeeded' | 'reused' | 'failed' | 'skipped';

/** What the scheduler needs of a task. */
export interface SchedulableTask {
  readonly id: string;
  readonly deps: readonly string[];
  readonly after: readonly string[];
}

/** What the scheduler needs of an outcome. */
export interface Settled {
  readonly status: Status;
  readonly error?: string;
}

export function isOk(s: Settled | undefined): boolean {
  return s !== undefined && (s.status === 'succeeded' || s.status === 'reused');
}

export interface ScheduleOptions<T extends SchedulableTask, O extends Settled> {
  /** Most slot-taking tasks running at once (>= 1). */
  readonly slots: number;
  takesSlot(task: T): boolean;
  /** Run a task; a rejection is turned into a failed outcome by `failed`. */
  run(task: T): Promise<O>;
  failed(task: T, error: unknown): O;
  skipped(task: T, blockedBy: string, blockedStatus: Status): O;
  onSettled?(task: T, outcome: O): void;
}

export async function schedule<T extends SchedulableTask, O extends Settled>(tasks: readonly T[], opts: ScheduleOptions<T, O>): Promise<Map<string, O>> {
  orderTasks({ tasks }); // throws on a cycle or a dangling dependency, before anything runs
  const outcomes = new Map<string, O>();
  if (tasks.length === 0) return outcomes;
  const slots = Math.max(1, Math.floor(opts.slots));
  const index = new Map(tasks.map((t, i) => [t.id, i]));
  const waiting = new Map<string, number>();
  const children = new Map<string, T[]>();
  for (const t of tasks) {
    const ups = new Set([...t.deps, ...t.after]);
    waiting.set(t.id, ups.size);
    for (const u of ups) {
      const list = children.get(u);
      if (list) list.push(t);
      else children.set(u, [t]);
    }
  }
  const ready = new MinHeap<T>((a, b) => index.get(a.id)! - index.get(b.id)!);
  let running = 0;

  return new Promise((resolve, reject) => {
    // A worklist instead of recursion: settling one task can make many others ready.
    const toCheck: T[] = tasks.filter((t) => waiting.get(t.id) === 0);
    const settle = (task: T, outcome: O): void => {
      outcomes.set(task.id, outcome);
      try {
        opts.onSettled?.(task, outcome);
      } catch (err) {
        reject(err);
        return;
      }
      for (const child of children.get(task.id) ?? []) {
        const left = waiting.get(child.id)! - 1;
        waiting.set(child.id, left);
        if (left === 0) toCheck.push(child);
      }
    };
    const start = (task: T, slot: boolean): void => {
      if (slot) running++;
      let p: Promise<O>;
      try {
        p = opts.run(task);
      } catch (err) {
        p = Promise.reject(err);
      }
      p.then(
        (o) => o,
        (err: unknown) => opts.failed(task, err),
      ).then((o) => {
        if (slot) running--;
        settle(task, o);
        pump();
      }, reject);
    };
    const pump = (): void => {
      while (toCheck.length > 0) {
        const task = toCheck.pop()!;
        const blocked = task.deps.find((d) => !isOk(outcomes.get(d)));
        if (blocked !== undefined) settle(task, opts.skipped(task, blocked, outcomes.get(blocked)!.status));
        else if (opts.takesSlot(task)) ready.push(task);
        else start(task, false);
      }
      while (running < slots && ready.size > 0) start(ready.pop()!, true);
      if (outcomes.size === tasks.length) resolve(outcomes);
    };
    pump();
  });
}

/** A binary heap: the smallest element (by `less`) comes out first. */
class MinHeap<T> {
  private items: T[] = [];
  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.compare(a[i]!, a[parent]!) >= 0) break;
      [a[i], a[parent]] = [a[parent]!, a[i]!];
      i = parent;
    }
  }

  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.compare(a[l]!, a[m]!) < 0) m = l;
        if (r < a.length && this.compare(a[r]!, a[m]!) < 0) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
