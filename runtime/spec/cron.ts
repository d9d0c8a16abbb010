/**
 * A minimal parser of five-field cron expressions, enough to tell a user exactly what is wrong with
 * a schedule: `minute hour day-of-month month day-of-week`, each `*`, a value, a range `a-b`, a
 * step `* /n` or `a-b/n`, or a comma-separated list of those; month and weekday names (JAN, MON)
 * and the macros @hourly, @daily, @weekly, @monthly, @yearly. The scheduler that runs them is a
 * separate piece; this only decides whether an expression is valid.
 */

const FIELDS = [
  { name: 'minute', min: 0, max: 59, names: [] as string[] },
  { name: 'hour', min: 0, max: 23, names: [] as string[] },
  { name: 'day-of-month', min: 1, max: 31, names: [] as string[] },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  // 7 is Sunday too, as in most crons.
  { name: 'day-of-week', min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
] as const;

const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** undefined when `expression` is valid, else what is wrong with it (for the message). */
export function cronProblem(expression: string): string | undefined {
  const text = expression.trim();
  if (text.startsWith('@')) return MACROS.has(text.toLowerCase()) ? undefined : `unknown macro ${JSON.stringify(text)} (use @hourly, @daily, @weekly, @monthly or @yearly)`;
  const parts = text.split(/\s+/);
  if (parts.length !== FIELDS.length) return `it has ${parts.length} field${parts.length === 1 ? '' : 's'}, not 5`;
  for (const [i, field] of FIELDS.entries()) {
    const problem = fieldProblem(parts[i] as string, field);
    if (problem !== undefined) return `${field.name} ${JSON.stringify(parts[i])}: ${problem}`;
  }
  return undefined;
}

function fieldProblem(text: string, field: (typeof FIELDS)[number]): string | undefined {
  for (const item of text.split(',')) {
    if (item === '') return 'an empty item in the list';
    const [range = '', step, extra] = item.split('/');
    if (extra !== undefined) return 'more than one "/"';
    if (step !== undefined && !/^[1-9]\d*$/.test(step)) return `the step ${JSON.stringify(step)} is not a positive whole number`;
    if (range === '*') continue;
    const [a = '', b, more] = range.split('-');
    if (more !== undefined) return 'more than one "-" in a range';
    const low = value(a, field);
    if (low === undefined) return `${JSON.stringify(a)} is not a number from ${field.min} to ${field.max}${field.names.length ? ' nor a name' : ''}`;
    if (b !== undefined) {
      const high = value(b, field);
      if (high === undefined) return `${JSON.stringify(b)} is not a number from ${field.min} to ${field.max}${field.names.length ? ' nor a name' : ''}`;
      if (high < low) return `the range ${a}-${b} runs backwards`;
    }
  }
  return undefined;
}

function value(text: string, field: (typeof FIELDS)[number]): number | undefined {
  const named = (field.names as readonly string[]).indexOf(text.toUpperCase());
  if (named >= 0) return field.name === 'month' ? named + 1 : named;
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= field.min && n <= field.max ? n : undefined;
}

let zones: string[] | undefined;

/** Whether `zone` is an IANA time zone the runtime's Intl knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Known time zones, for did-you-mean suggestions. */
export function timeZones(): string[] {
  zones ??= [...Intl.supportedValuesOf('timeZone'), 'UTC'];
  return zones;
}
