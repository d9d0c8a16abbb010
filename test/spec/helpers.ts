/** Shared helpers of the spec tests: fixture paths, a fixed set of model families, exact diagnostic assertions. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FamilyInfo } from '../../runtime/spec/checks.ts';
import type { Diagnostic } from '../../runtime/spec/diagnostic.ts';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function fixture(...parts: string[]): string {
  return path.join(FIXTURES, ...parts);
}

/**
 * Families with stable parameter schemas for the fixtures (the registered families may change
 * their parameters; these tests are about the spec language, not about them).
 */
export const TEST_FAMILIES: readonly FamilyInfo[] = [
  { name: 'snaive', paramsSchema: { type: 'object', properties: {}, additionalProperties: false } },
  {
    name: 'mstl',
    paramsSchema: {
      type: 'object',
      properties: { periods: { type: 'array', items: { type: 'integer', minimum: 2 }, minItems: 1 } },
      additionalProperties: false,
    },
  },
  {
    name: 'prophet',
    paramsSchema: {
      type: 'object',
      properties: {
        changepointPriorScale: { type: 'number', exclusiveMinimum: 0 },
        seasonalityPriorScale: { type: 'number', exclusiveMinimum: 0 },
        nChangepoints: { type: 'integer', minimum: 0 },
      },
      additionalProperties: false,
    },
  },
];

/** The day the fixtures are checked on (override-in-past without data compares with it). */
export const TODAY = '2016-01-01';

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

/**
 * The diagnostics a fixture declares in its `# expect: <severity> <rule> <line>:<col>` comments
 * (at the end of the file, so they do not move what they point at), in file order.
 */
export function expectationsOf(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .flatMap((line) => {
      const m = /^# expect: (error|warning) (\S+) (\d+):(\d+)$/.exec(line);
      return m === null ? [] : [`${m[1]} ${m[2]} ${m[3]}:${m[4]}`];
    });
}

/** A diagnostic in the expectation syntax. */
export function expectationOf(d: Diagnostic): string {
  return `${d.severity} ${d.rule} ${d.line}:${d.col}`;
}
