/**
 * The `config` section of a workflow file: model, execution and observability settings.
 *
 * The exported schemas carry explicit zod types so that the package has no slow types
 * (`deno publish`). `exactSchema` makes the compiler check that each annotation is exactly
 * the type of the schema it annotates, so an annotation cannot drift from its schema.
 *
 * @module
 */
import { z } from "zod";
import { exactSchema } from "./_exact_schema.ts";
import { positiveSeconds } from "./_schema_atoms.ts";
import { ARTIFACT_LEVELS, LOG_LEVELS } from "./constants.ts";
import { LlmSchema } from "./node_schema.ts";

/** Limits of a run, checked before every model call. */
export const BudgetSchema: z.ZodObject<{
  max_usd: z.ZodOptional<z.ZodNumber>;
  max_tokens: z.ZodOptional<z.ZodInt>;
}, z.core.$strict> = exactSchema(z.strictObject({
  max_usd: z.number().positive().optional().describe("Most dollars the run may spend"),
  max_tokens: z.int().positive().optional().describe("Most tokens the run may use"),
}));

/** How a run executes. */
export const ExecutionSchema: z.ZodObject<{
  timeout: z.ZodDefault<z.ZodNumber>;
  node_timeout: z.ZodOptional<z.ZodNumber>;
  max_retries: z.ZodDefault<z.ZodInt>;
  recursion_limit: z.ZodDefault<z.ZodInt>;
  budget: z.ZodOptional<typeof BudgetSchema>;
}, z.core.$strict> = exactSchema(z.strictObject({
  timeout: positiveSeconds.default(120).describe("Seconds the whole run may take"),
  node_timeout: positiveSeconds.optional().describe("Seconds each node may take"),
  max_retries: z.int().min(0).default(3).describe("Extra attempts after the first; 0 is one"),
  recursion_limit: z.int().min(1).default(25).describe("Most graph steps a run may take"),
  budget: BudgetSchema.optional().describe(
    "Limits checked before every model call; the run stops with budget_exceeded",
  ),
}));

/** Where and how runs are recorded in MLflow. */
export const MlflowSchema: z.ZodObject<{
  enabled: z.ZodDefault<z.ZodBoolean>;
  tracking_uri: z.ZodOptional<z.ZodString>;
  experiment_name: z.ZodDefault<z.ZodString>;
  run_name: z.ZodOptional<z.ZodString>;
  log_prompts: z.ZodDefault<z.ZodBoolean>;
  log_artifacts: z.ZodDefault<z.ZodBoolean>;
  artifact_level: z.ZodDefault<
    z.ZodEnum<{ [K in (typeof ARTIFACT_LEVELS)[number]]: K }>
  >;
  async_logging: z.ZodDefault<z.ZodBoolean>;
  redact: z.ZodDefault<z.ZodArray<z.ZodString>>;
  run_per_execution: z.ZodDefault<z.ZodBoolean>;
  retention_days: z.ZodOptional<z.ZodInt>;
  redact_pii: z.ZodOptional<z.ZodBoolean>;
}, z.core.$strict> = exactSchema(z.strictObject({
  enabled: z.boolean().default(false).describe("Record every run in MLflow"),
  tracking_uri: z.string().min(1).optional().describe(
    "sqlite:///path.db (default, from MLFLOW_TRACKING_URI when set) or http(s)://host:port",
  ),
  experiment_name: z.string().min(1).default("configurable_agents").describe(
    "The MLflow experiment runs are recorded in",
  ),
  run_name: z.string().min(1).optional().describe(
    "Template over {flow_name}, {version}, {date} and {timestamp}",
  ),
  log_prompts: z.boolean().default(true).describe(
    "Spans carry prompts and responses; false: only their sizes and hashes",
  ),
  log_artifacts: z.boolean().default(true).describe("Log run artifacts"),
  artifact_level: z.enum(ARTIFACT_LEVELS).default("standard").describe(
    "minimal: inputs, outputs, costs; standard: + prompts and responses; full: + state snapshots",
  ),
  async_logging: z.boolean().default(true).describe(
    "Export in the background; false: each run is written before it returns",
  ),
  redact: z.array(z.string().min(1)).default([]).describe(
    "State fields or regular expressions whose values are masked in spans",
  ),
  run_per_execution: z.boolean().default(false).describe(
    "One MLflow run per workflow execution, with its metrics and artifacts; default false: " +
      "a run records its trace only, and MLflow runs are made for batches and evaluations",
  ),
  retention_days: z.int().positive().optional().describe("Accepted; not implemented"),
  redact_pii: z.boolean().optional().describe("Accepted; not implemented"),
}));

/** Logging settings. */
export const LoggingSchema: z.ZodObject<{
  level: z.ZodDefault<
    z.ZodPipe<
      z.ZodPipe<z.ZodString, z.ZodTransform<string, string>>,
      z.ZodEnum<{ [K in (typeof LOG_LEVELS)[number]]: K }>
    >
  >;
}, z.core.$strict> = exactSchema(z.strictObject({
  level: z.string().transform((level) => level.toUpperCase()).pipe(z.enum(LOG_LEVELS))
    .default("INFO").describe("DEBUG, INFO, WARNING, ERROR or CRITICAL, in any case"),
}));

/** Observability settings. */
export const ObservabilitySchema: z.ZodObject<{
  mlflow: z.ZodOptional<typeof MlflowSchema>;
  logging: z.ZodOptional<typeof LoggingSchema>;
}, z.core.$strict> = exactSchema(z.strictObject({
  mlflow: MlflowSchema.optional().describe("MLflow tracking"),
  logging: LoggingSchema.optional().describe("Logging"),
}));

/** Infrastructure settings of the workflow. */
export const GlobalConfigSchema: z.ZodObject<{
  llm: z.ZodPrefault<typeof LlmSchema>;
  execution: z.ZodPrefault<typeof ExecutionSchema>;
  observability: z.ZodOptional<typeof ObservabilitySchema>;
}, z.core.$strict> = exactSchema(z.strictObject({
  llm: LlmSchema.prefault({}).describe("The chat model of every node that does not override it"),
  execution: ExecutionSchema.prefault({}).describe("Timeouts, retries, recursion limit, budget"),
  observability: ObservabilitySchema.optional().describe("MLflow tracking and logging"),
}));
