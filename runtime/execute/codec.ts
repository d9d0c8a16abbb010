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
  return JSON.parse(text, (_key, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o);
      if (keys.length === 1) {
        if (typeof o[F64] === 'string') {
          const bytes = Buffer.from(o[F64], 'base64');
          // Copy into a fresh buffer: a Buffer's byteOffset need not be a multiple of 8.
          const out = new Float64Array(bytes.byteLength / 8);
          new Uint8Array(out.buffer).set(bytes);
          return out;
        }
        if (typeof o[U8] === 'string') return new Uint8Array(Buffer.from(o[U8], 'base64'));
        if (typeof o[NUM] === 'string') return Number(o[NUM]);
      }
    }
    return v;
  });
}
