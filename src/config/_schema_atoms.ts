/**
 * Small schemas the sections of the workflow schema share.
 *
 * @module
 */
import { z } from "zod";
import { parseTypeExpression, TypeSyntaxError } from "./type_expression.ts";

/** A name usable as a state field, node id, input or tool name. */
export const IDENTIFIER_PATTERN: RegExp = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The names every JavaScript object has (`Object.prototype`'s), besides those starting with
 * `__`. A state field, node or input named so would be found where nothing was declared (and
 * LangGraph keeps its channels and nodes in plain objects), so no name may be one of them.
 */
const OBJECT_PROPERTY_NAMES: readonly string[] = [
  "constructor",
  "hasOwnProperty",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "toLocaleString",
  "toString",
  "valueOf",
];

/**
 * Why a name cannot be used although it is an identifier: names starting with `__` belong to
 * the engine and LangGraph (loop counters, `__start__`, and `__proto__` and its kin of every
 * object), and the names in {@linkcode OBJECT_PROPERTY_NAMES} belong to every object.
 *
 * @param name An identifier.
 * @returns The message, or `undefined` when the name is free.
 */
export function reservedNameProblem(name: string): string | undefined {
  if (!name.startsWith("__") && !OBJECT_PROPERTY_NAMES.includes(name)) return undefined;
  return `Cannot use the name "${name}" as it is reserved: a name cannot start with "__" or be one of ${
    OBJECT_PROPERTY_NAMES.map((n) => `"${n}"`).join(", ")
  }`;
}

/**
 * How to rename a reserved name.
 *
 * @param name The reserved name.
 * @returns The suggestion.
 */
export function reservedNameSuggestion(name: string): string {
  return `rename it, for example to "my_${name.replace(/^_+/, "")}"`;
}

/**
 * A string that is an identifier (see {@linkcode IDENTIFIER_PATTERN}) and not a reserved name
 * (see {@linkcode reservedNameProblem}).
 */
export const identifier: z.ZodString = z.string().regex(IDENTIFIER_PATTERN).superRefine(
  (value, ctx) => {
    const problem = IDENTIFIER_PATTERN.test(value) ? reservedNameProblem(value) : undefined;
    if (problem) {
      ctx.addIssue({ code: "custom", message: problem, params: { kind: "reserved_name" } });
    }
  },
);

/** A type string of the grammar in `type_expression.ts`, checked where it is written. */
export const typeString: z.ZodString = z.string().superRefine((value, ctx) => {
  try {
    parseTypeExpression(value);
  } catch (error) {
    if (!(error instanceof TypeSyntaxError)) throw error;
    ctx.addIssue({
      code: "custom",
      message: `Cannot parse the type "${value}": ${error.message}`,
      params: { kind: "type_syntax", offset: error.offset },
    });
  }
}).describe(
  "A type: str, int, float, bool, object, list, dict, list[T] or dict[K, V], nested to any depth; enum[a, b, c] for text that is one of the values; int[1..5] or float[0..1] for a number within inclusive bounds (either may be left out: int[0..])",
);

/** A duration in seconds, greater than zero. */
export const positiveSeconds: z.ZodNumber = z.number().positive();
