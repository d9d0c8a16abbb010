/** Open the store a project's `store:` section names. Only the embedded DuckDB backend exists so far. */
import type { Store } from './store.ts';
import { openDuckDbStore } from './duckdb.ts';

export async function openStore(project: { readonly storePath: string | null }): Promise<Store> {
  // storePath is null when forecast.yaml names a BigQuery store, whose backend does not exist yet.
  if (project.storePath === null) throw new Error('the BigQuery store is not implemented yet: use store.embedded in forecast.yaml');
  const store = await openDuckDbStore(project.storePath);
  await store.init();
  return store;
}
