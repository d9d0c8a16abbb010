/**
 * Executors run the model-fitting jobs of a plan (compute.ts): `inline` in this thread, one at a
 * time; `pool` in worker threads (pool.ts). The scheduler (scheduler.ts) decides what runs when;
 * an executor only runs what it is given, within a time limit.
 */
import os from 'node:os';
import { runCompute, TaskTimeoutError, timeoutMessage, type ComputeJob, type ComputeResult } from './compute.ts';
import { createPoolExecutor } from './pool.ts';

export type ExecutorKind = 'inline' | 'pool';
export const EXECUTOR_KINDS: readonly ExecutorKind[] = ['inline', 'pool'];

export interface Executor {
  readonly kind: ExecutorKind;
  /** Jobs it runs at once. */
  readonly threads: number;
  /** Run one job; rejects with its error, or with a timeout error after `timeoutSeconds`. */
  run(job: ComputeJob, timeoutSeconds: number): Promise<ComputeResult>;
  close(): Promise<void>;
}

export interface ExecutorOptions {
  readonly kind: ExecutorKind;
  /** Worker threads of the pool; default one per core. */
  readonly threads?: number;
}

export function defaultThreads(): number {
  return Math.max(1, os.availableParallelism());
}

export function createExecutor(options: ExecutorOptions): Executor {
  if (options.kind === 'inline') return createInlineExecutor();
  return createPoolExecutor({ threads: options.threads ?? defaultThreads() });
}

/**
 * Runs each job synchronously in this thread. A time limit can only be checked between
 * parameter sets here (a running fit cannot be interrupted in the thread that runs it).
 */
export function createInlineExecutor(): Executor {
  return {
    kind: 'inline',
    threads: 1,
    async run(job, timeoutSeconds) {
      // Yield first, so that a caller starting several jobs is not blocked for the first one.
      await new Promise((resolve) => setImmediate(resolve));
      const started = Date.now();
      const limit = timeoutSeconds * 1000;
      const withDeadline = job.kind === 'tune' ? { ...job, deadline: Math.min(job.deadline, started + limit) } : job;
      try {
        const result = await runCompute(withDeadline);
        if (Date.now() - started > limit) throw new TaskTimeoutError(timeoutMessage(timeoutSeconds));
        return result;
      } catch (err) {
        if (err instanceof TaskTimeoutError) throw new TaskTimeoutError(timeoutMessage(timeoutSeconds));
        throw err;
      }
    },
    async close() {},
  };
}
