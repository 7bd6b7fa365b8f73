/**
 * The time window of a report, from a named period and `--since`/`--until`, in UTC.
 *
 * @module
 */

/** Named periods, each relative to "now" in UTC. */
export const PERIODS = ["today", "yesterday", "last_7_days", "last_30_days", "this_month"] as const;

/** A named period. */
export type Period = typeof PERIODS[number];

/** Runs started in `[fromMs, beforeMs)`; an absent bound is open. */
export interface TimeWindow {
  /** Inclusive lower bound, ms since the epoch. */
  fromMs?: number;
  /** Exclusive upper bound, ms since the epoch. */
  beforeMs?: number;
}

/** Options of {@linkcode resolveTimeWindow}. */
export interface TimeWindowOptions {
  /** A named period. */
  period?: string | undefined;
  /** ISO date (`2026-11-01`, UTC midnight) or date-time; inclusive. */
  since?: string | undefined;
  /** ISO date or date-time; exclusive (`--until 2026-11-02` ends with 1 November). */
  until?: string | undefined;
  /** "Now", ms since the epoch. */
  now: number;
}

const DAY_MS = 86_400_000;

/**
 * Resolves the window of a report. Periods are whole UTC days: `today` is since UTC midnight,
 * `yesterday` the UTC day before, `last_7_days`/`last_30_days` today and the 6/29 days before,
 * `this_month` since the first of the UTC month; each ends at the next UTC midnight (month end
 * for `this_month`). `since` and `until` narrow the period further.
 *
 * @example Usage
 * ```ts
 * import { resolveTimeWindow } from "./time_window.ts";
 * const now = Date.parse("2026-11-27T15:00:00Z");
 * const window = resolveTimeWindow({ period: "yesterday", now });
 * if (window.fromMs !== Date.parse("2026-11-26") || window.beforeMs !== Date.parse("2026-11-27")) {
 *   throw new Error();
 * }
 * ```
 *
 * @param options Period, bounds and now.
 * @returns The window.
 * @throws {RangeError} When the period is unknown or the window is empty.
 * @throws {SyntaxError} When `since` or `until` is not an ISO date or date-time.
 */
export function resolveTimeWindow(options: TimeWindowOptions): TimeWindow {
  const { period, since, until, now } = options;
  const window: TimeWindow = period === undefined ? {} : periodWindow(period, now);
  if (since !== undefined) {
    const from = parseTimeBound(since, "since");
    window.fromMs = window.fromMs === undefined ? from : Math.max(window.fromMs, from);
  }
  if (until !== undefined) {
    const before = parseTimeBound(until, "until");
    window.beforeMs = window.beforeMs === undefined ? before : Math.min(window.beforeMs, before);
  }
  if (
    window.fromMs !== undefined && window.beforeMs !== undefined && window.fromMs >= window.beforeMs
  ) {
    throw new RangeError(
      `Cannot report on an empty time window: it starts at "${iso(window.fromMs)}" and ends ` +
        `before "${iso(window.beforeMs)}"`,
    );
  }
  return window;
}

function periodWindow(period: string, now: number): TimeWindow {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const tomorrow = today + DAY_MS;
  switch (period as Period) {
    case "today":
      return { fromMs: today, beforeMs: tomorrow };
    case "yesterday":
      return { fromMs: today - DAY_MS, beforeMs: today };
    case "last_7_days":
      return { fromMs: today - 6 * DAY_MS, beforeMs: tomorrow };
    case "last_30_days":
      return { fromMs: today - 29 * DAY_MS, beforeMs: tomorrow };
    case "this_month": {
      const date = new Date(now);
      return {
        fromMs: Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1),
        beforeMs: Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1),
      };
    }
  }
  throw new RangeError(
    `Cannot report on period "${period}" as it is not one of ${
      PERIODS.map((p) => `"${p}"`).join(", ")
    }`,
  );
}

/** `YYYY-MM-DD`, or a date-time with `T`; without a zone a date-time is UTC. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

function parseTimeBound(text: string, name: string): number {
  const value = text.trim();
  let ms = Number.NaN;
  if (ISO_DATE.test(value)) {
    ms = Date.parse(`${value}T00:00:00Z`);
  } else {
    const match = ISO_DATE_TIME.exec(value);
    if (match) ms = Date.parse(match[1] ? value : `${value}Z`);
  }
  if (!Number.isFinite(ms) || !isRealDate(value.slice(0, 10))) {
    throw new SyntaxError(
      `Cannot use "${text}" as the ${name} date as it is not an ISO date (2026-11-01) or ` +
        `date-time (2026-11-01T09:30:00Z)`,
    );
  }
  return ms;
}

/** `2026-02-30` parses (as 2 March); reject days the month does not have. */
function isRealDate(date: string): boolean {
  const [year, month, day] = date.split("-").map(Number);
  if (year === undefined || month === undefined || day === undefined) return false;
  const utc = new Date(Date.UTC(year, month - 1, day));
  return utc.getUTCMonth() === month - 1 && utc.getUTCDate() === day;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
