/**
 * The type grammar of workflow files: `str | int | float | bool | object | list | dict |
 * list[T] | dict[K, V]`, nested (up to {@linkcode MAX_TYPE_DEPTH} levels) and insensitive to
 * whitespace.
 *
 * @module
 */

/** A parsed type string. `list`/`dict` without parameters accept any element, key or value. */
export type TypeExpression =
  | { readonly kind: "str" }
  | { readonly kind: "int" }
  | { readonly kind: "float" }
  | { readonly kind: "bool" }
  | { readonly kind: "object" }
  | { readonly kind: "list"; readonly element?: TypeExpression }
  | { readonly kind: "dict"; readonly key?: TypeExpression; readonly value?: TypeExpression };

/** The names a type string may start with. */
export const TYPE_NAMES = ["str", "int", "float", "bool", "object", "list", "dict"] as const;

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
 * `list`/`dict` of the same kind. `object` and `dict` are not interchangeable.
 *
 * @param source The type of the value written (for example an output).
 * @param target The declared type (for example a state field).
 * @returns `true` when every value of `source` is a valid `target`.
 */
export function isAssignableType(source: TypeExpression, target: TypeExpression): boolean {
  if (source.kind === "int" && target.kind === "float") return true;
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

const SCALAR_KINDS = new Set(["str", "int", "float", "bool", "object"]);

/**
 * Deepest nesting of `list[...]`/`dict[...]` a type string may have. Far beyond any real
 * workflow; it keeps the recursive parser and the code that walks parsed types from
 * overflowing the stack on a hostile file.
 */
export const MAX_TYPE_DEPTH = 100;

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;

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
      return { kind: name as "str" | "int" | "float" | "bool" | "object" };
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
