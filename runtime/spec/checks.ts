/**
 * Phase 2b: rules a JSON Schema cannot express because they look at the file name, at other files
 * or compare two values. Each check is one small function that runs on schema-valid data and
 * returns located diagnostics; its rule name is what users see in brackets.
 */
import path from 'node:path';
import type { ModelFamily } from '../models/contract.ts';
import type { WrittenMarketSpec, WrittenProjectSpec } from '../../schema/types.ts';
import { displayPath, makeDiagnostic, type Diagnostic } from './diagnostic.ts';
import { locate, type LoadedFile } from './load.ts';
import * as msg from './messages.ts';
import { validateAt } from './validate.ts';

/** What the checks need to know about a model family; a full ModelFamily fits. */
export type FamilyInfo = Pick<ModelFamily, 'name'> & Partial<Pick<ModelFamily, 'paramsSchema'>>;

function at(loaded: LoadedFile, pointer: string, rule: string, message: string): Diagnostic {
  return makeDiagnostic(loaded.file, locate(loaded, pointer, 'value'), rule, pointer, message);
}

/** The market id a file must declare: its name without the .yaml / .yml extension. */
export function fileStem(file: string): string {
  return path.basename(file).replace(/\.ya?ml$/i, '');
}

/** `id-matches-file`: ids and file names agree, so `markets/sv.yaml` is always market "sv". */
export function checkIdMatchesFile(loaded: LoadedFile, spec: WrittenMarketSpec): Diagnostic[] {
  const stem = fileStem(loaded.file);
  if (spec.id === stem) return [];
  return [at(loaded, '/spec/id', 'id-matches-file', msg.idMismatch(spec.id, path.basename(loaded.file), stem))];
}

/** `window-order`: a disruption window must not end before it starts. */
export function checkWindowOrder(loaded: LoadedFile, spec: WrittenMarketSpec): Diagnostic[] {
  // YYYY-MM-DD strings (already format-checked) order like the dates they name.
  return (spec.disruptions ?? []).flatMap((d, i) =>
    d.from > d.to ? [at(loaded, `/spec/disruptions/${i}/to`, 'window-order', msg.windowOrder(d.from, d.to))] : [],
  );
}

/** `known-source`: series.source names a source declared in forecast.yaml. */
export function checkKnownSource(loaded: LoadedFile, spec: WrittenMarketSpec, sourceNames: readonly string[]): Diagnostic[] {
  if (sourceNames.includes(spec.series.source)) return [];
  return [at(loaded, '/spec/series/source', 'known-source', msg.unknownSource(spec.series.source, sourceNames))];
}

/** `known-family` (only when the caller knows the families): names a registered family and its params fit the family's schema. */
export function checkKnownFamilies(loaded: LoadedFile, spec: WrittenMarketSpec, families: readonly FamilyInfo[]): Diagnostic[] {
  const names = families.map((f) => f.name);
  return (spec.models ?? []).flatMap((candidate, i) => {
    const family = families.find((f) => f.name === candidate.family);
    if (family === undefined) {
      return [at(loaded, `/spec/models/${i}/family`, 'known-family', msg.unknownFamily(candidate.family, names))];
    }
    if (family.paramsSchema === undefined) return [];
    return validateAt(loaded, `/spec/models/${i}/params`, candidate.params ?? {}, family.paramsSchema);
  });
}

/** `unique-ids`: no two market files declare the same id. Reported on every file after the first. */
export function checkUniqueIds(markets: readonly { loaded: LoadedFile; spec: WrittenMarketSpec }[]): Diagnostic[] {
  const firstFile = new Map<string, string>();
  const out: Diagnostic[] = [];
  for (const { loaded, spec } of markets) {
    const first = firstFile.get(spec.id);
    if (first === undefined) firstFile.set(spec.id, loaded.file);
    else out.push(at(loaded, '/spec/id', 'unique-ids', msg.duplicateId(spec.id, displayPath(first))));
  }
  return out;
}

/** `unique-sources`: source names are unique, since markets refer to sources by name. */
export function checkUniqueSources(loaded: LoadedFile, spec: WrittenProjectSpec): Diagnostic[] {
  const seen = new Set<string>();
  return spec.sources.flatMap((s, i) => {
    if (!seen.has(s.name)) {
      seen.add(s.name);
      return [];
    }
    return [at(loaded, `/spec/sources/${i}/name`, 'unique-sources', msg.duplicateSource(s.name))];
  });
}

/** All single-file market checks, plus the cross-file ones the caller can feed. */
export function checkMarket(
  loaded: LoadedFile,
  spec: WrittenMarketSpec,
  context: { sourceNames?: readonly string[] | undefined; families?: readonly FamilyInfo[] | undefined },
): Diagnostic[] {
  return [
    ...checkIdMatchesFile(loaded, spec),
    ...checkWindowOrder(loaded, spec),
    ...(context.sourceNames ? checkKnownSource(loaded, spec, context.sourceNames) : []),
    ...(context.families ? checkKnownFamilies(loaded, spec, context.families) : []),
  ];
}

export function checkProject(loaded: LoadedFile, spec: WrittenProjectSpec): Diagnostic[] {
  return checkUniqueSources(loaded, spec);
}
