/**
 * JSON text written the way Python's `json.dumps` writes it with its defaults, so that what we
 * store matches what MLflow's Python code stores byte for byte: `", "` and `": "` separators,
 * every non-ASCII character escaped as `\uXXXX` (`ensure_ascii`), floats in Python's `repr`
 * form (`1.8e-06`, `1e+16`) and `NaN`/`Infinity` as Python writes them.
 *
 * @module
 */

/** A value made of JSON types only (what {@linkcode toJsonValue} returns). */
export type JsonValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** Options of {@linkcode toJsonValue}. */
export interface ToJsonValueOptions {
  /**
   * Keep `NaN` and `±Infinity` as numbers (Python writes them as `NaN`, `Infinity`) instead of
   * turning them into `null` as `JSON.stringify` does.
   *
   * @default {false}
   */
  keepNonFinite?: boolean;
}

/**
 * Turns any value into plain JSON data without ever throwing: `toJSON()` is honoured (dates
 * become ISO strings), `Map` becomes an object and `Set` an array, an `Error` becomes
 * `"<name>: <message>"`, `undefined`, functions and symbols are dropped from objects (and are
 * `null` in arrays), a `bigint` stays a `bigint`, and a value that refers to itself becomes
 * `"[Circular]"`.
 *
 * @example Usage
 * ```ts
 * import { toJsonValue } from "./python_json.ts";
 * const value = toJsonValue({ when: new Date(0), skip: undefined, n: NaN });
 * if (JSON.stringify(value) !== '{"when":"1970-01-01T00:00:00.000Z","n":null}') throw new Error();
 * ```
 *
 * @param value Any value.
 * @param options Whether to keep non-finite numbers.
 * @returns The value as JSON data.
 */
export function toJsonValue(value: unknown, options: ToJsonValueOptions = {}): JsonValue {
  const { keepNonFinite = false } = options;
  return normalize(value, new Set(), keepNonFinite) ?? null;
}

function normalize(
  value: unknown,
  seen: Set<object>,
  keepNonFinite: boolean,
): JsonValue | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
    case "bigint":
      return value;
    case "number":
      return Number.isFinite(value) || keepNonFinite ? value : null;
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null || typeof value !== "object") return null;
  if (seen.has(value)) return "[Circular]";
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    let converted: unknown;
    try {
      converted = toJSON.call(value);
    } catch {
      converted = String(value);
    }
    if (converted !== value) {
      seen.add(value);
      const result = normalize(converted, seen, keepNonFinite);
      seen.delete(value);
      return result;
    }
  }
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  seen.add(value);
  try {
    if (Array.isArray(value) || value instanceof Set) {
      return Array.from(
        value as Iterable<unknown>,
        (item) => normalize(item, seen, keepNonFinite) ?? null,
      );
    }
    const entries: Iterable<[unknown, unknown]> = value instanceof Map
      ? value.entries()
      : Object.entries(value);
    const result: { [key: string]: JsonValue } = {};
    for (const [key, item] of entries) {
      const normalized = normalize(item, seen, keepNonFinite);
      if (normalized !== undefined) result[String(key)] = normalized;
    }
    return result;
  } finally {
    seen.delete(value);
  }
}

/**
 * Serialises a value as Python's `json.dumps(value)` would (default arguments). The value is
 * first passed through {@linkcode toJsonValue} keeping non-finite numbers, so this never throws.
 * JavaScript has one number type: an integral number below 1e16 is written as an integer
 * (`42`), any other number as Python writes a float (`0.5`, `1.8e-06`, `1e+16`).
 *
 * @example Usage
 * ```ts
 * import { pythonJsonDumps } from "./python_json.ts";
 * const text = pythonJsonDumps({ input_cost: 0.0000018, name: "café", ok: true, n: [1, 2] });
 * if (text !== '{"input_cost": 1.8e-06, "name": "caf\\u00e9", "ok": true, "n": [1, 2]}') {
 *   throw new Error(text);
 * }
 * ```
 *
 * @param value Any value.
 * @returns The JSON text.
 */
export function pythonJsonDumps(value: unknown): string {
  const parts: string[] = [];
  write(toJsonValue(value, { keepNonFinite: true }), parts);
  return parts.join("");
}

function write(value: JsonValue, parts: string[]): void {
  if (value === null) {
    parts.push("null");
  } else if (typeof value === "boolean") {
    parts.push(value ? "true" : "false");
  } else if (typeof value === "bigint") {
    parts.push(value.toString());
  } else if (typeof value === "number") {
    parts.push(pythonNumber(value));
  } else if (typeof value === "string") {
    parts.push(pythonString(value));
  } else if (Array.isArray(value)) {
    parts.push("[");
    value.forEach((item, index) => {
      if (index > 0) parts.push(", ");
      write(item, parts);
    });
    parts.push("]");
  } else {
    parts.push("{");
    let first = true;
    for (const [key, item] of Object.entries(value)) {
      if (!first) parts.push(", ");
      first = false;
      parts.push(pythonString(key), ": ");
      write(item, parts);
    }
    parts.push("}");
  }
}

/**
 * Writes a number as Python does: integers as digits, floats in `repr` form.
 *
 * @example Usage
 * ```ts
 * import { pythonNumber } from "./python_json.ts";
 * if (pythonNumber(1.98e-5) !== "1.98e-05" || pythonNumber(0.0001) !== "0.0001") throw new Error();
 * ```
 *
 * @param value The number.
 * @returns Its Python text (`NaN`, `Infinity`, `-Infinity` for non-finite values).
 */
export function pythonNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (Number.isInteger(value) && Math.abs(value) < 1e16) {
    return Object.is(value, -0) ? "0" : String(value);
  }
  return pythonFloatRepr(value);
}

/** Python's `repr(float)`: the shortest round-trip digits, exponent form outside 1e-4..1e16. */
function pythonFloatRepr(value: number): string {
  const sign = value < 0 ? "-" : "";
  const [mantissa = "0", exponentText = "0"] = Math.abs(value).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const exponent = Number(exponentText);
  const decimalPoint = exponent + 1;
  if (decimalPoint > -4 && decimalPoint <= 16) {
    if (decimalPoint <= 0) return `${sign}0.${"0".repeat(-decimalPoint)}${digits}`;
    if (decimalPoint >= digits.length) {
      return `${sign}${digits}${"0".repeat(decimalPoint - digits.length)}.0`;
    }
    return `${sign}${digits.slice(0, decimalPoint)}.${digits.slice(decimalPoint)}`;
  }
  const fraction = digits.length > 1 ? `.${digits.slice(1)}` : "";
  const exponentSign = exponent < 0 ? "-" : "+";
  const exponentDigits = String(Math.abs(exponent)).padStart(2, "0");
  return `${sign}${digits[0]}${fraction}e${exponentSign}${exponentDigits}`;
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
};

/** A string as Python's `json.dumps` writes it with `ensure_ascii=True`. */
function pythonString(text: string): string {
  let result = '"';
  for (let i = 0; i < text.length; i++) {
    const char = text[i] as string;
    const code = text.charCodeAt(i);
    const short = SHORT_ESCAPES[char];
    if (short !== undefined) result += short;
    else if (code < 0x20 || code > 0x7e) result += `\\u${code.toString(16).padStart(4, "0")}`;
    else result += char;
  }
  return `${result}"`;
}
