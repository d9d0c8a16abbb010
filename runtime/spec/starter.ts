/**
 * The commented starter file `forecast init market <ID>` writes: valid as written (given a project
 * whose preset or defaults complete the series), with the optional sections shown commented out so
 * a new market's author sees what can be said without opening the documentation.
 */
import { stringify } from 'yaml';
import { Workstream } from './normalize.ts';

export interface StarterOptions {
  readonly id: string;
  readonly name: string;
  readonly country: string;
  readonly workstream: Workstream;
  /** A preset of the project to extend; null writes the whole series. */
  readonly extends: string | null;
  /** series.key; default: the id. */
  readonly key: string;
  /** The first source of the project, for the series when there is no preset. */
  readonly source: string;
  /** Path of market.schema.json relative to the new file, for the modeline. */
  readonly schemaPath: string;
  /** Launch day for a new market, ISO date. */
  readonly today: string;
  /** An existing market to start a new market's proxies with. */
  readonly proxy: string | null;
}

/** Pads `text` so that the comment starts at a fixed column, as in the demo files. */
function c(text: string, comment: string): string {
  return `${text.padEnd(33)} # ${comment}`;
}

export function starterMarket(o: StarterOptions): string {
  const lines = [
    `# yaml-language-server: $schema=${o.schemaPath}`,
    `# Market "${o.id}", started by \`forecast init market ${o.id}\`. Editors that use yaml-language-server`,
    '# complete and document every key; `forecast show market:' + o.id + '` prints the resolved spec.',
    'apiVersion: forecast/v1',
    'kind: Market',
    'spec:',
    c(`  id: ${o.id}`, 'equals the file name'),
    c(`  name: ${stringify(o.name).trim()}`, 'shown in reports'),
    c(`  country: ${o.country}`, 'ISO 3166-1 alpha-2; picks the holiday calendar'),
    c(`  workstream: ${o.workstream}`, 'mature | new | custom'),
  ];
  if (o.extends !== null) lines.push(c(`  extends: ${o.extends}`, 'a preset of forecast.yaml: settings shared with other markets'));
  lines.push(c('  tags: []', 'free labels for grouping and selecting markets'));
  lines.push('  series:');
  if (o.extends === null) {
    lines.push(
      c('    metric: value', 'what is forecast (axis titles, reports)'),
      c('    frequency: weekly', 'daily | weekly | monthly | quarterly | yearly'),
      c(`    source: ${o.source}`, 'a source of forecast.yaml'),
      c(`    key: ${o.key}`, "fills {key} in the source's path"),
      c('    column: value', 'the column with the values'),
    );
  } else {
    lines.push(c(`    key: ${o.key}`, "fills {key} in the source's path"));
  }
  if (o.workstream === 'new') {
    lines.push(
      c('  proxies:', 'launch markets borrow history from launched ones'),
      c('    method: fixed', 'fixed | knn | cluster'),
      c(`    launch: ${o.today}`, 'launch day'),
      '    markets:',
      c(`      - market: ${o.proxy ?? 'CHANGE-ME'}`, 'an existing, launched market'),
      c('        weight: 1', 'relative weight'),
    );
  }
  if (o.workstream === 'custom') {
    lines.push(
      c('  custom:', 'forecast by a module or manual values'),
      c('    method: inline', 'module | csv | inline'),
      c('    review: true', 'a person approves each forecast'),
      '    values:',
      c(`      - period: ${o.today}`, 'first day of the period'),
      c('        value: 0', "in the series' metric"),
    );
  }
  lines.push(
    c('  # disruptions:', 'one-off events cleaned out of the history'),
    '  #   - from: 2014-09-22',
    '  #     to: 2014-09-28',
    c('  #     action: level_shift', 'interpolate | exclude | level_shift'),
    '  #     reason: "why the window is special"',
    c('  # events:', 'market-specific holidays and events'),
    '  #   - name: Black Friday',
    '  #     dates: [2016-11-25]',
    c('  #     before: 3', 'days'),
  );
  if (o.workstream === 'mature') {
    lines.push(
      c('  # models:', 'default: auto (the families for the frequency)'),
      '  #   - family: snaive',
      '  #   - family: mstl',
      c('  #     params: {periods: {choice: [[52], [4, 52]]}}', 'a search space'),
      c('  # evaluation:', 'rolling-origin cross-validation'),
      c('  #   horizon: 13', 'periods scored per fold'),
      c('  #   folds: 4', 'number of folds'),
      c('  #   holdout: 13', 'periods kept out of tuning'),
    );
  }
  lines.push(
    c('  # overrides:', 'business input on the forecast'),
    c('  #   - type: uplift', 'uplift | add | replace | floor | cap | pin_model'),
    '  #     from: 2016-06-01',
    '  #     to: 2016-06-30',
    c('  #     value: 5', 'percent, for uplift'),
    '  #     reason: "why the forecast changes"',
    c('  #     owner: you@example.org', 'who decided it'),
    '',
  );
  return lines.join('\n');
}

/** A readable default name from an id: "sv" -> "SV", "north-east" -> "North East". */
export function nameFromId(id: string): string {
  if (id.length <= 3) return id.toUpperCase();
  return id
    .split(/[-_]/)
    .filter((w) => w !== '')
    .map((w) => (w[0] ?? '').toUpperCase() + w.slice(1))
    .join(' ');
}

export { Workstream };
