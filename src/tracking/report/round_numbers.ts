/**
 * How costs, averages and durations are rounded in machine output (JSON and CSV), so that
 * they carry what the data supports and no binary floating-point noise
 * (`0.000021000000000000002` is `0.000021`).
 *
 * - Dollars: 12 significant digits. Prices have at most five decimals per million tokens and
 *   token counts are whole, so a call's exact cost is a whole number of 1e-11 dollars; sums
 *   and averages of such costs are exact well within 12 digits, while the noise of adding
 *   binary fractions sits in the 16th and 17th.
 * - Averages of whole counts (tokens per run): two decimals.
 * - Seconds: milliseconds (three decimals), the resolution durations are recorded in.
 *
 * @module
 */

/** Significant digits kept of a dollar amount. */
export const USD_SIGNIFICANT_DIGITS = 12;

/**
 * A dollar amount without floating-point noise: 12 significant digits.
 *
 * @example Usage
 * ```ts
 * import { roundUsd } from "./round_numbers.ts";
 * if (roundUsd(0.000021000000000000002) !== 0.000021) throw new Error();
 * if (roundUsd(0.1 + 0.2) !== 0.3) throw new Error();
 * ```
 *
 * @param usd The amount (NaN, infinities and 0 are returned as they are).
 * @returns The rounded amount.
 */
export function roundUsd(usd: number): number {
  return Number.isFinite(usd) && usd !== 0 ? Number(usd.toPrecision(USD_SIGNIFICANT_DIGITS)) : usd;
}

/**
 * An average of whole counts, to two decimals (`1345.2857142857142` is `1345.29`).
 *
 * @param value The average.
 * @returns The rounded average.
 */
export function roundMean(value: number): number {
  return Number.isFinite(value) ? Math.round(value * 100) / 100 : value;
}

/**
 * A duration in seconds, to the millisecond.
 *
 * @param seconds The duration.
 * @returns The rounded duration.
 */
export function roundSeconds(seconds: number): number {
  return Number.isFinite(seconds) ? Math.round(seconds * 1000) / 1000 : seconds;
}
