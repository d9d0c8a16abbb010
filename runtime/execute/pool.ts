/**
 * The pool executor: jobs run in worker threads managed by piscina (one per core by default).
 * The cleaned series crosses to the worker as a transferred Float64Array (no copy); each worker
 * loads the models when it starts (`worker.mjs`) and instantiates a WebAssembly model once, on the
 * first job that uses it.
 *
 * A job over its time limit is aborted: piscina terminates the worker running it and starts a
 * fresh one, so a model stuck in a loop cannot hold a thread for the rest of the run.
 */
import { Piscina } from 'piscina';
import { TaskTimeoutError, timeoutMessage, transferablesOf, type ComputeJob, type ComputeResult } from './compute.ts';
import type { Executor } from './executor.ts';

const WORKER_FILE = new URL('./worker.mjs', import.meta.url).href;

export function createPoolExecutor(options: { readonly threads: number }): Executor {
  const threads = Math.max(1, Math.floor(options.threads));
  // Created on the first job: a run whose tasks are all reused starts no threads at all.
  let pool: Piscina<ComputeJob, ComputeResult> | null = null;
  const get = (): Piscina<ComputeJob, ComputeResult> => {
    pool ??= new Piscina<ComputeJob, ComputeResult>({
      filename: WORKER_FILE,
      minThreads: threads,
      maxThreads: threads,
      // Workers live as long as the run; the scheduler never queues more jobs than threads.
      idleTimeout: 60_000,
    });
    return pool;
  };
  return {
    kind: 'pool',
    threads,
    async run(job, timeoutSeconds) {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), timeoutSeconds * 1000);
      try {
        // The time limit is enforced here, by terminating the worker; no cooperative deadline needed.
        const sent = job.kind === 'tune' ? { ...job, deadline: Number.POSITIVE_INFINITY } : job;
        return await get().run(sent, { transferList: transferablesOf(job), signal: abort.signal });
      } catch (err) {
        if (abort.signal.aborted) {
          throw new TaskTimeoutError(timeoutMessage(timeoutSeconds));
        }
        throw err;
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      const p = pool;
      pool = null;
      if (p) await p.destroy();
    },
  };
}
