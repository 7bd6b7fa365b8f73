/**
 * The options of `runWorkflow` (and, with a few more, of `runBatch`).
 *
 * @module
 */
import type { EngineEvent, RunDeps } from "../engine/engine_types.ts";
import type { MockAnswers } from "../engine/mock_answers.ts";
import type { Tool } from "../tools/tool.ts";
import type { RateLimit } from "../llm/rate_limits.ts";
import type { PriceTable } from "../tracking/pricing/price_table.ts";
import type { PromptRegistry } from "../tracking/prompts/prompt_registry.ts";
import type { Tracer } from "../tracking/tracer.ts";
import type { TrackingDestination } from "../tracking/tracking_destination.ts";
import type { MlflowSchemaChoice } from "../tracking/sqlite/mlflow_schema_choice.ts";

/** Options of `runWorkflow`. */
export interface RunWorkflowOptions {
  /**
   * Switch every node to the mock model (no key, no network; tools return mock results);
   * calls are priced as the models the nodes would otherwise use, so the cost is an estimate.
   *
   * @default {false}
   */
  mock?: boolean;
  /**
   * Seed of the mock model.
   *
   * @default {0}
   */
  seed?: number;
  /**
   * Simulated latency of each mock model call, in milliseconds (demos, progress display,
   * cancellation tests).
   *
   * @default {0}
   */
  mockLatencyMs?: number;
  /**
   * Scripted answers of the mock model by node id, each list used in order with the last one
   * repeating (check them first with `checkMockAnswers`); they apply to nodes on the mock model.
   *
   * @default {no scripted answers}
   */
  mockAnswers?: MockAnswers;
  /** Cancels the run: it stops with `CANCELLED` and its trace ends as ERROR. */
  signal?: AbortSignal;
  /**
   * Told of progress: run and node starts and ends (a throwing listener is ignored).
   *
   * @default {no listener}
   */
  onEvent?: (event: EngineEvent) => void;
  /**
   * Your own tools (made with `defineTool`), added to the built-ins; workflow files may name
   * them.
   *
   * @default {[]}
   */
  tools?: readonly Tool[];
  /**
   * Records the run: a `Tracer` of your own (you close it), or `false` for no tracking at all.
   * Left undefined, a tracker is opened when tracking is on (a `trackingUri` is given, or the
   * workflow sets `config.observability.mlflow.enabled: true`) and closed after the run.
   *
   * @default {undefined}
   */
  tracker?: Tracer | false;
  /**
   * Where to record the run (`sqlite:///path.db` or `http(s)://host:port`); turns tracking on
   * and wins over the workflow's `tracking_uri` and `MLFLOW_TRACKING_URI`.
   *
   * @default {undefined}
   */
  trackingUri?: string | TrackingDestination;
  /**
   * The MLflow Prompt Registry the `prompts:/...` URIs of the workflow's nodes are looked up in
   * (once, when the run starts).
   *
   * @default {the registry at the workflow's tracking destination: `trackingUri`, else its
   * `tracking_uri`, else `MLFLOW_TRACKING_URI`, else `sqlite:///mlflow.db`}
   */
  promptRegistry?: PromptRegistry;
  /**
   * A W3C `traceparent` (`00-<trace id>-<span id>-<flags>`) the run nests under: its trace takes
   * that trace id and its root span that parent in an OpenTelemetry collector. A batch or an
   * evaluation nests nothing: each record is a trace of its own.
   *
   * @default {the caller's active OpenTelemetry span, else the `TRACEPARENT` variable}
   */
  traceparent?: string;
  /**
   * The MLflow release line whose schema a new SQLite tracking file gets; an existing file
   * keeps its own. 3.9 suits every MLflow from 3.9 on (newer ones upgrade the file when they
   * open it); 3.10 and 3.11 add MLflow's per-span cost table from the first run.
   *
   * @default {"3.9"}
   */
  mlflowSchema?: MlflowSchemaChoice;
  /**
   * One MLflow run per execution (with its params, metrics and artifacts), as the workflow's
   * `run_per_execution` asks; otherwise a run records its trace only, and a batch gets one
   * MLflow run.
   *
   * @default {the workflow's `run_per_execution`, false without one}
   */
  runPerExecution?: boolean;
  /**
   * Receives tracking warnings (a tracking problem never fails a run).
   *
   * @default {a line on standard error}
   */
  warn?: (message: string) => void;
  /**
   * Overrides of the run's collaborators (environment, fetch, files, clock, timers, tools,
   * prices, ...).
   *
   * @default {denoEngineDeps()}
   */
  deps?: Partial<RunDeps>;
  /**
   * Requests and tokens per minute for every provider and model the run calls, over each
   * node's own `rate_limit` (dimension by dimension). Calls are paced by `deps.rateLimits`,
   * which defaults to one registry for the whole process: concurrent runs share each model's
   * limit.
   *
   * @default {each node's `llm.rate_limit`, else unlimited}
   */
  rateLimit?: RateLimit;
  /**
   * Prices of the calls.
   *
   * @default {the bundled table, merged with the JSON file named by CONFIGURABLE_AGENTS_PRICES}
   */
  priceTable?: PriceTable;
}
