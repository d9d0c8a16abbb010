import assert from 'node:assert/strict';
import path from 'node:path';
import { makeDiagnostic } from '../../runtime/spec/diagnostic.ts';
import { formatDiagnostics, formatGithub } from '../../runtime/spec/format.ts';

describe('spec/format (forecast validate --format)', () => {
  const base = path.resolve('project');
  const error = makeDiagnostic(path.join(base, 'markets/sv.yaml'), { line: 13, col: 5, endLine: 13, endCol: 11 }, 'schema/unknown-key', '/spec/series/colour', 'unknown key "colour": allowed keys: metric, frequency');
  const warning = makeDiagnostic(path.join(base, 'markets/de.yaml'), { line: 1, col: 1, endLine: 1, endCol: 2 }, 'modeline', '', 'add the modeline', 'warning');

  it('text: file:line:col: severity: message [rule], one per line', () => {
    assert.equal(
      formatDiagnostics('text', [error, warning], { baseDir: base }),
      'markets/sv.yaml:13:5: error: unknown key "colour": allowed keys: metric, frequency [schema/unknown-key]\nmarkets/de.yaml:1:1: warning: add the modeline [modeline]\n',
    );
    assert.equal(formatDiagnostics('text', []), '');
  });

  it('json: an array of objects with every field', () => {
    assert.deepEqual(JSON.parse(formatDiagnostics('json', [error], { baseDir: base })), [
      { file: 'markets/sv.yaml', line: 13, col: 5, endLine: 13, endCol: 11, severity: 'error', rule: 'schema/unknown-key', path: '/spec/series/colour', message: 'unknown key "colour": allowed keys: metric, frequency' },
    ]);
    assert.deepEqual(JSON.parse(formatDiagnostics('json', [])), []);
  });

  it('github: workflow commands with the range and the rule as title, escaped', () => {
    assert.equal(
      formatDiagnostics('github', [error, warning], { baseDir: base }),
      // Only properties escape "," and ":"; the message keeps them.
      '::error file=markets/sv.yaml,line=13,col=5,endLine=13,endColumn=11,title=schema/unknown-key::unknown key "colour": allowed keys: metric, frequency\n' +
        '::warning file=markets/de.yaml,line=1,col=1,endLine=1,endColumn=2,title=modeline::add the modeline\n',
    );
    const tricky = makeDiagnostic('a,b:c.yaml', { line: 1, col: 1, endLine: 1, endCol: 2 }, 'r', '', '100% wrong\nsecond line');
    assert.equal(formatGithub(tricky), '::error file=a%2Cb%3Ac.yaml,line=1,col=1,endLine=1,endColumn=2,title=r::100%25 wrong%0Asecond line');
  });

  it('junit: one test case per file, failing when it has errors, warnings as output', () => {
    const passing = path.join(base, 'markets/it.yaml');
    const xml = formatDiagnostics('junit', [error, warning], { baseDir: base, files: [passing, error.file, warning.file] });
    assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="forecast validate" tests="3" failures="1" errors="0">/);
    assert.match(xml, /<testcase classname="forecast.validate" name="markets\/it.yaml"\/>/);
    assert.match(xml, /<testcase classname="forecast.validate" name="markets\/sv.yaml">\n {6}<failure message="1 error\(s\)" type="schema\/unknown-key">markets\/sv.yaml:13:5: error: unknown key &quot;colour&quot;: allowed keys: metric, frequency \[schema\/unknown-key\]<\/failure>/);
    assert.match(xml, /<testcase classname="forecast.validate" name="markets\/de.yaml">\n {6}<system-out>markets\/de.yaml:1:1: warning: add the modeline \[modeline\]<\/system-out>/);
  });
});
