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
 * - **Evaluation**: {@linkcode scorersOf} makes the scorers of a workflow's `evaluation`
 *   section or of a scorers file ({@linkcode parseScorers}): deterministic checks and LLM judges
 *   run through `ScoreContext.runJudge`; {@linkcode defineScorer} adds your own.
 *   {@linkcode aggregateScores} computes MLflow's `<name>/mean` metrics,
 *   {@linkcode checkFailUnder} holds them against thresholds and
 *   {@linkcode compareEvaluations} compares two evaluations; {@linkcode totalSpend} sums the
 *   tokens and cost of the runs or, apart, of the judges.
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
export { type Diagnostic, type JsonPath } from "./src/config/diagnostic.ts";
export {
  isLoadedWorkflow,
  type LoadedWorkflow,
  type RegistryPromptUse,
  type VALIDATED,
} from "./src/config/loaded_workflow.ts";
export {
  type KeyDestination,
  validateWorkflow,
  type ValidateWorkflowOptions,
  type ValidationHooks,
} from "./src/config/validate_workflow.ts";
export {
  loadWorkflow,
  type LoadWorkflowOptions,
  safeLoadWorkflow,
} from "./src/config/load_workflow.ts";
export {
  parseWorkflow,
  type ParseWorkflowOptions,
  safeParseWorkflow,
  type SafeParseWorkflowResult,
} from "./src/config/parse_workflow.ts";
export {
  prepareWorkflow,
  type PrepareWorkflowOptions,
  safePrepareWorkflow,
} from "./src/config/prepare_workflow.ts";
export { type RegistryPromptLookup } from "./src/config/registry_prompts.ts";
export {
  parseScorers,
  type ParseScorersOptions,
  safeParseScorers,
  type SafeParseScorersResult,
  safePrepareScorers,
} from "./src/config/parse_scorers.ts";
export { workflowJsonSchema } from "./src/config/json_schema.ts";
export {
  workflowToMermaid,
  type WorkflowToMermaidOptions,
} from "./src/config/workflow_to_mermaid.ts";

// Config: the types of a workflow file, generated from its schema.
export type {
  BudgetConfig,
  ContainsConfig,
  ContainsInput,
  CorrectnessConfig,
  EdgeConfig,
  EdgeInput,
  EvaluationConfig,
  EvaluationInput,
  ExactMatchConfig,
  ExactMatchInput,
  ExecutionConfig,
  ExecutionInput,
  FlowConfig,
  FlowInput,
  GlobalConfig,
  GlobalConfigInput,
  JsonValidConfig,
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
  NumericWithinConfig,
  NumericWithinInput,
  ObjectFieldSpec,
  ObservabilityConfig,
  ObservabilityInput,
  OptimizationConfig,
  OutputFieldConfig,
  OutputSchemaConfig,
  ParallelConfig,
  RateLimitConfig,
  RegexConfig,
  RegexInput,
  RouteCondition,
  RouteConfig,
  ScorerConfig,
  ScorerInput,
  StateConfig,
  StateFieldConfig,
  StateFieldInput,
  StateInput,
  TypeCheckConfig,
  WorkflowConfig,
  WorkflowInput,
} from "./src/config/workflow_types.ts";

// Executor: running workflows.
export { type BatchItem } from "./src/runtime/read_json_lines.ts";
export {
  type BatchOutcome,
  type BatchSummary,
  runBatch,
  type RunBatchOptions,
} from "./src/runtime/run_batch.ts";
export { flushTracking } from "./src/runtime/flush_tracking.ts";
export { MAX_CONCURRENCY } from "./src/runtime/batch_concurrency.ts";
export { runWorkflow } from "./src/runtime/run_workflow.ts";
export { type RunWorkflowOptions } from "./src/runtime/run_options.ts";
export type {
  CheckMockAnswersOptions,
  MockAnswer,
  MockAnswerProblem,
  MockAnswers,
} from "./src/engine/mock_answers.ts";
export type {
  EngineEvent,
  LoopEnd,
  LoopPosition,
  NodeExecution,
  RunDeps,
  RunMetadata,
  RunResult,
  RunStatus,
  ToolLookup,
} from "./src/engine/engine_types.ts";
export { checkMockAnswers } from "./src/engine/mock_answers.ts";

// Evaluation: scorers, judges and what is computed from their results.
export type {
  JudgeCost,
  JudgeRun,
  JudgeWorkflow,
  RunJudgeOptions,
  ScoreContext,
  ScoredRun,
  ScoreInput,
  Scorer,
  ScoreResult,
  ScoreSource,
  ScoreValue,
} from "./src/evaluation/scorer.ts";
export { scorersOf } from "./src/evaluation/scorers_of.ts";
export {
  type CustomScore,
  defineScorer,
  type ScorerDefinition,
} from "./src/evaluation/define_scorer.ts";
export { scoreRecord } from "./src/evaluation/score_record.ts";
export { type JudgeRunner } from "./src/evaluation/judge_runner.ts";
export {
  aggregateScores,
  type ScoreAggregate,
  scoreNumber,
  scorePassed,
} from "./src/evaluation/aggregate_scores.ts";
export {
  checkFailUnder,
  type FailUnderCheck,
  type FailUnderOutcome,
  type FailUnderThreshold,
  parseFailUnder,
  type ParseFailUnderOptions,
} from "./src/evaluation/fail_under.ts";
export {
  judgeSpends,
  type Spend,
  type SpendTotal,
  totalSpend,
} from "./src/evaluation/total_spend.ts";
export {
  compareEvaluations,
  type EvaluationComparison,
  type EvaluationScores,
  type ScoredRecord,
  type ScoreFlip,
  type ScorerDelta,
} from "./src/evaluation/compare_evaluations.ts";

// Rate limits: one registry per process paces every run's calls per provider and model.
export {
  type RateLimit,
  type RateLimitedCall,
  type RateLimiter,
  type RateLimitOutcome,
  type RateLimitPermit,
  RateLimits,
  type RateLimitsOptions,
  withRateLimit,
} from "./src/llm/rate_limits.ts";
export type { ProviderErrorKind } from "./src/llm/classify_provider_error.ts";
// Evaluation runs: datasets and evaluateWorkflow.
export { checkDataset, type CheckedDataset } from "./src/evaluation/check_dataset.ts";
export {
  type DatasetFormat,
  type EvaluationDataset,
  type EvaluationRecord,
  parseDataset,
  type ParseDatasetOptions,
} from "./src/evaluation/parse_dataset.ts";
export {
  evaluateWorkflow,
  type EvaluateWorkflowOptions,
  type EvaluationResult,
  type RecordEvaluation,
} from "./src/runtime/evaluate_workflow.ts";
export { loadDataset, type LoadDatasetOptions } from "./src/runtime/load_dataset.ts";
export { type StoredAssessment } from "./src/tracking/report/tracking_reader.ts";

// Prompt registry: prompts versioned in MLflow, named by prompts:/<name>/<version> or @<alias>.
export {
  listPrompts,
  type PromptRegistryAccessOptions,
  type RegisteredPrompt,
  registerPrompt,
  type RegisterPromptOptions,
  setPromptAlias,
  type ShownPrompt,
  showPrompt,
} from "./src/runtime/prompt_registry_api.ts";
export {
  type PushedPrompt,
  pushWorkflowPrompts,
  type PushWorkflowPromptsOptions,
  type PushWorkflowPromptsResult,
} from "./src/runtime/push_workflow_prompts.ts";
export {
  openPromptRegistry,
  type OpenPromptRegistryOptions,
} from "./src/tracking/prompts/open_prompt_registry.ts";
export {
  type PromptDetails,
  type PromptRegistry,
  type PromptSummary,
  type PromptVersion,
  type RegisterPromptInput,
  type RegisterPromptResult,
} from "./src/tracking/prompts/prompt_registry.ts";
export { formatPromptUri, parsePromptUri, type PromptUri } from "./src/config/prompt_uri.ts";

// Tools: what nodes can call.
export { builtinTools } from "./src/tools/builtin_tools.ts";
export {
  createToolRegistry,
  type CreateToolRegistryOptions,
  ToolRegistry,
} from "./src/tools/tool_registry.ts";
export { defineTool, type ToolCallContext, type ToolSpec } from "./src/tools/define_tool.ts";
export {
  type FileHead,
  type HostIO,
  type Tool,
  type ToolContext,
  type ToolPermissions,
} from "./src/tools/tool.ts";
export { httpGetTool } from "./src/tools/http_get.ts";
export { readFileTool } from "./src/tools/read_file.ts";
export { serperSearchTool } from "./src/tools/serper_search.ts";
export {
  type StandardToolSchema,
  type StandardToolSchemaIssue,
  type StandardToolSchemaProps,
  type StandardToolSchemaResult,
  type ToolJsonSchemaOptions,
  type ToolSchema,
  type ToolSchemaIssue,
  type ToolSchemaOutput,
  type ToolSchemaResult,
  type ToolSchemaStandard,
} from "./src/tools/tool_schema.ts";
export { writeFileTool } from "./src/tools/write_file.ts";

// Tracker: recording runs in MLflow.
export { type ArtifactLevel, type NodeCaptureSettings } from "./src/tracking/capture_policy.ts";
export {
  type AgentVersionRecord,
  type ArtifactRecord,
  type AssessmentRecord,
  type AssessmentSourceRecord,
  type DatasetRecord,
  type DeliveryOutcome,
  type DeliveryReceipt,
  type GroupRunLink,
  type RunBundle,
  type RunRecord,
  type SpanEventRecord,
  type SpanRecord,
  type SpanStatusCode,
  type TraceBundle,
  type TraceRecord,
  type TraceSink,
  type TrackingBundle,
} from "./src/tracking/trace_bundle.ts";
export type {
  StartGroupRunOptions,
  StartRunOptions,
  TraceAnnotations,
} from "./src/tracking/tracker_options.ts";
export type { GroupRun, GroupRunEnd, GroupTraceSummary } from "./src/tracking/group_run.ts";
export type { JsonValue } from "./src/tracking/python_json.ts";
export {
  type AttributeValue,
  type LlmCallRecord,
  type RunEnd,
  type RunPrompt,
  type RunRecordIds,
  type RunStart,
  type RunTrace,
  type SpanOptions,
  type SpanScope,
  type SpanType,
  type Tracer,
} from "./src/tracking/tracer.ts";
export {
  type CloseTrackerOptions,
  type ForeignParent,
  type MlflowCaptureSettings,
  MlflowTracker,
  type MlflowTrackerOptions,
} from "./src/tracking/mlflow_tracker.ts";
export {
  MLFLOW_SCHEMA_CHOICES,
  type MlflowSchemaChoice,
} from "./src/tracking/sqlite/mlflow_schema_choice.ts";
export { type TrackingDestination } from "./src/tracking/tracking_destination.ts";
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
  type LogBatchInput,
  type MetricInput,
  MlflowClient,
  type MlflowClientOptions,
  type OtlpEndpoint,
  type SearchRunsInput,
  type StartTraceInput,
  type UpdateRunInput,
} from "./src/tracking/http/mlflow_client.ts";
export { type EnvReader } from "./src/tracking/http/mlflow_auth.ts";
export {
  type MlflowAssessmentInfo,
  type MlflowExperiment,
  type MlflowRun,
  type MlflowRunInfo,
  type MlflowRunPage,
  type MlflowRunStatus,
  type MlflowTraceInfo,
  type MlflowTraceState,
} from "./src/tracking/http/mlflow_entities.ts";

// Tracker: prices and cost reports.
export { type CostBreakdown, type TokenUsage } from "./src/tracking/tracer.ts";
export {
  type CostedCall,
  type CostSummary,
  type CostTotals,
  summarizeCosts,
} from "./src/tracking/pricing/summarize_costs.ts";
export { findModelPrice, type ModelPrice } from "./src/tracking/pricing/find_model_price.ts";
export {
  type LongContextRates,
  type ModelRates,
  type PriceTable,
} from "./src/tracking/pricing/price_table.ts";
export { priceCall, type PricedAs } from "./src/tracking/pricing/price_call.ts";
export {
  buildCostReport,
  type CostReport,
  type CostReportOptions,
  type CostReportRow,
  type Grouping,
  GROUPINGS,
} from "./src/tracking/report/cost_report.ts";
export {
  openTrackingReader,
  type OpenTrackingReaderOptions,
} from "./src/tracking/report/open_tracking_reader.ts";
export {
  type RunQuery,
  type StoredExperiment,
  type StoredRun,
  type StoredTrace,
  type StoredTraceInfo,
  type TraceQuery,
  type TrackingReader,
} from "./src/tracking/report/tracking_reader.ts";
export { type TimeWindow } from "./src/tracking/report/time_window.ts";

// Errors.
export {
  isWorkflowError,
  WorkflowError,
  type WorkflowErrorCode,
  type WorkflowErrorOptions,
  type WorkflowPhase,
} from "./src/errors.ts";
