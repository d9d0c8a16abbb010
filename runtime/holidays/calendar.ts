/**
 * Holidays and events as regressors (DESIGN §7): a market's public holidays from date-holidays
 * (by its country) and its own events from YAML, turned into one regressor per holiday or event
 * whose value for a period is the share of the occasion's days that fall in that period.
 *
 * Why shares: for weekly data, a one-day holiday belongs to one week (value 1), but a multi-day
 * occasion (an event window with `before`/`after` days, a holiday spanning a weekend) straddles
 * two weeks, and putting all of it in either week misplaces its effect. The share keeps the total
 * over all weeks equal to 1 per occurrence, whatever the weekday.
 *
 * Holidays of one name form one regressor across years (Christmas 2012 and 2013 share one
 * effect); two holidays on the same day stay separate regressors (Prophet's priors shrink what
 * the data cannot tell apart). Only the types that close offices and shops count by default
 * (`public`, `bank`); date-holidays also lists school holidays and observances.
 *
 * date-holidays costs a few milliseconds per (country, year), so each year is computed once per
 * calendar and cached.
 */
import { createRequire } from 'node:module';
import type HolidaysClass from 'date-holidays';
import type { RegressorCalendar } from '../models/contract.ts';

/**
 * date-holidays is loaded on first use (its CommonJS build, so that the calendar stays
 * synchronous): reading its data for every country takes about 200 ms, which every worker
 * thread and every command would otherwise pay at start, although only markets whose models
 * take holiday regressors need it.
 */
let holidaysClass: typeof HolidaysClass | null = null;
function Holidays(): typeof HolidaysClass {
  holidaysClass ??= createRequire(import.meta.url)('date-holidays') as typeof HolidaysClass;
  return holidaysClass;
}

/** A market's own event (the spec's `events`): dates, with days before and after that belong to it. */
export interface EventSpec {
  readonly name: string;
  /** ISO dates of the occurrences. */
  readonly dates: readonly string[];
  /** Days before each date that belong to the occurrence (default 0). */
  readonly before?: number;
  /** Days after each date that belong to the occurrence (default 0). */
  readonly after?: number;
}

/** One occurrence: its first day and its length in days (a day is 86 400 s of UTC date arithmetic). */
export interface Occurrence {
  readonly name: string;
  readonly start: string;
  readonly days: number;
}

export interface CalendarOptions {
  /** ISO 3166-1 alpha-2 country code; null or absent for no public holidays. */
  readonly country?: string | null;
  readonly events?: readonly EventSpec[];
  /** date-holidays types to include (default public and bank holidays). */
  readonly holidayTypes?: readonly string[];
  /** Length of a period in days (7 for weekly data, 1 for daily). */
  readonly periodDays?: number;
  /** Years whose holidays name the regressors (default 2000..2035); other years still get values. */
  readonly years?: readonly [number, number];
}

const DAY_MS = 86_400_000;
const DEFAULT_TYPES = ['public', 'bank'];

/**
 * The regressors of a market. Names are `holiday:<name>` and `event:<name>`, sorted, so the
 * column order is stable across runs.
 * @throws Error for an unknown country code or a malformed event.
 */
export function buildRegressorCalendar(opts: CalendarOptions): RegressorCalendar {
  const periodDays = opts.periodDays ?? 7;
  if (!Number.isInteger(periodDays) || periodDays < 1) throw new Error(`periodDays must be a positive integer, got ${periodDays}`);
  const holidays = opts.country ? countryHolidays(opts.country, opts.holidayTypes ?? DEFAULT_TYPES) : null;
  const events = (opts.events ?? []).flatMap(eventOccurrences);
  const [y0, y1] = opts.years ?? [2000, 2035];

  const nameSet = new Set<string>(events.map((o) => o.name));
  if (holidays) for (let y = y0; y <= y1; y++) for (const o of holidays.year(y)) nameSet.add(o.name);
  const names = [...nameSet].sort();
  const column = new Map(names.map((n, i) => [n, i] as const));

  return {
    names,
    valuesAt(periodStart: string): readonly number[] {
      const start = dayNumber(periodStart);
      const end = start + periodDays;
      const row = new Array<number>(names.length).fill(0);
      const add = (o: Occurrence): void => {
        const j = column.get(o.name);
        if (j === undefined) return; // a holiday first named outside `years`: no column for it
        const s = dayNumber(o.start);
        const overlap = Math.min(end, s + o.days) - Math.max(start, s);
        if (overlap > 0) row[j]! += overlap / o.days;
      };
      if (holidays) {
        // An occurrence overlapping this period starts at most a few days before it; look at the
        // years of the period's first and last day (and the one before, for long occasions).
        const first = new Date(start * DAY_MS).getUTCFullYear();
        const last = new Date((end - 1) * DAY_MS).getUTCFullYear();
        for (let y = first - 1; y <= last; y++) for (const o of holidays.year(y)) add(o);
      }
      for (const o of events) add(o);
      return row;
    },
  };
}

/** The public holidays of a country, one year at a time, cached. */
function countryHolidays(country: string, types: readonly string[]): { year(y: number): readonly Occurrence[] } {
  const H = Holidays();
  const known = new H().getCountries();
  if (!Object.hasOwn(known, country.toUpperCase())) {
    throw new Error(`Unknown country "${country}" for holidays; use an ISO 3166-1 alpha-2 code (e.g. "SE")`);
  }
  const hd = new H(country.toUpperCase());
  const cache = new Map<number, Occurrence[]>();
  return {
    year(y: number): readonly Occurrence[] {
      let list = cache.get(y);
      if (list === undefined) {
        list = hd
          .getHolidays(y)
          .filter((h) => types.includes(h.type))
          .map((h) => ({
            name: `holiday:${h.name}`,
            start: h.date.slice(0, 10),
            // start/end are instants in the country's time zone; whole days in between.
            days: Math.max(1, Math.round((h.end.getTime() - h.start.getTime()) / DAY_MS)),
          }));
        cache.set(y, list);
      }
      return list;
    },
  };
}

function eventOccurrences(e: EventSpec): Occurrence[] {
  const before = e.before ?? 0;
  const after = e.after ?? 0;
  if (!e.name) throw new Error('every event needs a name');
  if (!Number.isInteger(before) || before < 0 || !Number.isInteger(after) || after < 0) {
    throw new Error(`event "${e.name}": before and after must be whole numbers of days >= 0`);
  }
  return e.dates.map((d) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`))) {
      throw new Error(`event "${e.name}": "${d}" is not an ISO date (YYYY-MM-DD)`);
    }
    return { name: `event:${e.name}`, start: isoFromDay(dayNumber(d) - before), days: before + 1 + after };
  });
}

/** Days since 1970-01-01 of an ISO date (UTC, so no daylight-saving surprises). */
function dayNumber(iso: string): number {
  const t = Date.parse(`${iso.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(t)) throw new Error(`"${iso}" is not an ISO date`);
  return Math.round(t / DAY_MS);
}

function isoFromDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The regressor matrix of a run of periods: one row per period (in `periods` order), one column
 * per name. Convenience for reports and tests.
 */
export function regressorMatrix(calendar: RegressorCalendar, periods: readonly string[]): number[][] {
  return periods.map((p) => [...calendar.valuesAt(p)]);
}
