// Worker-thread fixture for augurs.test.ts. Module customisation hooks are per thread and, on
// Node 20, `--import tsx` in a Worker's execArgv does not register them, so register tsx here.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { loadMstl } = await import('../../runtime/models/augurs.ts');
const model = loadMstl().MSTL.ets([4]);
model.fit([1, 2, 3, 4, 1.5, 2.5, 3.5, 4.5, 2, 3, 4, 5]);
parentPort?.postMessage(model.predict(2).point.length);
