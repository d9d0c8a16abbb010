/**
 * Pure calendar helpers for weekly data. Dates are ISO `YYYY-MM-DD` strings on the proleptic
 * Gregorian calendar, computed in UTC day numbers so that time zones and DST never shift a day.
 * A weekly period is named by its Monday (ISO 8601 weeks run Monday to Sunday).
 */

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// `2014W39` is how the sources write weeks (`%GW%V`); `2014-W39` is the ISO 8601 extended form.
const ISO_WEEK = /^(\d{4})-?W(\d{2})$/;

/** Days since 1970-01-01; month 0-based, out-of-range parts roll over like Date.UTC. */
function utcDays(year: number, month0: number, day: number): number {
  // Not Date.UTC: it maps years 0..99 to 1900..1999.
  return new Date(0).setUTCFullYear(year, month0, day) / MS_PER_DAY;
}

/** Days since 1970-01-01 of a calendar date, or null when the date does not exist (e.g. Feb 30). */
function dayNumber(year: number, month: number, day: number): number | null {
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const days = utcDays(year, month - 1, day);
  const back = new Date(days * MS_PER_DAY);
  // Feb 30 silently rolls over into March; a round trip exposes that.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return null;
  return days;
}

function formatDay(days: number): string {
  return new Date(days * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Monday = 0 .. Sunday = 6 (1970-01-01 was a Thursday). */
function weekdayOf(days: number): number {
  return (((days + 3) % 7) + 7) % 7;
}

function toDays(date: string): number {
  const m = ISO_DATE.exec(date);
  const days = m ? dayNumber(Number(m[1]), Number(m[2]), Number(m[3])) : null;
  // Callers pass dates that already went through parseIsoDate; a bad one here is a bug upstream.
  if (days === null) throw new Error(`Not an ISO date (YYYY-MM-DD): "${date}"`);
  return days;
}

/** Day number of the Monday of ISO week 1 of `isoYear` (the week containing January 4th). */
function week1Monday(isoYear: number): number {
  const jan4 = utcDays(isoYear, 0, 4);
  return jan4 - weekdayOf(jan4);
}

/** 52 or 53: the number of ISO weeks in `isoYear`. */
export function isoWeeksInYear(isoYear: number): number {
  return (week1Monday(isoYear + 1) - week1Monday(isoYear)) / 7;
}

/**
 * The canonical form of a valid ISO calendar date (`YYYY-MM-DD`), else null. Strict: no time part,
 * no surrounding blanks, and the day must exist.
 */
export function parseIsoDate(text: string): string | null {
  const m = ISO_DATE.exec(text);
  if (!m) return null;
  const days = dayNumber(Number(m[1]), Number(m[2]), Number(m[3]));
  return days === null ? null : formatDay(days);
}

/**
 * The Monday of an ISO week label (`2014W39` or `2014-W39`) as an ISO date, e.g. `2014W39` ->
 * `2014-09-22`, `2009W01` -> `2008-12-29`. Null when the label is malformed or the week does not
 * exist in that year (`2014W00`, `2014W53`, `2014W54`).
 */
export function isoWeekToDate(label: string): string | null {
  const m = ISO_WEEK.exec(label);
  if (!m) return null;
  const year = Number(m[1]);
  const week = Number(m[2]);
  if (week < 1 || week > isoWeeksInYear(year)) return null;
  return formatDay(week1Monday(year) + (week - 1) * 7);
}

/** The Monday on or before `date`: the period name of the ISO week containing it. */
export function mondayOf(date: string): string {
  const days = toDays(date);
  return formatDay(days - weekdayOf(days));
}

/** `date` shifted by `k` weeks (k may be negative). */
export function addWeeks(date: string, k: number): string {
  if (!Number.isInteger(k)) throw new Error(`addWeeks: k must be an integer, got ${k}`);
  return formatDay(toDays(date) + 7 * k);
}

/** Weeks from `a` to `b` (negative when b is earlier); fractional when they are different weekdays. */
export function weeksBetween(a: string, b: string): number {
  return (toDays(b) - toDays(a)) / 7;
}

/** True when `date` is a Monday. */
export function isMonday(date: string): boolean {
  return weekdayOf(toDays(date)) === 0;
}
