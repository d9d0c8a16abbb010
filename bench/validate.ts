/**
 * `npm run bench -- validate [count]`: the time `forecast validate` takes on a project of
 * generated market files (default 1,000), every rule on, the data-aware ones included.
 * Target: under 2 s for 1,000 files.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { allFamilies } from '../runtime/models/registry.ts';
import { validateFiles } from '../runtime/spec/project.ts';

const repo = fileURLToPath(new URL('../', import.meta.url));
const WIKIS = ['de', 'en', 'es', 'fr', 'it', 'ja', 'ko', 'nl', 'pl', 'ru', 'sv', 'tr'];
const COUNTRIES = ['DE', 'US', 'ES', 'FR', 'IT', 'JP', 'KR', 'NL', 'PL', 'RU', 'SE', 'TR'];

const PROJECT = `# yaml-language-server: $schema=./schema/project.schema.json
apiVersion: forecast/v1
kind: Project
spec:
  name: Generated markets (benchmark)
  sources:
    - name: wikipedia
      format: csv
      path: data/{key}.csv
      period:
        column: Date
        format: isoweek
  defaults:
    forecast:
      horizon: 26
  presets:
    wikipedia-weekly:
      series:
        metric: pageviews
        frequency: weekly
        source: wikipedia
        column: Total
      evaluation:
        folds: 4
`;

/** A market file like the demo's, with a little of every section so every rule has work to do. */
function market(i: number): string {
  const id = `m${String(i).padStart(4, '0')}`;
  const w = i % WIKIS.length;
  const lines = [
    '# yaml-language-server: $schema=../schema/market.schema.json',
    'apiVersion: forecast/v1',
    'kind: Market',
    'spec:',
    `  id: ${id}`,
    `  name: Generated market ${i}`,
    `  country: ${COUNTRIES[w]}`,
    `  tags: [generated, group-${i % 7}]`,
    '  workstream: mature',
    '  extends: wikipedia-weekly',
    '  series:',
    `    key: ${WIKIS[w]}wiki`,
    '  disruptions:',
    '    - from: 2014-09-22',
    '      to: 2014-09-28',
    '      action: level_shift',
    '      reason: "Mobile views counted from 2014-09-23 on"',
    '  events:',
    '    - name: Summer',
    '      dates: [2015-07-01, 2016-07-01]',
    '      after: 6',
  ];
  if (i % 3 === 0) {
    lines.push('  models:', '    - family: snaive', '    - family: mstl', '      params:', '        periods: {choice: [[52], [4, 52]]}');
  }
  if (i % 5 === 0) lines.push('  evaluation:', '    horizon: 8', '    weights: linear', '    top: 2', '    ensemble: mean');
  if (i % 4 === 0) {
    lines.push('  overrides:', '    - type: uplift', '      from: 2016-03-01', '      to: 2016-03-31', '      value: 5', '      reason: "Campaign"', '      owner: planning@example.org');
  }
  lines.push('  qc:', '    - check: yoy_change', '      threshold: 50', '');
  return lines.join('\n');
}

export default async function bench(args: string[]): Promise<void> {
  const count = Number(args[0] ?? 1000);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-validate-'));
  try {
    writeFileSync(path.join(dir, 'forecast.yaml'), PROJECT);
    cpSync(path.join(repo, 'schema'), path.join(dir, 'schema'), { recursive: true });
    mkdirSync(path.join(dir, 'data'));
    for (const wiki of WIKIS) cpSync(path.join(repo, 'data/wikipedia_pageviews_weekly', `${wiki}wiki.csv`), path.join(dir, 'data', `${wiki}wiki.csv`));
    mkdirSync(path.join(dir, 'markets'));
    for (let i = 1; i <= count; i++) writeFileSync(path.join(dir, 'markets', `m${String(i).padStart(4, '0')}.yaml`), market(i));
    const families = allFamilies();

    const started = performance.now();
    const cpuStart = process.cpuUsage();
    const { files, diagnostics } = await validateFiles([dir], { families });
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;

    // A second pass, with the schema compiled and the modules warm, as in a long-lived process.
    const warmStart = performance.now();
    await validateFiles([dir], { families });
    const warm = (performance.now() - warmStart) / 1000;

    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    process.stdout.write(`files checked:     ${files.length} (${count} markets + forecast.yaml)\n`);
    process.stdout.write(`diagnostics:       ${diagnostics.length} (${errors} errors)\n`);
    process.stdout.write(`first pass:        ${seconds.toFixed(2)} s (${Math.round(files.length / seconds)} files/s, including compiling the schemas)\n`);
    process.stdout.write(`first pass, CPU:   ${cpuSeconds.toFixed(2)} s (user + system; less sensitive to other load on the machine)\n`);
    process.stdout.write(`second pass:       ${warm.toFixed(2)} s (${Math.round(files.length / warm)} files/s)\n`);
    if (diagnostics.length > 0) throw new Error(`the generated markets should be valid; first: ${diagnostics[0]?.message}`);
    process.stdout.write(`validate: files=${count} seconds=${seconds.toFixed(2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
