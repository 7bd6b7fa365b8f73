/**
 * The `state` section of a workflow file: typed fields, and the sub-fields of `object` types.
 *
 * The exported schemas carry explicit zod types so that the package has no slow types
 * (`deno publish`). `exactSchema` makes the compiler check that each annotation is exactly
 * the type of the schema it annotates, so an annotation cannot drift from its schema.
 *
 * @module
 */
import { z } from "zod";
import { exactSchema } from "./_exact_schema.ts";
import { identifier, typeString } from "./_schema_atoms.ts";

// A recursive zod schema needs its type declared up front (`z.lazy`); it is the generated one.
import type { ObjectFieldSpec } from "./workflow_types.ts";

export type { ObjectFieldSpec };

/**
 * The sub-fields of an `object`, recursively; a sub-field is required unless `required: false`.
 * Written and parsed alike (no defaults, no transforms), so its input type is its output type.
 */
export const ObjectSchemaSchema: z.ZodType<
  Record<string, ObjectFieldSpec>,
  Record<string, ObjectFieldSpec>
> = z.lazy(() =>
  z.record(
    identifier,
    z.union([
      typeString,
      z.strictObject({
        type: typeString,
        description: z.string().optional().describe("What the sub-field holds, shown to the model"),
        required: z.boolean().optional().describe("Sub-fields are required unless false"),
        schema: ObjectSchemaSchema.optional().describe("Sub-fields, when the type has object"),
      }),
    ]),
  )
).describe("Sub-fields of an object: name to a type string or a field spec");

/** One field of the workflow state. */
export const StateFieldSchema: z.ZodObject<{
  type: z.ZodString;
  required: z.ZodDefault<z.ZodBoolean>;
  default: z.ZodOptional<z.ZodUnknown>;
  description: z.ZodOptional<z.ZodString>;
  schema: z.ZodOptional<typeof ObjectSchemaSchema>;
}, z.core.$strict> = exactSchema(
  z.strictObject({
    type: typeString,
    required: z.boolean().default(false).describe("The run's inputs must provide it"),
    default: z.unknown().optional().describe("Initial value when no input provides one"),
    description: z.string().optional().describe("What the field holds, shown to the model"),
    schema: ObjectSchemaSchema.optional().describe("Sub-fields, required when the type has object"),
  }).superRefine((field, ctx) => {
    if (field.required && field.default !== undefined && field.default !== null) {
      ctx.addIssue({
        code: "custom",
        path: ["default"],
        message: "Cannot give a default to a required field: remove 'default' or 'required: true'",
        params: { kind: "required_with_default" },
      });
    }
  }),
);

/** The `state` section: a non-empty map of field name to field. */
export const StateSchema: z.ZodObject<{
  fields: z.ZodRecord<z.ZodString, typeof StateFieldSchema>;
}, z.core.$strict> = exactSchema(z.strictObject({
  fields: z.record(identifier, StateFieldSchema).refine(
    (fields) => Object.keys(fields).length > 0,
    {
      error: "Cannot run a workflow without state: declare at least one field",
      params: { kind: "empty_state" },
    },
  ).describe("Field name (an identifier) to field"),
}));
