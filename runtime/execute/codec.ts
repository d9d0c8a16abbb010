/**
 * Encoding of task results for the task cache: JSON, with the two things JSON loses made exact.
 *   - Float64Array (series, forecasts) -> `{"$f64": "<base64 of the little-endian bytes>"}`:
 *     exact (NaN for missing weeks included) and about a third the size of a number list;
 *     Uint8Array (masks) -> `{"$u8": "<base64>"}`.
 *   - non-finite numbers (NaN fold errors) -> `{"$num": "NaN" | "Infinity" | "-Infinity"}`.
 * Every platform Node runs on is little-endian, which the byte copy relies on.
 */

const F64 = '$f64';
const U8 = '$u8';
const NUM = '$num';

export function encodeValue(value: unknown): string {
  return JSON.stringify(value === undefined ? null : value, (_key, v: unknown) => {
    if (v instanceof Float64Array) return { [F64]: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
    if (v instanceof Uint8Array) return { [U8]: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
    if (typeof v === 'number' && !Number.isFinite(v)) return { [NUM]: String(v) };
    return v;
  });
}

export function decodeValue(text: string): unknown {
  // JSON.parse without a reviver, then one walk: a reviver costs a call per value, and a run that
  // reuses everything decodes megabytes of stored results.
  return revive(JSON.parse(text));
}

function revive(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (x !== null && typeof x === 'object') v[i] = revive(x);
    }
    return v;
  }
  const o = v as Record<string, unknown>;
  const f64 = o[F64];
  if (typeof f64 === 'string' && Object.keys(o).length === 1) {
    const bytes = Buffer.from(f64, 'base64');
    // Copy into a fresh buffer: a Buffer's byteOffset need not be a multiple of 8.
    const out = new Float64Array(bytes.byteLength / 8);
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  const u8 = o[U8];
  if (typeof u8 === 'string' && Object.keys(o).length === 1) return new Uint8Array(Buffer.from(u8, 'base64'));
  const num = o[NUM];
  if (typeof num === 'string' && Object.keys(o).length === 1) return Number(num);
  for (const k in o) {
    const x = o[k];
    if (x !== null && typeof x === 'object') o[k] = revive(x);
  }
  return o;
}
