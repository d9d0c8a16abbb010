import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { makeDemoProject, runCli, writeFile } from './helpers.ts';
import { openDuckDbStore } from '../../runtime/store/duckdb.ts';

describe('forecast run (end to end, real CLI, real DuckDB file)', function () {
  this.timeout(300_000);
  const markets = ['sv', 'it'];
  let dir: string;
  let firstRun: string;

  before(() => {
    dir = makeDemoProject(markets);
  });

  it('forecasts every market and writes a report with a chart for each', () => {
    const r = runCli(dir, ['run']);
    assert.equal(r.status, 0, `stdout: ${r.stdout}\nstderr: ${r.stderr}`);
    const m = /^run (\S+): succeeded, 2\/2 markets/m.exec(r.stdout);
    assert.ok(m, r.stdout);
    firstRun = m[1]!;
    for (const id of markets) assert.match(r.stderr, new RegExp(`✓ ${id}: `));
    const html = readFileSync(path.join(dir, 'out/latest/index.html'), 'utf8');
    for (const id of markets) {
      assert.ok(html.includes(`charts/${id}.svg`), `report references the chart of ${id}`);
      assert.ok(existsSync(path.join(dir, 'out/latest/charts', `${id}.svg`)));
      assert.ok(existsSync(path.join(dir, 'out/latest/charts', `${id}.png`)));
    }
    assert.ok(existsSync(path.join(dir, 'out/runs', firstRun, 'index.html')));
  });

  it('a second run reuses the stored results, adds a second vintage and leaves the first untouched', async () => {
    let store = await openDuckDbStore(path.join(dir, '.forecast/forecast.duckdb'));
    const before = await store.getResults(firstRun);
    await store.close();
    assert.equal(before.length, 2);
    assert.ok(before.every((r) => r.forecast.length === 26));

    const r = runCli(dir, ['run', '--quiet']);
    assert.equal(r.status, 0, r.stderr);
    const second = /^run (\S+):/m.exec(r.stdout)![1]!;
    assert.notEqual(second, firstRun);
    // Nothing changed: every task but publish and report is reused, no model is fitted.
    assert.match(r.stdout, /tasks: 2 ran, \d+ reused, 0 failed, 0 skipped; 0 model fits/);

    store = await openDuckDbStore(path.join(dir, '.forecast/forecast.duckdb'));
    try {
      const runs = await store.listRuns();
      assert.deepEqual(runs.map((x) => x.runId).sort(), [firstRun, second].sort());
      assert.deepEqual(await store.getResults(firstRun), before);
      const again = await store.getResults(second);
      assert.equal(again.length, 2);
      assert.deepEqual(again.map((x) => x.forecast), before.map((x) => x.forecast), 'same inputs, same forecast');
      assert.ok(again.every((x) => x.selection?.reused === true && x.selection.runId === firstRun));
    } finally {
      await store.close();
    }
    assert.deepEqual(readdirSync(path.join(dir, 'out/runs')).sort(), [firstRun, second].sort());
  });

  it('re-renders a stored run with `forecast report`', () => {
    const r = runCli(dir, ['report', firstRun]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`report: out/runs/${firstRun}/index.html`));
    const bad = runCli(dir, ['report', 'no-such-run']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /run "no-such-run" is not in the store/);
  });

  it('a market with broken input fails alone, and the last good report stays latest', () => {
    const latestBefore = readFileSync(path.join(dir, 'out/latest/index.html'), 'utf8');
    // A copy of the Swedish data with one week written twice.
    const csv = readFileSync(path.join(dir, 'data/wikipedia_pageviews_weekly/svwiki.csv'), 'utf8').split(/\r?\n/);
    writeFile(dir, 'data/wikipedia_pageviews_weekly/brokenwiki.csv', [...csv.slice(0, 200), csv[199]!, ...csv.slice(200)].join('\n'));
    const spec = readFileSync(path.join(dir, 'markets/sv.yaml'), 'utf8').replace('id: sv', 'id: broken').replace('key: svwiki', 'key: brokenwiki');
    writeFile(dir, 'markets/broken.yaml', spec);

    const r = runCli(dir, ['run', '--quiet']);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /: partial, 2\/3 markets/);
    assert.match(r.stdout, /failed: broken: qa failed: .*duplicate/i);
    assert.equal(readFileSync(path.join(dir, 'out/latest/index.html'), 'utf8'), latestBefore);
  });

  it('runs only the selected markets', () => {
    const r = runCli(dir, ['run', '--select', 'market:it']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /succeeded, 1\/1 markets/);
    const bad = runCli(dir, ['run', '--select', 'market:zz']);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /"market:zz" matches no market/);
  });
});

describe('forecast validate (end to end)', function () {
  this.timeout(60_000);

  it('passes the demo project', () => {
    const dir = makeDemoProject(['sv']);
    const r = runCli(dir, ['validate']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  it('prints file:line:col of an unknown key and exits 1', () => {
    const dir = makeDemoProject(['sv']);
    const text = readFileSync(path.join(dir, 'markets/sv.yaml'), 'utf8').replace('    column: Total\n', '    column: Total\n    colour: blue\n');
    writeFile(dir, 'markets/sv.yaml', text);
    const line = text.split('\n').findIndex((l) => l.includes('colour')) + 1;
    const r = runCli(dir, ['validate', 'markets/sv.yaml']);
    assert.equal(r.status, 1);
    assert.match(r.stdout, new RegExp(`^markets/sv\\.yaml:${line}:5: error: .*"colour"`, 'm'));
  });
});
