/** Seasonal period (observations per year) of each series frequency. */
export const Frequency = { daily: 'daily', weekly: 'weekly', monthly: 'monthly', quarterly: 'quarterly', yearly: 'yearly' } as const;
export type Frequency = keyof typeof Frequency;

const periods: Readonly<Record<Frequency, number>> = { daily: 7, weekly: 52, monthly: 12, quarterly: 4, yearly: 1 };

export function periodOf(frequency: Frequency): number {
  return periods[frequency];
}
