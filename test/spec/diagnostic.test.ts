import assert from 'node:assert/strict';
import path from 'node:path';
import { formatText, makeDiagnostic, sortDiagnostics } from '../../runtime/spec/diagnostic.ts';
import * as msg from '../../runtime/spec/messages.ts';

describe('spec/diagnostic and messages', () => {
  const range = { line: 13, col: 5, endLine: 13, endCol: 11 };

  it('formats a diagnostic as file:line:col: severity: message [rule]', () => {
    const d = makeDiagnostic('markets/sv.yaml', range, 'schema/unknown-key', '/spec/series/colour', 'unknown key "colour"');
    assert.equal(formatText(d), 'markets/sv.yaml:13:5: error: unknown key "colour" [schema/unknown-key]');
    const w = makeDiagnostic('x.yaml', range, 'file/empty-folder', '', 'nothing here', 'warning');
    assert.equal(formatText(w), 'x.yaml:13:5: warning: nothing here [file/empty-folder]');
  });

  it('shows absolute files relative to the base folder when inside it', () => {
    const base = path.resolve('project');
    const d = makeDiagnostic(path.join(base, 'markets', 'sv.yaml'), range, 'r', '', 'm');
    assert.equal(formatText(d, base), `${path.join('markets', 'sv.yaml')}:13:5: error: m [r]`);
    const outside = makeDiagnostic(path.resolve('elsewhere/x.yaml'), range, 'r', '', 'm');
    assert.equal(formatText(outside, base), `${path.resolve('elsewhere/x.yaml')}:13:5: error: m [r]`);
  });

  it('sorts by file, then position', () => {
    const a = makeDiagnostic('b.yaml', { line: 1, col: 1, endLine: 1, endCol: 2 }, 'r', '', 'm');
    const b = makeDiagnostic('a.yaml', { line: 9, col: 1, endLine: 9, endCol: 2 }, 'r', '', 'm');
    const c = makeDiagnostic('a.yaml', { line: 2, col: 4, endLine: 2, endCol: 5 }, 'r', '', 'm');
    assert.deepEqual(sortDiagnostics([a, b, c]), [c, b, a]);
  });

  it('names the offending value in quotes and says how to fix it', () => {
    assert.equal(
      msg.unknownKey('colour', ['metric', 'frequency', 'source', 'key', 'column']),
      'unknown key "colour": allowed keys: metric, frequency, source, key, column',
    );
    assert.equal(msg.unknownKey('freqency', ['metric', 'frequency']), 'unknown key "freqency": did you mean "frequency"? allowed keys: metric, frequency');
    assert.equal(msg.missingKey('name', '/spec'), 'missing required key "name" in "spec": add "name: ..."');
    assert.equal(msg.missingKey('spec', ''), 'missing required key "spec" in the top level: add "spec: ..."');
    assert.equal(msg.wrongType('thirteen', ['integer']), 'the string "thirteen" is not allowed here: write an integer (a whole number)');
    assert.equal(msg.invalidDate('2014-13-45'), '"2014-13-45" is not a valid date: write a real calendar day as YYYY-MM-DD, e.g. "2014-09-22"');
    assert.equal(msg.describePath('/spec/disruptions/0/from'), '"spec.disruptions[0].from"');
  });

  it('suggests only plausible typos', () => {
    assert.equal(msg.closest('nmae', ['id', 'name']), 'name');
    assert.equal(msg.closest('Weekly', ['daily', 'weekly']), 'weekly');
    assert.equal(msg.closest('colour', ['metric', 'column']), undefined);
  });
});
