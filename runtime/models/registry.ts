/**
 * The model families a spec may name. Adding a family means adding it here; nothing else
 * dispatches on family names.
 */
import type { ModelFamily } from './contract.ts';
import { mstlFamily } from './mstl.ts';
import { snaiveFamily } from './snaive.ts';

const FAMILIES: ReadonlyMap<string, ModelFamily> = new Map(
  [snaiveFamily, mstlFamily].map((family) => [family.name, family] as const),
);

/** @throws Error listing the known names when `name` is not a registered family. */
export function getFamily(name: string): ModelFamily {
  const family = FAMILIES.get(name);
  if (family === undefined) {
    throw new Error(`Unknown model family "${name}"; known families: ${familyNames().join(', ')}`);
  }
  return family;
}

/** Registered family names, in registration order (simplest first). */
export function familyNames(): string[] {
  return [...FAMILIES.keys()];
}

/** All registered families, in registration order (e.g. for spec validation against each paramsSchema). */
export function allFamilies(): ModelFamily[] {
  return [...FAMILIES.values()];
}
