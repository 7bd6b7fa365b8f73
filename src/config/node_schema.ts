/**
 * The `nodes` section of a workflow file and the model settings nodes and the workflow share.
 *
 * The exported schemas carry explicit zod types so that the package has no slow types
 * (`deno publish`). `exactSchema` makes the compiler check that each annotation is exactly
 * the type of the schema it annotates, so an annotation cannot drift from its schema.
 *
 * @module
 */
import { z } from "zod";
import { exactSchema } from "./_exact_schema.ts";
import { identifier, positiveSeconds, typeString } from "./_schema_atoms.ts";
import { DEFAULT_MODEL, DEFAULT_PROVIDER, END, PROVIDERS, START } from "./constants.ts";
import { ObjectSchemaSchema } from "./state_schema.ts";

const provider: z.ZodEnum<{ [K in (typeof PROVIDERS)[number]]: K }> = z.enum(PROVIDERS);

/**
 * Requests and tokens per minute allowed for a provider and model, shared by every node and
 * every run of the process that calls that model.
 */
export const RateLimitSchema: z.ZodObject<{
  rpm: z.ZodOptional<z.ZodNumber>;
  tpm: z.ZodOptional<z.ZodInt>;
}, z.core.$strict> = exactSchema(
  z.strictObject({
    rpm: z.number().positive().optional().describe(
      "Requests per minute, paced evenly (600 is one request every 100 ms)",
    ),
    tpm: z.int().positive().optional().describe(
      "Tokens per minute: each call counts its prompt estimate plus max_tokens, corrected from its usage",
    ),
  }).refine((limit) => limit.rpm !== undefined || limit.tpm !== undefined, {
    message: "Cannot use an empty rate_limit as it limits nothing: set rpm, tpm or both",
  }),
);

/** Settings of the chat model; at node level each field overrides the workflow's. */
export const LlmOverrideSchema: z.ZodObject<{
  provider: z.ZodOptional<z.ZodEnum<{ [K in (typeof PROVIDERS)[number]]: K }>>;
  model: z.ZodOptional<z.ZodString>;
  temperature: z.ZodOptional<z.ZodNumber>;
  max_tokens: z.ZodOptional<z.ZodInt>;
  base_url: z.ZodOptional<z.ZodURL>;
  api_base: z.ZodOptional<z.ZodURL>;
  rate_limit: z.ZodOptional<typeof RateLimitSchema>;
}, z.core.$strict> = exactSchema(z.strictObject({
  provider: provider.optional().describe("Who serves the model; mock needs no key and no network"),
  model: z.string().min(1).optional().describe("The provider's model name"),
  temperature: z.number().min(0).max(2).optional().describe("Sampling temperature, 0 to 2"),
  max_tokens: z.int().positive().optional().describe("Most tokens the model may answer with"),
  base_url: z.url({ protocol: /^https?$/ }).optional().describe(
    "Endpoint of an openai-compatible or ollama server",
  ),
  api_base: z.url({ protocol: /^https?$/ }).optional().describe(
    "Alias of base_url, kept from v0.1",
  ),
  rate_limit: RateLimitSchema.optional().describe(
    "Requests and tokens per minute for this provider and model, shared by every run of the process",
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
  provider: provider.default(DEFAULT_PROVIDER).describe(
    "Who serves the model; mock needs no key and no network",
  ),
  model: z.string().min(1).default(DEFAULT_MODEL).describe("The provider's model name"),
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
    name: identifier.describe("A registered tool name"),
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
  schema: z.ZodOptional<typeof ObjectSchemaSchema>;
}, z.core.$strict> = exactSchema(z.strictObject({
  name: identifier.describe("The output (a state field) this field answers"),
  type: typeString,
  description: z.string().optional().describe("What the field holds, shown to the model"),
  schema: ObjectSchemaSchema.optional().describe("Sub-fields; defaults to the state field's"),
}));

/** The shape the model must answer in. */
export const OutputSchemaSchema: z.ZodObject<{
  type: z.ZodString;
  description: z.ZodOptional<z.ZodString>;
  fields: z.ZodOptional<z.ZodArray<typeof OutputFieldSchema>>;
  schema: z.ZodOptional<typeof ObjectSchemaSchema>;
}, z.core.$strict> = exactSchema(z.strictObject({
  type: typeString,
  description: z.string().optional().describe("What the answer is, shown to the model"),
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
    enabled: z.boolean().optional().describe("Turns optimisation on"),
    strategy: z.string().optional().describe("Optimisation strategy"),
    metric: z.string().optional().describe("Metric to optimise"),
    max_demos: z.int().positive().optional().describe("Most demonstrations to add to a prompt"),
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
    id: identifier.describe("Unique identifier of the node; not START or END").refine(
      (id) => id !== START && id !== END,
      {
        error: "Cannot name a node START or END as they are the graph's endpoints",
        params: { kind: "reserved_node_id" },
      },
    ),
    description: z.string().optional().describe("What the node does, for people"),
    prompt: z.string().optional().describe(
      "Template, see {state.x} and {name}; or an MLflow registry prompt, prompts:/name/version or prompts:/name@alias",
    ),
    prompt_file: z.string().min(1).optional().describe("Template file, relative to this file"),
    inputs: z.record(identifier, z.string()).optional().describe("Local name to template"),
    outputs: z.array(identifier).min(1).describe("State fields this node writes"),
    output_schema: OutputSchemaSchema.optional().describe(
      "The shape of the model's answer; by default the outputs' state types",
    ),
    tools: z.array(NodeToolSchema).optional().describe("Tools the model may call"),
    llm: LlmOverrideSchema.optional().describe("Model settings overriding the workflow's"),
    timeout: positiveSeconds.optional().describe("Seconds this node may take"),
    max_retries: z.int().min(0).optional().describe("Extra attempts after the first"),
    log_prompts: z.boolean().optional().describe("Overrides the workflow's log_prompts"),
    log_artifacts: z.boolean().optional().describe("Overrides the workflow's log_artifacts"),
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
