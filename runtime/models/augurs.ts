/**
 * Loading the @bsull/augurs WebAssembly modules in Node.
 *
 * Each augurs entry point (`@bsull/augurs/mstl`, `.../ets`, ...) is a wasm-bindgen module whose
 * default `init()` fetches its `.wasm` file by URL. Node's `fetch` does not support `file://`
 * URLs, so that path fails; instead we read the bytes from disk and instantiate synchronously
 * with `initSync`. Synchronous loading also lets model families stay synchronous (`fit` is not
 * async in the model contract).
 *
 * Memoisation: module-level state is per JavaScript realm, and every worker thread has its own
 * realm, so "once per module instance" is "once per process or worker thread", which is exactly
 * what a wasm instance needs (wasm memory cannot be shared between workers here). If a loader
 * ends up with two copies of this file (tsx can load a file both as ESM and as CommonJS), the
 * second `initSync` is a no-op inside augurs, so the cost is one extra file read.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as mstlModule from '@bsull/augurs/mstl';
import * as prophetModule from '@bsull/augurs/prophet';

/** The initialised `@bsull/augurs/mstl` namespace (use its `MSTL` class). */
export type MstlModule = typeof mstlModule;
/** The initialised `@bsull/augurs/prophet` namespace (use its `Prophet` class). */
export type ProphetModule = typeof prophetModule;

let mstlReady = false;
let prophetReady = false;

/** Return the `@bsull/augurs/prophet` module, instantiating its wasm on first use. */
export function loadProphet(): ProphetModule {
  if (!prophetReady) {
    prophetModule.initSync({ module: readWasm('@bsull/augurs/prophet', 'prophet_bg.wasm') });
    prophetReady = true;
  }
  return prophetModule;
}

/**
 * Return the `@bsull/augurs/mstl` module, instantiating its wasm on first use.
 * @throws Error naming the file when the `.wasm` next to the module cannot be read.
 */
export function loadMstl(): MstlModule {
  if (!mstlReady) {
    mstlModule.initSync({ module: readWasm('@bsull/augurs/mstl', 'mstl_bg.wasm') });
    mstlReady = true;
  }
  return mstlModule;
}

/** Read the wasm file that wasm-bindgen emits next to the JS entry point `specifier`. */
function readWasm(specifier: string, wasmFile: string): Uint8Array {
  // Resolve through the package's `exports` map rather than a hard-coded node_modules path, so
  // hoisting, workspaces and symlinked installs all work. createRequire rather than
  // `import.meta.resolve`: when mocha loads tests through tsx's CommonJS path, `import.meta` is
  // shimmed and has no `resolve`.
  const entry = createRequire(import.meta.url).resolve(specifier);
  const path = join(dirname(entry), wasmFile);
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`Cannot read the augurs WebAssembly file ${path}: ${(err as Error).message}`);
  }
}
