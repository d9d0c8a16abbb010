import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { loadMstl } from '../../runtime/models/augurs.ts';

describe('augurs loader', () => {
  it('initialises the mstl wasm once and returns the same module', () => {
    const a = loadMstl();
    const b = loadMstl();
    assert.equal(a, b);
    const model = a.MSTL.ets([4]);
    model.fit([1, 2, 3, 4, 1.5, 2.5, 3.5, 4.5, 2, 3, 4, 5]);
    assert.equal(model.predict(4).point.length, 4);
    model.free();
  });

  it('works inside a worker thread (each thread instantiates its own wasm)', async () => {
    const worker = new Worker(new URL('./augurs-worker.mjs', import.meta.url));
    const result = await new Promise<unknown>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    assert.equal(result, 2);
  });
});
