/**
 * The `nodes` section of a workflow file and the model settings nodes and the workflow share.
 *
 * The exported schemas carry explicit zod types so that the package has no slow types
 * (`deno publish`). `exactSchema` makes the compiler check that each annotation is exactly the type of the
 * schema it annotates, so an annotation cannot drift from its schema.
 *
 * @module
 */
import { z } from "zod";
import { exactSchema } from "./_exact_schema.ts";
import { identifier, positiveSeconds, typeString } from "./_schema_atoms.ts";
import { DEFAULT_MODEL, DEFAULT_PROVIDER, END, PROVIDERS, START } from "./constants.ts";
import { type ObjectFieldSpec, ObjectSchemaSchema } from "./state_schema.ts";

const provider: z.ZodEnum<{ [K in (typeof PROVIDERS)[number]]: K }> = z.enum(PROVIDERS);

/** Settings of the chat model; at node level each field overrides the workflow's. */
export const LlmOverrideSchema: z.ZodObject<{
  provider: z.ZodOptional<z.ZodEnum<{ [K in (typeof PROVIDERS)[number]]: K }>>;
  model: z.ZodOptional<z.ZodString>;
  temperature: z.ZodOptional<z.ZodNumber>;
  max_tokens: z.ZodOptional<z.ZodInt>;
  base_url: z.ZodOptional<z.ZodURL>;
  api_base: z.ZodOptional<z.ZodURL>;
}, z.core.$strict> = exactSchema(z.strictObject({
  provider: provider.optional(),
  model: z.string().min(1).optional(),
  temperature: z.number().min(0).max(2).optional(),
  max_tokens: z.int().positive().optional(),
  base_url: z.url({ protocol: /^https?$/ }).optional().describe(
    "Endpoint of an openai-compatible or ollama server",
  ),
  api_base: z.url({ protocol: /^https?$/ }).optional().describe(
    "Alias of base_url, kept from v0.1",
  ),
}));

/** Workflow-wide chat model settings, with the v0.1 defaults. */
export const LlmSchema: z.ZodObject<
  z.core.util.Extend<(typeof LlmOverrideSchema)["shape"], {
    provider: z.ZodDefault<z.ZodEnum<{ [K in (typeof PROVIDERS)[number]]: K }>>;
    model: z.ZodDefault<z.ZodString>;
  }>,
  z.core.$strict
> = exactSchema(LlmOverrideSchema.extend({
  provider: provider.default(DEFAULT_PROVIDER),
  model: z.string().min(1).default(DEFAULT_MODEL),
}));

/** A tool a node may call: a registered name, or a name with settings. */
export const NodeToolSchema: z.ZodUnion<
  readonly [
    z.ZodString,
    z.ZodObject<{
      name: z.ZodString;
      on_error: z.ZodDefault<z.ZodEnum<{ fail: "fail"; continue: "continue" }>>;
      config: z.ZodOptional<z.ZodRecord<z.ZodString, z.ZodUnknown>>;
    }, z.core.$strict>,
  ]
> = exactSchema(z.union([
  identifier,
  z.strictObject({
    name: identifier,
    on_error: z.enum(["fail", "continue"]).default("fail").describe(
      "fail stops the node; continue hands the error to the model as the tool's result",
    ),
    config: z.record(z.string(), z.unknown()).optional().describe("Settings of the tool"),
  }),
]));

/** One field of an object output. */
export const OutputFieldSchema: z.ZodObject<{
  name: z.ZodString;
  type: z.ZodString;
  description: z.ZodOptional<z.ZodString>;
  schema: z.ZodOptional<z.ZodType<Record<string, ObjectFieldSpec>>>;
}, z.core.$strict> = exactSchema(z.strictObject({
  name: identifier,
  type: typeString,
  description: z.string().optional(),
  schema: ObjectSchemaSchema.optional().describe("Sub-fields; defaults to the state field's"),
}));

/** The shape the model must answer in. */
export const OutputSchemaSchema: z.ZodObject<{
  type: z.ZodString;
  description: z.ZodOptional<z.ZodString>;
  fields: z.ZodOptional<z.ZodArray<typeof OutputFieldSchema>>;
  schema: z.ZodOptional<z.ZodType<Record<string, ObjectFieldSpec>>>;
}, z.core.$strict> = exactSchema(z.strictObject({
  type: typeString,
  description: z.string().optional(),
  fields: z.array(OutputFieldSchema).optional().describe("One field per output, for type object"),
  schema: ObjectSchemaSchema.optional().describe("Sub-fields when a single output is an object"),
}));

/**
 * Prompt optimisation of v0.1 files, for the workflow (`optimization`) and for a node
 * (`optimize`): accepted and reported as not yet supported.
 */
export const OptimizationSchema: z.ZodObject<{
  enabled: z.ZodOptional<z.ZodBoolean>;
  strategy: z.ZodOptional<z.ZodString>;
  metric: z.ZodOptional<z.ZodString>;
  max_demos: z.ZodOptional<z.ZodInt>;
}, z.core.$strict> = exactSchema(
  z.strictObject({
    enabled: z.boolean().optional(),
    strategy: z.string().optional(),
    metric: z.string().optional(),
    max_demos: z.int().positive().optional(),
  }).describe("Accepted and reported as not yet supported"),
);

/** One step of the workflow: a prompt, the model's structured answer, the state it writes. */
export const NodeSchema: z.ZodObject<{
  id: z.ZodString;
  description: z.ZodOptional<z.ZodString>;
  prompt: z.ZodOptional<z.ZodString>;
  prompt_file: z.ZodOptional<z.ZodString>;
  inputs: z.ZodOptional<z.ZodRecord<z.ZodString, z.ZodString>>;
  outputs: z.ZodArray<z.ZodString>;
  output_schema: z.ZodOptional<typeof OutputSchemaSchema>;
  tools: z.ZodOptional<z.ZodArray<typeof NodeToolSchema>>;
  llm: z.ZodOptional<typeof LlmOverrideSchema>;
  timeout: z.ZodOptional<z.ZodNumber>;
  max_retries: z.ZodOptional<z.ZodInt>;
  log_prompts: z.ZodOptional<z.ZodBoolean>;
  log_artifacts: z.ZodOptional<z.ZodBoolean>;
  optimize: z.ZodOptional<typeof OptimizationSchema>;
}, z.core.$strict> = exactSchema(
  z.strictObject({
    id: identifier.refine((id) => id !== START && id !== END, {
      error: "Cannot name a node START or END as they are the graph's endpoints",
      params: { kind: "reserved_node_id" },
    }),
    description: z.string().optional(),
    prompt: z.string().optional().describe("Template, see {state.x} and {name}"),
    prompt_file: z.string().min(1).optional().describe("Template file, relative to this file"),
    inputs: z.record(identifier, z.string()).optional().describe("Local name to template"),
    outputs: z.array(identifier).min(1).describe("State fields this node writes"),
    output_schema: OutputSchemaSchema.optional(),
    tools: z.array(NodeToolSchema).optional(),
    llm: LlmOverrideSchema.optional(),
    timeout: positiveSeconds.optional().describe("Seconds this node may take"),
    max_retries: z.int().min(0).optional().describe("Extra attempts after the first"),
    log_prompts: z.boolean().optional(),
    log_artifacts: z.boolean().optional(),
    optimize: OptimizationSchema.optional(),
  }).superRefine((node, ctx) => {
    const has = [node.prompt, node.prompt_file].filter((value) => value !== undefined).length;
    if (has !== 1) {
      ctx.addIssue({
        code: "custom",
        path: has === 0 ? [] : ["prompt_file"],
        message: has === 0
          ? `Cannot run node "${node.id}" as it has no prompt: add 'prompt' or 'prompt_file'`
          : `Cannot use both 'prompt' and 'prompt_file' in node "${node.id}": keep one`,
        params: { kind: "prompt_choice" },
      });
    }
  }),
);
