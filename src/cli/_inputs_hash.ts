/**
 * The hash a batch line carries of its record's inputs, so that `run --resume` can tell a
 * record it already ran from one that changed since.
 *
 * @module
 */
import type { BatchItem } from "../runtime/read_json_lines.ts";

/**
 * The SHA-256 (hex) of a record's inputs as the run gets them (the `-i` values over the line's
 * own), in canonical JSON: object keys sorted at every depth, so that the order of keys in the
 * file does not matter. A line that is not valid inputs hashes its error message.
 *
 * @param item The record.
 * @returns 64 hex digits.
 */
export async function inputsHash(item: BatchItem): Promise<string> {
  const text = "error" in item ? `error:${item.error}` : canonicalJson(item.inputs);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * JSON with the keys of every object sorted.
 *
 * @param value A JSON value.
 * @returns Its canonical text.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, nested: unknown) => {
    if (typeof nested !== "object" || nested === null || Array.isArray(nested)) return nested;
    const record = nested as Record<string, unknown>;
    return Object.fromEntries(Object.keys(record).sort().map((key) => [key, record[key]]));
  });
}
