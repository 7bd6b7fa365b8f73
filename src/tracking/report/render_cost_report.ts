/**
 * A cost report as a terminal table, CSV or JSON.
 *
 * @module
 */
import { PRICES_ENV_VAR } from "../pricing/load_price_table_from_env.ts";
import { alignColumns, csvLine, formatCount, formatSeconds, formatUsd } from "./_format.ts";
import type { CostReport, CostReportRow } from "./cost_report.ts";
import { roundMean, roundSeconds, roundUsd } from "./round_numbers.ts";

/** Label of the totals row in the table and the CSV. */
export const TOTAL_LABEL = "TOTAL";

/**
 * The report as an aligned table with a totals row, `unknown` where a cost is unknown, and a
 * note naming the models that had no price.
 *
 * @example Usage
 * ```ts
 * import { renderCostReportTable } from "./render_cost_report.ts";
 * import { type CostReport } from "./cost_report.ts";
 * const row = { group: "demo", runs: 1, calls: undefined, inputTokens: 12, outputTokens: 30,
 *   totalTokens: 42, costUsd: undefined, knownCostUsd: 0, unknownCostCount: 1,
 *   avgCostUsd: undefined, avgTotalTokens: 42, avgDurationSeconds: 1.5 };
 * const report: CostReport = { location: "sqlite:///mlflow.db", by: "workflow", filters: {},
 *   window: {}, rows: [row], totals: { ...row, group: "total" }, unpricedModels: ["openai/gpt-x"] };
 * const text = renderCostReportTable(report);
 * if (!text.includes("unknown") || !text.includes("openai/gpt-x")) throw new Error(text);
 * ```
 *
 * @param report The report.
 * @returns Text ending with a newline.
 */
export function renderCostReportTable(report: CostReport): string {
  const lines = [describe(report)];
  if (report.totals.runs === 0) {
    const filtered = Object.values(report.filters).some((value) => value !== undefined);
    lines.push(
      filtered
        ? "No runs match these filters."
        : "No runs of configurable-agents are recorded here yet.",
    );
    return lines.join("\n") + "\n";
  }
  const withCalls = report.by === "model" || report.by === "node";
  const header = [
    report.by,
    "runs",
    ...(withCalls ? ["calls"] : []),
    "input tokens",
    "output tokens",
    "total tokens",
    "cost",
    "avg cost/run",
    report.by === "node" ? "avg node time" : "avg duration",
  ];
  const cells = (row: CostReportRow, label = row.group): string[] => [
    label,
    formatCount(row.runs),
    ...(withCalls ? [formatCount(row.calls ?? 0)] : []),
    formatCount(row.inputTokens),
    formatCount(row.outputTokens),
    formatCount(row.totalTokens),
    formatUsd(row.costUsd),
    formatUsd(row.avgCostUsd),
    formatSeconds(row.avgDurationSeconds),
  ];
  const numeric = header.map((_, index) => index > 0);
  const table = alignColumns(
    header,
    [...report.rows.map((row) => cells(row)), cells(report.totals, TOTAL_LABEL)],
    numeric,
  );
  const rule = "-".repeat(Math.max(...table.map((line) => line.length)));
  lines.push(table[0] ?? "", rule, ...table.slice(1, -1), rule, table.at(-1) ?? "");
  lines.push(...notes(report));
  return lines.join("\n") + "\n";
}

/**
 * The report as CSV: a header, one line per group and a `TOTAL` line. An unknown cost is the
 * word `unknown`, never 0. Numbers are rounded as `round_numbers.ts` says (dollars to 12
 * significant digits, averages of counts to two decimals, seconds to milliseconds).
 *
 * @param report The report.
 * @returns CSV text ending with a newline.
 */
export function renderCostReportCsv(report: CostReport): string {
  const header = [
    report.by,
    "runs",
    "calls",
    "input_tokens",
    "output_tokens",
    "total_tokens",
    "cost_usd",
    "known_cost_usd",
    "avg_cost_usd",
    "avg_total_tokens",
    "avg_duration_seconds",
  ];
  const line = (row: CostReportRow, label = row.group) =>
    csvLine([
      label,
      row.runs,
      row.calls ?? "",
      row.inputTokens,
      row.outputTokens,
      row.totalTokens,
      optional(row.costUsd, roundUsd) ?? "unknown",
      roundUsd(row.knownCostUsd),
      optional(row.avgCostUsd, roundUsd) ??
        (row.costUsd === undefined && row.runs > 0 ? "unknown" : ""),
      roundMean(row.avgTotalTokens),
      optional(row.avgDurationSeconds, roundSeconds) ?? "",
    ]);
  return [csvLine(header), ...report.rows.map((row) => line(row)), line(report.totals, TOTAL_LABEL)]
    .join("\n") + "\n";
}

/**
 * The report as a JSON value with snake_case keys; an unknown cost is `null` (the known part
 * is in `known_cost_usd`). Numbers are rounded as in the CSV.
 *
 * @param report The report.
 * @returns A JSON-serialisable value.
 */
export function costReportToJson(report: CostReport): Record<string, unknown> {
  const row = (value: CostReportRow) => ({
    group: value.group,
    runs: value.runs,
    ...(value.calls === undefined ? {} : { calls: value.calls }),
    input_tokens: value.inputTokens,
    output_tokens: value.outputTokens,
    total_tokens: value.totalTokens,
    cost_usd: optional(value.costUsd, roundUsd) ?? null,
    cost_known: value.costUsd !== undefined,
    known_cost_usd: roundUsd(value.knownCostUsd),
    unknown_cost_count: value.unknownCostCount,
    avg_cost_usd: optional(value.avgCostUsd, roundUsd) ?? null,
    avg_total_tokens: roundMean(value.avgTotalTokens),
    avg_duration_seconds: optional(value.avgDurationSeconds, roundSeconds) ?? null,
  });
  return {
    location: report.location,
    by: report.by,
    filters: report.filters,
    window: {
      since: report.window.fromMs === undefined
        ? null
        : new Date(report.window.fromMs).toISOString(),
      until: report.window.beforeMs === undefined
        ? null
        : new Date(report.window.beforeMs).toISOString(),
    },
    rows: report.rows.map(row),
    totals: row(report.totals),
    unpriced_models: report.unpricedModels,
  };
}

/** `value` through `round`, or `undefined`. */
function optional(value: number | undefined, round: (value: number) => number) {
  return value === undefined ? undefined : round(value);
}

function describe(report: CostReport): string {
  const { filters, window } = report;
  const parts = [
    `Costs by ${report.by}`,
    report.location,
    filters.experiment === undefined ? "all experiments" : `experiment "${filters.experiment}"`,
  ];
  if (filters.workflow !== undefined) parts.push(`workflow "${filters.workflow}"`);
  if (filters.status !== undefined) parts.push(`status ${filters.status}`);
  if (window.fromMs !== undefined || window.beforeMs !== undefined) {
    const from = window.fromMs === undefined ? "…" : utc(window.fromMs);
    const to = window.beforeMs === undefined ? "…" : utc(window.beforeMs);
    parts.push(`started ${from} to ${to} UTC${filters.period ? ` (${filters.period})` : ""}`);
  }
  return parts.join(" · ");
}

function notes(report: CostReport): string[] {
  const unknownRows = [...report.rows, report.totals].some((row) => row.costUsd === undefined);
  if (!unknownRows && report.unpricedModels.length === 0) return [];
  if (report.unpricedModels.length === 0) {
    return ["Cost is unknown where a run recorded no cost (NaN or missing total_cost_usd)."];
  }
  return [
    `Cost is unknown where calls went to models without a price: ${
      report.unpricedModels.join(", ")
    }.`,
    `Price them for future runs in a JSON file named by ${PRICES_ENV_VAR}.`,
  ];
}

function utc(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso.slice(0, 16).replace("T", " ");
}
