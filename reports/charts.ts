/**
 * Chart builders: pure functions from the report view model to Vega-Lite specs.
 * Specs carry their data inline and are JSON-safe (no NaN), so the `.vl.json` written next to a
 * chart reproduces it exactly in any Vega-Lite viewer.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { CandidateScore } from '../runtime/store/store.ts';
import type { MarketReport } from './model.ts';

/** The font the PNG rasteriser loads; the SVG must name it or resvg drops the text. */
export const CHART_FONT = 'DejaVu Sans';

/**
 * The font-family the SVG asks for: DejaVu Sans first (what the PNG uses), then the closest common
 * font by metrics, so a browser without DejaVu still shows the SVG in a similar sans-serif.
 */
export const CHART_FONT_STACK = `${CHART_FONT}, Verdana, sans-serif`;

export const FORECAST_WIDTH = 720;
export const FORECAST_HEIGHT = 300;
export const LEADERBOARD_WIDTH = 720;

const COLORS = {
  actuals: '#334155',
  forecast: '#2563eb',
  band80: '#93c5fd',
  band95: '#dbeafe',
  origin: '#64748b',
  chosen: '#2563eb',
  other: '#cbd5e1',
} as const;

const SERIES = { actuals: 'Actuals', forecast: 'Forecast (mean)' } as const;
const BANDS = { b80: '80% interval', b95: '95% interval' } as const;

/** Shared look; also keeps every chart's text in the one font the rasteriser has. */
const CONFIG = {
  font: CHART_FONT_STACK,
  background: 'white',
  view: { stroke: null },
  axis: { labelColor: '#334155', titleColor: '#334155', gridColor: '#e2e8f0', domainColor: '#94a3b8', tickColor: '#94a3b8' },
  legend: { labelColor: '#334155', titleColor: '#334155' },
  title: { anchor: 'start', color: '#0f172a', fontSize: 15, subtitleColor: '#475569', subtitleFontSize: 11 },
} as const;

const DAY_MS = 86_400_000;

/**
 * Axis labels with SI suffixes for big numbers, B rather than SI's G for billions; values below
 * 1000 (rates, shares, percentages) keep plain digits because '~s' would write 0.05 as "50m".
 */
const SI_LABELS = "abs(datum.value) >= 1000 ? replace(format(datum.value, '~s'), 'G', 'B') : format(datum.value, '~r')";

/** Vega-Lite parses `period` strings as UTC dates so the chart does not depend on the host time zone. */
const PARSE_PERIOD = { parse: { period: "utc:'%Y-%m-%d'" } } as const;

/**
 * Tags a layer's rows with its legend entry. A field, not a `datum` encoding: the Vega-Lite schema
 * allows no scale or legend on a datum. Bands and lines use different fields, or Vega-Lite merges
 * their two legends into one.
 */
function seriesName(name: string, as: 'series' | 'band') {
  return { calculate: JSON.stringify(name), as };
}

/** JSON has no NaN; null is what Vega-Lite treats as missing, and it survives a round trip. */
function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function utcMs(isoDate: string): number {
  return Date.parse(`${isoDate.slice(0, 10)}T00:00:00Z`);
}

/** Keys sorted at every level, so equal params give equal text however they were built. */
export function compactJson(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v as Record<string, unknown>)
          .sort()
          .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

/** Whether a leaderboard row is the model the run chose for the market. */
export function isChosen(m: MarketReport, c: CandidateScore): boolean {
  return m.chosen !== undefined && m.chosen.family === c.family && compactJson(m.chosen.params) === compactJson(c.params);
}

/** "family" alone when it has no params, so the common case stays short. */
export function candidateLabel(c: { readonly family: string; readonly params: Readonly<Record<string, unknown>> }): string {
  const params = compactJson(c.params);
  return params === '{}' ? c.family : `${c.family} ${params}`;
}

export interface ForecastChartOptions {
  /** How much history to show before the forecast origin, in weeks. Default 104 (two years). */
  readonly historyWeeks?: number;
}

/**
 * Actuals (last `historyWeeks`), forecast mean, 80% and 95% bands and a rule at the forecast origin.
 * Missing actuals become gaps in the line rather than dips to zero.
 */
export function forecastChart(m: MarketReport, opts: ForecastChartOptions = {}): TopLevelSpec {
  const historyWeeks = opts.historyWeeks ?? 104;
  const first = m.forecast[0];
  const lastActual = m.actuals.at(-1);
  // History is cut by date, not count, so it is right even when the series skips periods.
  const originMs = first ? utcMs(first.period) : lastActual ? utcMs(lastActual.period) + 7 * DAY_MS : 0;
  const cutoffMs = originMs - historyWeeks * 7 * DAY_MS;
  // One dataset for every layer: Vega-Lite parses a source shared by several layers twice (the
  // second parse of an already-parsed date gives null), so layers share rows, not sources.
  const present = (i: number) => Number.isFinite(m.actuals[i]?.value ?? Number.NaN);
  const rows: Record<string, string | number | boolean | null>[] = [];
  m.actuals.forEach((a, i) => {
    if (utcMs(a.period) < cutoffMs) return;
    // A value with gaps on both sides has no line segment: it is drawn as a dot or it vanishes.
    const lone = present(i) && !present(i - 1) && !present(i + 1);
    rows.push({ period: a.period, actual: finiteOrNull(a.value), ...(lone ? { lone } : {}) });
  });
  m.forecast.forEach((f, i) => {
    rows.push({
      period: f.period,
      mean: finiteOrNull(f.mean),
      lower80: finiteOrNull(f.lower80),
      upper80: finiteOrNull(f.upper80),
      lower95: finiteOrNull(f.lower95),
      upper95: finiteOrNull(f.upper95),
      ...(i === 0 ? { origin: `forecast from ${f.period}` } : {}),
    });
  });

  const x = {
    field: 'period',
    type: 'temporal',
    scale: { type: 'utc' },
    axis: { title: null, format: '%b %Y', labelOverlap: true, tickCount: 12 },
  } as const;
  const y = {
    type: 'quantitative',
    scale: { zero: false },
    axis: { title: m.metric, format: '~s', labelExpr: SI_LABELS },
  } as const;
  const strokeScale = {
    domain: [SERIES.actuals, SERIES.forecast],
    range: [COLORS.actuals, COLORS.forecast],
  };
  // Placed by hand so the lines' legend comes before the bands' (Vega would order them by layer).
  const strokeLegend = {
    title: null, orient: 'none', legendX: 0, legendY: -26, direction: 'horizontal', symbolType: 'stroke', symbolStrokeWidth: 2,
  } as const;
  const fillScale = { domain: [BANDS.b80, BANDS.b95], range: [COLORS.band80, COLORS.band95] };
  const fillLegend = {
    title: null, orient: 'none', legendX: 230, legendY: -26, direction: 'horizontal', symbolType: 'square',
  } as const;

  const model = m.chosen ? candidateLabel(m.chosen) : 'no model chosen';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${m.name}: ${m.metric} forecast`,
      subtitle: `${m.country} · model: ${model}`,
      offset: 30, // room for the hand-placed legends between title and plot
      limit: FORECAST_WIDTH - 24, // truncate long names: with autosize "fit" they would squeeze the plot
    },
    width: FORECAST_WIDTH,
    height: FORECAST_HEIGHT,
    // The whole image, axes and legend included, is exactly width x height: the page can reserve it.
    autosize: { type: 'fit', contains: 'padding' },
    padding: 8,
    config: CONFIG,
    data: { values: rows, format: PARSE_PERIOD },
    layer: [
      {
        // Drawn first so the 80% band and the lines sit on top of it.
        transform: [seriesName(BANDS.b95, 'band')],
        mark: { type: 'area', opacity: 0.7, invalid: 'break-paths-filter-domains' },
        encoding: {
          x,
          y: { ...y, field: 'lower95' },
          y2: { field: 'upper95' },
          fill: { field: 'band', type: 'nominal', scale: fillScale, legend: fillLegend },
        },
      },
      {
        transform: [seriesName(BANDS.b80, 'band')],
        mark: { type: 'area', opacity: 0.8, invalid: 'break-paths-filter-domains' },
        encoding: {
          x,
          y: { ...y, field: 'lower80' },
          y2: { field: 'upper80' },
          fill: { field: 'band', type: 'nominal', scale: fillScale, legend: fillLegend },
        },
      },
      {
        transform: [seriesName(SERIES.actuals, 'series')],
        mark: { type: 'line', strokeWidth: 1.5, invalid: 'break-paths-filter-domains' },
        encoding: {
          x,
          y: { ...y, field: 'actual' },
          color: { field: 'series', type: 'nominal', scale: strokeScale, legend: strokeLegend },
        },
      },
      {
        transform: [{ filter: 'datum.lone === true' }],
        mark: { type: 'point', filled: true, size: 14, opacity: 1, color: COLORS.actuals },
        encoding: { x, y: { ...y, field: 'actual' } },
      },
      {
        transform: [seriesName(SERIES.forecast, 'series')],
        mark: { type: 'line', strokeWidth: 2, invalid: 'break-paths-filter-domains' },
        encoding: {
          x,
          y: { ...y, field: 'mean' },
          color: { field: 'series', type: 'nominal', scale: strokeScale, legend: strokeLegend },
        },
      },
      {
        transform: [{ filter: 'isValid(datum.origin)' }],
        mark: { type: 'rule', color: COLORS.origin, strokeDash: [4, 3], strokeWidth: 1 },
        encoding: { x },
      },
      {
        transform: [{ filter: 'isValid(datum.origin)' }],
        mark: { type: 'text', align: 'right', baseline: 'top', dx: -4, y: 4, fontSize: 10, color: COLORS.origin },
        encoding: { x, text: { field: 'origin' } },
      },
    ],
  };
}

/** Bar height per candidate, so long leaderboards grow instead of squeezing. */
const LEADERBOARD_ROW = 24;

/**
 * One bar per candidate that produced a score, best first; the chosen candidate in the accent colour.
 * Scores are the candidates' `meanError` as stored (sMAPE in percent).
 */
export function leaderboardChart(m: MarketReport): TopLevelSpec {
  const seen = new Map<string, number>();
  const rows = m.candidates
    .filter((c): c is CandidateScore & { meanError: number } => c.meanError !== null && Number.isFinite(c.meanError))
    .map((c) => {
      // Two candidates with the same family and params would otherwise share (and stack in) one bar.
      const base = candidateLabel(c);
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      return {
        candidate: n === 1 ? base : `${base} #${n}`,
        error: c.meanError,
        role: isChosen(m, c) ? 'chosen' : 'candidate',
      };
    });
  const raw = (m.candidates[0]?.metric ?? 'smape').toLowerCase();
  const metric = raw === 'smape' ? 'sMAPE' : raw.toUpperCase();
  // Percentage metrics say so; scale-dependent ones (MAE, RMSE) are in the series' own units.
  const unit = raw === 'smape' || raw === 'mape' ? ' (%)' : '';
  const height = Math.max(1, rows.length) * LEADERBOARD_ROW + 70;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${m.name}: model leaderboard`,
      subtitle: `mean cross-validation ${metric}${unit}, lower is better`,
      limit: LEADERBOARD_WIDTH - 24,
    },
    width: LEADERBOARD_WIDTH,
    height,
    autosize: { type: 'fit', contains: 'padding' },
    padding: 8,
    config: CONFIG,
    data: { values: rows },
    encoding: {
      y: {
        field: 'candidate',
        type: 'nominal',
        sort: { field: 'error', op: 'min', order: 'ascending' },
        axis: { title: null, labelLimit: 360 },
      },
      x: { field: 'error', type: 'quantitative', axis: { title: `${metric}${unit}`, format: '~s', labelExpr: SI_LABELS } },
    },
    layer: [
      {
        mark: { type: 'bar', height: { band: 0.7 } },
        encoding: {
          color: {
            field: 'role',
            type: 'nominal',
            scale: { domain: ['chosen', 'candidate'], range: [COLORS.chosen, COLORS.other] },
            legend: null,
          },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 10, color: '#334155' },
        encoding: { text: { field: 'error', type: 'quantitative', format: '.2f' } },
      },
    ],
  };
}
