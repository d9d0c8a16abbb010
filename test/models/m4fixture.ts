/**
 * Reads test/fixtures/m4 (three M4 weekly series and R's forecasts of them; see its README).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'm4');

export function m4Train(id: string): Float64Array {
  for (const line of readFileSync(path.join(dir, 'train.csv'), 'utf8').trim().split('\n').slice(1)) {
    const [name, ...values] = line.split(',');
    if (name === id) return Float64Array.from(values.map(Number));
  }
  throw new Error(`no fixture series ${id}`);
}

/** R's 13 forecasts of `method` for series `id`. */
export function rForecast(id: string, method: string): number[] {
  for (const line of readFileSync(path.join(dir, 'r_forecasts.csv'), 'utf8').trim().split('\n').slice(1)) {
    const [name, m, ...values] = line.split(',');
    if (name === id && m === method) return values.map(Number);
  }
  throw new Error(`no fixture forecast ${id} ${method}`);
}

/** Largest relative difference between two forecasts. */
export function maxRelDiff(actual: ArrayLike<number>, expected: readonly number[]): number {
  let worst = 0;
  for (let k = 0; k < expected.length; k++) worst = Math.max(worst, Math.abs(actual[k]! - expected[k]!) / Math.abs(expected[k]!));
  return worst;
}
