/**
 * The runtime: where the engine, the tools, the prices and MLflow tracking meet Deno. It runs
 * a workflow once ({@linkcode runWorkflow}) or once per line of a JSONL batch
 * ({@linkcode runBatch}), opens and closes the tracker a run needs, and tells which Deno
 * permissions a run needs ({@linkcode workflowPermissions}).
 *
 * @example Usage
 * ```ts
 * import { runWorkflow } from "./mod.ts";
 * import { prepareWorkflow } from "../config/prepare_workflow.ts";
 * const loaded = prepareWorkflow({
 *   schema_version: "1.0",
 *   flow: { name: "hello" },
 *   state: { fields: { name: { type: "str", required: true }, greeting: { type: "str" } } },
 *   nodes: [{ id: "greet", prompt: "Greet {state.name}", outputs: ["greeting"] }],
 *   edges: [{ from: "START", to: "greet" }, { from: "greet", to: "END" }],
 * });
 * const result = await runWorkflow(loaded, { name: "Ada" }, { mock: true, tracker: false });
 * if (typeof result.state.greeting !== "string") throw new Error();
 * ```
 *
 * @module
 */
export { runWorkflow } from "./run_workflow.ts";
export type { RunWorkflowOptions } from "./run_options.ts";
export { runBatch } from "./run_batch.ts";
export { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from "./batch_concurrency.ts";
export type { BatchOutcome, BatchSummary, RunBatchOptions } from "./run_batch.ts";
export { checkShard, readJsonLines } from "./read_json_lines.ts";
export type { BatchItem, ReadJsonLinesOptions, Shard } from "./read_json_lines.ts";
export { loadRunnableWorkflow } from "./load_runnable_workflow.ts";
export type { LoadRunnableWorkflowOptions } from "./load_runnable_workflow.ts";
export { createWorkflowTracker } from "./workflow_tracker.ts";
export type { WorkflowTrackerOptions } from "./workflow_tracker.ts";
export { flushTracking } from "./flush_tracking.ts";
export { resolveTrackingDestination } from "../tracking/tracking_destination.ts";
export { loadPriceTableFromEnv } from "../tracking/pricing/load_price_table_from_env.ts";
export { workflowValidationHooks } from "./workflow_validation_hooks.ts";
export { permissionFlags, workflowPermissions } from "./workflow_permissions.ts";
export {
  listPrompts,
  type PromptRegistryAccessOptions,
  type RegisteredPrompt,
  registerPrompt,
  type RegisterPromptOptions,
  setPromptAlias,
  type ShownPrompt,
  showPrompt,
} from "./prompt_registry_api.ts";
export {
  lookupPromptsForValidation,
  resolveWorkflowPrompts,
  type WorkflowPromptsOptions,
} from "./resolve_workflow_prompts.ts";
export {
  nodePromptName,
  type PushedPrompt,
  pushWorkflowPrompts,
  type PushWorkflowPromptsOptions,
  type PushWorkflowPromptsResult,
} from "./push_workflow_prompts.ts";
export type { WorkflowPermissions, WorkflowPermissionsOptions } from "./workflow_permissions.ts";
export {
  denoCwd,
  denoEngineDeps,
  denoEnv,
  denoEnvironment,
  denoWarn,
  secretValues,
} from "./deno_deps.ts";
export type { DenoEngineDepsOptions, EnvReader, SecretValuesOptions } from "./deno_deps.ts";
