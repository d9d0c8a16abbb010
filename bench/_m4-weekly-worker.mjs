// Worker thread of bench/m4-weekly.ts. Module customisation hooks are per thread and, on Node 20,
// `--import tsx` in a Worker's execArgv does not register them, so register tsx here.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { runSeries } = await import('./_m4-weekly-run.ts');
const out = [];
for (const s of workerData.series) out.push(runSeries(s, workerData.settings));
parentPort?.postMessage(out);
