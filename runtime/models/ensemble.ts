/**
 * Ensemble: the mean or median of several members' forecasts (e.g. the top X of a selection).
 *
 * Point forecast: the step-wise mean or median of the members' point forecasts. Intervals: the
 * step-wise mean or median of the members' bounds. Both statistics are monotone (if every
 * member's lower bound is below its mean, the combined lower bound is below the combined mean),
 * so the combined intervals nest like the members'. They are not the exact quantiles of any
 * model — combining is done for accuracy, and averaging bounds is the common practical choice.
 *
 * The family is built with a resolver (registry.ts passes its own lookup) rather than importing
 * the registry, which would make the two modules import each other.
 */
import type { FitContext, Fitted, Forecast, Interval, ModelFamily, ModelParams } from './contract.ts';
import { assertHorizon, assertKnownParams, assertLevels, nestIntervals } from './common.ts';

export interface EnsembleMember {
  readonly family: string;
  readonly params: ModelParams;
}

export type Combine = 'mean' | 'median';

const NAME = 'ensemble';

export function makeEnsembleFamily(resolve: (name: string) => ModelFamily): ModelFamily {
  return {
    name: NAME,
    description: 'Mean or median of several models (members with their params), e.g. the top X of a selection.',
    paramsSchema: {
      type: 'object',
      description: 'Ensemble parameters.',
      properties: {
        members: {
          type: 'array',
          minItems: 1,
          description: 'The models to combine, each {family, params}.',
          items: {
            type: 'object',
            properties: { family: { type: 'string' }, params: { type: 'object' } },
            required: ['family'],
            additionalProperties: false,
          },
        },
        combine: { enum: ['mean', 'median'], default: 'mean', description: 'How forecasts are combined step by step.' },
      },
      required: ['members'],
      additionalProperties: false,
    },
    fit(y: Float64Array, ctx: FitContext, params: ModelParams): Fitted {
      assertKnownParams(NAME, params, ['members', 'combine']);
      const combine = params['combine'] ?? 'mean';
      if (combine !== 'mean' && combine !== 'median') throw new Error(`${NAME}: "combine" must be "mean" or "median", got ${JSON.stringify(combine)}`);
      const members = parseMembers(params['members']);
      const fitted = members.map((m) => {
        if (m.family === NAME) throw new Error(`${NAME}: members cannot be ensembles themselves`);
        try {
          return resolve(m.family).fit(y, ctx, m.params);
        } catch (err) {
          throw new Error(`${NAME}: member ${m.family} ${JSON.stringify(m.params)} failed: ${(err as Error).message}`);
        }
      });
      return new EnsembleFitted(fitted, combine);
    },
  };
}

function parseMembers(raw: unknown): EnsembleMember[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new Error(`${NAME}: "members" must be a non-empty list of {family, params}`);
  return raw.map((m, i) => {
    if (m === null || typeof m !== 'object' || typeof (m as { family?: unknown }).family !== 'string') {
      throw new Error(`${NAME}: members[${i}] must be {family, params}, got ${JSON.stringify(m)}`);
    }
    const params = (m as { params?: unknown }).params ?? {};
    if (params === null || typeof params !== 'object' || Array.isArray(params)) {
      throw new Error(`${NAME}: members[${i}].params must be an object`);
    }
    return { family: (m as { family: string }).family, params: params as ModelParams };
  });
}

/** Step-wise mean or median of equally long arrays. */
export function combineArrays(arrays: readonly Float64Array[], combine: Combine): Float64Array {
  const h = arrays[0]!.length;
  const out = new Float64Array(h);
  const col = new Float64Array(arrays.length);
  for (let k = 0; k < h; k++) {
    for (let i = 0; i < arrays.length; i++) col[i] = arrays[i]![k]!;
    if (combine === 'mean') {
      let s = 0;
      for (const v of col) s += v;
      out[k] = s / col.length;
    } else {
      col.sort();
      const mid = col.length >> 1;
      out[k] = col.length % 2 === 1 ? col[mid]! : (col[mid - 1]! + col[mid]!) / 2;
    }
  }
  return out;
}

class EnsembleFitted implements Fitted {
  constructor(
    private readonly members: readonly Fitted[],
    private readonly combine: Combine,
  ) {}

  predict(h: number, levelsPct: readonly number[]): Forecast {
    assertHorizon(NAME, h);
    assertLevels(NAME, levelsPct);
    const forecasts = this.members.map((m) => m.predict(h, levelsPct));
    const mean = combineArrays(
      forecasts.map((f) => f.mean),
      this.combine,
    );
    const raw: Interval[] = levelsPct.map((levelPct, j) => ({
      levelPct,
      lower: combineArrays(
        forecasts.map((f) => f.intervals[j]!.lower),
        this.combine,
      ),
      upper: combineArrays(
        forecasts.map((f) => f.intervals[j]!.upper),
        this.combine,
      ),
    }));
    return { mean, intervals: nestIntervals(NAME, mean, raw) };
  }
}
