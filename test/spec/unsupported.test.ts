import assert from 'node:assert/strict';
import * as msg from '../../runtime/spec/messages.ts';
import { loadProject } from '../../runtime/spec/project.ts';
import { unsupportedKeys, unsupportedProjectKeys } from '../../runtime/spec/unsupported.ts';
import { fixture, REPO_ROOT, TEST_FAMILIES, TODAY } from './helpers.ts';

describe('spec/unsupported (nothing silently ignored)', () => {
  it('names the keys of each market whose runtime does not exist yet', async () => {
    const { project } = await loadProject(fixture('valid'), { families: TEST_FAMILIES, today: TODAY });
    const keys = Object.fromEntries((project?.markets ?? []).map((m) => [m.id, unsupportedKeys(m)]));
    assert.deepEqual(keys, {
      de: [],
      handmade: ['custom', 'workstream'],
      launch: ['proxies', 'workstream'],
      manual: ['custom', 'workstream'],
      similar: ['proxies', 'workstream'],
      sv: ['overrides', 'qc'],
    });
    assert.deepEqual(project && unsupportedProjectKeys(project), ['sources.format', 'features', 'schedules', 'report']);
  });

  it('the demo markets with overrides say so', async () => {
    const { project } = await loadProject(REPO_ROOT, { dataChecks: false });
    const flagged = (project?.markets ?? []).filter((m) => unsupportedKeys(m).length > 0).map((m) => `${m.id}: ${unsupportedKeys(m).join(', ')}`);
    assert.deepEqual(flagged, ['fr: overrides', 'pl: overrides', 'ru: overrides', 'tr: overrides']);
    assert.deepEqual(project && unsupportedProjectKeys(project), []);
  });

  it('has a message for forecast run to print', () => {
    assert.equal(msg.notYetApplied('sv', 'overrides'), 'market "sv": "overrides" is accepted by the spec language but not applied yet (its runtime does not exist): this run ignores it');
    assert.match(msg.projectKeyNotYetApplied('schedules'), /^forecast.yaml: "schedules" is accepted/);
  });
});
