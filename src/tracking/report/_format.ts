/**
 * Number, money, duration and table formatting shared by the report renderers.
 *
 * @module
 */

/**
 * Dollars with enough digits to show small costs (`$0.0000198`), or `unknown`.
 *
 * @param usd Amount in USD; `undefined` or NaN is unknown.
 * @returns Text.
 */
export function formatUsd(usd: number | undefined): string {
  if (usd === undefined || !Number.isFinite(usd)) return "unknown";
  if (usd === 0) return "$0.00";
  const magnitude = Math.abs(usd);
  const digits = magnitude >= 1 ? 2 : Math.min(10, 2 - Math.floor(Math.log10(magnitude)));
  return `${usd < 0 ? "-" : ""}$${magnitude.toFixed(digits)}`;
}

/**
 * A whole count with thousands separators.
 *
 * @param value The count.
 * @returns Text.
 */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

/**
 * A duration: `0.9 ms`, `350 ms`, `2.10 s`, `3m 05s`.
 *
 * @param seconds The duration; `undefined` gives `-`.
 * @returns Text.
 */
export function formatSeconds(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return "-";
  if (seconds < 0.01) return `${(seconds * 1000).toFixed(1)} ms`;
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(2)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m ${String(Math.round(seconds - minutes * 60)).padStart(2, "0")}s`;
}

/**
 * Lays out rows as aligned columns: text columns left, numbers right.
 *
 * @param header Column titles.
 * @param rows Cells.
 * @param numeric Which columns are right-aligned.
 * @returns Lines without trailing spaces.
 */
export function alignColumns(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: readonly boolean[],
): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, column) =>
    Math.max(...all.map((row) => [...(row[column] ?? "")].length))
  );
  return all.map((row) =>
    row.map((cell, column) => {
      const width = widths[column] ?? 0;
      return numeric[column] ? cell.padStart(width) : cell.padEnd(width);
    }).join("  ").trimEnd()
  );
}

/**
 * One CSV line (RFC 4180 quoting).
 *
 * @param cells The fields.
 * @returns The line without a line break.
 */
export function csvLine(cells: readonly (string | number)[]): string {
  return cells.map((cell) => {
    const text = String(cell);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  }).join(",");
}
