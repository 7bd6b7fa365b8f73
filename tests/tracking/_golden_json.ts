/**
 * Reading golden JSON text exactly: integers beyond 2^53 (nanosecond times) become `bigint`s
 * instead of losing precision.
 *
 * @module
 */

type Reviver = (this: unknown, key: string, value: unknown) => unknown;

/** `JSON.parse` that keeps integers too large for a double exact, as `bigint`. */
export function parseExactJson(text: string): unknown {
  const reviver = function (_key: string, value: unknown, context?: { source?: string }): unknown {
    if (
      typeof value === "number" && !Number.isSafeInteger(value) && context?.source !== undefined &&
      /^-?\d+$/.test(context.source)
    ) {
      return BigInt(context.source);
    }
    return value;
  };
  return JSON.parse(text, reviver as Reviver);
}

/** Base64 of raw bytes to lowercase hex. */
export function base64ToHex(base64: string): string {
  return Array.from(atob(base64), (char) => char.charCodeAt(0).toString(16).padStart(2, "0"))
    .join("");
}
