import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LIMITS, locate, parseYaml, readYaml } from '../../runtime/spec/load.ts';
import * as msg from '../../runtime/spec/messages.ts';
import { assertDiagnostics, fixture } from './helpers.ts';

describe('spec/load', () => {
  it('keeps unquoted dates as strings (YAML 1.2 core schema), also under a %YAML 1.1 directive', () => {
    const loaded = parseYaml('from: 2014-09-22\nbad: 2014-13-45\nn: 13\n', 'x.yaml');
    assert.deepEqual(loaded.data, { from: '2014-09-22', bad: '2014-13-45', n: 13 });
    assert.equal(loaded.syntaxOk, true);
    assert.deepEqual(loaded.diagnostics, []);
    assert.deepEqual(parseYaml('%YAML 1.1\n---\nd: 2014-09-22\nb: on\n', 'x.yaml').data, { d: '2014-09-22', b: 'on' });
  });

  it('reports a bad indentation with its line and column, once', async () => {
    const loaded = await readYaml(fixture('invalid/markets/bad-indent.yaml'));
    assert.equal(loaded.syntaxOk, false);
    assertDiagnostics(loaded.diagnostics, [
      {
        line: 6,
        col: 1,
        endLine: 6,
        endCol: 2,
        rule: 'yaml/syntax',
        severity: 'error',
        message: msg.yamlSyntax('BAD_INDENT', 'All mapping items must start at the same column'),
      },
    ]);
  });

  it('points an unclosed quote at the opening quote, not at the end of the file', async () => {
    const loaded = await readYaml(fixture('invalid/markets/unclosed-quote.yaml'));
    assertDiagnostics(loaded.diagnostics, [{ line: 6, col: 9, endLine: 6, endCol: 10, rule: 'yaml/syntax', message: msg.unclosedQuote('"') }]);
  });

  it('reports a duplicate key on the second occurrence, with its JSON path, and keeps the data usable', async () => {
    const loaded = await readYaml(fixture('invalid/markets/duplicate-key.yaml'));
    assert.equal(loaded.syntaxOk, true);
    assertDiagnostics(loaded.diagnostics, [
      { line: 9, col: 3, endLine: 9, endCol: 10, rule: 'yaml/duplicate-key', path: '/spec/country', message: msg.duplicateKey('country') },
    ]);
  });

  it('reports a tab used as indentation', () => {
    const loaded = parseYaml('a:\n\t- 1\n', 'tabs.yaml');
    assertDiagnostics(loaded.diagnostics, [{ line: 2, col: 1, rule: 'yaml/syntax', message: msg.yamlSyntax('TAB_AS_INDENT', 'Tabs are not allowed as indentation') }]);
  });

  it('turns an unreadable file into a diagnostic', async () => {
    const loaded = await readYaml(fixture('does-not-exist.yaml'));
    assert.equal(loaded.syntaxOk, false);
    assertDiagnostics(loaded.diagnostics, [{ line: 1, col: 1, rule: 'file/unreadable', message: msg.unreadableFile(fixture('does-not-exist.yaml'), 'no such file') }]);
    const folder = await readYaml(fixture('valid'));
    assertDiagnostics(folder.diagnostics, [{ line: 1, col: 1, rule: 'file/unreadable', message: msg.unreadableFile(fixture('valid'), 'it is a folder') }]);
  });

  it('treats an empty file as no data, without a syntax error', () => {
    const loaded = parseYaml('# only a comment\n', 'empty.yaml');
    assert.equal(loaded.data, undefined);
    assert.equal(loaded.syntaxOk, true);
  });

  describe('limits', () => {
    it('rejects a file over the size limit before reading it', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'spec-load-'));
      const file = path.join(dir, 'huge.yaml');
      const text = `tags:\n${'  - x\n'.repeat(LIMITS.maxBytes / 6 + 10)}`;
      writeFileSync(file, text);
      const size = Buffer.byteLength(text);
      assertDiagnostics((await readYaml(file)).diagnostics, [{ line: 1, col: 1, rule: 'yaml/too-large', message: msg.fileTooLarge(size, LIMITS.maxBytes) }]);
      assertDiagnostics(parseYaml(text, 'huge.yaml').diagnostics, [{ line: 1, col: 1, rule: 'yaml/too-large' }]);
    });

    it('rejects an alias bomb ("billion laughs") at its first alias', () => {
      const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]', ''].join('\n');
      const loaded = parseYaml(bomb, 'bomb.yaml');
      assert.equal(loaded.data, undefined);
      assertDiagnostics(loaded.diagnostics, [{ line: 2, col: 8, rule: 'yaml/alias-limit', message: msg.aliasLimit(LIMITS.maxAliasCount) }]);
      // A few aliases are fine.
      assert.deepEqual(parseYaml('a: &a [1]\nb: *a\n', 'ok.yaml').data, { a: [1], b: [1] });
    });

    it('rejects absurd nesting instead of exhausting the stack', () => {
      for (const depth of [LIMITS.maxDepth + 1, 5_000, 100_000]) {
        const loaded = parseYaml(`a: ${'['.repeat(depth)}${']'.repeat(depth)}\n`, 'deep.yaml');
        assert.equal(loaded.data, undefined);
        assert.equal(loaded.diagnostics[0]?.rule, 'yaml/too-deep', `depth ${depth}`);
        assert.equal(loaded.diagnostics[0]?.message, msg.nestingTooDeep(LIMITS.maxDepth));
      }
      assert.deepEqual(parseYaml(`a: ${'['.repeat(LIMITS.maxDepth - 1)}${']'.repeat(LIMITS.maxDepth - 1)}\n`, 'ok.yaml').diagnostics, []);
    });

    it('rejects a key that is a list or a mapping, at the key, without a runtime warning', () => {
      const warnings: string[] = [];
      const onWarning = (w: Error) => warnings.push(w.message);
      process.on('warning', onWarning);
      try {
        const loaded = parseYaml('spec:\n  tags: [a]\n  ? [x, y]\n  : 1\n', 'complex.yaml');
        assert.equal(loaded.data, undefined);
        assertDiagnostics(loaded.diagnostics, [{ line: 3, col: 5, rule: 'yaml/complex-key', message: msg.complexKey() }]);
        assert.equal(parseYaml('a:\n  - ? {k: v}\n    : 1\n', 'nested.yaml').diagnostics[0]?.rule, 'yaml/complex-key');
      } finally {
        process.off('warning', onWarning);
      }
      assert.deepEqual(warnings, []);
      // An explicit but plain key is still an ordinary key.
      assert.deepEqual(parseYaml('? a\n: 1\n', 'plain.yaml').data, { a: 1 });
    });

    it('keeps __proto__ an ordinary key: nothing reaches Object.prototype', () => {
      const loaded = parseYaml('__proto__:\n  polluted: true\nconstructor:\n  prototype:\n    polluted: true\n', 'proto.yaml');
      assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
      assert.deepEqual(Object.keys(loaded.data as object), ['__proto__', 'constructor']);
      assert.equal(Object.getPrototypeOf(loaded.data), Object.prototype);
    });
  });

  describe('locate', () => {
    const text = [
      '# comment', //                    line 1
      'apiVersion: forecast/v1', //      line 2
      'spec:', //                        line 3
      '  series:', //                    line 4
      '    key: svwiki', //              line 5
      '  levels: [80, 95]', //           line 6
      '  disruptions:', //               line 7
      '    - from: 2014-09-22', //       line 8
      '      to: 2014-09-28', //         line 9
      '  empty:', //                     line 10
      '',
    ].join('\n');
    const loaded = parseYaml(text, 'locate.yaml');

    it('finds a value and its key', () => {
      assert.deepEqual(locate(loaded, '/spec/series/key', 'value'), { line: 5, col: 10, endLine: 5, endCol: 16 });
      assert.deepEqual(locate(loaded, '/spec/series/key', 'key'), { line: 5, col: 5, endLine: 5, endCol: 8 });
    });

    it('finds items of flow and block lists', () => {
      assert.deepEqual(locate(loaded, '/spec/levels/1'), { line: 6, col: 16, endLine: 6, endCol: 18 });
      assert.deepEqual(locate(loaded, '/spec/disruptions/0/to'), { line: 9, col: 11, endLine: 9, endCol: 21 });
      // A list item has no key: its first key stands for it.
      assert.deepEqual(locate(loaded, '/spec/disruptions/0', 'key'), { line: 8, col: 7, endLine: 8, endCol: 11 });
    });

    it('uses the first key for the root and the key for an empty value', () => {
      assert.deepEqual(locate(loaded, '', 'key'), { line: 2, col: 1, endLine: 2, endCol: 11 });
      assert.deepEqual(locate(loaded, '/spec/empty', 'value'), { line: 10, col: 3, endLine: 10, endCol: 8 });
    });

    it('falls back to the key of the deepest existing ancestor', () => {
      assert.deepEqual(locate(loaded, '/spec/series/nope/deeper'), { line: 4, col: 3, endLine: 4, endCol: 9 });
    });
  });
});
