/** Synthetic report view models for the report tests: deterministic, with the awkward cases built in. */
import type { MarketReport, RunReport } from '../../reports/model.ts';
import type { ForecastRow } from '../../runtime/store/store.ts';

const DAY_MS = 86_400_000;

function isoWeek(startIso: string, k: number): string {
  return new Date(Date.parse(`${startIso}T00:00:00Z`) + k * 7 * DAY_MS).toISOString().slice(0, 10);
}

/** Weekly series with trend and a yearly cycle, at the scale of a mid-sized Wikipedia. */
function level(k: number, base: number): number {
  return base * (1 + 0.002 * k) * (1 + 0.12 * Math.sin((2 * Math.PI * k) / 52)) + base * 0.03 * Math.sin(k * 1.7);
}

export interface MarketOptions {
  readonly id: string;
  readonly name: string;
  readonly base?: number;
  /** Indexes of actuals to blank out (NaN). */
  readonly gaps?: readonly number[];
}

export function succeededMarket(o: MarketOptions): MarketReport {
  const base = o.base ?? 180_000_000;
  const start = '2013-01-07'; // a Monday
  const n = 156;
  // 141 sits alone between two gaps: it has no line segment and must still be drawn.
  const gaps = new Set(o.gaps ?? [120, 121, 122, 140, 142]);
  const actuals = Array.from({ length: n }, (_, k) => ({
    period: isoWeek(start, k),
    value: gaps.has(k) ? Number.NaN : level(k, base),
  }));
  const forecast: ForecastRow[] = Array.from({ length: 26 }, (_, h) => {
    const k = n + h;
    const mean = level(k, base);
    const sd = base * 0.02 * Math.sqrt(h + 1);
    return {
      period: isoWeek(start, k),
      mean,
      lower80: mean - 1.2816 * sd,
      upper80: mean + 1.2816 * sd,
      lower95: mean - 1.96 * sd,
      upper95: mean + 1.96 * sd,
    };
  });
  return {
    id: o.id,
    name: o.name,
    country: 'DE',
    metric: 'pageviews',
    status: 'succeeded',
    actuals,
    forecast,
    chosen: { family: 'mstl', params: { trend: 'ets', periods: [52] } },
    candidates: [
      { family: 'snaive', params: {}, metric: 'smape', meanError: 7.91, foldErrors: [6.5, 8.25, 9.1, 7.79] },
      // Same params in a different key order than `chosen`: still the chosen one.
      { family: 'mstl', params: { periods: [52], trend: 'ets' }, metric: 'smape', meanError: 4.3276, foldErrors: [3.9, 4.4, 4.8, 4.2104] },
      { family: 'ets', params: { seasonal: 'add' }, metric: 'smape', meanError: 5.02, foldErrors: [4.1, 5.5, 5.2, 5.28] },
      { family: 'arima', params: { order: [2, 1, 1] }, metric: 'smape', meanError: null, foldErrors: [], error: 'fit failed: series too short for <order>' },
    ],
    findings: [
      { severity: 'warning', code: 'missing-periods', message: '5 weekly periods are missing', period: isoWeek(start, 120) },
      { severity: 'info', code: 'level-shift', message: 'Level shift adjusted at 2014-09-22' },
    ],
  };
}

export function failedMarket(id: string, name: string, error: string): MarketReport {
  return {
    id,
    name,
    country: 'JP',
    metric: 'pageviews',
    status: 'failed',
    error,
    actuals: [],
    forecast: [],
    candidates: [
      { family: 'snaive', params: {}, metric: 'smape', meanError: null, foldErrors: [], error: 'no data' },
    ],
    findings: [{ severity: 'error', code: 'empty-series', message: 'The source has no rows for <jawiki>' }],
  };
}

export function sampleRun(): RunReport {
  return {
    runId: '2016-01-25T10-00-00Z-abc123',
    projectName: 'Wikipedia "markets" & friends',
    startedAt: '2016-01-25T10:00:00Z',
    finishedAt: '2016-01-25T10:00:42Z',
    status: 'partial',
    markets: [
      succeededMarket({ id: 'de', name: 'German Wikipedia' }),
      succeededMarket({ id: 'fr', name: 'French <Wikipedia>', base: 95_000_000, gaps: [150] }),
      failedMarket('ja', 'Japanese Wikipedia', 'QA error: <script>alert(1)</script> no data'),
    ],
  };
}
