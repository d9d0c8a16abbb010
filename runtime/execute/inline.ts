/**
 * The inline executor: runs a plan's tasks one at a time, in dependency order, in this thread.
 * A task whose dependency failed or was skipped is skipped with the reason; tasks of other
 * markets go on. The worker-pool executor (DESIGN §6) will share this contract.
 */
import { orderTasks, type Plan, type Task, type TaskKind } from '../plan/plan.ts';

export type TaskStatus = 'succeeded' | 'failed' | 'skipped';

export interface TaskOutcome {
  readonly id: string;
  readonly status: TaskStatus;
  /** The runner's return value, for dependents. */
  readonly value?: unknown;
  /** Why it failed, or why it was skipped. */
  readonly error?: string;
  readonly ms: number;
}

/** Results of finished tasks, by id, for runners that read their dependencies' values. */
export type Outcomes = ReadonlyMap<string, TaskOutcome>;

export type TaskRunner = (task: Task, outcomes: Outcomes) => Promise<unknown>;
export type Runners = Readonly<Record<TaskKind, TaskRunner>>;

export interface ExecuteHooks {
  onTaskDone?(task: Task, outcome: TaskOutcome, done: number, total: number): void;
}

export async function executeInline(plan: Plan, runners: Runners, hooks: ExecuteHooks = {}): Promise<Map<string, TaskOutcome>> {
  const outcomes = new Map<string, TaskOutcome>();
  const order = orderTasks(plan);
  let done = 0;
  for (const task of order) {
    const blocked = task.deps.map((d) => outcomes.get(d)!).find((o) => o.status !== 'succeeded');
    let outcome: TaskOutcome;
    if (blocked) {
      outcome = { id: task.id, status: 'skipped', error: `skipped because "${blocked.id}" ${blocked.status}`, ms: 0 };
    } else {
      const started = performance.now();
      try {
        const value = await runners[task.kind](task, outcomes);
        outcome = { id: task.id, status: 'succeeded', value, ms: performance.now() - started };
      } catch (err) {
        outcome = { id: task.id, status: 'failed', error: errorMessage(err), ms: performance.now() - started };
      }
    }
    outcomes.set(task.id, outcome);
    done++;
    hooks.onTaskDone?.(task, outcome, done, order.length);
  }
  return outcomes;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
