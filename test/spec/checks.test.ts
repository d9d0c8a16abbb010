import assert from 'node:assert/strict';
import type { MarketFile, ProjectFile } from '../../schema/types.ts';
import {
  checkIdMatchesFile,
  checkKnownFamilies,
  checkKnownSource,
  checkUniqueIds,
  checkUniqueSources,
  checkWindowOrder,
  fileStem,
} from '../../runtime/spec/checks.ts';
import { displayPath } from '../../runtime/spec/diagnostic.ts';
import { readYaml } from '../../runtime/spec/load.ts';
import * as msg from '../../runtime/spec/messages.ts';
import { assertDiagnostics, fixture } from './helpers.ts';

async function market(file: string) {
  const loaded = await readYaml(fixture(file));
  return { loaded, spec: (loaded.data as MarketFile).spec };
}

describe('spec/checks', () => {
  it('id-matches-file: the id must equal the file name without .yaml', async () => {
    const { loaded, spec } = await market('invalid/markets/id-mismatch.yaml');
    assertDiagnostics(checkIdMatchesFile(loaded, spec), [
      {
        line: 4,
        col: 7,
        endLine: 4,
        endCol: 9,
        rule: 'id-matches-file',
        path: '/spec/id',
        message: msg.idMismatch('sv', 'id-mismatch.yaml', 'id-mismatch'),
      },
    ]);
    const ok = await market('valid/markets/sv.yaml');
    assert.deepEqual(checkIdMatchesFile(ok.loaded, ok.spec), []);
    assert.equal(fileStem('markets/sv.yml'), 'sv');
  });

  it('window-order: a window must not end before it starts', async () => {
    const { loaded, spec } = await market('invalid/markets/window-order.yaml');
    assertDiagnostics(checkWindowOrder(loaded, spec), [
      {
        line: 16,
        col: 11,
        endLine: 16,
        endCol: 21,
        rule: 'window-order',
        path: '/spec/disruptions/0/to',
        message: msg.windowOrder('2014-09-28', '2014-09-22'),
      },
    ]);
  });

  it('known-source: series.source must name a source of the project, with a suggestion', async () => {
    const { loaded, spec } = await market('invalid/markets/unknown-source.yaml');
    const ds = checkKnownSource(loaded, spec, ['wikipedia']);
    assertDiagnostics(ds, [
      { line: 11, col: 13, rule: 'known-source', path: '/spec/series/source', message: msg.unknownSource('wikipeda', ['wikipedia']) },
    ]);
    assert.match(ds[0]?.message ?? '', /did you mean "wikipedia"\?/);
  });

  it('unique-ids: a second file with the same id is reported at its id', async () => {
    const first = await market('valid/markets/sv.yaml');
    const second = await market('invalid/duplicate/sv.yaml');
    assertDiagnostics(checkUniqueIds([first, second]), [
      {
        file: fixture('invalid/duplicate/sv.yaml'),
        line: 4,
        col: 7,
        rule: 'unique-ids',
        path: '/spec/id',
        message: msg.duplicateId('sv', displayPath(fixture('valid/markets/sv.yaml'))),
      },
    ]);
  });

  it('unique-sources: source names are unique', async () => {
    const loaded = await readYaml(fixture('invalid/projects/duplicate-source.yaml'));
    assertDiagnostics(checkUniqueSources(loaded, (loaded.data as ProjectFile).spec), [
      { line: 12, col: 13, endCol: 22, rule: 'unique-sources', path: '/spec/sources/1/name', message: msg.duplicateSource('wikipedia') },
    ]);
  });

  it('known-family: families must be registered and params must fit their schema', async () => {
    const { loaded, spec } = await market('valid/markets/sv.yaml');
    const families = [
      { name: 'snaive' },
      { name: 'mstl', paramsSchema: { type: 'object', properties: { periods: { type: 'array', items: { type: 'string' } } } } },
    ];
    // sv.yaml line 24: `      params: { periods: [52] }`
    assertDiagnostics(checkKnownFamilies(loaded, spec, families), [
      { line: 24, col: 27, endCol: 29, rule: 'schema/type', path: '/spec/models/1/params/periods/0', message: msg.wrongType(52, ['string']) },
    ]);
    assertDiagnostics(checkKnownFamilies(loaded, spec, [{ name: 'snaive' }, { name: 'ets' }]), [
      { line: 23, col: 15, rule: 'known-family', path: '/spec/models/1/family', message: msg.unknownFamily('mstl', ['snaive', 'ets']) },
    ]);
  });
});
