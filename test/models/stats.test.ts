import assert from 'node:assert/strict';
import { normalQuantile, zForLevel } from '../../runtime/models/stats.ts';

/** Reference values: R `qnorm(p)` / SciPy `norm.ppf(p)` (both double precision). */
const REFERENCE: readonly (readonly [number, number])[] = [
  [0.5, 0],
  [0.975, 1.959963984540054],
  [0.025, -1.959963984540054],
  [0.9, 1.2815515655446004],
  [0.995, 2.5758293035489004],
  [0.999, 3.090232306167813],
  [0.01, -2.3263478740408408],
  [0.2, -0.8416212335729142],
  [0.075, -1.4395314709384563], // just outside the central region (|p − 0.5| > 0.425)
  [1e-10, -6.361340902404056],
  [1e-20, -9.262340089798409], // far tail (r > 5 branch)
  [1e-300, -37.0470962993612],
];

describe('normalQuantile', () => {
  for (const [p, expected] of REFERENCE) {
    it(`matches qnorm(${p}) = ${expected}`, () => {
      const got = normalQuantile(p);
      assert.ok(Math.abs(got - expected) <= 1e-14 * Math.max(1, Math.abs(expected)), `got ${got}`);
    });
  }

  it('is antisymmetric and increasing', () => {
    let prev = -Infinity;
    for (let i = 1; i < 1000; i++) {
      const p = i / 1000;
      const z = normalQuantile(p);
      assert.ok(z > prev, `not increasing at p=${p}`);
      assert.ok(Math.abs(z + normalQuantile(1 - p)) < 1e-12, `not antisymmetric at p=${p}`);
      prev = z;
    }
  });

  it('returns ±Infinity at 0 and 1 and rejects values outside [0, 1]', () => {
    assert.equal(normalQuantile(0), -Infinity);
    assert.equal(normalQuantile(1), Infinity);
    assert.throws(() => normalQuantile(-0.1), /p must be in \[0, 1\], got -0.1/);
    assert.throws(() => normalQuantile(1.5), RangeError);
    assert.throws(() => normalQuantile(NaN), RangeError);
  });
});

describe('zForLevel', () => {
  it('maps percent levels to central-interval multipliers', () => {
    assert.ok(Math.abs(zForLevel(95) - 1.959963984540054) < 1e-14);
    assert.ok(Math.abs(zForLevel(80) - 1.2815515655446004) < 1e-14);
  });

  it('rejects levels outside (0, 100)', () => {
    for (const bad of [0, 100, -5, 150, NaN, 0.8 * Infinity]) {
      assert.throws(() => zForLevel(bad), /strictly between 0 and 100/);
    }
  });
});
