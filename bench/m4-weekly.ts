/**
 * `npm run bench -- m4-weekly [--series N]`: the default tuned pipeline (`models: auto` for weekly
 * data, the recommended evaluation defaults) on the 359 M4 weekly series of data/m4-weekly/.
 * Protocol, as in M4: tune and fit on each series' training part only, forecast 13 weeks, score
 * on the test part. Metrics as M4 defined them: sMAPE (percent), MASE scaled by the in-sample
 * naive-1 error (M4's weekly frequency is 1), OWA = mean of sMAPE and MASE relative to Naive2
 * (for weekly data, with frequency 1, Naive2 is naive). Rows "family" are each family alone with
 * its best CV parameter set. Series are split over one worker thread per core.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DEFAULT_SETTINGS, type SeriesInput, type SeriesResult } from './_m4-weekly-run.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const dataDir = path.join(here, '..', 'data', 'm4-weekly');
const H = 13;

/** Published M4 weekly results (Makridakis et al. 2020, weekly table): sMAPE, MASE, OWA. */
const PUBLISHED: readonly [string, number, number, number][] = [
  ['M4 Naive2', 9.161, 2.777, 1.0],
  ['M4 Theta', 9.093, 2.637, 0.971],
  ['M4 Comb', 8.944, 2.432, 0.926],
  ['M4 Damped', 8.866, 2.404, 0.917],
  ['M4 best weekly entry', 6.582, 2.107, 0.739],
];

function readM4(file: string): Map<string, number[]> {
  const lines = readFileSync(path.join(dataDir, file), 'utf8').trim().split(/\r?\n/).slice(1);
  return new Map(
    lines.map((line) => {
      const fields = line.split(',').map((f) => f.replace(/"/g, ''));
      return [fields[0]!, fields.slice(1).filter((f) => f !== '').map(Number)] as const;
    }),
  );
}

function smape(y: readonly number[], f: readonly number[]): number {
  let s = 0;
  for (let k = 0; k < y.length; k++) s += (200 * Math.abs(y[k]! - f[k]!)) / (Math.abs(y[k]!) + Math.abs(f[k]!));
  return s / y.length;
}

function mase(y: readonly number[], f: readonly number[], train: readonly number[]): number {
  let scale = 0;
  for (let t = 1; t < train.length; t++) scale += Math.abs(train[t]! - train[t - 1]!);
  scale /= train.length - 1;
  let e = 0;
  for (let k = 0; k < y.length; k++) e += Math.abs(y[k]! - f[k]!);
  return e / y.length / scale;
}

export default async function bench(args: string[]): Promise<void> {
  const limitAt = args.indexOf('--series');
  const limit = limitAt >= 0 ? Number(args[limitAt + 1]) : Infinity;
  const train = readM4('Weekly-train.csv');
  const test = readM4('Weekly-test.csv');
  const ids = [...train.keys()].slice(0, limit);
  const workers = Math.max(1, Math.min(availableParallelism(), ids.length));
  const started = performance.now();

  // Round-robin split: long and short series are spread evenly over the workers.
  const parts: SeriesInput[][] = Array.from({ length: workers }, () => []);
  ids.forEach((id, i) => parts[i % workers]!.push({ id, train: train.get(id)! }));
  const results = (
    await Promise.all(
      parts.map(
        (series) =>
          new Promise<SeriesResult[]>((resolve, reject) => {
            const w = new Worker(path.join(here, '_m4-weekly-worker.mjs'), { workerData: { series, settings: DEFAULT_SETTINGS } });
            w.once('message', resolve);
            w.once('error', reject);
          }),
      ),
    )
  ).flat();
  const seconds = (performance.now() - started) / 1000;

  const score = (fc: (r: SeriesResult) => number[] | undefined): { smape: number; mase: number; n: number } => {
    let s = 0;
    let m = 0;
    let n = 0;
    for (const r of results) {
      const f = fc(r);
      if (f === undefined) continue;
      const y = test.get(r.id)!.slice(0, H);
      s += smape(y, f);
      m += mase(y, f, train.get(r.id)!);
      n++;
    }
    return { smape: s / n, mase: m / n, n };
  };
  const naive2 = score((r) => new Array<number>(H).fill(train.get(r.id)!.at(-1)!));
  const owaOf = (x: { smape: number; mase: number }): number => 0.5 * (x.smape / naive2.smape + x.mase / naive2.mase);
  const tuned = score((r) => r.forecast);

  const row = (name: string, s: number, m: number, o: number, note = ''): string =>
    `${name.padEnd(30)} ${s.toFixed(3).padStart(7)} ${m.toFixed(3).padStart(7)} ${o.toFixed(3).padStart(7)}  ${note}`;
  const lines: string[] = [];
  lines.push(`M4 weekly: ${results.length} series, horizon ${H}, ${workers} worker thread(s)`);
  lines.push(`settings: evaluation ${JSON.stringify(DEFAULT_SETTINGS.evaluation)}; search ${JSON.stringify(DEFAULT_SETTINGS.search)}`);
  lines.push('');
  lines.push(`${'method'.padEnd(30)} ${'sMAPE'.padStart(7)} ${'MASE'.padStart(7)} ${'OWA'.padStart(7)}`);
  lines.push(row('tuned pipeline (models: auto)', tuned.smape, tuned.mase, owaOf(tuned)));
  lines.push(row('Naive2 (ours)', naive2.smape, naive2.mase, 1));
  const families = [...new Set(results.flatMap((r) => Object.keys(r.byFamily)))];
  for (const family of families) {
    const s = score((r) => r.byFamily[family]);
    // OWA on the subset a family could fit, relative to Naive2 on the same subset.
    const base = score((r) => (r.byFamily[family] ? new Array<number>(H).fill(train.get(r.id)!.at(-1)!) : undefined));
    const owa = 0.5 * (s.smape / base.smape + s.mase / base.mase);
    lines.push(row(`family ${family}`, s.smape, s.mase, owa, s.n < results.length ? `(${s.n} series)` : ''));
  }
  for (const [name, s, m, o] of PUBLISHED) lines.push(row(name, s, m, o, '(published)'));
  lines.push('');
  const chosen = new Map<string, number>();
  for (const r of results) {
    const key = r.chosen.startsWith('mean(') || r.chosen.startsWith('median(') ? r.chosen.replace(/\(.*/, '(top X)') : r.chosen;
    chosen.set(key, (chosen.get(key) ?? 0) + 1);
  }
  lines.push(`choices: ${[...chosen].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const failed = results.filter((r) => r.error !== undefined);
  if (failed.length > 0) lines.push(`pipeline failures (scored as naive): ${failed.map((r) => `${r.id}: ${r.error}`).join('; ')}`);
  const fits = results.reduce((a, r) => a + r.fits, 0);
  lines.push(`wall time ${seconds.toFixed(1)} s, ${fits} model fits, ${(fits / seconds).toFixed(0)} fits/s on ${workers} thread(s)`);
  lines.push(`m4-weekly: smape=${tuned.smape.toFixed(3)} mase=${tuned.mase.toFixed(3)} owa=${owaOf(tuned).toFixed(3)} seconds=${seconds.toFixed(1)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
