/** Shared helpers of the spec tests: fixture paths and exact diagnostic assertions. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../../runtime/spec/diagnostic.ts';

export const FIXTURES = fileURLToPath(new URL('../fixtures/spec/', import.meta.url));

export function fixture(...parts: string[]): string {
  return path.join(FIXTURES, ...parts);
}

/** What a test pins down about a diagnostic; every given field must match exactly. */
export type Expected = Partial<Diagnostic> & Pick<Diagnostic, 'line' | 'col' | 'rule'>;

/** Asserts that `actual` holds exactly the expected diagnostics, in order. */
export function assertDiagnostics(actual: readonly Diagnostic[], expected: readonly Expected[]): void {
  const picked = actual.map((d, i) => {
    const want = expected[i];
    if (want === undefined) return d;
    return Object.fromEntries(Object.keys(want).map((k) => [k, d[k as keyof Diagnostic]]));
  });
  assert.deepEqual(picked, expected, `diagnostics were:\n${actual.map((d) => JSON.stringify(d)).join('\n')}`);
}
