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
  /**
   * Turn a `bigint` into a number (as parsing the JSON text back would), instead of keeping it.
   *
   * @default {false}
   */
  bigIntAsNumber?: boolean;
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
  const { keepNonFinite = false, bigIntAsNumber = false } = options;
  return normalize(value, new Set(), keepNonFinite, bigIntAsNumber) ?? null;
}

/** What `toJSON()` makes of an object (its text when `toJSON` throws); the object itself without one. */
function convertedByToJSON(value: object): unknown {
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON !== "function") return value;
  try {
    return toJSON.call(value);
  } catch {
    return String(value);
  }
}

function normalize(
  value: unknown,
  seen: Set<object>,
  keepNonFinite: boolean,
  bigIntAsNumber = false,
): JsonValue | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "bigint":
      return bigIntAsNumber ? Number(value) : value;
    case "number":
      return Number.isFinite(value) || keepNonFinite ? value : null;
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null || typeof value !== "object") return null;
  if (seen.has(value)) return "[Circular]";
  const converted = convertedByToJSON(value);
  if (converted !== value) {
    seen.add(value);
    const result = normalize(converted, seen, keepNonFinite, bigIntAsNumber);
    seen.delete(value);
    return result;
  }
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  seen.add(value);
  try {
    if (Array.isArray(value) || value instanceof Set) {
      return Array.from(
        value as Iterable<unknown>,
        (item) => normalize(item, seen, keepNonFinite, bigIntAsNumber) ?? null,
      );
    }
    const entries: Iterable<[unknown, unknown]> = value instanceof Map
      ? value.entries()
      : Object.entries(value);
    const result: { [key: string]: JsonValue } = {};
    for (const [key, item] of entries) {
      const normalized = normalize(item, seen, keepNonFinite, bigIntAsNumber);
      if (normalized !== undefined) result[String(key)] = normalized;
    }
    return result;
  } finally {
    seen.delete(value);
  }
}

/** Options of {@linkcode pythonJsonDumps}. */
export interface PythonJsonDumpsOptions {
  /**
   * Write `NaN` and `±Infinity` as Python does (`NaN`, `Infinity`); `false` writes them as
   * `null`, as `pythonJsonDumps(toJsonValue(value))` would.
   *
   * @default {true}
   */
  keepNonFinite?: boolean;
}

/**
 * Serialises a value as Python's `json.dumps(value)` would (default arguments). The value is
 * read as {@linkcode toJsonValue} reads it (keeping non-finite numbers unless told otherwise),
 * so this never throws.
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
 * @param options Whether to keep non-finite numbers.
 * @returns The JSON text.
 */
export function pythonJsonDumps(value: unknown, options: PythonJsonDumpsOptions = {}): string {
  const { keepNonFinite = true } = options;
  const parts: string[] = [];
  if (!writeValue(value, parts, new Set(), keepNonFinite)) parts.push("null");
  return parts.join("");
}

/**
 * Writes a value as {@linkcode toJsonValue} would normalise it, straight into `parts`, without
 * building the normalised copy first.
 *
 * @returns `false` when the value is one an object drops (`undefined`, a function, a symbol),
 * having written nothing.
 */
function writeValue(
  value: unknown,
  parts: string[],
  seen: Set<object>,
  keepNonFinite: boolean,
): boolean {
  switch (typeof value) {
    case "string":
      parts.push(pythonString(value));
      return true;
    case "boolean":
      parts.push(value ? "true" : "false");
      return true;
    case "bigint":
      parts.push(value.toString());
      return true;
    case "number":
      parts.push(Number.isFinite(value) || keepNonFinite ? pythonNumber(value) : "null");
      return true;
    case "undefined":
    case "function":
    case "symbol":
      return false;
  }
  if (value === null || typeof value !== "object") {
    parts.push("null");
    return true;
  }
  if (seen.has(value)) {
    parts.push('"[Circular]"');
    return true;
  }
  const converted = convertedByToJSON(value);
  if (converted !== value) {
    seen.add(value);
    const written = writeValue(converted, parts, seen, keepNonFinite);
    seen.delete(value);
    return written;
  }
  if (value instanceof Error) {
    parts.push(pythonString(`${value.name}: ${value.message}`));
    return true;
  }
  if (value instanceof Map) {
    // Keys of a Map may repeat once turned into strings, or reorder as integer-like object
    // keys do: normalise it into an object first, as toJsonValue does.
    const normalized = normalize(value, seen, keepNonFinite);
    if (!writeValue(normalized, parts, new Set(), keepNonFinite)) parts.push("null");
    return true;
  }
  seen.add(value);
  try {
    if (Array.isArray(value) || value instanceof Set) {
      parts.push("[");
      let index = 0;
      for (const item of value as Iterable<unknown>) {
        if (index++ > 0) parts.push(", ");
        if (!writeValue(item, parts, seen, keepNonFinite)) parts.push("null");
      }
      parts.push("]");
      return true;
    }
    parts.push("{");
    let first = true;
    for (const key of Object.keys(value)) {
      const mark = parts.length;
      parts.push(first ? "" : ", ", pythonString(key), ": ");
      if (writeValue((value as Record<string, unknown>)[key], parts, seen, keepNonFinite)) {
        first = false;
      } else {
        parts.length = mark;
      }
    }
    parts.push("}");
    return true;
  } finally {
    seen.delete(value);
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
  // Between 1e-4 and 1e16 both languages write the shortest round-trip digits without an
  // exponent, so JavaScript's own text is Python's.
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-4 && magnitude < 1e16) return String(value);
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

/** Text that Python writes as it is between quotes: printable ASCII but `"` and `\\`. */
const PLAIN_TEXT = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
/** What `JSON.stringify` leaves as it is and `ensure_ascii` escapes: DEL and non-ASCII. */
const NON_ASCII = /[\x7f-\uffff]/g;

function escapeNonAscii(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/**
 * A string as Python's `json.dumps` writes it with `ensure_ascii=True`. `JSON.stringify` escapes
 * exactly what Python escapes below 0x7f (the same short forms, `\u00XX` in lowercase for other
 * control characters, lone surrogates as `\udXXX`); what is left is DEL and every other UTF-16
 * code unit above it, escaped one unit at a time as Python does.
 */
function pythonString(text: string): string {
  if (PLAIN_TEXT.test(text)) return `"${text}"`;
  return JSON.stringify(text).replace(NON_ASCII, escapeNonAscii);
}
