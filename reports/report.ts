/**
 * The run report: one self-contained HTML page per run plus its charts, written under
 * `<outDir>/runs/<runId>/`, and `<outDir>/latest/` as a plain copy of the newest published run.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { TopLevelSpec } from 'vega-lite';
import type { Finding, Severity } from '../runtime/store/store.ts';
import { candidateLabel, compactJson, forecastChart, isChosen, leaderboardChart } from './charts.ts';
import type { MarketReport, RunReport } from './model.ts';
import { renderPng, renderSvg } from './render.ts';

/** One rendered chart, as paths relative to the run folder plus its pixel size. */
export interface ChartFile {
  readonly svg: string;
  readonly png: string;
  readonly spec: string;
  readonly width: number;
  readonly height: number;
}

export interface MarketCharts {
  readonly forecast?: ChartFile;
  readonly leaderboard?: ChartFile;
  /** Why a chart is missing when the market succeeded but rendering failed. */
  readonly error?: string;
}

/** Charts by market id. */
export type ChartFiles = ReadonlyMap<string, MarketCharts>;

export interface WriteRunReportOptions {
  /** Replace `<outDir>/latest/` by this run's report. Default true; callers keep it false for runs
   * that must not hide the last good report (e.g. failed or partial runs). */
  readonly updateLatest?: boolean;
  /** PNG pixel density. Default 1. */
  readonly pngScale?: number;
}

export interface WrittenRunReport {
  readonly indexHtml: string;
  readonly runDir: string;
  /** Where `latest/` lives, whether or not this call replaced it. */
  readonly latestDir: string;
  readonly latestUpdated: boolean;
}

/** Run ids become folder names, so anything that could climb out of `runs/` is refused. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * A file name stem for a market's charts: the id itself when it is already a safe name (the usual
 * case, so `charts/de.svg`), otherwise a sanitised id plus a hash so distinct ids never collide.
 */
export function chartStem(marketId: string): string {
  if (SAFE_NAME.test(marketId)) return marketId;
  const hash = createHash('sha256').update(marketId).digest('hex').slice(0, 8);
  const clean = marketId.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._-]+/, '');
  return `${clean || 'market'}-${hash}`;
}

/**
 * Render every succeeded market's charts into `<runDir>/charts/`. A chart that fails to render is
 * reported on the page rather than failing the whole report.
 */
export async function writeCharts(report: RunReport, runDir: string, opts: { pngScale?: number } = {}): Promise<Map<string, MarketCharts>> {
  const chartsDir = path.join(runDir, 'charts');
  await mkdir(chartsDir, { recursive: true });
  const out = new Map<string, MarketCharts>();
  for (const m of report.markets) {
    if (m.status !== 'succeeded') continue;
    const stem = chartStem(m.id);
    try {
      const forecast = await writeChart(chartsDir, stem, forecastChart(m), opts.pngScale);
      const scored = m.candidates.some((c) => c.meanError !== null && Number.isFinite(c.meanError));
      const leaderboard = scored ? await writeChart(chartsDir, `${stem}.leaderboard`, leaderboardChart(m), opts.pngScale) : undefined;
      out.set(m.id, leaderboard ? { forecast, leaderboard } : { forecast });
    } catch (e) {
      out.set(m.id, { error: e instanceof Error ? e.message : String(e) });
    }
  }
  return out;
}

async function writeChart(chartsDir: string, stem: string, spec: TopLevelSpec, pngScale?: number): Promise<ChartFile> {
  const svg = await renderSvg(spec);
  const png = renderPng(svg, pngScale === undefined ? {} : { scale: pngScale });
  await Promise.all([
    writeFile(path.join(chartsDir, `${stem}.svg`), svg),
    writeFile(path.join(chartsDir, `${stem}.png`), png),
    writeFile(path.join(chartsDir, `${stem}.vl.json`), `${JSON.stringify(spec, null, 2)}\n`),
  ]);
  const size = svgSize(svg);
  // Paths are URLs in the page: percent-encode anything a sanitised stem could still contain.
  const href = (ext: string) => `charts/${encodeURIComponent(`${stem}${ext}`)}`;
  return { svg: href('.svg'), png: href('.png'), spec: href('.vl.json'), ...size };
}

function svgSize(svg: string): { width: number; height: number } {
  const tag = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const num = (attr: string) => Number(new RegExp(`\\b${attr}="([\\d.]+)"`).exec(tag)?.[1] ?? 0);
  return { width: num('width'), height: num('height') };
}

/**
 * Write the run's report and, unless told not to, make it `latest`. Each folder is built beside its
 * final place and renamed in, so readers never see a half-written report.
 */
export async function writeRunReport(report: RunReport, outDir: string, opts: WriteRunReportOptions = {}): Promise<WrittenRunReport> {
  if (!SAFE_NAME.test(report.runId)) throw new Error(`run id "${report.runId}" cannot be used as a folder name`);
  const runsDir = path.join(outDir, 'runs');
  await mkdir(runsDir, { recursive: true });
  const runDir = path.join(runsDir, report.runId);
  const latestDir = path.join(outDir, 'latest');

  const tmp = await mkdtemp(path.join(runsDir, `.${report.runId}.tmp-`));
  try {
    const charts = await writeCharts(report, tmp, opts.pngScale === undefined ? {} : { pngScale: opts.pngScale });
    await writeFile(path.join(tmp, 'index.html'), buildRunHtml(report, charts));
    await swapIn(tmp, runDir);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }

  const updateLatest = opts.updateLatest ?? true;
  if (updateLatest) {
    // A copy, not a symlink: it survives being synced or served from places without links.
    const latestTmp = await mkdtemp(path.join(outDir, '.latest.tmp-'));
    try {
      await cp(runDir, latestTmp, { recursive: true });
      await swapIn(latestTmp, latestDir);
    } finally {
      await rm(latestTmp, { recursive: true, force: true });
    }
  }
  return { indexHtml: path.join(runDir, 'index.html'), runDir, latestDir, latestUpdated: updateLatest };
}

/** Replace `dest` by the folder `src` with two renames; the old folder is deleted afterwards. */
async function swapIn(src: string, dest: string): Promise<void> {
  const exists = await stat(dest).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await rename(src, dest);
    return;
  }
  const old = `${dest}.old-${process.pid}-${Date.now()}`;
  await rename(dest, old);
  try {
    await rename(src, dest);
  } catch (e) {
    await rename(old, dest);
    throw e;
  }
  await rm(old, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// HTML

const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

function worstSeverity(findings: readonly Finding[]): Severity | null {
  let worst: Severity | null = null;
  for (const f of findings) if (worst === null || SEVERITY_RANK[f.severity] > SEVERITY_RANK[worst]) worst = f.severity;
  return worst;
}

const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const TWO_DECIMALS = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const SMALL = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });

/** Thousands separators; decimals only where they carry information (rates, shares). */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const abs = Math.abs(v);
  if (abs >= 1000) return INTEGER.format(v);
  if (abs >= 1 || abs === 0) return TWO_DECIMALS.format(v);
  return SMALL.format(v);
}

const PERCENT_METRICS = new Set(['smape', 'mape']);

/** Display name of a CV metric ("sMAPE", "MAE"). */
export function metricName(metric: string): string {
  return metric.toLowerCase() === 'smape' ? 'sMAPE' : metric.toUpperCase();
}

/** A CV error with its unit: percent metrics get "%", scale-dependent ones stay in series units. */
export function formatError(v: number | null | undefined, metric: string): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return PERCENT_METRICS.has(metric.toLowerCase()) ? `${v.toFixed(2)}%` : formatNumber(v);
}

/** ISO timestamps made readable without changing their time zone (UTC). */
function formatTimestamp(iso: string | null): string {
  if (iso === null) return '—';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

function duration(startIso: string, endIso: string | null): string | null {
  if (endIso === null) return null;
  const s = (Date.parse(endIso) - Date.parse(startIso)) / 1000;
  if (!Number.isFinite(s) || s < 0) return null;
  if (s < 120) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const min = Math.floor(s / 60);
  return min < 120 ? `${min} min ${Math.round(s % 60)} s` : `${Math.floor(min / 60)} h ${min % 60} min`;
}

/** Everything the template shows, already formatted: the template only lays it out. */
function marketView(m: MarketReport, charts: MarketCharts | undefined) {
  const chosen = m.candidates.find((c) => isChosen(m, c));
  const metric = chosen?.metric ?? m.candidates[0]?.metric ?? 'smape';
  const worst = worstSeverity(m.findings);
  const first = m.forecast[0];
  const failed = m.status !== 'succeeded';
  return {
    id: m.id,
    anchor: `market-${m.id}`,
    href: `#market-${encodeURIComponent(m.id)}`,
    name: m.name,
    country: m.country || '—',
    metric: m.metric,
    status: m.status,
    failed,
    error: m.error ?? (failed ? 'The market failed without a recorded reason.' : null),
    chosenLabel: m.chosen ? candidateLabel(m.chosen) : '—',
    cvError: formatError(chosen?.meanError, metric),
    cvMetric: chosen ? metricName(metric) : null,
    findingsCount: m.findings.length,
    worstSeverity: worst,
    firstForecast: first ? formatNumber(first.mean) : '—',
    firstForecastPeriod: first?.period ?? null,
    forecastChart: failed ? null : (charts?.forecast ?? null),
    leaderboardChart: failed ? null : (charts?.leaderboard ?? null),
    chartError: failed ? null : (charts?.error ?? (charts?.forecast ? null : 'No chart was rendered for this market.')),
    candidates: [...m.candidates]
      .sort((a, b) => (a.meanError ?? Number.POSITIVE_INFINITY) - (b.meanError ?? Number.POSITIVE_INFINITY))
      .map((c) => ({
        family: c.family,
        params: compactJson(c.params),
        chosen: isChosen(m, c),
        meanError: formatError(c.meanError, c.metric),
        metric: metricName(c.metric),
        folds: c.foldErrors.map((e) => formatError(e, c.metric)).join(' · ') || '—',
        error: c.meanError === null ? (c.error ?? 'failed') : null,
      })),
    findings: [...m.findings]
      .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity])
      .map((f) => ({
        severity: f.severity,
        code: f.code,
        message: f.message,
        where: [f.period, f.line !== undefined ? `line ${f.line}` : undefined].filter(Boolean).join(', ') || null,
      })),
    forecast: m.forecast.map((f) => ({
      period: f.period,
      mean: formatNumber(f.mean),
      lower80: formatNumber(f.lower80),
      upper80: formatNumber(f.upper80),
      lower95: formatNumber(f.lower95),
      upper95: formatNumber(f.upper95),
    })),
  };
}

function runView(report: RunReport, charts: ChartFiles) {
  const markets = report.markets.map((m) => marketView(m, charts.get(m.id)));
  const failed = markets.filter((m) => m.failed).length;
  return {
    projectName: report.projectName,
    runId: report.runId,
    status: report.status,
    startedAt: formatTimestamp(report.startedAt),
    finishedAt: formatTimestamp(report.finishedAt),
    duration: duration(report.startedAt, report.finishedAt),
    total: markets.length,
    succeeded: markets.length - failed,
    failed,
    markets,
  };
}

const TEMPLATES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'templates');

type Template = (context: unknown) => string;
let runTemplate: Template | undefined;

/** Compiled once per process; a private Handlebars instance keeps partials out of the global one. */
function template(): Template {
  if (runTemplate) return runTemplate;
  const hbs = Handlebars.create();
  const read = (name: string) => readFileSync(path.join(TEMPLATES_DIR, name), 'utf8');
  // Strict: a field name mistyped in a template is an error, not a silently empty cell.
  hbs.registerPartial('market', hbs.compile(read('market.hbs'), { strict: true }));
  runTemplate = hbs.compile(read('run.hbs'), { strict: true });
  return runTemplate;
}

/** The report page for a run, given where its charts were written (see `writeCharts`). */
export function buildRunHtml(report: RunReport, chartFiles: ChartFiles = new Map()): string {
  return template()(runView(report, chartFiles));
}
