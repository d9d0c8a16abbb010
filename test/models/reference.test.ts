/**
 * Every family against R: the forecasts of R 4.2.2 / forecast 8.20 / prophet 1.0 made by the
 * project's M4 reference script (test/fixtures/m4/README.md), for three public M4 weekly series:
 * W57 (seasonal at lag 52), W76 (not seasonal), W295 (80 weeks, too short for the test).
 * R printed 10 significant digits, hence the 1e-8 relative tolerance for the exact methods.
 */
import assert from 'node:assert/strict';
import { getFamily, prepareModels } from '../../runtime/models/registry.ts';
import { m4Train, maxRelDiff, rForecast } from './m4fixture.ts';

const SERIES = ['W57', 'W76', 'W295'];
const ctx = { period: 52 };
const none = { seasonality: 'none' };
const comb = (extra: Record<string, unknown>) => ({
  combine: 'mean',
  members: ['ses', 'holt', 'damped'].map((family) => ({ family, params: extra })),
});

// [R method, family, params]
const CASES: [string, string, Record<string, unknown>][] = [
  ['Naive2', 'naive', {}],
  ['Naive2', 'naive2', none],
  ['SES', 'ses', none],
  ['Holt', 'holt', none],
  ['Damped', 'damped', none],
  ['Theta', 'theta', none],
  ['ETS', 'ets', none],
  ['Comb', 'ensemble', comb(none)],
  ['Naive2_s52', 'naive2', {}],
  ['SES_s52', 'ses', {}],
  ['Holt_s52', 'holt', {}],
  ['Damped_s52', 'damped', {}],
  ['ETS_s52', 'ets', {}],
  ['Comb_s52', 'ensemble', comb({})],
];

describe('families against R forecast 8.20 (M4 weekly fixtures)', () => {
  for (const [method, family, params] of CASES) {
    it(`${family} ${JSON.stringify(params)} reproduces R's ${method}`, () => {
      for (const id of SERIES) {
        const f = getFamily(family).fit(m4Train(id), ctx, params).predict(13, []).mean;
        const diff = maxRelDiff(f, rForecast(id, method));
        assert.ok(diff < 1e-8, `${id}: max relative difference ${diff}`);
      }
    });
  }

  it('adjusts W57 and leaves W76 and W295 alone under the seasonality test', () => {
    // The s52 and unadjusted references differ exactly where the test passes.
    for (const [id, seasonal] of [['W57', true], ['W76', false], ['W295', false]] as const) {
      assert.equal(maxRelDiff(rForecast(id, 'SES'), rForecast(id, 'SES_s52')) > 1e-6, seasonal, id);
    }
  });

  // Prophet's MAP fit is non-convex: Stan's L-BFGS from the same start can end in a different
  // optimum on another build. W57 and W295 land on R's (within 1%); on W76 (a series with large
  // level jumps) augurs stops at another optimum (about 25% lower), so it is not compared.
  it('prophet is within 3% of R prophet on W57 and W295', async function () {
    this.timeout(60_000);
    await prepareModels();
    for (const id of ['W57', 'W295']) {
      const f = getFamily('prophet').fit(m4Train(id), ctx, {}).predict(13, []).mean;
      const diff = maxRelDiff(f, rForecast(id, 'Prophet'));
      assert.ok(diff < 0.03, `${id}: max relative difference ${diff}`);
    }
  });
});
