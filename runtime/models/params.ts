/**
 * Reading model parameters: each reader checks one value and names the family, the parameter and
 * the offending value, so a typo in a market file reads as a sentence, not a stack trace.
 * Schemas for the same parameters live next to them, so the JSON Schema a spec is validated
 * against and the check a fit performs cannot drift apart.
 */
import type { FitContext, ModelParams } from './contract.ts';
import type { SeasonalityMode } from './seasonality.ts';

export function readNumber(family: string, params: ModelParams, name: string, min: number, max: number, exclusive = false): number | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  const ok = typeof v === 'number' && Number.isFinite(v) && (exclusive ? v > min && v < max : v >= min && v <= max);
  if (!ok) {
    const range = exclusive ? `strictly between ${min} and ${max}` : `between ${min} and ${max}`;
    throw new Error(`${family}: "${name}" must be a number ${range}, got ${JSON.stringify(v)}`);
  }
  return v;
}

export function readInteger(family: string, params: ModelParams, name: string, min: number, max: number): number | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new Error(`${family}: "${name}" must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
  return v;
}

export function readEnum<T extends string>(family: string, params: ModelParams, name: string, values: readonly T[]): T | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) {
    throw new Error(`${family}: "${name}" must be one of ${values.map((x) => `"${x}"`).join(', ')}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}

export function readBoolean(family: string, params: ModelParams, name: string): boolean | undefined {
  const v = params[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new Error(`${family}: "${name}" must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

export const SEASONALITY_MODES: readonly SeasonalityMode[] = ['test', 'always', 'none'];

/** Schema fragments of the seasonal-adjustment parameters shared by the M4-style families. */
export const seasonalitySchema = {
  seasonality: {
    enum: SEASONALITY_MODES,
    default: 'test',
    description:
      'Seasonal adjustment before the model (M4 benchmark style): "test" adjusts when the 90% autocorrelation ' +
      'test at lag `period` passes (series of at least 3 periods), "always" whenever there are 2 full periods, ' +
      '"none" never. Adjustment is classical multiplicative decomposition; forecasts are re-seasonalised.',
  },
  period: {
    type: 'integer',
    minimum: 1,
    description: 'Seasonal period in observations for the adjustment; default: the series period (52 for weekly data). 1 disables it.',
  },
} as const;

export function readSeasonality(family: string, params: ModelParams, ctx: FitContext): { mode: SeasonalityMode; period: number } {
  const mode = readEnum(family, params, 'seasonality', SEASONALITY_MODES) ?? 'test';
  const period = readInteger(family, params, 'period', 1, 10_000) ?? ctx.period;
  if (!Number.isInteger(period) || period < 1) throw new Error(`${family}: the seasonal period must be a positive integer, got ${period}`);
  return { mode, period };
}
