/**
 * How `run` writes durations, token counts, costs and the final state for people, and its
 * costs in JSON.
 *
 * @module
 */
import { roundUsd } from "../tracking/report/round_numbers.ts";

/** The keys of a run's metadata that hold dollars. */
const USD_KEYS: ReadonlySet<string> = new Set(["costUsd", "knownCostUsd"]);

/**
 * A `JSON.stringify` replacer for a run's result or a batch line: dollar amounts of the
 * metadata (`costUsd`, `knownCostUsd`, per run and per node) rounded to 12 significant digits,
 * as the reports round them, so that no floating-point noise reaches the output.
 *
 * @param key The property.
 * @param value Its value.
 * @returns The value to write.
 */
export function roundCosts(key: string, value: unknown): unknown {
  return USD_KEYS.has(key) && typeof value === "number" ? roundUsd(value) : value;
}

/** ANSI styling that is a no-op without colour. */
export interface Paint {
  /** Success. */
  green(text: string): string;
  /** Failure. */
  red(text: string): string;
  /** Warnings. */
  yellow(text: string): string;
  /** Details. */
  dim(text: string): string;
  /** Names. */
  bold(text: string): string;
}

/**
 * The styling of a terminal, or none.
 *
 * @param color Whether to colour.
 * @returns The styling functions.
 */
export function paint(color: boolean): Paint {
  const style = (open: number, close: number) => (text: string) =>
    color ? `\x1b[${open}m${text}\x1b[${close}m` : text;
  return {
    green: style(32, 39),
    red: style(31, 39),
    yellow: style(33, 39),
    dim: style(2, 22),
    bold: style(1, 22),
  };
}

/**
 * A duration: `12 ms`, `0.42 s`, `3.1 s`, `2 min 5 s`.
 *
 * @param ms Milliseconds.
 * @returns The text.
 */
export function formatDuration(ms: number): string {
  if (ms < 100) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/**
 * A token count with thousands separators: `1,355 tokens`.
 *
 * @param tokens The count.
 * @returns The text.
 */
export function formatTokens(tokens: number): string {
  return `${tokens.toLocaleString("en-US")} ${tokens === 1 ? "token" : "tokens"}`;
}

/**
 * A dollar cost with three significant digits below $1 (`$0.000182`), cents above
 * (`$1.24`), and `cost unknown` when some call was not in the price table.
 *
 * @param usd The cost, `undefined` when unknown.
 * @returns The text.
 */
export function formatCost(usd: number | undefined): string {
  if (usd === undefined) return "cost unknown";
  if (usd === 0) return "$0";
  if (usd < 0.000001) return "<$0.000001";
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  const digits = Math.max(2, 2 - Math.floor(Math.log10(usd)));
  return `$${Number(usd.toPrecision(3)).toFixed(digits).replace(/(\.\d\d\d*?)0+$/, "$1")}`;
}

/**
 * The final state for people, in a YAML-like layout: one field per line, multi-line text
 * indented below its name, lists as `- item` lines, objects as nested fields. Text that would
 * read as another type (`"42"`, `"true"`, `""`) is quoted.
 *
 * @param state The final state.
 * @param p Styling.
 * @returns Text ending with a newline.
 */
export function renderState(state: Readonly<Record<string, unknown>>, p: Paint): string {
  const lines = Object.entries(state).flatMap(([name, value]) =>
    renderEntry(p.bold(`${name}:`), value, "", p)
  );
  return lines.join("\n") + "\n";
}

/** The lines of one labelled value (`label` includes its colon or dash). */
function renderEntry(label: string, value: unknown, pad: string, p: Paint): string[] {
  if (typeof value === "string" && value.includes("\n")) {
    const lines = value.trimEnd().split("\n").map((line) => line ? `${pad}  ${line}` : "");
    return [`${pad}${label}`, ...lines];
  }
  if (Array.isArray(value) && value.length > 0) {
    return [`${pad}${label}`, ...value.flatMap((item) => renderEntry("-", item, `${pad}  `, p))];
  }
  if (isObject(value) && Object.keys(value).length > 0) {
    const entries = Object.entries(value);
    if (label === "-") {
      // A list item that is an object: its first field goes on the dash's line.
      const [first, ...rest] = entries.map(([key, item]) => renderEntry(`${key}:`, item, "", p));
      return [
        ...(first ?? []).map((line, i) => `${pad}${i === 0 ? "- " : "  "}${line}`),
        ...rest.flat().map((line) => `${pad}  ${line}`),
      ];
    }
    return [
      `${pad}${label}`,
      ...entries.flatMap(([key, item]) => renderEntry(`${key}:`, item, `${pad}  `, p)),
    ];
  }
  return [`${pad}${label} ${scalarText(value, p)}`];
}

function scalarText(value: unknown, p: Paint): string {
  if (value === null || value === undefined) return p.dim("null");
  if (Array.isArray(value)) return "[]";
  if (isObject(value)) return "{}";
  if (typeof value !== "string") return String(value);
  const ambiguous = value === "" || /^\s|\s$/.test(value) ||
    /^[-?:,[\]{}#&*!|>'"%@`]/.test(value) ||
    /: | #/.test(value) ||
    /^(?:true|false|null|~|[-+]?(?:\d[\d_]*)?\.?\d+(?:e[-+]?\d+)?)$/i.test(value);
  return ambiguous ? JSON.stringify(value) : value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
