/**
 * Small schemas the sections of the workflow schema share.
 *
 * @module
 */
import { z } from "zod";
import { parseTypeExpression, TypeSyntaxError } from "./type_expression.ts";

/** A name usable as a state field, node id, input or tool name. */
export const IDENTIFIER_PATTERN: RegExp = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A string that is an identifier (see {@linkcode IDENTIFIER_PATTERN}). */
export const identifier: z.ZodString = z.string().regex(IDENTIFIER_PATTERN);

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
  "A type: str, int, float, bool, object, list, dict, list[T] or dict[K, V], nested to any depth",
);

/** A duration in seconds, greater than zero. */
export const positiveSeconds: z.ZodNumber = z.number().positive();
