// The worker thread of the pool executor (pool.ts). Module customisation hooks are per thread
// and, on Node 20, `--import tsx` in a Worker's execArgv does not register them, so tsx is
// registered here before the TypeScript sources are imported.
import { register } from 'tsx/esm/api';

register();
const { runCompute, warmUp } = await import('./compute.ts');
// WebAssembly models initialise once per worker, when it starts.
await warmUp();

/** Piscina calls the default export with each job. */
export default function compute(job) {
  return runCompute(job);
}
