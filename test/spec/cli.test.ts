/** The spec commands through the real CLI: validate (formats, exit codes), show and init. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as msg from '../../runtime/spec/messages.ts';
import { fixture, REPO_ROOT } from './helpers.ts';

function forecast(cwd: string, args: readonly string[]) {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'bin/forecast.js'), ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A copy of the valid fixture project with the repository's schemas next to it, as a user has. */
function validProject(): string {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'spec-cli-')), 'project');
  cpSync(fixture('valid'), dir, { recursive: true });
  cpSync(path.join(REPO_ROOT, 'schema'), path.join(dir, 'schema'), { recursive: true });
  return dir;
}

describe('spec commands (real CLI)', function () {
  this.timeout(120_000);
  const invalid = fixture('invalid');

  it('validate: exit 0 on a valid project', () => {
    const r = forecast(validProject(), ['validate']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^all specs are valid \(7 files checked\)$/m);
  });

  it('validate: every format, exit 1 on errors', () => {
    const text = forecast(invalid, ['validate', 'markets/window-order.yaml']);
    assert.equal(text.status, 1);
    assert.match(text.stdout, /^markets\/window-order\.yaml:14:11: error: window ends \("2014-09-22"\) before it starts \("2014-09-28"\): "to" must be on or after "from" \[window-order\]$/m);

    const json = forecast(invalid, ['validate', '--format', 'json', 'markets/window-order.yaml']);
    assert.equal(json.status, 1);
    const parsed = JSON.parse(json.stdout) as Record<string, unknown>[];
    assert.deepEqual(parsed[0], {
      file: 'markets/window-order.yaml',
      line: 14,
      col: 11,
      endLine: 14,
      endCol: 21,
      severity: 'error',
      rule: 'window-order',
      path: '/spec/disruptions/0/to',
      message: msg.windowOrder('2014-09-28', '2014-09-22'),
    });

    const github = forecast(invalid, ['validate', '-f', 'github', 'markets/window-order.yaml']);
    assert.equal(github.status, 1);
    assert.match(github.stdout, /^::error file=markets\/window-order\.yaml,line=14,col=11,endLine=14,endColumn=21,title=window-order::window ends/m);

    const junit = forecast(invalid, ['validate', '--format', 'junit', 'markets/window-order.yaml', 'markets/ensemble-top.yaml']);
    assert.equal(junit.status, 1);
    assert.match(junit.stdout, /<testsuites name="forecast validate" tests="2" failures="1" errors="0">/);
  });

  it('validate: warnings alone exit 0, unless --strict', () => {
    assert.equal(forecast(invalid, ['validate', 'markets/ensemble-top.yaml']).status, 0);
    assert.equal(forecast(invalid, ['validate', '--strict', 'markets/ensemble-top.yaml']).status, 1);
    const bad = forecast(invalid, ['validate', '--format', 'xml']);
    assert.equal(bad.status, 2);
  });

  it('show: the resolved market with origins; an unknown market is an error with a suggestion', () => {
    const dir = validProject();
    const r = forecast(dir, ['show', 'market:de']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^ {4}metric: pageviews +# preset wikipedia-weekly$/m);
    assert.match(r.stdout, /^ {4}key: dewiki +# market file$/m);
    const unknown = forecast(dir, ['show', 'market:dd']);
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /did you mean "de"\?/);
  });

  it('init market: writes a commented starter that validates, and never overwrites by accident', () => {
    const dir = validProject();
    const r = forecast(dir, ['init', 'market', 'no', '--country', 'NO', '--extends', 'wikipedia-weekly', '--key', 'svwiki']);
    assert.equal(r.status, 0, r.stderr);
    const file = path.join(dir, 'markets/no.yaml');
    assert.ok(existsSync(file));
    const text = readFileSync(file, 'utf8');
    assert.match(text, /^# yaml-language-server: \$schema=\.\.\/schema\/market\.schema\.json\n/);
    assert.match(text, /^ {2}# overrides:/m);
    assert.equal(r.stderr, '', 'the starter file is valid');
    assert.equal(forecast(dir, ['validate', 'markets/no.yaml']).status, 0);
    const again = forecast(dir, ['init', 'market', 'no', '--country', 'NO']);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already exists/);
    assert.equal(forecast(dir, ['init', 'market', 'NO!', '--country', 'NO']).status, 1);
  });
});
