/**
 * The one schema of a workflow file. Every type of the configuration is derived from it, and
 * the published JSON Schema is generated from it. The sections live in their own files
 * (`state_schema.ts`, `node_schema.ts`, `edge_schema.ts`, `global_config_schema.ts`) and are
 * re-exported here.
 *
 * The exported schemas carry explicit zod types so that the package has no slow types
 * (`deno publish`). `exactSchema` makes the compiler check that each annotation is exactly the type of the
 * schema it annotates, so an annotation cannot drift from its schema.
 *
 * @module
 */
import { z } from "zod";
import { exactSchema } from "./_exact_schema.ts";
import { StateSchema } from "./state_schema.ts";
import {
  type LlmOverrideSchema,
  NodeSchema,
  type NodeToolSchema,
  OptimizationSchema,
  type OutputSchemaSchema,
} from "./node_schema.ts";
import { EdgeSchema, type RouteSchema } from "./edge_schema.ts";
import { GlobalConfigSchema, type MlflowSchema } from "./global_config_schema.ts";

export {
  ARTIFACT_LEVELS,
  DEFAULT_MODEL,
  DEFAULT_PROVIDER,
  END,
  LOG_LEVELS,
  type ProviderName,
  PROVIDERS,
  START,
  TRACKING_URI_SCHEMES,
} from "./constants.ts";
export {
  type ObjectFieldSpec,
  ObjectSchemaSchema,
  StateFieldSchema,
  StateSchema,
} from "./state_schema.ts";
export {
  LlmOverrideSchema,
  LlmSchema,
  NodeSchema,
  NodeToolSchema,
  OptimizationSchema,
  OutputFieldSchema,
  OutputSchemaSchema,
} from "./node_schema.ts";
export {
  EDGE_KINDS,
  EdgeSchema,
  LoopSchema,
  ParallelSchema,
  type RouteCondition,
  RouteConditionSchema,
  RouteSchema,
} from "./edge_schema.ts";
export {
  BudgetSchema,
  ExecutionSchema,
  GlobalConfigSchema,
  LoggingSchema,
  MlflowSchema,
  ObservabilitySchema,
} from "./global_config_schema.ts";

/** The `flow` section: the workflow's name, description and version. */
export const FlowSchema: z.ZodObject<{
  name: z.ZodString;
  description: z.ZodOptional<z.ZodString>;
  version: z.ZodOptional<
    z.ZodPipe<
      z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>,
      z.ZodTransform<string, string | number>
    >
  >;
}, z.core.$strict> = exactSchema(z.strictObject({
  name: z.string().trim().min(1).describe("Names the trace and the run"),
  description: z.string().optional(),
  version: z.union([z.string(), z.number()]).transform(String).optional().describe(
    'Shown as "unversioned" when absent',
  ),
}));

/** The whole workflow file. */
export const WorkflowSchema: z.ZodObject<{
  schema_version: z.ZodPipe<
    z.ZodUnion<readonly [z.ZodLiteral<"1.0">, z.ZodLiteral<1>]>,
    z.ZodTransform<"1.0", "1.0" | 1>
  >;
  flow: typeof FlowSchema;
  state: typeof StateSchema;
  nodes: z.ZodArray<typeof NodeSchema>;
  edges: z.ZodArray<typeof EdgeSchema>;
  config: z.ZodPrefault<typeof GlobalConfigSchema>;
  optimization: z.ZodOptional<typeof OptimizationSchema>;
}, z.core.$strict> = exactSchema(z.strictObject({
  schema_version: z.union([z.literal("1.0"), z.literal(1)], {
    error: (issue) =>
      issue.input === undefined
        ? undefined
        : `Cannot use schema_version ${JSON.stringify(issue.input)} as only "1.0" is supported`,
  })
    .transform((): "1.0" => "1.0")
    .describe('Always "1.0" (an unquoted YAML 1.0 is accepted too)'),
  flow: FlowSchema,
  state: StateSchema,
  nodes: z.array(NodeSchema).min(1),
  edges: z.array(EdgeSchema).min(1),
  config: GlobalConfigSchema.prefault({}),
  optimization: OptimizationSchema.optional(),
}));

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
