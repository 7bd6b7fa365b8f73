/**
 * Reading what scorers compare: a field path in a run's state, the text of a value, equality of
 * JSON values, and short quotations for rationales.
 *
 * @module
 */

/** A value found at a field path, or `found: false` when some part of the path is absent. */
export type FieldValue = { readonly found: true; readonly value: unknown } | {
  readonly found: false;
};

/**
 * Reads a dotted field path (`answer`, `profile.name`, `items.0`) in a state. Only own
 * properties are read, so `constructor` or `__proto__` never reach an object's prototype.
 *
 * @param state The run's final state.
 * @param path The field path.
 * @returns The value, or `found: false`.
 */
export function readField(state: Readonly<Record<string, unknown>>, path: string): FieldValue {
  let current: unknown = state;
  for (const segment of path.split(".")) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, segment)) {
      return { found: false };
    }
    current = (current as Record<string, unknown>)[segment];
  }
  return { found: true, value: current };
}

/**
 * The text of a value, as templates insert it: text as it is, anything else as compact JSON.
 *
 * @param value The value.
 * @returns Its text; `""` for `null` and `undefined`.
 */
export function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "";
  return JSON.stringify(value);
}

/**
 * Whether two JSON values are equal: the same text, number, boolean or null, lists equal item by
 * item, objects with the same keys (in any order) and equal values.
 *
 * @param a A value.
 * @param b Another.
 * @returns `true` when equal.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length &&
      a.every((item, index) => jsonEqual(item, b[index]));
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) =>
    Object.hasOwn(b, key) &&
    jsonEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])
  );
}

/** Longest quotation of a value in a rationale. */
const MAX_QUOTE = 80;

/**
 * A value quoted for a rationale: text in double quotes, anything else as compact JSON, cut to
 * 80 characters.
 *
 * @param value The value.
 * @returns The quotation.
 */
export function quote(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : String(JSON.stringify(value));
  return text.length > MAX_QUOTE ? `${text.slice(0, MAX_QUOTE - 3)}...` : text;
}

/**
 * A number for a rationale, with at most three significant digits after leading zeros
 * (`0.0000492`, `12.3`, `1500`).
 *
 * @param value The number.
 * @returns Its text.
 */
export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(3)));
}
