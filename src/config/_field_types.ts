/**
 * Reasoning about declared types: where `object` sub-fields are, what a dotted path into a
 * field reads, whether one declared type (with its sub-fields) can be stored in another.
 *
 * @module
 */
import type { ObjectFieldSpec } from "./state_schema.ts";
import {
  formatTypeExpression,
  isAssignableType,
  parseTypeExpression,
  type TypeExpression,
} from "./type_expression.ts";
import { quoteList, suggestName } from "./suggest.ts";
import { ownValue } from "./_own_property.ts";

/** Sub-fields of an `object`. */
export type ObjectSchema = Readonly<Record<string, ObjectFieldSpec>>;

/** A declared type with the sub-fields of the `object` it holds. */
export interface FieldType {
  /** The parsed type. */
  readonly type: TypeExpression;
  /** Sub-fields of the `object` in the type (also inside a list or dict), when declared. */
  readonly schema: ObjectSchema | undefined;
}

/**
 * Parses a type string, or returns `undefined` when it does not parse (the schema reports it).
 *
 * @param text The type string.
 * @returns The parsed type.
 */
export function tryParseType(text: string): TypeExpression | undefined {
  try {
    return parseTypeExpression(text);
  } catch {
    return undefined;
  }
}

/**
 * Tells whether a type holds an `object` anywhere (`object`, `list[object]`, ...).
 *
 * @param type The parsed type.
 * @returns `true` when sub-fields apply to it.
 */
export function containsObject(type: TypeExpression): boolean {
  if (type.kind === "object") return true;
  if (type.kind === "list") return type.element ? containsObject(type.element) : false;
  if (type.kind === "dict") return type.value ? containsObject(type.value) : false;
  return false;
}

/**
 * The declared type of a sub-field spec.
 *
 * @param spec A type string or full spec.
 * @returns Its type, or `undefined` when its type string does not parse.
 */
export function subFieldType(spec: ObjectFieldSpec): FieldType | undefined {
  const type = tryParseType(typeof spec === "string" ? spec : spec.type);
  if (!type) return undefined;
  return { type, schema: typeof spec === "string" ? undefined : spec.schema };
}

/** The outcome of reading a dotted path into a typed value. */
export type PathResult =
  | { readonly ok: true; readonly type: FieldType | undefined }
  | { readonly ok: false; readonly message: string; readonly suggestion?: string | undefined };

/**
 * Follows `path` into a value of type `field`: sub-fields of objects, indexes of lists, keys
 * of dicts. An `object` without declared sub-fields, or an unparameterised list or dict,
 * accepts any further path (the type is then unknown).
 *
 * @param field The declared type of the value.
 * @param path The segments after the field name.
 * @param name The dotted name so far, for messages.
 * @returns The type at the end of the path, or why the path cannot exist.
 */
export function followPath(field: FieldType, path: readonly string[], name: string): PathResult {
  let current: FieldType | undefined = field;
  let at = name;
  for (const segment of path) {
    if (!current) return { ok: true, type: undefined };
    const { type, schema } = current;
    if (type.kind === "object") {
      if (!schema) return { ok: true, type: undefined };
      const spec = ownValue(schema, segment);
      if (spec === undefined) {
        const names = Object.keys(schema);
        return {
          ok: false,
          message: `"${at}" has no sub-field "${segment}": its sub-fields are ${quoteList(names)}`,
          suggestion: suggestName(segment, names, "sub-fields"),
        };
      }
      current = subFieldType(spec);
    } else if (type.kind === "list") {
      if (!/^\d+$/.test(segment)) {
        return {
          ok: false,
          message: `"${at}" is a list, so "${segment}" must be an index such as 0`,
        };
      }
      current = type.element ? { type: type.element, schema } : undefined;
    } else if (type.kind === "dict") {
      current = type.value ? { type: type.value, schema } : undefined;
    } else {
      return {
        ok: false,
        message: `"${at}" is of type "${type.kind}" and has no sub-field "${segment}"`,
      };
    }
    at = `${at}.${segment}`;
  }
  return { ok: true, type: current };
}

/**
 * Tells why a value declared as `source` cannot be stored where `target` is declared, or
 * returns `undefined` when it can. Types are compared parsed (see `isAssignableType`), and
 * object sub-fields structurally: every sub-field written must be declared with a compatible
 * type, and every required sub-field declared must be written. When either side has no
 * sub-fields the target's apply.
 *
 * @param source The type written (an output).
 * @param target The type declared (a state field).
 * @returns The reason for the mismatch, or `undefined`.
 */
export function typeMismatch(source: FieldType, target: FieldType): string | undefined {
  if (!isAssignableType(source.type, target.type)) {
    return `type "${formatTypeExpression(source.type)}" cannot be stored in type "${
      formatTypeExpression(target.type)
    }"`;
  }
  if (!containsObject(source.type) || !source.schema || !target.schema) return undefined;
  return schemaMismatch(source.schema, target.schema, "");
}

function schemaMismatch(
  source: ObjectSchema,
  target: ObjectSchema,
  prefix: string,
): string | undefined {
  for (const [name, spec] of Object.entries(source)) {
    const declared = ownValue(target, name);
    if (declared === undefined) {
      return `sub-field "${prefix}${name}" is not declared in the state field`;
    }
    const from = subFieldType(spec);
    const to = subFieldType(declared);
    if (!from || !to) continue;
    if (!isAssignableType(from.type, to.type)) {
      return `sub-field "${prefix}${name}" has type "${
        formatTypeExpression(from.type)
      }" where the state field declares "${formatTypeExpression(to.type)}"`;
    }
    if (containsObject(from.type) && from.schema && to.schema) {
      const inner = schemaMismatch(from.schema, to.schema, `${prefix}${name}.`);
      if (inner) return inner;
    }
  }
  for (const [name, spec] of Object.entries(target)) {
    const required = typeof spec === "string" || spec.required !== false;
    if (required && ownValue(source, name) === undefined) {
      return `required sub-field "${prefix}${name}" of the state field is missing`;
    }
  }
  return undefined;
}
