// The worker thread of the pool executor (pool.ts). Module customisation hooks are per thread
// and, on Node 20, `--import tsx` in a Worker's execArgv does not register them, so tsx is
// registered here before the TypeScript sources are imported.
import { register } from 'tsx/esm/api';

register();
// WebAssembly models initialise once per worker, on their first job (compute.ts), so a worker
// is ready as soon as the sources are loaded and a run pays only for the models it uses.
const { runCompute } = await import('./compute.ts');

/** Piscina calls the default export with each job. */
export default function compute(job) {
  return runCompute(job);
}
