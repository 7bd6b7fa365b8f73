/**
 * Finds the schema that governs a path of a document, to name the keys a mapping accepts
 * (for "did you mean" on unknown keys).
 *
 * @module
 */
import { z } from "zod";
import type { JsonPath } from "./diagnostic.ts";

/**
 * The keys the object schema(s) at `path` accept, in declaration order. Unions contribute the
 * keys of each object member.
 *
 * @param schema The root schema.
 * @param path The path of the mapping.
 * @returns The accepted keys (empty when the path is not an object schema).
 */
export function objectKeysAt(schema: z.ZodType, path: JsonPath): string[] {
  let current = [schema];
  for (const segment of path) current = current.flatMap((s) => childSchemas(s, segment));
  const keys = current.flatMap(unwrap).flatMap((s) =>
    s instanceof z.ZodObject ? Object.keys(s.shape) : []
  );
  return [...new Set(keys)];
}

function childSchemas(schema: z.ZodType, segment: string | number): z.ZodType[] {
  return unwrap(schema).flatMap((s): z.ZodType[] => {
    if (s instanceof z.ZodObject) {
      const child: unknown = s.shape[String(segment)];
      return child instanceof z.ZodType ? [child] : [];
    }
    if (s instanceof z.ZodArray && typeof segment === "number") return [s.element as z.ZodType];
    if (s instanceof z.ZodRecord) return [s.valueType as z.ZodType];
    return [];
  });
}

function unwrap(schema: z.ZodType, depth = 0): z.ZodType[] {
  if (depth > 20) return [];
  const inner = innerOf(schema);
  if (inner) return inner.flatMap((s) => unwrap(s, depth + 1));
  return [schema];
}

function innerOf(schema: z.ZodType): z.ZodType[] | undefined {
  if (
    schema instanceof z.ZodOptional || schema instanceof z.ZodNullable ||
    schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault ||
    schema instanceof z.ZodLazy
  ) {
    return [schema.unwrap() as z.ZodType];
  }
  if (schema instanceof z.ZodPipe) return [schema.in as z.ZodType];
  if (schema instanceof z.ZodUnion) return [...schema.options] as z.ZodType[];
  return undefined;
}
