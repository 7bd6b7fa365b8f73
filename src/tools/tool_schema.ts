/**
 * The schemas a tool declares (its `parameters` and `configSchema`). `defineTool` accepts any
 * Standard Schema ({@linkcode StandardToolSchema}: zod 4, zod 3.24+, valibot, arktype, ...);
 * the {@linkcode Tool} it returns holds them as {@linkcode ToolSchema}s, typed by what the
 * engine uses: `safeParse` and a JSON Schema converter. A zod 4 schema is a `ToolSchema` as it
 * is; the public API names these interfaces, never a type of the zod package.
 *
 * @module
 */

/** One problem a Standard Schema found; a path segment may be a key or `{ key }`. */
export interface StandardToolSchemaIssue {
  /** What is wrong. */
  readonly message: string;
  /** Keys and indexes from the value to the offending part. */
  readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined;
}

/** The result of a Standard Schema's `validate`. */
export type StandardToolSchemaResult<TOutput> =
  | {
    /** The parsed value. */
    readonly value: TOutput;
    /** Absent on success. */
    readonly issues?: undefined;
  }
  | {
    /** What is wrong. */
    readonly issues: readonly StandardToolSchemaIssue[];
  };

/** The `~standard` properties of a Standard Schema (version 1), as the toolkit reads them. */
export interface StandardToolSchemaProps<TOutput> {
  /** The Standard Schema version: 1. */
  readonly version: 1;
  /** The library that made the schema (`"zod"`, `"valibot"`, ...). */
  readonly vendor: string;
  /** Validates a value; tools need a synchronous result. */
  readonly validate: (
    value: unknown,
  ) => StandardToolSchemaResult<TOutput> | Promise<StandardToolSchemaResult<TOutput>>;
  /** Carries the parsed type for type inference only; never read at run time. */
  readonly types?: { readonly input: unknown; readonly output: TOutput } | undefined;
}

/**
 * Any Standard Schema (https://standardschema.dev): what `defineTool` accepts for `parameters`
 * and `configSchema`. zod 4 and zod 3.24+ schemas fit as they are.
 *
 * @typeParam TOutput The parsed value's type.
 */
export interface StandardToolSchema<TOutput = unknown> {
  /** The Standard Schema properties. */
  readonly "~standard": StandardToolSchemaProps<TOutput>;
}

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
    /** The JSON Schema of the value before parsing (defaults optional, transforms' input). */
    readonly input?: ((options: ToolJsonSchemaOptions) => Record<string, unknown>) | undefined;
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

/**
 * The parsed value's type of a {@linkcode ToolSchema} or {@linkcode StandardToolSchema} (for a
 * zod schema, its `z.output`).
 */
export type ToolSchemaOutput<
  TSchema extends {
    readonly "~standard": { readonly types?: { readonly output: unknown } | undefined };
  },
> = NonNullable<TSchema["~standard"]["types"]>["output"];
