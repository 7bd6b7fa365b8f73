/**
 * The one schema of a workflow file. Every type of the configuration is derived from it, and
 * the published JSON Schema is generated from it.
 *
 * @module
 */
import { z } from "zod";
import { parseTypeExpression, TypeSyntaxError } from "./type_expression.ts";

/** Names of graph endpoints that are not nodes. */
export const START = "START";
/** Names of graph endpoints that are not nodes. */
export const END = "END";

/** Providers the engine can build a chat model for. */
export const PROVIDERS = [
  "openai",
  "anthropic",
  "google",
  "ollama",
  "openai-compatible",
  "mock",
] as const;

/** Default provider and model, kept from configurable-agents v0.1. */
export const DEFAULT_PROVIDER = "google";
/** Default model, kept from configurable-agents v0.1. */
export const DEFAULT_MODEL = "gemini-2.5-flash-lite";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const identifier = z.string().regex(IDENTIFIER, {
  error: "Expected an identifier: a letter or underscore, then letters, digits or underscores",
});

/** A type string of the grammar in `type_expression.ts`, checked where it is written. */
const typeString = z.string().superRefine((value, ctx) => {
  try {
    parseTypeExpression(value);
  } catch (error) {
    if (!(error instanceof TypeSyntaxError)) throw error;
    ctx.addIssue({
      code: "custom",
      message: `Cannot parse type "${value}": ${error.message}`,
      params: { kind: "type_syntax", offset: error.offset },
    });
  }
}).describe(
  "A type: str, int, float, bool, object, list, dict, list[T] or dict[K, V], nested to any depth",
);

/** A sub-field of an `object` type: a type string or a full field spec. */
export type ObjectFieldSpec = string | {
  type: string;
  description?: string | undefined;
  required?: boolean | undefined;
  schema?: Record<string, ObjectFieldSpec> | undefined;
};

/** The sub-fields of an `object`, recursively. */
export const ObjectSchemaSchema: z.ZodType<Record<string, ObjectFieldSpec>> = z.lazy(() =>
  z.record(
    identifier,
    z.union([
      typeString,
      z.strictObject({
        type: typeString,
        description: z.string().optional(),
        required: z.boolean().optional(),
        schema: ObjectSchemaSchema.optional(),
      }),
    ]),
  )
).describe("Sub-fields of an object: name to a type string or a field spec");

/** One field of the workflow state. */
export const StateFieldSchema = z.strictObject({
  type: typeString,
  required: z.boolean().default(false).describe("The run's inputs must provide it"),
  default: z.unknown().optional().describe("Initial value when no input provides one"),
  description: z.string().optional(),
  schema: ObjectSchemaSchema.optional().describe("Sub-fields, required when type is object"),
}).superRefine((field, ctx) => {
  if (field.required && field.default !== undefined && field.default !== null) {
    ctx.addIssue({
      code: "custom",
      path: ["default"],
      message: "Cannot give a default to a required field: remove 'default' or 'required: true'",
      params: { kind: "required_with_default" },
    });
  }
});

/** Settings of the chat model; at node level each field overrides the workflow's. */
export const LlmOverrideSchema = z.strictObject({
  provider: z.enum(PROVIDERS).optional(),
  model: z.string().min(1).optional(),
  temperature: z.number().min(0).max(2).optional(),
  max_tokens: z.int().positive().optional(),
  base_url: z.url().optional().describe("Endpoint of an openai-compatible or ollama server"),
  api_base: z.url().optional().describe("Alias of base_url, kept from v0.1"),
});

/** Workflow-wide chat model settings, with the v0.1 defaults. */
export const LlmSchema = LlmOverrideSchema.extend({
  provider: z.enum(PROVIDERS).default(DEFAULT_PROVIDER),
  model: z.string().min(1).default(DEFAULT_MODEL),
});

/** A tool a node may call: a registered name, or a name with settings. */
export const NodeToolSchema = z.union([
  identifier,
  z.strictObject({
    name: identifier,
    on_error: z.enum(["fail", "continue"]).default("fail").describe(
      "fail stops the node; continue hands the error to the model as the tool's result",
    ),
    config: z.record(z.string(), z.unknown()).optional().describe("Settings of the tool"),
  }),
]);

/** One field of an object output. */
export const OutputFieldSchema = z.strictObject({
  name: identifier,
  type: typeString,
  description: z.string().optional(),
  schema: ObjectSchemaSchema.optional(),
});

/** The shape the model must answer in. */
export const OutputSchemaSchema = z.strictObject({
  type: typeString,
  description: z.string().optional(),
  fields: z.array(OutputFieldSchema).optional(),
  schema: ObjectSchemaSchema.optional().describe("Sub-fields when a single output is an object"),
});

const positiveSeconds = z.number().positive();

/** One step of the workflow: a prompt, the model's structured answer, the state it writes. */
export const NodeSchema = z.strictObject({
  id: identifier.refine((id) => id !== START && id !== END, {
    error: "Cannot name a node START or END as they are the graph's endpoints",
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
});

/** A route condition: an expression, or the default route. */
export const RouteConditionSchema = z.union([
  z.literal("default"),
  z.strictObject({ logic: z.string().min(1).describe("Expression, e.g. state.score >= 8") }),
]);

/** One route of a conditional edge. */
export const RouteSchema = z.strictObject({
  condition: RouteConditionSchema,
  to: z.string().min(1),
});

/** A loop: the source node repeats until a bool field is true or the count is reached. */
export const LoopSchema = z.strictObject({
  condition_field: z.string().min(1).describe("Bool state field that ends the loop when true"),
  max_iterations: z.int().min(1).max(100).default(10),
  exit_to: z.string().min(1).default(END),
});

/** A fan-out: one concurrent run of the target per item, results collected in item order. */
export const ParallelSchema = z.strictObject({
  items_field: z.string().min(1).describe("List state field to fan out over"),
  target_node: z.string().min(1),
  collect_field: z.string().min(1).describe("List state field the results are appended to"),
});

const EDGE_KINDS = ["to", "routes", "loop", "parallel"] as const;

/** An edge: from a node (or START) by exactly one of `to`, `routes`, `loop`, `parallel`. */
export const EdgeSchema = z.strictObject({
  from: z.string().min(1),
  to: z.string().min(1).optional(),
  routes: z.array(RouteSchema).min(1).optional(),
  loop: LoopSchema.optional(),
  parallel: ParallelSchema.optional(),
}).superRefine((edge, ctx) => {
  const kinds = EDGE_KINDS.filter((kind) => edge[kind] !== undefined);
  if (kinds.length !== 1) {
    ctx.addIssue({
      code: "custom",
      path: kinds.length === 0 ? [] : [kinds[1] ?? "to"],
      message: kinds.length === 0
        ? `Cannot follow the edge from "${edge.from}" as it has no target: add one of ${
          EDGE_KINDS.map((k) => `'${k}'`).join(", ")
        }`
        : `Cannot combine ${kinds.map((k) => `'${k}'`).join(" and ")} in one edge: keep one`,
      params: { kind: "edge_kind" },
    });
  }
});

/** Limits of a run. */
export const BudgetSchema = z.strictObject({
  max_usd: z.number().positive().optional(),
  max_tokens: z.int().positive().optional(),
});

/** How a run executes. */
export const ExecutionSchema = z.strictObject({
  timeout: positiveSeconds.default(120).describe("Seconds the whole run may take"),
  node_timeout: positiveSeconds.optional().describe("Seconds each node may take"),
  max_retries: z.int().min(0).default(3).describe("Extra attempts after the first; 0 is one"),
  recursion_limit: z.int().min(1).default(25),
  budget: BudgetSchema.optional(),
});

/** Artifact levels of the MLflow run. */
export const ARTIFACT_LEVELS = ["minimal", "standard", "full"] as const;

/** Where and how runs are recorded in MLflow. */
export const MlflowSchema = z.strictObject({
  enabled: z.boolean().default(false),
  tracking_uri: z.string().min(1).optional().describe(
    "sqlite:///path.db (default, from MLFLOW_TRACKING_URI when set) or http(s)://host:port",
  ),
  experiment_name: z.string().min(1).default("configurable_agents"),
  run_name: z.string().min(1).optional().describe("Template over {flow_name}, {version}, ..."),
  log_prompts: z.boolean().default(true),
  log_artifacts: z.boolean().default(true),
  artifact_level: z.enum(ARTIFACT_LEVELS).default("standard"),
  async_logging: z.boolean().default(true),
  redact: z.array(z.string().min(1)).default([]).describe(
    "State fields or regular expressions whose values are masked in spans",
  ),
  retention_days: z.int().positive().optional().describe("Accepted; not implemented"),
  redact_pii: z.boolean().optional().describe("Accepted; not implemented"),
});

/** Log levels, upper-cased on input as v0.1 did. */
export const LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] as const;

/** Observability settings. */
export const ObservabilitySchema = z.strictObject({
  mlflow: MlflowSchema.optional(),
  logging: z.strictObject({
    level: z.string().transform((level) => level.toUpperCase()).pipe(z.enum(LOG_LEVELS))
      .default("INFO"),
  }).optional(),
});

/** Infrastructure settings of the workflow. */
export const GlobalConfigSchema = z.strictObject({
  llm: LlmSchema.prefault({}),
  execution: ExecutionSchema.prefault({}),
  observability: ObservabilitySchema.optional(),
});

/** The whole workflow file. */
export const WorkflowSchema = z.strictObject({
  schema_version: z.union([z.literal("1.0"), z.literal(1)])
    .transform(() => "1.0" as const)
    .describe('Always "1.0"'),
  flow: z.strictObject({
    name: z.string().trim().min(1, { error: "Cannot use an empty flow name" }),
    description: z.string().optional(),
    version: z.union([z.string(), z.number()]).transform(String).optional(),
  }),
  state: z.strictObject({
    fields: z.record(identifier, StateFieldSchema).refine(
      (fields) => Object.keys(fields).length > 0,
      { error: "Cannot run a workflow without state: declare at least one field" },
    ),
  }),
  nodes: z.array(NodeSchema).min(1),
  edges: z.array(EdgeSchema).min(1),
  config: GlobalConfigSchema.prefault({}),
  optimization: z.record(z.string(), z.unknown()).optional().describe(
    "Accepted and reported as not yet supported",
  ),
});

/** A workflow file as written (before defaults). */
export type WorkflowInput = z.input<typeof WorkflowSchema>;
/** A parsed workflow, defaults applied. */
export type WorkflowConfig = z.output<typeof WorkflowSchema>;
/** One node of a parsed workflow. */
export type NodeConfig = WorkflowConfig["nodes"][number];
/** One edge of a parsed workflow. */
export type EdgeConfig = WorkflowConfig["edges"][number];
/** One state field of a parsed workflow. */
export type StateFieldConfig = WorkflowConfig["state"]["fields"][string];
/** Workflow-wide model settings, defaults applied. */
export type LlmConfig = WorkflowConfig["config"]["llm"];
/** Node-level model overrides. */
export type LlmOverride = z.output<typeof LlmOverrideSchema>;
/** Execution settings, defaults applied. */
export type ExecutionConfig = WorkflowConfig["config"]["execution"];
/** MLflow settings, defaults applied. */
export type MlflowConfig = z.output<typeof MlflowSchema>;
/** One tool entry of a node, as written. */
export type NodeToolConfig = z.output<typeof NodeToolSchema>;
/** The output schema of a node. */
export type OutputSchemaConfig = z.output<typeof OutputSchemaSchema>;
/** One route of a conditional edge. */
export type RouteConfig = z.output<typeof RouteSchema>;
/** A provider name. */
export type ProviderName = (typeof PROVIDERS)[number];
