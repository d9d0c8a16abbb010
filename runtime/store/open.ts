/** Open the store a project's `store:` section names. Only the embedded DuckDB backend exists so far. */
import type { Store } from './store.ts';
import { openDuckDbStore } from './duckdb.ts';

export async function openStore(project: { readonly storePath: string }): Promise<Store> {
  const store = await openDuckDbStore(project.storePath);
  await store.init();
  return store;
}
