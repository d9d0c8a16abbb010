import assert from 'node:assert/strict';
import { allFamilies, familyNames, getFamily } from '../../runtime/models/registry.ts';

describe('model registry', () => {
  it('lists the families of DESIGN §7, simplest first', () => {
    assert.deepEqual(familyNames(), ['naive', 'snaive', 'drift', 'naive2', 'ses', 'holt', 'damped', 'theta', 'ets', 'arima', 'mstl', 'prophet', 'ensemble']);
  });

  it('lists the same families by value', () => {
    assert.deepEqual(
      allFamilies().map((f) => f.name),
      familyNames(),
    );
  });

  it('returns families whose name matches the key and whose params schema is an object schema', () => {
    for (const name of familyNames()) {
      const family = getFamily(name);
      assert.equal(family.name, name);
      assert.ok(family.description.length > 0);
      assert.equal(family.paramsSchema['type'], 'object');
      assert.equal(family.paramsSchema['additionalProperties'], false);
      assert.equal(typeof family.paramsSchema['properties'], 'object');
    }
  });

  it('names the known families when the name is unknown', () => {
    assert.throws(() => getFamily('nope'), /Unknown model family "nope"; known families: naive, snaive, drift/);
  });
});
