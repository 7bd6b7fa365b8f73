/**
 * The schemas a tool declares (its `parameters` and `configSchema`), typed by what the engine
 * and the tools use of them: `safeParse` and the Standard Schema properties (`~standard`) that
 * zod implements. A zod schema fits as it is (`z.object({...})`); the public API names these
 * interfaces, never a type of the zod package.
 *
 * @module
 */

/** One problem a schema found in a value. */
export interface ToolSchemaIssue {
  /** Keys and indexes from the value to the offending part (`[]` for the value itself). */
  readonly path: readonly PropertyKey[];
  /** What is wrong. */
  readonly message: string;
}

/** The result of {@linkcode ToolSchema.safeParse}: the parsed value, or the problems. */
export type ToolSchemaResult<TOutput> =
  | {
    /** The value fits. */
    readonly success: true;
    /** The parsed value, defaults applied. */
    readonly data: TOutput;
  }
  | {
    /** The value does not fit. */
    readonly success: false;
    /** What is wrong with it. */
    readonly error: { readonly issues: readonly ToolSchemaIssue[] };
  };

/** The options of {@linkcode ToolSchemaStandard.jsonSchema}'s converters. */
export interface ToolJsonSchemaOptions {
  /** The JSON Schema draft to write; the engine asks for `draft-2020-12`. */
  readonly target: "draft-2020-12";
}

/** The Standard Schema properties of a {@linkcode ToolSchema} that the toolkit reads. */
export interface ToolSchemaStandard<TOutput> {
  /** The library that made the schema (`"zod"`). */
  readonly vendor: string;
  /** Carries the parsed type for type inference only; never read at run time. */
  readonly types?: { readonly output: TOutput } | undefined;
  /** Converts the schema to JSON Schema, which the model receives as the tool's parameters. */
  readonly jsonSchema: {
    /** The JSON Schema of the parsed value. */
    readonly output: (options: ToolJsonSchemaOptions) => Record<string, unknown>;
  };
}

/**
 * A zod schema, as tools use it: `parameters` is a zod object schema (`z.object({...})`) and
 * `configSchema` any zod schema. Only what the toolkit calls is named here, so that its public
 * types do not depend on zod's.
 *
 * @typeParam TOutput The parsed value's type.
 */
export interface ToolSchema<TOutput = unknown> {
  /**
   * Parses a value without throwing.
   *
   * @param value Any value.
   * @returns The parsed value (defaults applied), or the problems found.
   */
  safeParse(value: unknown): ToolSchemaResult<TOutput>;
  /** The Standard Schema properties: the parsed type and the JSON Schema converter. */
  readonly "~standard": ToolSchemaStandard<TOutput>;
}

/** The parsed value's type of a {@linkcode ToolSchema} (for a zod schema, its `z.output`). */
export type ToolSchemaOutput<TSchema extends ToolSchema> = NonNullable<
  TSchema["~standard"]["types"]
>["output"];
