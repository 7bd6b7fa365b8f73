/**
 * Run LLM agent workflows declared in YAML (or JSON) on LangGraph.js, and record every run in
 * MLflow: one trace per run with a span per node, LLM call and tool call, token usage and
 * dollar cost, plus one MLflow run with summary metrics.
 *
 * - **Config**: {@linkcode parseWorkflow} and {@linkcode loadWorkflow} read a workflow file
 *   and {@linkcode prepareWorkflow} takes one built in code; each checks it and gives the
 *   {@linkcode LoadedWorkflow} that runs (only the validator makes one).
 *   {@linkcode validateWorkflow} reports every problem with its line and column,
 *   {@linkcode workflowJsonSchema} is the JSON Schema for editors and
 *   {@linkcode workflowToMermaid} draws the graph. The types of a file
 *   ({@linkcode WorkflowConfig}, {@linkcode NodeConfig}, ...) are generated from the one
 *   schema.
 * - **Executor**: {@linkcode runWorkflow} runs a workflow once and returns its final state and
 *   metadata (duration, tokens, cost, trace and run ids); {@linkcode runBatch} runs one per
 *   input. With `mock: true` no key and no network are needed, and the cost is an estimate.
 * - **Rate limits**: `llm.rate_limit` (or the `rateLimit` option) paces each provider and
 *   model's calls evenly; every run of the process shares one {@linkcode RateLimits}.
 * - **Tools**: {@linkcode defineTool} makes a tool nodes can call; the built-ins are
 *   `serper_search`, `http_get`, `read_file` and `write_file`.
 * - **Prompt registry**: {@linkcode registerPrompt}, {@linkcode listPrompts},
 *   {@linkcode showPrompt}, {@linkcode setPromptAlias} and {@linkcode pushWorkflowPrompts}
 *   version prompts in MLflow's Prompt Registry (the SQLite file or a tracking server); a
 *   node's `prompt` may then name `prompts:/<name>/<version>` or `prompts:/<name>@<alias>`.
 * - **Tracker**: {@linkcode MlflowTracker} records runs (`trackingUri: "sqlite:///mlflow.db"`
 *   writes an MLflow database directly, `http(s)://` a tracking server);
 *   {@linkcode priceCall}, {@linkcode summarizeCosts} and {@linkcode buildCostReport} price
 *   and report the calls.
 * - **Errors**: every domain error is a {@linkcode WorkflowError} with a stable `code`, the
 *   `phase` it happened in and, when a node failed, its `nodeId`.
 *
 * @example Usage
 * ```ts
 * import { parseWorkflow, runWorkflow, validateWorkflow } from "@configurable-agents/core";
 *
 * const workflow = parseWorkflow(`
 * schema_version: "1.0"
 * flow: { name: greeter }
 * state:
 *   fields:
 *     name: { type: str, required: true }
 *     greeting: { type: str }
 * nodes:
 *   - { id: greet, prompt: "Write a one-line greeting for {state.name}", outputs: [greeting] }
 * edges:
 *   - { from: START, to: greet }
 *   - { from: greet, to: END }
 * `);
 * if (validateWorkflow(workflow).some((problem) => problem.severity === "error")) {
 *   throw new Error("expected a valid workflow");
 * }
 *
 * // The mock model needs no key and no network; `tracker: false` records nothing.
 * const result = await runWorkflow(workflow, { name: "Ada" }, { mock: true, tracker: false });
 * if (typeof result.state.greeting !== "string" || result.state.name !== "Ada") {
 *   throw new Error("expected a greeting");
 * }
 * if (result.metadata.status !== "success" || result.metadata.usage.total_tokens <= 0) {
 *   throw new Error("expected the run's metadata");
 * }
 * ```
 *
 * @module
 */

// Config: reading, validating and drawing workflow files.
export {
  type Diagnostic,
  isLoadedWorkflow,
  type JsonPath,
  type KeyDestination,
  type LoadedWorkflow,
  loadWorkflow,
  type LoadWorkflowOptions,
  parseWorkflow,
  type ParseWorkflowOptions,
  prepareWorkflow,
  type PrepareWorkflowOptions,
  type RegistryPromptLookup,
  type RegistryPromptUse,
  safeLoadWorkflow,
  safeParseWorkflow,
  type SafeParseWorkflowResult,
  safePrepareWorkflow,
  type VALIDATED,
  validateWorkflow,
  type ValidateWorkflowOptions,
  type ValidationHooks,
  workflowJsonSchema,
  workflowToMermaid,
  type WorkflowToMermaidOptions,
} from "./src/config/mod.ts";

// Config: the types of a workflow file, generated from its schema.
export type {
  BudgetConfig,
  EdgeConfig,
  EdgeInput,
  ExecutionConfig,
  ExecutionInput,
  FlowConfig,
  FlowInput,
  GlobalConfig,
  GlobalConfigInput,
  LlmConfig,
  LlmInput,
  LlmOverride,
  LoggingConfig,
  LoggingInput,
  LoopConfig,
  LoopInput,
  MlflowConfig,
  MlflowInput,
  NodeConfig,
  NodeInput,
  NodeToolConfig,
  NodeToolInput,
  ObjectFieldSpec,
  ObservabilityConfig,
  ObservabilityInput,
  OptimizationConfig,
  OutputFieldConfig,
  OutputSchemaConfig,
  ParallelConfig,
  RateLimitConfig,
  RouteCondition,
  RouteConfig,
  StateConfig,
  StateFieldConfig,
  StateFieldInput,
  StateInput,
  WorkflowConfig,
  WorkflowInput,
} from "./src/config/mod.ts";

// Executor: running workflows.
export {
  type BatchItem,
  type BatchOutcome,
  type BatchSummary,
  flushTracking,
  MAX_CONCURRENCY,
  runBatch,
  type RunBatchOptions,
  runWorkflow,
  type RunWorkflowOptions,
} from "./src/runtime/mod.ts";
export type {
  CheckMockAnswersOptions,
  EngineEvent,
  LoopEnd,
  LoopPosition,
  MockAnswer,
  MockAnswerProblem,
  MockAnswers,
  NodeExecution,
  RunDeps,
  RunMetadata,
  RunResult,
  RunStatus,
  ToolLookup,
} from "./src/engine/mod.ts";
export { checkMockAnswers } from "./src/engine/mod.ts";

// Rate limits: one registry per process paces every run's calls per provider and model.
export {
  type ProviderErrorKind,
  type RateLimit,
  type RateLimitedCall,
  type RateLimiter,
  type RateLimitOutcome,
  type RateLimitPermit,
  RateLimits,
  type RateLimitsOptions,
  withRateLimit,
} from "./src/llm/mod.ts";
// Prompt registry: prompts versioned in MLflow, named by prompts:/<name>/<version> or @<alias>.
export {
  listPrompts,
  type PromptRegistryAccessOptions,
  type PushedPrompt,
  pushWorkflowPrompts,
  type PushWorkflowPromptsOptions,
  type PushWorkflowPromptsResult,
  type RegisteredPrompt,
  registerPrompt,
  type RegisterPromptOptions,
  setPromptAlias,
  type ShownPrompt,
  showPrompt,
} from "./src/runtime/mod.ts";
export {
  openPromptRegistry,
  type OpenPromptRegistryOptions,
  type PromptDetails,
  type PromptRegistry,
  type PromptSummary,
  type PromptVersion,
  type RegisterPromptInput,
  type RegisterPromptResult,
} from "./src/tracking/prompts/mod.ts";
export { formatPromptUri, parsePromptUri, type PromptUri } from "./src/config/prompt_uri.ts";

// Tools: what nodes can call.
export {
  builtinTools,
  createToolRegistry,
  type CreateToolRegistryOptions,
  defineTool,
  type FileHead,
  type HostIO,
  httpGetTool,
  readFileTool,
  serperSearchTool,
  type StandardToolSchema,
  type StandardToolSchemaIssue,
  type StandardToolSchemaProps,
  type StandardToolSchemaResult,
  type Tool,
  type ToolCallContext,
  type ToolContext,
  type ToolJsonSchemaOptions,
  type ToolPermissions,
  ToolRegistry,
  type ToolSchema,
  type ToolSchemaIssue,
  type ToolSchemaOutput,
  type ToolSchemaResult,
  type ToolSchemaStandard,
  type ToolSpec,
  writeFileTool,
} from "./src/tools/mod.ts";

// Tracker: recording runs in MLflow.
export {
  type ArtifactLevel,
  type ArtifactRecord,
  type AttributeValue,
  type CloseTrackerOptions,
  type DeliveryOutcome,
  type DeliveryReceipt,
  type ForeignParent,
  type LlmCallRecord,
  MLFLOW_SCHEMA_CHOICES,
  type MlflowCaptureSettings,
  type MlflowSchemaChoice,
  MlflowTracker,
  type MlflowTrackerOptions,
  type NodeCaptureSettings,
  type RunEnd,
  type RunPrompt,
  type RunRecord,
  type RunRecordIds,
  type RunStart,
  type RunTrace,
  type SpanEventRecord,
  type SpanOptions,
  type SpanRecord,
  type SpanScope,
  type SpanStatusCode,
  type SpanType,
  type TraceBundle,
  type Tracer,
  type TraceRecord,
  type TraceSink,
  type TrackingDestination,
} from "./src/tracking/mod.ts";
export type { OpenSinkDeps } from "./src/tracking/delivery/open_sink.ts";
export type {
  Connect,
  PermissionQuery,
  PreflightDeps,
  Sleep,
} from "./src/tracking/delivery/preflight.ts";
export type { SpoolFiles, SpoolOptions } from "./src/tracking/delivery/spool.ts";
export type { SqliteSinkOptions } from "./src/tracking/sqlite/sqlite_sink.ts";
export type { OtlpCollectorConfig } from "./src/tracking/otlp/otlp_env.ts";
export type { OtlpProtocol } from "./src/tracking/otlp/encode_otlp.ts";
export {
  type CreateRunInput,
  type EnvReader,
  type LogBatchInput,
  type MetricInput,
  MlflowClient,
  type MlflowClientOptions,
  type MlflowExperiment,
  type MlflowRun,
  type MlflowRunInfo,
  type MlflowRunPage,
  type MlflowRunStatus,
  type MlflowTraceInfo,
  type MlflowTraceState,
  type OtlpEndpoint,
  type SearchRunsInput,
  type StartTraceInput,
  type UpdateRunInput,
} from "./src/tracking/http/mod.ts";

// Tracker: prices and cost reports.
export {
  type CostBreakdown,
  type CostedCall,
  type CostSummary,
  type CostTotals,
  findModelPrice,
  type LongContextRates,
  type ModelPrice,
  type ModelRates,
  priceCall,
  type PricedAs,
  type PriceTable,
  summarizeCosts,
  type TokenUsage,
} from "./src/tracking/pricing/mod.ts";
export {
  buildCostReport,
  type CostReport,
  type CostReportOptions,
  type CostReportRow,
  type Grouping,
  GROUPINGS,
  openTrackingReader,
  type OpenTrackingReaderOptions,
  type RunQuery,
  type StoredExperiment,
  type StoredRun,
  type StoredTrace,
  type StoredTraceInfo,
  type TimeWindow,
  type TraceQuery,
  type TrackingReader,
} from "./src/tracking/report/mod.ts";

// Errors.
export {
  isWorkflowError,
  WorkflowError,
  type WorkflowErrorCode,
  type WorkflowErrorOptions,
  type WorkflowPhase,
} from "./src/errors.ts";
