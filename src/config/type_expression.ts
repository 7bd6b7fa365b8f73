/**
 * The type grammar of workflow files: `str | int | float | bool | object | list | dict |
 * list[T] | dict[K, V]`, nested (up to {@linkcode MAX_TYPE_DEPTH} levels) and insensitive to
 * whitespace, plus two constrained forms:
 *
 * - `enum[a, b, c]`: text that is one of the values (a value with spaces, commas or brackets
 *   is quoted: `enum["needs work", done]`);
 * - `int[1..5]`, `float[0..1]`: a number within inclusive bounds, either of which may be left
 *   out (`int[0..]`, `float[..100]`).
 *
 * @module
 */

/** Inclusive bounds of a number type; an absent bound does not limit. */
export interface NumberBounds {
  /** Smallest value allowed. */
  readonly minimum?: number;
  /** Largest value allowed. */
  readonly maximum?: number;
}

/**
 * A parsed type string. `list`/`dict` without parameters accept any element, key or value; a
 * `str` with `values` is an `enum[...]`; an `int` or `float` may carry bounds.
 */
export type TypeExpression =
  | { readonly kind: "str"; readonly values?: readonly string[] }
  | ({ readonly kind: "int" } & NumberBounds)
  | ({ readonly kind: "float" } & NumberBounds)
  | { readonly kind: "bool" }
  | { readonly kind: "object" }
  | { readonly kind: "list"; readonly element?: TypeExpression }
  | { readonly kind: "dict"; readonly key?: TypeExpression; readonly value?: TypeExpression };

/** The names a type string may start with. */
export const TYPE_NAMES = [
  "str",
  "int",
  "float",
  "bool",
  "object",
  "list",
  "dict",
  "enum",
] as const;

/** A type string that does not follow the grammar; `offset` is the 0-based position of the fault. */
export class TypeSyntaxError extends SyntaxError {
  /** 0-based offset of the fault in the type string. */
  readonly offset: number;
  /** The type string that failed to parse. */
  readonly source: string;

  /**
   * Creates the error of a type string that does not parse.
   *
   * @param message What is wrong, without the type string itself.
   * @param source The full type string.
   * @param offset 0-based position of the fault.
   */
  constructor(message: string, source: string, offset: number) {
    super(message);
    this.name = "TypeSyntaxError";
    this.source = source;
    this.offset = offset;
  }
}

/**
 * Parses a type string such as `dict[str, list[int]]`.
 *
 * @example Usage
 * ```ts
 * import { parseTypeExpression } from "./type_expression.ts";
 * const t = parseTypeExpression("dict[str, dict[str, list[int]]]");
 * if (t.kind !== "dict") throw new Error("expected a dict");
 * ```
 *
 * @param text The type string.
 * @returns The parsed type.
 * @throws {TypeSyntaxError} When the text is not a type of the grammar.
 */
export function parseTypeExpression(text: string): TypeExpression {
  const parser = new TypeParser(text);
  const type = parser.parseType();
  parser.expectEnd();
  return type;
}

/**
 * Formats a parsed type back into its canonical string (`dict[str, list[int]]`).
 *
 * @param type The parsed type.
 * @returns The canonical type string.
 */
export function formatTypeExpression(type: TypeExpression): string {
  switch (type.kind) {
    case "str":
      return type.values ? `enum[${type.values.map(formatEnumValue).join(", ")}]` : "str";
    case "int":
    case "float":
      return type.minimum === undefined && type.maximum === undefined
        ? type.kind
        : `${type.kind}[${type.minimum ?? ""}..${type.maximum ?? ""}]`;
    case "list":
      return type.element ? `list[${formatTypeExpression(type.element)}]` : "list";
    case "dict":
      return type.key && type.value
        ? `dict[${formatTypeExpression(type.key)}, ${formatTypeExpression(type.value)}]`
        : "dict";
    default:
      return type.kind;
  }
}

/**
 * Tells whether a value of type `source` can be stored where `target` is declared: the same
 * kind with compatible parameters, `int` into `float`, and anything into an unparameterised
 * `list`/`dict` of the same kind. Bounds and enumerations must fit: `int[1..5]` into `int` or
 * `float[0..10]`, `enum[a, b]` into `str` or `enum[a, b, c]`, but `int` not into `int[1..5]`.
 * `object` and `dict` are not interchangeable.
 *
 * @param source The type of the value written (for example an output).
 * @param target The declared type (for example a state field).
 * @returns `true` when every value of `source` is a valid `target`.
 */
export function isAssignableType(source: TypeExpression, target: TypeExpression): boolean {
  if (isNumber(source) && isNumber(target)) {
    if (source.kind === "float" && target.kind === "int") return false;
    return withinBounds(source, target);
  }
  if (source.kind === "str" && target.kind === "str") {
    if (!target.values) return true;
    const allowed = new Set(target.values);
    return source.values !== undefined && source.values.every((value) => allowed.has(value));
  }
  if (source.kind !== target.kind) return false;
  if (source.kind === "list" && target.kind === "list") {
    if (!target.element) return true;
    if (!source.element) return false;
    return isAssignableType(source.element, target.element);
  }
  if (source.kind === "dict" && target.kind === "dict") {
    if (!target.key || !target.value) return true;
    if (!source.key || !source.value) return false;
    return isAssignableType(source.key, target.key) &&
      isAssignableType(source.value, target.value);
  }
  return true;
}

/**
 * Tells why a value breaks the bounds or enumeration of a scalar type, or returns `undefined`
 * when it keeps them (or the type has none). The value's own type is checked elsewhere.
 *
 * @example Usage
 * ```ts
 * import { constraintProblem, parseTypeExpression } from "./type_expression.ts";
 * if (constraintProblem(parseTypeExpression("int[1..5]"), 88) !== "must be from 1 to 5") {
 *   throw new Error();
 * }
 * if (constraintProblem(parseTypeExpression("enum[low, high]"), "low") !== undefined) throw new Error();
 * ```
 *
 * @param type The declared type.
 * @param value A value of its kind.
 * @returns `must be one of "a", "b"`, `must be from 1 to 5`, `must be at least 0` or
 * `must be at most 9`; `undefined` when the value fits.
 */
export function constraintProblem(type: TypeExpression, value: unknown): string | undefined {
  if (type.kind === "str" && type.values && typeof value === "string") {
    return type.values.includes(value)
      ? undefined
      : `must be one of ${type.values.map((v) => `"${v}"`).join(", ")}`;
  }
  if (!isNumber(type) || typeof value !== "number") return undefined;
  const { minimum, maximum } = type;
  if ((minimum === undefined || value >= minimum) && (maximum === undefined || value <= maximum)) {
    return undefined;
  }
  if (minimum !== undefined && maximum !== undefined) {
    return `must be from ${minimum} to ${maximum}`;
  }
  return minimum !== undefined ? `must be at least ${minimum}` : `must be at most ${maximum}`;
}

function isNumber(
  type: TypeExpression,
): type is Extract<TypeExpression, { kind: "int" | "float" }> {
  return type.kind === "int" || type.kind === "float";
}

function withinBounds(source: NumberBounds, target: NumberBounds): boolean {
  const low = target.minimum === undefined ||
    (source.minimum !== undefined && source.minimum >= target.minimum);
  const high = target.maximum === undefined ||
    (source.maximum !== undefined && source.maximum <= target.maximum);
  return low && high;
}

const BARE_VALUE = /^[^\s,\[\]"']+$/;

function formatEnumValue(value: string): string {
  return BARE_VALUE.test(value) ? value : JSON.stringify(value);
}

const SCALAR_KINDS = new Set(["str", "bool", "object"]);

/**
 * Deepest nesting of `list[...]`/`dict[...]` a type string may have. Far beyond any real
 * workflow; it keeps the recursive parser and the code that walks parsed types from
 * overflowing the stack on a hostile file.
 */
export const MAX_TYPE_DEPTH = 100;

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?/y;
const ENUM_WORD = /[^\s,\[\]"']+/y;

class TypeParser {
  readonly #text: string;
  #pos = 0;

  constructor(text: string) {
    this.#text = text;
  }

  parseType(depth = 0): TypeExpression {
    this.#skipSpace();
    const start = this.#pos;
    if (depth > MAX_TYPE_DEPTH) {
      throw this.#error(`Types nest at most ${MAX_TYPE_DEPTH} levels deep`, start);
    }
    const name = this.#readName();
    if (name === "") {
      const found = this.#pos < this.#text.length ? `"${this.#text[this.#pos]}"` : "the end";
      throw this.#error(`Expected a type name but found ${found}`, start);
    }
    if (SCALAR_KINDS.has(name)) {
      return { kind: name as "str" | "bool" | "object" };
    }
    if (name === "int" || name === "float") {
      if (!this.#consume("[")) return { kind: name };
      return { kind: name, ...this.#parseBounds(name, start) };
    }
    if (name === "enum") {
      if (!this.#consume("[")) {
        throw this.#error(`Expected "[" after enum: write its values as enum[a, b, c]`, this.#pos);
      }
      return { kind: "str", values: this.#parseEnumValues() };
    }
    if (name === "list") {
      if (!this.#consume("[")) return { kind: "list" };
      const element = this.parseType(depth + 1);
      this.#expect("]");
      return { kind: "list", element };
    }
    if (name === "dict") {
      if (!this.#consume("[")) return { kind: "dict" };
      const key = this.parseType(depth + 1);
      this.#expect(",");
      const value = this.parseType(depth + 1);
      this.#expect("]");
      return { kind: "dict", key, value };
    }
    throw this.#error(
      `Unknown type "${name}": known types are ${TYPE_NAMES.map((n) => `"${n}"`).join(", ")}`,
      start,
    );
  }

  /** `[min..max]` after `int` or `float`, the `[` consumed; either bound may be absent. */
  #parseBounds(kind: "int" | "float", start: number): NumberBounds {
    const minimum = this.#readNumber(kind);
    this.#skipSpace();
    if (!this.#text.startsWith("..", this.#pos)) {
      const found = this.#pos < this.#text.length ? `"${this.#text[this.#pos]}"` : "the end";
      throw this.#error(
        `Expected ".." between the bounds of ${kind}[min..max] but found ${found}`,
        this.#pos,
      );
    }
    this.#pos += 2;
    const maximum = this.#readNumber(kind);
    this.#expect("]");
    if (minimum === undefined && maximum === undefined) {
      throw this.#error(`Give ${kind}[min..max] at least one bound, or write ${kind}`, start);
    }
    if (minimum !== undefined && maximum !== undefined && minimum > maximum) {
      throw this.#error(
        `The lower bound ${minimum} of ${kind}[${minimum}..${maximum}] is above its upper bound`,
        start,
      );
    }
    return {
      ...(minimum === undefined ? {} : { minimum }),
      ...(maximum === undefined ? {} : { maximum }),
    };
  }

  #readNumber(kind: "int" | "float"): number | undefined {
    this.#skipSpace();
    NUMBER.lastIndex = this.#pos;
    const match = NUMBER.exec(this.#text);
    if (!match) return undefined;
    const value = Number(match[0]);
    if (kind === "int" && !Number.isInteger(value)) {
      throw this.#error(`The bound ${match[0]} of an int must be a whole number`, this.#pos);
    }
    this.#pos += match[0].length;
    return value;
  }

  /** `a, "b c", d]` after `enum[`: one or more values, each at most once. */
  #parseEnumValues(): string[] {
    const values: string[] = [];
    do {
      this.#skipSpace();
      const at = this.#pos;
      const value = this.#readEnumValue();
      if (values.includes(value)) {
        throw this.#error(`The value "${value}" is listed twice in enum`, at);
      }
      values.push(value);
    } while (this.#consume(","));
    this.#expect("]");
    return values;
  }

  #readEnumValue(): string {
    const quote = this.#text[this.#pos];
    if (quote === '"' || quote === "'") {
      let value = "";
      for (let index = this.#pos + 1; index < this.#text.length; index++) {
        const char = this.#text[index] as string;
        if (char === quote) {
          this.#pos = index + 1;
          return value;
        }
        if (char === "\\" && index + 1 < this.#text.length) {
          value += this.#text[++index];
        } else {
          value += char;
        }
      }
      throw this.#error(`The quoted enum value starting here has no closing ${quote}`, this.#pos);
    }
    ENUM_WORD.lastIndex = this.#pos;
    const match = ENUM_WORD.exec(this.#text);
    if (!match) {
      const found = this.#pos < this.#text.length ? `"${this.#text[this.#pos]}"` : "the end";
      throw this.#error(`Expected an enum value but found ${found}`, this.#pos);
    }
    this.#pos += match[0].length;
    return match[0];
  }

  expectEnd(): void {
    this.#skipSpace();
    if (this.#pos < this.#text.length) {
      throw this.#error(`Unexpected "${this.#text.slice(this.#pos)}" after the type`, this.#pos);
    }
  }

  #readName(): string {
    NAME.lastIndex = this.#pos;
    const match = NAME.exec(this.#text);
    if (!match) return "";
    this.#pos += match[0].length;
    return match[0];
  }

  #skipSpace(): void {
    while (this.#pos < this.#text.length && /\s/.test(this.#text[this.#pos] ?? "")) this.#pos++;
  }

  #consume(char: string): boolean {
    this.#skipSpace();
    if (this.#text[this.#pos] === char) {
      this.#pos++;
      return true;
    }
    return false;
  }

  #expect(char: string): void {
    if (!this.#consume(char)) {
      const found = this.#pos < this.#text.length ? `"${this.#text[this.#pos]}"` : "the end";
      throw this.#error(`Expected "${char}" but found ${found}`, this.#pos);
    }
  }

  #error(message: string, offset: number): TypeSyntaxError {
    return new TypeSyntaxError(message, this.#text, offset);
  }
}
